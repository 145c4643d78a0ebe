// A dense (fully connected) layer over a batch of rows: the forward product
// X W^T + b and the two products of backpropagation, delta W and delta^T X.
// src/reference/dense.ts is the float64 twin.
//
// W is stored outputs x inputs, row-major (W[o * inputs + i], nn.Linear's layout):
// - all three products then run along the inputs axis, which is contiguous in X,
//   in W and in the input gradient, so no product needs a transpose or strided
//   vector loads (the forward is a blocked dot product, the two backward products
//   broadcast one scalar against contiguous vectors);
// - a layer with one output (linear and logistic regression, an MLP's single
//   sigmoid output) is the vector [w (inputs), b] of today's linear models and
//   still vectorizes; stored inputs x outputs, its forward and weight gradient
//   would run along an axis of length 1, all scalar tail.
// The register blocks keep eight f32x4 accumulators: enough independent add
// chains to cover the add latency, few enough for x64's 16 vector registers.
import { dotKernel } from './dot';
import { axpyKernel } from './axpy';
import { dot4, sumLanes4 } from './block4';

// Where denseForward sends the outputs of an odd last row's copy (SIMD build): written, never
// read, so instances sharing one memory may write it at once without harm.
const oddBuf = memory.data(16, 16);

/** out (rows x outputs) = x (rows x inputs) w^T + b: out[r, o] = b[o] + sum_i x[r, i] w[o, i] (f32, row-major). */
export function denseForward(
  xPtr: usize, rows: i32, inputs: i32, wPtr: usize, bPtr: usize, outputs: i32, outPtr: usize,
): void {
  const inBytes = <usize>inputs << 2;
  const outBytes = <usize>outputs << 2;
  let o = 0;
  if (ASC_FEATURE_SIMD) {
    // Four outputs at a time: two rows x four weight rows, each loaded chunk used twice.
    for (; o + 4 <= outputs; o += 4) {
      const w0 = wPtr + <usize>o * inBytes;
      const b = v128.load(bPtr + (<usize>o << 2));
      const out = outPtr + (<usize>o << 2);
      for (let r = 0; r < rows; r += 2) {
        const x0 = xPtr + <usize>r * inBytes;
        const out0 = out + <usize>r * outBytes;
        // An odd last row is paired with itself, the copy's outputs going to scratch.
        const pair = r + 1 < rows;
        forward2x4(x0, pair ? x0 + inBytes : x0, w0, inBytes, inputs, b, out0, pair ? out0 + outBytes : oddBuf);
      }
    }
    // One to three outputs left (all of a one-output layer): four rows share each weight chunk;
    // a last group of one to three rows repeats its first row in the empty lanes.
    for (; o < outputs; o++) {
      const w = wPtr + <usize>o * inBytes;
      const b = f32x4.splat(load<f32>(bPtr + (<usize>o << 2)));
      const out = outPtr + (<usize>o << 2);
      for (let r = 0; r < rows; r += 4) {
        const left = rows - r;
        const x0 = xPtr + <usize>r * inBytes;
        const x1 = left > 1 ? x0 + inBytes : x0;
        const x2 = left > 2 ? x1 + inBytes : x0;
        const x3 = left > 3 ? x2 + inBytes : x0;
        const z = f32x4.add(dot4(w, x0, x1, x2, x3, inputs), b);
        const at = out + <usize>r * outBytes;
        store<f32>(at, f32x4.extract_lane(z, 0));
        if (left > 1) store<f32>(at + outBytes, f32x4.extract_lane(z, 1));
        if (left > 2) store<f32>(at + 2 * outBytes, f32x4.extract_lane(z, 2));
        if (left > 3) store<f32>(at + 3 * outBytes, f32x4.extract_lane(z, 3));
      }
    }
    return;
  }
  for (let r = 0; r < rows; r++) {
    const x = xPtr + <usize>r * inBytes;
    const out = outPtr + <usize>r * outBytes;
    for (o = 0; o < outputs; o++) {
      const off = <usize>o << 2;
      store<f32>(out + off, dotKernel(wPtr + <usize>o * inBytes, x, inputs) + load<f32>(bPtr + off));
    }
  }
}

