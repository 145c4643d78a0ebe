// Reference twin of assembly/kernels/sigmoid.ts, in float64.

/** 1 / (1 + exp(-z)), taking exp only of -|z| so it never overflows. */
export function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}
