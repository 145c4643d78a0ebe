// Reference twin of assembly/kernels/axpy.ts, in float64.

/** y[i] += alpha * x[xOffset + i] for i < n. */
export function axpy(alpha: number, x: ArrayLike<number>, xOffset: number, y: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) y[i] += alpha * x[xOffset + i];
}