/** Rows x0, x1 against weight rows w0..w0 + 3 (inBytes apart): stores the two rows' four outputs plus b. */
// @ts-ignore: decorator
@inline function forward2x4(
  x0: usize, x1: usize, w0: usize, inBytes: usize, n: i32, b: v128, out0: usize, out1: usize,
): void {
  const w1 = w0 + inBytes, w2 = w1 + inBytes, w3 = w2 + inBytes;
  let a00 = f32x4.splat(0), a01 = f32x4.splat(0), a02 = f32x4.splat(0), a03 = f32x4.splat(0);
  let a10 = f32x4.splat(0), a11 = f32x4.splat(0), a12 = f32x4.splat(0), a13 = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const off = <usize>i << 2;
    const u = v128.load(x0 + off);
    const v = v128.load(x1 + off);
    let w = v128.load(w0 + off);
    a00 = f32x4.add(a00, f32x4.mul(u, w));
    a10 = f32x4.add(a10, f32x4.mul(v, w));
    w = v128.load(w1 + off);
    a01 = f32x4.add(a01, f32x4.mul(u, w));
    a11 = f32x4.add(a11, f32x4.mul(v, w));
    w = v128.load(w2 + off);
    a02 = f32x4.add(a02, f32x4.mul(u, w));
    a12 = f32x4.add(a12, f32x4.mul(v, w));
    w = v128.load(w3 + off);
    a03 = f32x4.add(a03, f32x4.mul(u, w));
    a13 = f32x4.add(a13, f32x4.mul(v, w));
  }
  let z0 = sumLanes4(a00, a01, a02, a03);
  let z1 = sumLanes4(a10, a11, a12, a13);
  if (i < n) {
    let t00: f32 = 0, t01: f32 = 0, t02: f32 = 0, t03: f32 = 0;
    let t10: f32 = 0, t11: f32 = 0, t12: f32 = 0, t13: f32 = 0;
    for (; i < n; i++) {
      const off = <usize>i << 2;
      const u = load<f32>(x0 + off), v = load<f32>(x1 + off);
      const c0 = load<f32>(w0 + off), c1 = load<f32>(w1 + off), c2 = load<f32>(w2 + off), c3 = load<f32>(w3 + off);
      t00 += u * c0; t01 += u * c1; t02 += u * c2; t03 += u * c3;
      t10 += v * c0; t11 += v * c1; t12 += v * c2; t13 += v * c3;
    }
    z0 = f32x4.add(z0, f32x4(t00, t01, t02, t03));
    z1 = f32x4.add(z1, f32x4(t10, t11, t12, t13));
  }
  v128.store(out0, f32x4.add(z0, b));
  v128.store(out1, f32x4.add(z1, b));
}

/**
 * C (m x n f32, rows cRow bytes apart) = A B, or += A B when accumulate, where
 * A(p, q) is the f32 at aPtr + p * aP + q * aQ (strides in bytes, so A may be a
 * transpose) and B is k x n, rows bRow bytes apart. Both backward products are
 * this one loop: each scalar of A is broadcast against contiguous rows of B.
 * Not inlined: both products share one copy, called once per layer and chunk.
 */
