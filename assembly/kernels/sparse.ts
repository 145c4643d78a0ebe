// Kernels over one compressed sparse row (CSR): stored values at valsPtr (f32) in the
// columns at idxPtr (u32), positions from..to. Scalar: each stored value reads or writes
// a weight at its own column (a gather or a scatter), and WebAssembly SIMD has neither
// (docs/text.md). Repeated columns in a row add, as SciPy's sum_duplicates would combine them.
// src/reference/sparse.ts is the float64 twin.

/** sum over k in from..to of w[idx[k]] * vals[k]. */
export function sparseDot(wPtr: usize, valsPtr: usize, idxPtr: usize, from: i32, to: i32): f32 {
  let s: f32 = 0;
  for (let k = from; k < to; k++) {
    const off = <usize>k << 2;
    s += load<f32>(wPtr + (<usize>load<u32>(idxPtr + off) << 2)) * load<f32>(valsPtr + off);
  }
  return s;
}

/** y[idx[k]] += a * vals[k] for k in from..to (the scatter-add of a row's gradient). */
export function sparseAxpy(a: f32, valsPtr: usize, idxPtr: usize, from: i32, to: i32, yPtr: usize): void {
  for (let k = from; k < to; k++) {
    const off = <usize>k << 2;
    const p = yPtr + (<usize>load<u32>(idxPtr + off) << 2);
    store<f32>(p, load<f32>(p) + a * load<f32>(valsPtr + off));
  }
}

/** The same scatter-add into f64 values (the epoch's gradient sum). */
export function sparseAxpy64(a: f64, valsPtr: usize, idxPtr: usize, from: i32, to: i32, yPtr: usize): void {
  for (let k = from; k < to; k++) {
    const off = <usize>k << 2;
    const p = yPtr + (<usize>load<u32>(idxPtr + off) << 3);
    store<f64>(p, load<f64>(p) + a * <f64>load<f32>(valsPtr + off));
  }
}

/**
 * A dense layer's outputs for one sparse row: out[u] = b[u] + sum_k W[u, idx[k]] vals[k]
 * for units u (W units x inputs, row-major).
 */
export function sparseDenseForward(
  valsPtr: usize, idxPtr: usize, from: i32, to: i32, wPtr: usize, bPtr: usize, inputs: i32, units: i32, outPtr: usize,
): void {
  const stride = <usize>inputs << 2;
  for (let u = 0; u < units; u++) {
    const off = <usize>u << 2;
    store<f32>(outPtr + off, load<f32>(bPtr + off) + sparseDot(wPtr + <usize>u * stride, valsPtr, idxPtr, from, to));
  }
}

/** A dense layer's weight gradient for one sparse row: gradW[u, idx[k]] += delta[u] vals[k], gradb[u] += delta[u]. */
export function sparseDenseBackward(
  valsPtr: usize, idxPtr: usize, from: i32, to: i32, deltaPtr: usize, inputs: i32, units: i32, gradWPtr: usize, gradBPtr: usize,
): void {
  const stride = <usize>inputs << 2;
  for (let u = 0; u < units; u++) {
    const off = <usize>u << 2;
    const d = load<f32>(deltaPtr + off);
    store<f32>(gradBPtr + off, load<f32>(gradBPtr + off) + d);
    if (d != 0) sparseAxpy(d, valsPtr, idxPtr, from, to, gradWPtr + <usize>u * stride);
  }
}
