// Restarts: train from several initializations and keep the run with the lowest final
// (validation) loss. Runs are independent (each its own random stream and its own view of the
// data), so they may end in any order: one after another (Model.fitRuns) or side by side on the
// thread pool (restartsSideBySide), with the same runs, the same choice and the same bits.
import type { Trainer, TrainerState, TrainingData } from '../engines/engine.js';
import type { Pool } from '../threads/pool.js';
import type { WasmRuntime } from '../wasm/runtime.js';
import type { History } from './history.js';
import { runSync, type Step } from './trainLoop.js';

/**
 * Restarts run side by side only from this much training data on (rows x (features + 1) x 4
 * bytes; CSR: 8 bytes per stored value): below it a round's hand-off to the workers costs about
 * what a second thread saves (docs/threads.md, measured by `npm run bench -- threads`).
 */
export const SIDE_BY_SIDE_MIN_BYTES = 1 << 18;

/** @internal The threshold in force (bench/threads.ts lowers it to measure the crossover). */
export const sideBySideSettings = { minBytes: SIDE_BY_SIDE_MIN_BYTES };

/** Tracks the runs of one fit with restarts and which of them is best. */
export class Restarts {
  private readonly runs: History[];
  private best = -1;
  private bestLoss = Infinity;
  private bestState: TrainerState | null = null;
  private lastState: TrainerState | null = null;

  constructor(readonly count: number) {
    this.runs = new Array<History>(count);
  }

  /** Records run k's history and, if it is the best so far (a tie: the earlier run), the state of t, the trainer it ran on. */
  end(k: number, h: History, t: Trainer): void {
    this.runs[k] = h;
    const loss = finalLoss(h);
    if (loss < this.bestLoss || (loss === this.bestLoss && k < this.best)) {
      this.bestLoss = loss;
      this.best = k;
      this.bestState = t.saveState();
    }
    if (k === this.count - 1) this.lastState = t.saveState(); // kept where no run ends at a finite loss, as one after another leaves it
  }

  /** The best run's history with every run attached; trainer gets the best run's state. */
  finish(trainer: Trainer): History {
    trainer.restoreState((this.bestState ?? this.lastState)!);
    const best = Math.max(0, this.best);
    return { ...this.runs[best], restarts: this.runs, bestRestart: best };
  }
}

/**
 * Runs 0..count-1 side by side on the pool, at most width at a time: slot 0 trains on trainer
 * (the model's), the others on trainers of their own (newTrainer), each slot over its own view of
 * data (one copy of X for every run; a bucketed shuffle's view adds its two arrangement buffers).
 * run(k, t, view) is run k's epochs with offload. On a failure the model's trainer gets what one
 * after another leaves: the failed (diverged or aborted) run's last completed epoch.
 */
export function* restartsSideBySide(
  side: { rt: WasmRuntime; pool: Pool; width: number }, count: number, trainer: Trainer, data: TrainingData, runs: Restarts,
  run: (k: number, t: Trainer, view: TrainingData) => Generator<Step, History, unknown>, newTrainer: () => Trainer, async: boolean,
): Generator<Step, void, unknown> {
  const trainers = [trainer];
  const views: (TrainingData | null)[] = new Array(side.width).fill(null);
  let failed: { k: number; state: TrainerState } | null = null;
  function* one(k: number, s: number): Generator<Step, History, unknown> {
    const t = trainers[s];
    const view = (views[s] = t.viewData(data, views[s]));
    try {
      const h = yield* run(k, t, view);
      runs.end(k, h, t);
      return h;
    } catch (err) {
      if (!failed || k < failed.k) failed = { k, state: t.saveState() };
      throw err;
    }
  }
  try {
    for (let s = 1; s < side.width; s++) trainers.push(newTrainer());
    const gen = side.rt.threaded!.sideBySide(count, side.width, one, side.rt, side.pool);
    if (async) yield* gen;
    else runSync(gen);
  } catch (err) {
    const f = failed as { k: number; state: TrainerState } | null;
    if (f) trainer.restoreState(f.state);
    throw err;
  } finally {
    for (const v of views) v?.free();
    for (const t of trainers.slice(1)) t.dispose();
  }
}

/** The loss a run is judged by: at its best epoch (restoreBestWeights) or its last, validation loss when there is one. */
function finalLoss(h: History): number {
  const e = h.epochs[h.bestEpoch - 1] ?? h.epochs[h.epochs.length - 1];
  return e ? (e.valLoss ?? e.loss) : Infinity;
}
