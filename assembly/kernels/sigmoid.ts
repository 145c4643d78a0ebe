// The logistic function, written so that exp never overflows.

/**
 * 1 / (1 + exp(-z)) without overflow: exp is only taken of -|z|.
 * Mathf.exp is within 1 ULP, so the result is within about 2 ULP of the true value.
 */
// @ts-ignore: decorator
@inline export function sigmoidKernel(z: f32): f32 {
  if (z >= 0) return <f32>1 / (<f32>1 + Mathf.exp(-z));
  const e = Mathf.exp(z);
  return e / (<f32>1 + e);
}

/** Exported for tests: the stable sigmoid of one value. */
export function sigmoid(z: f32): f32 {
  return sigmoidKernel(z);
}
