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
}

/** Which stopping rule ended training, at which epoch, in words. */
export interface StopReason {
  rule: 'maxEpochs';
  epoch: number;
  message: string;
}

/** The record of one fit() call. */
export interface History {
  engine: EngineName;
  epochs: EpochRecord[];
  /** Per-epoch columns of `epochs`, for plotting. */
  loss: number[];
  gradNorm: number[];
  learningRate: number[];
  timeMs: number[];
  stopReason: StopReason;
}

/** Builds a History from its records. */
export function makeHistory(engine: EngineName, epochs: EpochRecord[], stopReason: StopReason): History {
  return {
    engine,
    epochs,
    loss: epochs.map((e) => e.loss),
    gradNorm: epochs.map((e) => e.gradNorm),
    learningRate: epochs.map((e) => e.learningRate),
    timeMs: epochs.map((e) => e.timeMs),
    stopReason,
  };
}
