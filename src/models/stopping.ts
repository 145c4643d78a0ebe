// Stopping rules, checked after every epoch. Any combination may be active;
// the first that fires names itself in history.stopReason.
import type { EpochRecord, StopReason } from './history.js';
import type { ResolvedFitOptions } from './fitOptions.js';

/** Tracks the rules of one run and the best monitored loss so far. */
export class StoppingRules {
  /** Lowest monitored loss so far, and its epoch (for restoreBestWeights). */
  bestLoss = Infinity;
  bestEpoch = 0;
  private noImprovement = 0;
  private improvementBase = Infinity;

  constructor(private readonly o: ResolvedFitOptions, private readonly validation: boolean) {}

  /** The loss the rules watch: validation loss when there is validation data. */
  monitored(r: EpochRecord): number {
    return this.validation && r.valLoss !== undefined ? r.valLoss : r.loss;
  }

  /** Whether this epoch is the best so far (call once per epoch, before check). */
  observe(r: EpochRecord): boolean {
    const loss = this.monitored(r);
    // scikit-learn: an epoch counts as "no change" unless it beats the best by more than tol.
    if (this.o.tol !== undefined) {
      this.noImprovement = loss > this.improvementBase - this.o.tol ? this.noImprovement + 1 : 0;
      this.improvementBase = Math.min(this.improvementBase, loss);
    }
    if (loss < this.bestLoss) {
      this.bestLoss = loss;
      this.bestEpoch = r.epoch;
      return true;
    }
    return false;
  }

  /** The rule that ends training after this epoch, if any. */
  check(r: EpochRecord, elapsedMs: number): StopReason | null {
    const o = this.o;
    const loss = this.monitored(r);
    const which = this.validation ? 'validation loss' : 'training loss';
    if (o.targetLoss !== undefined && loss <= o.targetLoss) {
      return { rule: 'targetLoss', epoch: r.epoch, message: `${which} ${loss} reached targetLoss ${o.targetLoss}` };
    }
    if (o.gradTol !== undefined && r.gradNorm <= o.gradTol) {
      return { rule: 'gradTol', epoch: r.epoch, message: `gradient norm ${r.gradNorm} <= gradTol ${o.gradTol}` };
    }
    if (o.paramTol !== undefined && r.paramChange <= o.paramTol) {
      return { rule: 'paramTol', epoch: r.epoch, message: `largest parameter change ${r.paramChange} <= paramTol ${o.paramTol}` };
    }
    if (o.tol !== undefined && this.noImprovement >= o.nIterNoChange) {
      return {
        rule: o.earlyStopping ? 'earlyStopping' : 'tol',
        epoch: r.epoch,
        message: `${which} did not improve by more than tol ${o.tol} for ${o.nIterNoChange} epochs`,
      };
    }
    if (o.timeLimitMs !== undefined && elapsedMs >= o.timeLimitMs) {
      return { rule: 'timeLimit', epoch: r.epoch, message: `time limit of ${o.timeLimitMs} ms reached` };
    }
    if (r.epoch >= o.epochs) return { rule: 'maxEpochs', epoch: r.epoch, message: `reached epochs = ${o.epochs}` };
    return null;
  }
}
