// Reference twin of assembly/data.ts: checking and arranging data after it is copied in.

/** The index of the first of n values at from that is not finite, or -1. */
export function findNonFinite(v: ArrayLike<number>, from: number, n: number): number {
  for (let i = 0; i < n; i++) {
    const x = v[from + i];
    if (x - x !== 0) return i;
  }
  return -1;
}

/**
 * Copies rows ids[0..n) of a cols-wide matrix src to consecutive rows of dst. With
 * dst === src and increasing ids it compacts in place.
 */
export function gatherRows(src: Float32Array, ids: ArrayLike<number>, n: number, cols: number, dst: Float32Array): void {
  for (let k = 0; k < n; k++) {
    const r = ids[k];
    if (src !== dst) dst.set(src.subarray(r * cols, (r + 1) * cols), k * cols);
    else if (r !== k) dst.copyWithin(k * cols, r * cols, (r + 1) * cols);
  }
}
