// A uniform random permutation of the rows per epoch, computed with streaming
// passes (random access into a large array costs ~10x a sequential read):
//   1. draw a random bucket for every row, in storage order;
//   2. scatter rows into their buckets (one sequential read, a few write streams);
//   3. Fisher-Yates shuffle each bucket's row indices; a bucket fits in cache.
// Each arrangement has probability B^-N * prod(1/n_b!) summed over bucket sizes,
// the same for every permutation, so the visit order is exactly uniform.
// src/reference/shuffle.ts is the twin; both consume the PRNG identically.
import { loadRng, storeRng, below } from './random';

/**
 * Shuffles for one epoch. Writes global row indices to orderPtr (u32 x rows):
 * training visits row order[p] at position p. With buckets > 1 rows (X and y)
 * are first scattered from src to dst and order indexes dst; with one bucket
 * nothing is copied and order indexes src. countsPtr is scratch of 2*buckets u32.
 * Returns 1 when dst holds the data, 0 when src does.
 */
export function shuffleRows(
  statePtr: usize, srcXPtr: usize, srcYPtr: usize, dstXPtr: usize, dstYPtr: usize,
  orderPtr: usize, countsPtr: usize, rows: i32, cols: i32, buckets: i32,
): i32 {
  loadRng(statePtr);
  const startsPtr = countsPtr + (<usize>buckets << 2);
  let scattered = 0;
  if (buckets > 1) {
    memory.fill(countsPtr, 0, <usize>buckets << 2);
    for (let i = 0; i < rows; i++) {
      const b = below(<u32>buckets);
      store<u32>(orderPtr + (<usize>i << 2), b);
      const c = countsPtr + (<usize>b << 2);
      store<u32>(c, load<u32>(c) + 1);
    }
    let start: u32 = 0;
    for (let b = 0; b < buckets; b++) {
      const c = countsPtr + (<usize>b << 2);
      const n = load<u32>(c);
      store<u32>(startsPtr + (<usize>b << 2), start);
      store<u32>(c, start); // counts become write cursors
      start += n;
    }
    const rowBytes = <usize>cols << 2;
    for (let i = 0; i < rows; i++) {
      const c = countsPtr + (<usize>load<u32>(orderPtr + (<usize>i << 2)) << 2);
      const dst = load<u32>(c);
      store<u32>(c, dst + 1);
      memory.copy(dstXPtr + <usize>dst * rowBytes, srcXPtr + <usize>i * rowBytes, rowBytes);
      store<f32>(dstYPtr + (<usize>dst << 2), load<f32>(srcYPtr + (<usize>i << 2)));
    }
    scattered = 1;
  } else {
    store<u32>(startsPtr, 0);
    store<u32>(countsPtr, <u32>rows); // cursor of the single bucket = its end
  }
  // After the scatter each cursor sits at the end of its bucket.
  for (let b = 0; b < buckets; b++) {
    const start = load<u32>(startsPtr + (<usize>b << 2));
    const end = load<u32>(countsPtr + (<usize>b << 2));
    for (let k = start; k < end; k++) store<u32>(orderPtr + (<usize>k << 2), k);
    for (let k = end - start; k > 1; k--) {
      const j = below(k);
      const pa = orderPtr + (<usize>(start + k - 1) << 2);
      const pb = orderPtr + (<usize>(start + j) << 2);
      const t = load<u32>(pa);
      store<u32>(pa, load<u32>(pb));
      store<u32>(pb, t);
    }
  }
  storeRng(statePtr);
  return scattered;
}
