// Reference twin of assembly/shuffle.ts: a uniform random permutation of the
// rows per epoch, built from streaming passes (see that file for why it is uniform).
import { below, type RngState } from './random.js';

/** Draws each position's bucket into ids; writes bucket starts (buckets+1 entries) and write cursors. */
export function planScatter(
  rng: RngState, ids: Uint32Array, starts: Uint32Array, cursors: Uint32Array, rows: number, buckets: number,
): void {
  cursors.fill(0, 0, buckets);
  for (let p = 0; p < rows; p++) {
    const b = below(rng, buckets);
    ids[p] = b;
    cursors[b]++;
  }
  let start = 0;
  for (let b = 0; b < buckets; b++) {
    const n = cursors[b];
    starts[b] = start;
    cursors[b] = start;
    start += n;
  }
  starts[buckets] = start;
}

/** Rows with their targets (the same number per row) and optional weights: what the shuffle moves. */
export interface Rows {
  X: Float32Array;
  y: Float32Array;
  sw: Float32Array | null;
}

/** Where each visited row is copied for the next epoch's arrangement (see planScatter). */
export interface ScatterTarget {
  ids: Uint32Array;
  cursors: Uint32Array;
  dst: Rows;
}

/**
 * Copies the rows at positions from..to (row order[p], or p without an order), with
 * their width targets and their weights, to the next slot of bucket ids[p] in dst.
 */
export function scatterRows(
  src: Rows, order: Uint32Array | null, ids: Uint32Array, cursors: Uint32Array, dst: Rows,
  from: number, to: number, cols: number, width: number,
): void {
  for (let p = from; p < to; p++) {
    const r = order ? order[p] : p;
    const d = cursors[ids[p]]++;
    dst.X.set(src.X.subarray(r * cols, (r + 1) * cols), d * cols);
    for (let t = 0; t < width; t++) dst.y[d * width + t] = src.y[r * width + t]; // a loop: a subarray per row costs more than one target
    if (src.sw && dst.sw) dst.sw[d] = src.sw[r];
  }
}

/** Writes to order a uniform random order of each bucket's rows (bucket b is rows starts[b]..starts[b+1]). */
export function permuteBuckets(rng: RngState, order: Uint32Array, starts: Uint32Array, buckets: number): void {
  for (let b = 0; b < buckets; b++) {
    const start = starts[b];
    const end = starts[b + 1];
    for (let k = start; k < end; k++) order[k] = k;
    for (let k = end - start; k > 1; k--) {
      const j = below(rng, k);
      const t = order[start + k - 1];
      order[start + k - 1] = order[start + j];
      order[start + j] = t;
    }
  }
}
