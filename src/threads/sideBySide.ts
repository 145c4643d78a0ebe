// Fits side by side on the thread pool: each fit is a generator (Model.fitSteps with offload, or
// one restart's run of epochs) that yields its chunks' export calls; this thread advances every
// fit to its next call (all allocation and bookkeeping stay here), then makes one call itself
// while the pool's workers make the others, over the one shared memory, and sends each call's
// status back. Each fit computes exactly what it computes alone: the same bits, whatever the
// thread count. Used by crossValidate, randomSearch and fit's restarts, through the runtime's
// Threaded.sideBySide: it is part of the threads chunk, which a page without threads never loads.
import type { Step } from '../models/trainLoop.js';
import type { Pool, Task } from './pool.js';
import type { WasmRuntime } from '../wasm/runtime.js';

/**
 * Runs fits 0..count-1 to their ends, at most width at a time (width <= pool.threads()), and
 * returns their results in order. fit(i, slot) starts fit i on slot 0..width-1: a slot runs one
 * fit at a time and takes the next fit (in index order) when its own ends, so a caller can keep
 * per-slot resources (a model copy, a trainer). As one after another would, it throws the error
 * of the first fit (by index) that fails: the fits after it are stopped where they are or never
 * started, the ones before it run to their ends. It yields after every round of calls (the
 * progress of the first live fit that reported one, else null), where a driver may give the
 * event loop a turn or throw an error in (an abort): that error is thrown into every live fit
 * (each puts back its epoch's start, as a fit aborted alone does) and rethrown.
 */
export function* sideBySide<T>(
  count: number, width: number, fit: (i: number, slot: number) => Generator<Step, T, unknown>, rt: WasmRuntime, pool: Pool,
): Generator<Step, T[], unknown> {
  const results: T[] = new Array(count);
  const gens: (Generator<Step, T, unknown> | null)[] = new Array(width).fill(null);
  const index = new Array<number>(width).fill(-1);
  const calls: (Task | null)[] = new Array(width).fill(null);
  const sent: unknown[] = new Array(width).fill(undefined);
  const progress: Step[] = new Array(width).fill(null);
  let next = 0;
  let failed = -1;
  let error: unknown;
  const stopAfter = (i: number) => {
    next = count; // fits start in index order: every fit before i has started
    gens.forEach((g, s) => {
      if (g && index[s] > i) {
        gens[s] = null;
        g.return(undefined as T); // runs the fit's finally blocks (a model copy is released)
      }
    });
  };
  const begin = (s: number) => {
    gens[s] = next < count ? fit(next, s) : null;
    index[s] = next < count ? next++ : -1;
    sent[s] = undefined;
    progress[s] = null;
  };
  for (let s = 0; s < width; s++) begin(s);
  try {
    for (;;) {
      // This thread: every live fit up to its next export call; a fit that ends hands its slot on.
      for (let s = 0; s < width; s++) {
        calls[s] = null;
        while (gens[s]) {
          let r: IteratorResult<Step, T>;
          try {
            r = gens[s]!.next(sent[s]);
          } catch (err) {
            gens[s] = null;
            if (failed < 0 || index[s] < failed) [failed, error] = [index[s], err];
            stopAfter(failed);
            break;
          }
          sent[s] = undefined;
          if (r.done) {
            results[index[s]] = r.value;
            begin(s);
          } else if (isTask(r.value)) {
            calls[s] = r.value;
            break;
          } else {
            progress[s] = r.value; // an async fit's progress between its chunks
          }
        }
      }
      const live = [...gens.keys()].filter((s) => gens[s] && calls[s]);
      if (live.length === 0) break;
      // The calls: workers 0.. take all but the first, this thread the first.
      const rest = live.slice(1);
      rest.forEach((s, w) => pool.start(w, calls[s]!));
      const [net, desc, first, last] = calls[live[0]]!.args;
      try {
        sent[live[0]] = rt.exports.trainEpoch(net, desc, first, last);
      } finally {
        const out = pool.join(); // never leave a worker writing: a fault here throws the pool's EngineError
        rest.forEach((s, w) => (sent[s] = out[w]));
      }
      const lead = live.reduce((a, s) => (progress[s] && (a < 0 || index[s] < index[a]) ? s : a), -1);
      try {
        yield lead < 0 ? null : progress[lead];
      } catch (err) {
        // Thrown in by the driver (an abort): every live fit stops as it would alone.
        for (let s = 0; s < width; s++) {
          const g = gens[s];
          gens[s] = null;
          try {
            g?.throw(err);
          } catch {
            // each rethrows it (or its own error); the driver's error is the call's
          }
        }
        throw err;
      }
    }
  } finally {
    for (const g of gens) g?.return(undefined as T); // a fault or an abort: nothing is left half-way
  }
  if (failed >= 0) throw error;
  return results;
}

function isTask(step: Step): step is Task {
  return typeof step === 'object' && step !== null && 'fn' in step && 'args' in step;
}
