// y += alpha * x: how a row's contribution is added to the gradient.

/** y[i] += alpha * x[i] for i < n (SIMD 4 lanes, then a scalar tail). */
// @ts-ignore: decorator
@inline export function axpyKernel(alpha: f32, xPtr: usize, yPtr: usize, n: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const a = f32x4.splat(alpha);
    for (; i + 4 <= n; i += 4) {
      const off = <usize>i << 2;
      v128.store(yPtr + off, f32x4.add(v128.load(yPtr + off), f32x4.mul(a, v128.load(xPtr + off))));
    }
  }
  for (; i < n; i++) {
    const off = <usize>i << 2;
    store<f32>(yPtr + off, load<f32>(yPtr + off) + alpha * load<f32>(xPtr + off));
  }
}

/** Exported for tests and benchmarks: y += alpha * x over n f32 values. */
export function axpy(alpha: f32, xPtr: usize, yPtr: usize, n: i32): void {
  axpyKernel(alpha, xPtr, yPtr, n);
}
