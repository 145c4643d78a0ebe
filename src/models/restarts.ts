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

/** The loss a run is judged by: at its best epoch (restoreBestWeights) or its last, validation loss when there is one. */
function finalLoss(h: History): number {
  const e = h.epochs[h.bestEpoch - 1] ?? h.epochs[h.epochs.length - 1];
  return e ? (e.valLoss ?? e.loss) : Infinity;
}
