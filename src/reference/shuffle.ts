// Reference twin of assembly/shuffle.ts: a uniform random permutation of the
// rows per epoch, made with streaming passes (see that file for why it is uniform).
import { below, type RngState } from './random.js';

/** Target bytes per bucket: well inside this machine's 1 MiB per-core L2. */
export const BUCKET_BYTES = 256 * 1024;

/** How many buckets the shuffle uses for rows of cols features (every engine uses this). */
export function bucketCount(rows: number, cols: number): number {
  const rowBytes = (cols + 1) * 4; // the X row and its target
  const bucketRows = Math.max(1, Math.floor(BUCKET_BYTES / rowBytes));
  return Math.max(1, Math.ceil(rows / bucketRows));
}

/**
 * Shuffles for one epoch: writes to order the row index to visit at each
 * position. With buckets > 1 rows are first scattered from (srcX, srcY) into
 * (dstX, dstY) and order indexes dst; with one bucket order indexes src.
 * Returns whether dst now holds the data.
 */
export function shuffleRows(
  rng: RngState, srcX: Float32Array, srcY: Float32Array, dstX: Float32Array, dstY: Float32Array,
  order: Uint32Array, rows: number, cols: number, buckets: number,
): boolean {
  const starts = new Uint32Array(buckets);
  const ends = new Uint32Array(buckets);
  let scattered = false;
  if (buckets > 1) {
    const counts = new Uint32Array(buckets);
    for (let i = 0; i < rows; i++) {
      const b = below(rng, buckets);
      order[i] = b;
      counts[b]++;
    }
    let start = 0;
    for (let b = 0; b < buckets; b++) {
      starts[b] = start;
      ends[b] = start; // write cursor; ends at the bucket's end
      start += counts[b];
    }
    for (let i = 0; i < rows; i++) {
      const dst = ends[order[i]]++;
      dstX.set(srcX.subarray(i * cols, (i + 1) * cols), dst * cols);
      dstY[dst] = srcY[i];
    }
    scattered = true;
  } else {
    starts[0] = 0;
    ends[0] = rows;
  }
  for (let b = 0; b < buckets; b++) {
    const start = starts[b];
    const end = ends[b];
    for (let k = start; k < end; k++) order[k] = k;
    // Fisher-Yates inside the bucket, which fits in cache.
    for (let k = end - start; k > 1; k--) {
      const j = below(rng, k);
      const t = order[start + k - 1];
      order[start + k - 1] = order[start + j];
      order[start + j] = t;
    }
  }
  return scattered;
}
