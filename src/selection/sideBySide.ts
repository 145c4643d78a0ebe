// Fits side by side on the thread pool: each fit is a generator (Model.fitSteps with offload)
// that yields its chunks' export calls; this thread advances every fit to its next call (all
// allocation and bookkeeping stay here), then makes one call itself while the pool's workers
// make the others, over the one shared memory, and sends each call's status back. Each fit
// computes exactly what it computes alone: the same bits, whatever the thread count.
import type { Step } from '../models/trainLoop.js';
import { abortError } from '../models/trainLoop.js';
import type { Pool, Task } from '../threads/pool.js';
import type { WasmRuntime } from '../wasm/runtime.js';

/**
 * Runs the fits (at most pool.threads(cap) of them) to their ends and returns their results
 * in order. As one after another would, it throws the error of the first fit (by index) that
 * fails; the fits after it are stopped where they are. Between rounds it gives the event loop
 * a turn every yieldEveryMs and stops all fits (with the AbortError) when signal aborts.
 */
export async function sideBySide<T>(
  fits: Generator<Step, T, number>[], rt: WasmRuntime, pool: Pool, yieldEveryMs: number, signal: AbortSignal | undefined,
): Promise<T[]> {
  const results: T[] = [];
  const sent: (number | undefined)[] = [];
  const calls: (Task | null)[] = fits.map(() => null);
  let failed = -1;
  let error: unknown;
  let live = fits.map((_, i) => i);
  let last = performance.now();
  const stopFrom = (i: number) => {
    for (const j of live) if (j > i) fits[j].return(undefined as T); // runs each fit's finally: the copy is released
    live = live.filter((j) => j <= i);
  };
  try {
    while (live.length > 0) {
      // This thread: every live fit up to its next export call (or its end).
      for (const i of live) {
        try {
          const r = fits[i].next(sent[i] as number);
          if (r.done) results[i] = r.value;
          else calls[i] = r.value as Task; // with offload, every step is an export call
        } catch (err) {
          if (failed < 0 || i < failed) [failed, error] = [i, err];
          stopFrom(i);
          break;
        }
      }
      live = live.filter((i) => results[i] === undefined && (failed < 0 || i < failed));
      if (live.length === 0) break;
      // The calls: workers 0.. take all but the first, this thread the first.
      live.slice(1).forEach((i, w) => pool.start(w, calls[i]!));
      const [net, desc, first, lastBatch] = calls[live[0]]!.args;
      let own: number;
      try {
        own = rt.exports.trainEpoch(net, desc, first, lastBatch);
      } finally {
        const out = pool.join(); // never leave a worker writing: a fault here throws the pool's EngineError
        live.slice(1).forEach((i, w) => (sent[i] = out[w]));
      }
      sent[live[0]] = own;
      if (signal?.aborted) throw abortError(signal, 'crossValidate');
      if (performance.now() - last >= yieldEveryMs) {
        await new Promise((resolve) => setTimeout(resolve, 0));
        last = performance.now();
      }
    }
  } catch (err) {
    stopFrom(-1);
    throw err;
  }
  if (failed >= 0) throw error;
  return results;
}