function gemmBroadcast(
  m: i32, n: i32, k: i32, aPtr: usize, aP: usize, aQ: usize, bPtr: usize, bRow: usize,
  cPtr: usize, cRow: usize, accumulate: bool,
): void {
  let p = 0;
  if (ASC_FEATURE_SIMD) {
    for (; p + 4 <= m; p += 4) {
      const a0 = aPtr + <usize>p * aP;
      const c0 = cPtr + <usize>p * cRow;
      let j = 0;
      for (; j + 8 <= n; j += 8) block4x8(a0, aP, aQ, bPtr + (<usize>j << 2), bRow, k, c0 + (<usize>j << 2), cRow, accumulate);
      if (j + 4 <= n) {
        block4x4(a0, aP, aQ, bPtr + (<usize>j << 2), bRow, k, c0 + (<usize>j << 2), cRow, accumulate);
        j += 4;
      }
      for (; j < n; j++) block4x1(a0, aP, aQ, bPtr + (<usize>j << 2), bRow, k, c0 + (<usize>j << 2), cRow, accumulate);
    }
    for (; p < m; p++) {
      const a = aPtr + <usize>p * aP;
      const c = cPtr + <usize>p * cRow;
      let j = 0;
      for (; j + 16 <= n; j += 16) block1x16(a, aQ, bPtr + (<usize>j << 2), bRow, k, c + (<usize>j << 2), accumulate);
      for (; j + 4 <= n; j += 4) block1x4(a, aQ, bPtr + (<usize>j << 2), bRow, k, c + (<usize>j << 2), accumulate);
      for (; j < n; j++) {
        const at = c + (<usize>j << 2);
        let t: f32 = accumulate ? load<f32>(at) : 0;
        let s: f32 = 0;
        for (let q = 0; q < k; q++) s += load<f32>(a + <usize>q * aQ) * load<f32>(bPtr + <usize>q * bRow + (<usize>j << 2));
        store<f32>(at, t + s);
      }
    }
    return;
  }
  // Scalar build: one axpy of a row of B per scalar of A.
  for (; p < m; p++) {
    const a = aPtr + <usize>p * aP;
    const c = cPtr + <usize>p * cRow;
    if (!accumulate) memory.fill(c, 0, <usize>n << 2);
    for (let q = 0; q < k; q++) axpyKernel(load<f32>(a + <usize>q * aQ), bPtr + <usize>q * bRow, c, n);
  }
}

// The register blocks of gemmBroadcast (SIMD build): four rows of C by eight, four
// or one columns, and one row by sixteen or four. Each sums over q in registers and
// touches C once.

// @ts-ignore: decorator
@inline function block4x8(
  a0: usize, aP: usize, aQ: usize, b: usize, bRow: usize, k: i32, c0: usize, cRow: usize, accumulate: bool,
): void {
  const a1 = a0 + aP, a2 = a1 + aP, a3 = a2 + aP;
  let s00 = f32x4.splat(0), s01 = f32x4.splat(0), s10 = f32x4.splat(0), s11 = f32x4.splat(0);
  let s20 = f32x4.splat(0), s21 = f32x4.splat(0), s30 = f32x4.splat(0), s31 = f32x4.splat(0);
  if (aP == 4) {
    // A's four rows are adjacent floats (A = delta^T in the weight gradient): one address
    // with constant offsets instead of four, which V8 computes one instruction each.
    for (let q = 0; q < k; q++, a0 += aQ, b += bRow) {
      const u = v128.load(b);
      const v = v128.load(b, 16);
      let e = v128.load32_splat(a0);
      s00 = f32x4.add(s00, f32x4.mul(e, u));
      s01 = f32x4.add(s01, f32x4.mul(e, v));
      e = v128.load32_splat(a0, 4);
      s10 = f32x4.add(s10, f32x4.mul(e, u));
      s11 = f32x4.add(s11, f32x4.mul(e, v));
      e = v128.load32_splat(a0, 8);
      s20 = f32x4.add(s20, f32x4.mul(e, u));
      s21 = f32x4.add(s21, f32x4.mul(e, v));
      e = v128.load32_splat(a0, 12);
      s30 = f32x4.add(s30, f32x4.mul(e, u));
      s31 = f32x4.add(s31, f32x4.mul(e, v));
    }
  } else {
    let aOff: usize = 0;
    for (let q = 0; q < k; q++, aOff += aQ, b += bRow) {
      const u = v128.load(b);
      const v = v128.load(b, 16);
      let e = v128.load32_splat(a0 + aOff);
      s00 = f32x4.add(s00, f32x4.mul(e, u));
      s01 = f32x4.add(s01, f32x4.mul(e, v));
      e = v128.load32_splat(a1 + aOff);
      s10 = f32x4.add(s10, f32x4.mul(e, u));
      s11 = f32x4.add(s11, f32x4.mul(e, v));
      e = v128.load32_splat(a2 + aOff);
      s20 = f32x4.add(s20, f32x4.mul(e, u));
      s21 = f32x4.add(s21, f32x4.mul(e, v));
      e = v128.load32_splat(a3 + aOff);
      s30 = f32x4.add(s30, f32x4.mul(e, u));
      s31 = f32x4.add(s31, f32x4.mul(e, v));
    }
  }
  const c1 = c0 + cRow, c2 = c1 + cRow, c3 = c2 + cRow;
  if (accumulate) {
    s00 = f32x4.add(v128.load(c0), s00); s01 = f32x4.add(v128.load(c0, 16), s01);
    s10 = f32x4.add(v128.load(c1), s10); s11 = f32x4.add(v128.load(c1, 16), s11);
    s20 = f32x4.add(v128.load(c2), s20); s21 = f32x4.add(v128.load(c2, 16), s21);
    s30 = f32x4.add(v128.load(c3), s30); s31 = f32x4.add(v128.load(c3, 16), s31);
  }
  v128.store(c0, s00); v128.store(c0, s01, 16);
  v128.store(c1, s10); v128.store(c1, s11, 16);
  v128.store(c2, s20); v128.store(c2, s21, 16);
  v128.store(c3, s30); v128.store(c3, s31, 16);
}

