// Memory-bound reference points for the benchmark: what it costs only to read
// the data, sequentially or row by row in a given order. Training cannot beat these.

/** Sums n f32 values with one sequential SIMD pass (the streaming bound). */
export function readSequential(xPtr: usize, n: i32): f32 {
  let i = 0;
  let sum: f32 = 0;
  if (ASC_FEATURE_SIMD) {
    let a0 = f32x4.splat(0);
    let a1 = f32x4.splat(0);
    for (; i + 8 <= n; i += 8) {
      const p = xPtr + (<usize>i << 2);
      a0 = f32x4.add(a0, v128.load(p));
      a1 = f32x4.add(a1, v128.load(p, 16));
    }
    a0 = f32x4.add(a0, a1);
    sum = f32x4.extract_lane(a0, 0) + f32x4.extract_lane(a0, 1) + f32x4.extract_lane(a0, 2) + f32x4.extract_lane(a0, 3);
  }
  for (; i < n; i++) sum += load<f32>(xPtr + (<usize>i << 2));
  return sum;
}

/** Sums every row of a rows x cols matrix, visiting rows in the order at orderPtr (the random-access bound). */
export function readRows(xPtr: usize, orderPtr: usize, rows: i32, cols: i32): f32 {
  let sum: f32 = 0;
  const rowBytes = <usize>cols << 2;
  for (let p = 0; p < rows; p++) {
    const r = load<u32>(orderPtr + (<usize>p << 2));
    sum += readSequential(xPtr + <usize>r * rowBytes, cols);
  }
  return sum;
}
