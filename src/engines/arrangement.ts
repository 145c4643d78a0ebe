// The order of shuffle steps within an epoch, written once for every engine.
// With one bucket the data fits in cache and is visited in a Fisher-Yates
// order in place. Otherwise the first epoch scatters the rows into buckets
// once; after that each epoch's training pass scatters the rows for the next,
// so shuffling costs no extra read of the data.

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
  /** Makes the next arrangement current. */
  swap(): void;
}

/** Prepares a shuffled epoch; returns whether its training pass must scatter rows into the next arrangement. */
export function beginShuffledEpoch(ops: ArrangementOps): boolean {
  if (ops.buckets === 1) {
    ops.permute();
    return false;
  }
  if (!ops.arranged) {
    ops.plan();
    ops.scatterAll();
    ops.swap();
    ops.arranged = true;
  }
  ops.permute();
  ops.plan();
  return true;
}

/** Finishes a shuffled epoch whose training pass scattered rows. */
export function endShuffledEpoch(ops: ArrangementOps, scattered: boolean): void {
  if (scattered) ops.swap();
}