// @ts-ignore: decorator
@inline function block4x4(
  a0: usize, aP: usize, aQ: usize, b: usize, bRow: usize, k: i32, c0: usize, cRow: usize, accumulate: bool,
): void {
  const a1 = a0 + aP, a2 = a1 + aP, a3 = a2 + aP;
  let s0 = f32x4.splat(0), s1 = f32x4.splat(0), s2 = f32x4.splat(0), s3 = f32x4.splat(0);
  let aOff: usize = 0;
  for (let q = 0; q < k; q++, aOff += aQ, b += bRow) {
    const u = v128.load(b);
    s0 = f32x4.add(s0, f32x4.mul(v128.load32_splat(a0 + aOff), u));
    s1 = f32x4.add(s1, f32x4.mul(v128.load32_splat(a1 + aOff), u));
    s2 = f32x4.add(s2, f32x4.mul(v128.load32_splat(a2 + aOff), u));
    s3 = f32x4.add(s3, f32x4.mul(v128.load32_splat(a3 + aOff), u));
  }
  const c1 = c0 + cRow, c2 = c1 + cRow, c3 = c2 + cRow;
  if (accumulate) {
    s0 = f32x4.add(v128.load(c0), s0); s1 = f32x4.add(v128.load(c1), s1);
    s2 = f32x4.add(v128.load(c2), s2); s3 = f32x4.add(v128.load(c3), s3);
  }
  v128.store(c0, s0); v128.store(c1, s1); v128.store(c2, s2); v128.store(c3, s3);
}

// @ts-ignore: decorator
@inline function block4x1(
  a0: usize, aP: usize, aQ: usize, b: usize, bRow: usize, k: i32, c0: usize, cRow: usize, accumulate: bool,
): void {
  const a1 = a0 + aP, a2 = a1 + aP, a3 = a2 + aP;
  let s0: f32 = 0, s1: f32 = 0, s2: f32 = 0, s3: f32 = 0;
  let aOff: usize = 0;
  for (let q = 0; q < k; q++, aOff += aQ, b += bRow) {
    const u = load<f32>(b);
    s0 += load<f32>(a0 + aOff) * u;
    s1 += load<f32>(a1 + aOff) * u;
    s2 += load<f32>(a2 + aOff) * u;
    s3 += load<f32>(a3 + aOff) * u;
  }
  const c1 = c0 + cRow, c2 = c1 + cRow, c3 = c2 + cRow;
  if (accumulate) {
    s0 = load<f32>(c0) + s0; s1 = load<f32>(c1) + s1; s2 = load<f32>(c2) + s2; s3 = load<f32>(c3) + s3;
  }
  store<f32>(c0, s0); store<f32>(c1, s1); store<f32>(c2, s2); store<f32>(c3, s3);
}

