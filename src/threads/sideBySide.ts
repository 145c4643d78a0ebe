// Fits side by side on the thread pool: each fit is a generator (Model.fitSteps with offload, or
// one restart's run of epochs) that yields its chunks' export calls; this thread advances every
// fit to its next call (all allocation and bookkeeping stay here), then makes one call itself
// while the pool's workers make the others, over the one shared memory, and sends each call's
// status back. Each fit computes exactly what it computes alone: the same bits, whatever the
// thread count. Used by crossValidate, randomSearch and fit's restarts, through the runtime's
// Threaded.sideBySide: it is part of the threads chunk, which a page without threads never loads.
import type { Trainer, TrainerState, TrainingData } from '../engines/engine.js';
import type { History } from '../models/history.js';
import type { Restarts } from '../models/restarts.js';
import type { Step } from '../models/trainLoop.js';
import type { Pool, Task } from './pool.js';
import type { WasmRuntime } from '../wasm/runtime.js';

/**
 * Restarts run side by side only from this much training data on (rows x (features + 1) x 4
 * bytes; CSR: 8 bytes per stored value): below it a round's hand-off to the workers costs more
 * than a second thread saves (bench threads' crossover table: 2-8x slower at 100 KB on this
 * machine under load). The same 1 MiB as the shuffle's overlap (OVERLAP_MIN_BYTES): a judgment
 * until the table is rerun on an idle machine (docs/threads.md, Whole fits measured).
 */
export const SIDE_BY_SIDE_MIN_BYTES = 1 << 20;

/** @internal The threshold in force (bench/threads.ts lowers it to measure the crossover). */
export const sideBySideSettings = { minBytes: SIDE_BY_SIDE_MIN_BYTES };

/** What Model.fitRuns hands restartsSideBySide. */
export interface RestartsSideBySide {
  /** Training data bytes (see SIDE_BY_SIDE_MIN_BYTES), the call's threads cap, the runs. */
  bytes: number;
  cap: number | undefined;
  count: number;
  /** The model's trainer (slot 0) and a maker of more, the loaded data, the runs' record. */
  trainer: Trainer;
  newTrainer: () => Trainer;
  data: TrainingData;
  runs: Restarts;
  /** Run k's epochs on trainer t over view, with offload (and progress between chunks if async). */
  run: (k: number, t: Trainer, view: TrainingData) => Generator<Step, History, unknown>;
  async: boolean;
}

/**
 * Restarts side by side, where the pool may be used (the cap allows 2 threads, the data is at
 * least sideBySideSettings.minBytes): runs 0..count-1, at most one per thread; slot 0 trains on
 * the model's trainer, the others on trainers of their own, each slot over its own view of the
 * data (one copy of X for every run; a bucketed shuffle's view adds its two arrangement buffers).
 * Returns false, having done nothing, where it may not. On a failure the model's trainer gets
 * what one after another leaves: the failed (diverged or aborted) run's last completed epoch.
 */
export function* restartsSideBySide(rt: WasmRuntime, o: RestartsSideBySide): Generator<Step, boolean, unknown> {
  const threaded = rt.threaded!;
  if (o.bytes < sideBySideSettings.minBytes || (o.cap ?? threaded.size) < 2) return false;
  const pool = threaded.pool();
  const width = Math.min(pool.threads(o.cap), o.count);
  if (width < 2) return false;
  const trainers = [o.trainer];
  const views: (TrainingData | null)[] = new Array(width).fill(null);
  let failed: { k: number; state: TrainerState } | null = null;
  function* one(k: number, s: number): Generator<Step, History, unknown> {
    const t = trainers[s];
    views[s]?.free(); // its blocks go to the next view
    const view = (views[s] = t.viewData!(o.data));
    try {
      const h = yield* o.run(k, t, view);
      o.runs.end(k, h, t);
      return h;
    } catch (err) {
      if (!failed || k < failed.k) failed = { k, state: t.saveState() };
      throw err;
    }
  }
  o.trainer.mostThreads = width; // History.threads
  try {
    for (let s = 1; s < width; s++) trainers.push(o.newTrainer());
    const gen = sideBySide(o.count, width, one, rt, pool);
    if (o.async) yield* gen;
    else for (let r = gen.next(); !r.done; r = gen.next());
  } catch (err) {
    const f = failed as { k: number; state: TrainerState } | null;
    if (f) o.trainer.restoreState(f.state);
    throw err;
  } finally {
    for (const v of views) v?.free();
    for (const t of trainers.slice(1)) t.dispose();
  }
  return true;
}

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
      const [net, desc, first, last] = calls[live[0]]!.args;
      try {
        // Inside the try: if a start throws, the workers already started are joined before anything is freed.
        rest.forEach((s, w) => pool.start(w, calls[s]!));
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
