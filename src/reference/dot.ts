// Reference twin of assembly/kernels/dot.ts, in float64.

/** Sum of a[aOffset + i] * b[bOffset + i] for i < n, accumulated in float64. */
export function dot(a: ArrayLike<number>, aOffset: number, b: ArrayLike<number>, bOffset: number, n: number): number {
  let sum = 0;
  for (let i = 0; i < n; i++) sum += a[aOffset + i] * b[bOffset + i];
  return sum;
}
