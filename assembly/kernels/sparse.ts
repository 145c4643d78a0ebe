// Kernels over one compressed sparse row (CSR): stored values at valsPtr (f32) in the
// columns at idxPtr (u32), positions from..to. Scalar: each stored value reads or writes
// a weight at its own column (a gather or a scatter), and WebAssembly SIMD has neither
// (docs/text.md). Repeated columns in a row add, as SciPy's sum_duplicates would combine them.
// src/reference/sparse.ts is the float64 twin.

/**
 * sum over k in from..to of w[idx[k]] * vals[k]; four running sums (k mod 4), added as
 * (s0 + s1) + (s2 + s3), so the adds do not wait on each other.
 */
export function sparseDot(wPtr: usize, valsPtr: usize, idxPtr: usize, from: i32, to: i32): f32 {
  let s0: f32 = 0;
  let s1: f32 = 0;
  let s2: f32 = 0;
  let s3: f32 = 0;
  let k = from;
  for (; k + 4 <= to; k += 4) {
    const off = <usize>k << 2;
    s0 += load<f32>(wPtr + (<usize>load<u32>(idxPtr + off) << 2)) * load<f32>(valsPtr + off);
    s1 += load<f32>(wPtr + (<usize>load<u32>(idxPtr + off, 4) << 2)) * load<f32>(valsPtr + off, 4);
    s2 += load<f32>(wPtr + (<usize>load<u32>(idxPtr + off, 8) << 2)) * load<f32>(valsPtr + off, 8);
    s3 += load<f32>(wPtr + (<usize>load<u32>(idxPtr + off, 12) << 2)) * load<f32>(valsPtr + off, 12);
  }
  for (; k < to; k++) s0 += load<f32>(wPtr + (<usize>load<u32>(idxPtr + (<usize>k << 2)) << 2)) * load<f32>(valsPtr + (<usize>k << 2));
  return (s0 + s1) + (s2 + s3);
}

/** y[idx[k]] += a * vals[k] for k in from..to (the scatter-add of a row's gradient). */
export function sparseAxpy(a: f32, valsPtr: usize, idxPtr: usize, from: i32, to: i32, yPtr: usize): void {
  for (let k = from; k < to; k++) {
    const off = <usize>k << 2;
    const p = yPtr + (<usize>load<u32>(idxPtr + off) << 2);
    store<f32>(p, load<f32>(p) + a * load<f32>(valsPtr + off));
  }
}

/** Row p's stored values' range in a CSR table (row order[p], or p when orderPtr is 0), as from | to << 32. */
// @ts-ignore: decorator
@inline function csrRange(indptrPtr: usize, orderPtr: usize, p: i32): u64 {
  const r = orderPtr ? <usize>load<u32>(orderPtr + (<usize>p << 2)) : <usize>p;
  return <u64>load<u32>(indptrPtr + (r << 2)) | (<u64>load<u32>(indptrPtr + (r << 2), 4) << 32);
}

/**
 * A dense layer's outputs for n CSR rows (at positions first.. of orderPtr's order, or
 * first.. when it is 0): out[k, u] = b[u] + sum_j W[u, j] x_k[j] (W units x inputs, row-major).
 */
export function sparseDenseForward(
  valsPtr: usize, idxPtr: usize, indptrPtr: usize, orderPtr: usize, first: i32, n: i32,
  wPtr: usize, bPtr: usize, inputs: i32, units: i32, outPtr: usize,
): void {
  const stride = <usize>inputs << 2;
  for (let k = 0; k < n; k++) {
    const range = csrRange(indptrPtr, orderPtr, first + k);
    const row = outPtr + (<usize>(k * units) << 2);
    for (let u = 0; u < units; u++) {
      const off = <usize>u << 2;
      store<f32>(row + off, load<f32>(bPtr + off) + sparseDot(wPtr + <usize>u * stride, valsPtr, idxPtr, <i32>range, <i32>(range >>> 32)));
    }
  }
}

/** That layer's weight gradient for the same rows: gradW[u, j] += delta[k, u] x_k[j], gradb[u] += delta[k, u]. */
export function sparseDenseBackward(
  valsPtr: usize, idxPtr: usize, indptrPtr: usize, orderPtr: usize, first: i32, n: i32,
  deltaPtr: usize, inputs: i32, units: i32, gradWPtr: usize, gradBPtr: usize,
): void {
  const stride = <usize>inputs << 2;
  for (let k = 0; k < n; k++) {
    const range = csrRange(indptrPtr, orderPtr, first + k);
    const row = deltaPtr + (<usize>(k * units) << 2);
    for (let u = 0; u < units; u++) {
      const off = <usize>u << 2;
      const d = load<f32>(row + off);
      store<f32>(gradBPtr + off, load<f32>(gradBPtr + off) + d);
      if (d != 0) sparseAxpy(d, valsPtr, idxPtr, <i32>range, <i32>(range >>> 32), gradWPtr + <usize>u * stride);
    }
  }
}
