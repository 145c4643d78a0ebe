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

// a and b of peakFlops' chains.
const PEAK_CONSTANTS = memory.data<f32>([0.9375, 0.25]);

/**
 * The arithmetic bound: 12 independent chains acc = acc * a + b, kept in registers
 * for iterations steps (f32x4 lanes in the SIMD build: 96 FLOP per step; f32 in the
 * scalar build: 24). Twelve chains cover the multiply and add latencies (3 + 3
 * cycles on Zen 4) at four vector ops per cycle. Returns the sum of every lane, so
 * no step can be optimized away; with a = 0.9375, b = 0.25 each chain settles near 4
 * (no overflow, no denormals).
 */
export function peakFlops(iterations: i32): f32 {
  if (ASC_FEATURE_SIMD) {
    // Loaded, not literal: V8 (Node 20) rebuilds a v128 constant at every use inside a loop.
    const a = v128.load32_splat(PEAK_CONSTANTS);
    const b = v128.load32_splat(PEAK_CONSTANTS, 4);
    let c0 = f32x4.splat(0), c1 = f32x4.splat(1), c2 = f32x4.splat(2), c3 = f32x4.splat(3);
    let c4 = f32x4.splat(4), c5 = f32x4.splat(5), c6 = f32x4.splat(6), c7 = f32x4.splat(7);
    let c8 = f32x4.splat(8), c9 = f32x4.splat(9), c10 = f32x4.splat(10), c11 = f32x4.splat(11);
    for (let i = 0; i < iterations; i++) {
      c0 = f32x4.add(f32x4.mul(c0, a), b); c1 = f32x4.add(f32x4.mul(c1, a), b);
      c2 = f32x4.add(f32x4.mul(c2, a), b); c3 = f32x4.add(f32x4.mul(c3, a), b);
      c4 = f32x4.add(f32x4.mul(c4, a), b); c5 = f32x4.add(f32x4.mul(c5, a), b);
      c6 = f32x4.add(f32x4.mul(c6, a), b); c7 = f32x4.add(f32x4.mul(c7, a), b);
      c8 = f32x4.add(f32x4.mul(c8, a), b); c9 = f32x4.add(f32x4.mul(c9, a), b);
      c10 = f32x4.add(f32x4.mul(c10, a), b); c11 = f32x4.add(f32x4.mul(c11, a), b);
    }
    const s = f32x4.add(
      f32x4.add(f32x4.add(f32x4.add(c0, c1), f32x4.add(c2, c3)), f32x4.add(f32x4.add(c4, c5), f32x4.add(c6, c7))),
      f32x4.add(f32x4.add(c8, c9), f32x4.add(c10, c11)),
    );
    return (f32x4.extract_lane(s, 0) + f32x4.extract_lane(s, 1)) + (f32x4.extract_lane(s, 2) + f32x4.extract_lane(s, 3));
  }
  const a = load<f32>(PEAK_CONSTANTS);
  const b = load<f32>(PEAK_CONSTANTS, 4);
  let c0: f32 = 0, c1: f32 = 1, c2: f32 = 2, c3: f32 = 3, c4: f32 = 4, c5: f32 = 5;
  let c6: f32 = 6, c7: f32 = 7, c8: f32 = 8, c9: f32 = 9, c10: f32 = 10, c11: f32 = 11;
  for (let i = 0; i < iterations; i++) {
    c0 = c0 * a + b; c1 = c1 * a + b; c2 = c2 * a + b; c3 = c3 * a + b; c4 = c4 * a + b; c5 = c5 * a + b;
    c6 = c6 * a + b; c7 = c7 * a + b; c8 = c8 * a + b; c9 = c9 * a + b; c10 = c10 * a + b; c11 = c11 * a + b;
  }
  return (((c0 + c1) + (c2 + c3)) + ((c4 + c5) + (c6 + c7))) + ((c8 + c9) + (c10 + c11));
}
