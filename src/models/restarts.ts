// Restarts: train from several initializations and keep the run with the
// lowest final (validation) loss. Shared by fit and fitAsync, which differ
// only in whether each run is awaited.
import type { Trainer, TrainerState } from '../engines/engine.js';
import type { History } from './history.js';

/** Tracks the runs of one fit and which of them is best. */
export class Restarts {
  private readonly runs: History[] = [];
  private bestIndex = 0;
  private bestLoss = Infinity;
  private bestState: TrainerState | null = null;

  /**
   * @param count how many runs (1: a plain fit)
   * @param reinit puts fresh initial parameters and optimizer state into the trainer for run k
   */
  constructor(private readonly trainer: Trainer, readonly count: number, private readonly reinit: (k: number) => void) {}

  /** Prepares run k. */
  begin(k: number): void {
    this.reinit(k);
  }

  /** Records run k's history, keeping the trainer state of the best run so far. */
  end(k: number, h: History): void {
    this.runs.push(h);
    const loss = finalLoss(h);
    if (this.count > 1 && loss < this.bestLoss) {
      this.bestLoss = loss;
      this.bestIndex = k;
      this.bestState = this.trainer.saveState();
    }
  }

  /** The history to return: the only run's, or the best run's with every run attached (and the best weights restored). */
  finish(): History {
    if (this.count === 1) return this.runs[0];
    if (this.bestState) this.trainer.restoreState(this.bestState);
    return { ...this.runs[this.bestIndex], restarts: this.runs, bestRestart: this.bestIndex };
  }
}

/** The loss a run is judged by: at its best epoch (restoreBestWeights) or its last, validation loss when there is one. */
function finalLoss(h: History): number {
  const e = h.epochs[h.bestEpoch - 1] ?? h.epochs[h.epochs.length - 1];
  return e ? (e.valLoss ?? e.loss) : Infinity;
}
