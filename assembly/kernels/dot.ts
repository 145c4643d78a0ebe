// Dot product of two f32 vectors: the forward pass of every linear model.

/** Sum of a[i] * b[i] for i < n, accumulated in f32 (SIMD: 8 lanes, then a scalar tail). */
// @ts-ignore: decorator
@inline export function dotKernel(aPtr: usize, bPtr: usize, n: i32): f32 {
  let i = 0;
  let sum: f32 = 0;
  if (ASC_FEATURE_SIMD) {
    // Two accumulators hide the add latency; lanes are summed once at the end.
    let acc0 = f32x4.splat(0);
    let acc1 = f32x4.splat(0);
    for (; i + 8 <= n; i += 8) {
      const off = <usize>i << 2;
      acc0 = f32x4.add(acc0, f32x4.mul(v128.load(aPtr + off), v128.load(bPtr + off)));
      acc1 = f32x4.add(acc1, f32x4.mul(v128.load(aPtr + off, 16), v128.load(bPtr + off, 16)));
    }
    if (i + 4 <= n) {
      const off = <usize>i << 2;
      acc0 = f32x4.add(acc0, f32x4.mul(v128.load(aPtr + off), v128.load(bPtr + off)));
      i += 4;
    }
    acc0 = f32x4.add(acc0, acc1);
    sum = f32x4.extract_lane(acc0, 0) + f32x4.extract_lane(acc0, 1) +
          f32x4.extract_lane(acc0, 2) + f32x4.extract_lane(acc0, 3);
  }
  for (; i < n; i++) {
    const off = <usize>i << 2;
    sum += load<f32>(aPtr + off) * load<f32>(bPtr + off);
  }
  return sum;
}

/** Exported for tests and benchmarks: dot product of n f32 values. */
export function dot(aPtr: usize, bPtr: usize, n: i32): f32 {
  return dotKernel(aPtr, bPtr, n);
}
