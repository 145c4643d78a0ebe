// The order of shuffle steps within an epoch, written once for every engine.
import type { EpochStats } from '../reference/train.js';

/** The shuffle steps an engine provides over its own buffers (see assembly/shuffle.ts). */
export interface ArrangementOps {
  readonly buckets: number;
  /** Whether the current buffers already hold a bucketed arrangement. */
  arranged: boolean;
  /** Draws the next arrangement's bucket for every position of the current one. */
  plan(): void;
  /** Copies every row, in storage order, into the next arrangement. */
  scatterAll(): void;
  /** Shuffles the current arrangement's buckets into the visit order. */
  permute(): void;
  /** Trains over the current arrangement in visit order; with scatter, copies each row into the next one. */
  train(scatter: boolean): EpochStats;
  /** Makes the next arrangement current. */
  swap(): void;
}

/**
 * One shuffled epoch. With one bucket the data fits in cache and is visited in
 * a Fisher-Yates order in place. Otherwise the first epoch scatters the rows
 * into buckets once; after that each epoch's training pass scatters the rows
 * for the next, so shuffling costs no extra read of the data.
 */
export function shuffledEpoch(ops: ArrangementOps): EpochStats {
  if (ops.buckets === 1) {
    ops.permute();
    return ops.train(false);
  }
  if (!ops.arranged) {
    ops.plan();
    ops.scatterAll();
    ops.swap();
    ops.arranged = true;
  }
  ops.permute();
  ops.plan();
  const stats = ops.train(true);
  ops.swap();
  return stats;
}
