// What fit() returns: one record per epoch, and why training stopped.
import type { EngineName } from '../engines/engine.js';

/** Measurements of one epoch. */
export interface EpochRecord {
  /** 1-based epoch number. */
  epoch: number;
  /** Mean training loss over the epoch, each row at the parameters its batch saw. */
  loss: number;
  /** L2 norm of the epoch's average gradient (exact full-batch gradient for batchSize 'full'). */
  gradNorm: number;
  /** Learning rate of the epoch's last batch. */
  learningRate: number;
  /** Largest change of any parameter over the epoch. */
  paramChange: number;
  /** Wall time of the epoch in milliseconds. */
  timeMs: number;
  /** Mean loss on the validation data, when there is some. */
  valLoss?: number;
}

/** The stopping rules (see FitOptions), and 'diverged': the loss or gradient stopped being finite (only in a DivergenceError's history). */
export type StopRule =
  | 'maxEpochs' | 'gradTol' | 'tol' | 'paramTol' | 'timeLimit' | 'targetLoss' | 'earlyStopping' | 'callback' | 'diverged';

/** Which stopping rule ended training, at which epoch, in words. */
export interface StopReason {
  rule: StopRule;
  /** The last epoch recorded (for 'diverged': the last finite one, whose weights the model keeps). */
  epoch: number;
  message: string;
}

/** What learningRate 'auto' tried before training (see autoRate.ts). */
export interface RateSearch {
  /** The rate chosen: the base rate every epoch's schedule multiplies. */
  rate: number;
  /** Each rate tried and the sample's loss after its trial (Infinity: it diverged). */
  tried: [rate: number, loss: number][];
  /** The second stage's long trials (classic optimizers; empty for the learning-rate-free ones), the same way. */
  longTried: [rate: number, loss: number][];
  /**
   * The check of the long trials' last step up (if they stepped up): the rates below and at it, each run as
   * long again on the sample reshuffled every pass, scored by the mean of the last passes' losses.
   */
  shuffledTried: [rate: number, loss: number][];
  /** Rows of the sample, and training steps (batches) taken in all. */
  rows: number;
  steps: number;
  /** Row visits (forward and backward passes) spent, in epochs of the training data. */
  epochs: number;
  /** Wall time of the search in milliseconds. */
  timeMs: number;
}

/** The record of one fit() call. */
export interface History {
  engine: EngineName;
  /**
   * The most threads the call trained on at once: 1, or more where the pool ran its batches
   * data parallel, a shuffle's rewrite beside training, or restarts side by side (docs/threads.md).
   */
  threads: number;
  epochs: EpochRecord[];
  /** Per-epoch columns of `epochs`, for plotting. */
  loss: number[];
  gradNorm: number[];
  learningRate: number[];
  timeMs: number[];
  /** Per-epoch validation loss (empty without validation data). */
  valLoss: number[];
  stopReason: StopReason;
  /** The epoch whose weights the model ended with (differs from the last with restoreBestWeights). */
  bestEpoch: number;
  /** With restarts: every run's history, and the index of the one kept. */
  restarts?: History[];
  bestRestart?: number;
  /** With learningRate 'auto': the search that chose the rate. */
  learningRateSearch?: RateSearch;
}

/** Builds a History from its records. */
export function makeHistory(engine: EngineName, epochs: EpochRecord[], stopReason: StopReason, bestEpoch = epochs.length): History {
  return {
    bestEpoch,
    engine,
    threads: 1,
    epochs,
    loss: epochs.map((e) => e.loss),
    gradNorm: epochs.map((e) => e.gradNorm),
    learningRate: epochs.map((e) => e.learningRate),
    timeMs: epochs.map((e) => e.timeMs),
    valLoss: epochs.flatMap((e) => (e.valLoss === undefined ? [] : [e.valLoss])),
    stopReason,
  };
}