// @ts-ignore: decorator
@inline function block1x16(a: usize, aQ: usize, b: usize, bRow: usize, k: i32, c: usize, accumulate: bool): void {
  let s0 = f32x4.splat(0), s1 = f32x4.splat(0), s2 = f32x4.splat(0), s3 = f32x4.splat(0);
  let aOff: usize = 0;
  for (let q = 0; q < k; q++, aOff += aQ, b += bRow) {
    const e = v128.load32_splat(a + aOff);
    s0 = f32x4.add(s0, f32x4.mul(e, v128.load(b)));
    s1 = f32x4.add(s1, f32x4.mul(e, v128.load(b, 16)));
    s2 = f32x4.add(s2, f32x4.mul(e, v128.load(b, 32)));
    s3 = f32x4.add(s3, f32x4.mul(e, v128.load(b, 48)));
  }
  if (accumulate) {
    s0 = f32x4.add(v128.load(c), s0); s1 = f32x4.add(v128.load(c, 16), s1);
    s2 = f32x4.add(v128.load(c, 32), s2); s3 = f32x4.add(v128.load(c, 48), s3);
  }
  v128.store(c, s0); v128.store(c, s1, 16); v128.store(c, s2, 32); v128.store(c, s3, 48);
}

// @ts-ignore: decorator
@inline function block1x4(a: usize, aQ: usize, b: usize, bRow: usize, k: i32, c: usize, accumulate: bool): void {
  let s = f32x4.splat(0);
  let aOff: usize = 0;
  for (let q = 0; q < k; q++, aOff += aQ, b += bRow) {
    s = f32x4.add(s, f32x4.mul(v128.load32_splat(a + aOff), v128.load(b)));
  }
  if (accumulate) s = f32x4.add(v128.load(c), s);
  v128.store(c, s);
}

/** out (rows x inputs) = delta (rows x outputs) w: out[r, i] = sum_o delta[r, o] w[o, i], the input's gradient (overwrites out). */
export function denseBackwardInput(
  deltaPtr: usize, rows: i32, outputs: i32, wPtr: usize, inputs: i32, outPtr: usize,
): void {
  const outBytes = <usize>outputs << 2;
  const inBytes = <usize>inputs << 2;
  gemmBroadcast(rows, inputs, outputs, deltaPtr, outBytes, 4, wPtr, inBytes, outPtr, inBytes, false);
}

/**
 * gradW[o, i] += sum_r delta[r, o] x[r, i] and gradB[o] += sum_r delta[r, o]:
 * the weight and bias gradients summed over the rows, added to what is there.
 */
export function denseBackwardWeights(
  xPtr: usize, deltaPtr: usize, rows: i32, inputs: i32, outputs: i32, gradWPtr: usize, gradBPtr: usize,
): void {
  const outBytes = <usize>outputs << 2;
  const inBytes = <usize>inputs << 2;
  // A = delta^T: element (o, r) is delta[r, o], so its strides are 4 bytes and one delta row.
  gemmBroadcast(outputs, inputs, rows, deltaPtr, 4, outBytes, xPtr, inBytes, gradWPtr, inBytes, true);
  let o = 0;
  if (ASC_FEATURE_SIMD) {
    for (; o + 4 <= outputs; o += 4) {
      const col = deltaPtr + (<usize>o << 2);
      let s = f32x4.splat(0);
      for (let r = 0; r < rows; r++) s = f32x4.add(s, v128.load(col + <usize>r * outBytes));
      const at = gradBPtr + (<usize>o << 2);
      v128.store(at, f32x4.add(v128.load(at), s));
    }
  }
  for (; o < outputs; o++) {
    const col = deltaPtr + (<usize>o << 2);
    let s: f32 = 0;
    for (let r = 0; r < rows; r++) s += load<f32>(col + <usize>r * outBytes);
    const at = gradBPtr + (<usize>o << 2);
    store<f32>(at, load<f32>(at) + s);
  }
}
