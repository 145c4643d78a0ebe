// Restarts: train from several initializations and keep the run with the lowest final
// (validation) loss. Runs are independent (each its own random stream and its own view of the
// data), so they may end in any order: one after another (Model.fitRuns) or side by side on the
// thread pool (src/threads/sideBySide.ts), with the same runs, the same choice and the same bits.
import type { Trainer, TrainerState } from '../engines/engine.js';
import type { History } from './history.js';

/** Tracks the runs of one fit with restarts and which of them is best. */
export class Restarts {
  private readonly runs: History[];
  private best = -1;
  private bestLoss = Infinity;
  private bestState: TrainerState | null = null;

  constructor(readonly count: number) {
    this.runs = new Array<History>(count);
  }

  /**
   * Records run k's history and, if it is the best so far, the state of t, the trainer it ran on:
   * the lowest final loss (a non-finite one counts as Infinity), a tie going to the earlier run,
   * whatever order the runs end in.
   */
  end(k: number, h: History, t: Trainer): void {
    this.runs[k] = h;
    const loss = finalLoss(h);
    const l = loss === loss ? loss : Infinity;
    if (this.best < 0 || l < this.bestLoss || (l === this.bestLoss && k < this.best)) {
      this.bestLoss = l;
      this.best = k;
      this.bestState = t.saveState();
    }
  }

  /** The best run's history with every run attached; trainer gets the best run's state. */
  finish(trainer: Trainer): History {
    trainer.restoreState(this.bestState!);
    return { ...this.runs[this.best], restarts: this.runs, bestRestart: this.best };
  }
}

/** The loss a run is judged by: at its best epoch (restoreBestWeights) or its last, validation loss when there is one. */
function finalLoss(h: History): number {
  const e = h.epochs[h.bestEpoch - 1] ?? h.epochs[h.epochs.length - 1];
  return e ? (e.valLoss ?? e.loss) : Infinity;
}
