// Reference twin of assembly/kernels/sparse.ts: products with compressed sparse rows, in
// float64. A CSR row's stored values are values[indptr[r]..indptr[r+1]) in the columns
// indices[same range]; repeated columns add.

/** CSR rows as an engine holds them (checked: indptr non-decreasing, indices below the width, values finite). */
export interface SparseRows {
  indptr: Uint32Array;
  indices: Uint32Array;
  values: Float32Array;
}

/** sum over k in from..to of w[wOff + indices[k]] * values[k]. */
export function sparseDot(w: ArrayLike<number>, wOff: number, x: SparseRows, from: number, to: number): number {
  let s = 0;
  for (let k = from; k < to; k++) s += w[wOff + x.indices[k]] * x.values[k];
  return s;
}

/** y[yOff + indices[k]] += a * values[k] for k in from..to. */
export function sparseAxpy(a: number, x: SparseRows, from: number, to: number, y: Float64Array, yOff: number): void {
  for (let k = from; k < to; k++) y[yOff + x.indices[k]] += a * x.values[k];
}

/**
 * A dense layer's outputs for n sparse rows (row ids[k] for k < n): out[k, u] = b[u] +
 * sum_j W[u, j] x[j] (W units x inputs, row-major at wOff of params, b at bOff).
 */
export function sparseDenseForward(
  x: SparseRows, ids: ArrayLike<number>, n: number, inputs: number, params: ArrayLike<number>, wOff: number, bOff: number,
  units: number, out: Float64Array,
): void {
  for (let k = 0; k < n; k++) {
    const r = ids[k];
    for (let u = 0; u < units; u++) {
      out[k * units + u] = params[bOff + u] + sparseDot(params, wOff + u * inputs, x, x.indptr[r], x.indptr[r + 1]);
    }
  }
}

/** The weight gradient of that layer: gradW[u, j] += delta[k, u] x_k[j], gradb[u] += delta[k, u]. */
export function sparseDenseBackward(
  x: SparseRows, ids: ArrayLike<number>, n: number, inputs: number, delta: ArrayLike<number>, units: number,
  grad: Float64Array, wOff: number, bOff: number,
): void {
  for (let k = 0; k < n; k++) {
    const r = ids[k];
    for (let u = 0; u < units; u++) {
      const d = delta[k * units + u];
      grad[bOff + u] += d;
      if (d !== 0) sparseAxpy(d, x, x.indptr[r], x.indptr[r + 1], grad, wOff + u * inputs);
    }
  }
}
