// Checking and arranging data already copied into linear memory: the second half of
// "one pass in" (the copy is a bulk set from JS; the check runs here, in SIMD).
// src/reference/data.ts is the twin.
import { copyRow } from './shuffle';
import { field, pointer } from './fields';
import { DATA_ROWS, DATA_COLS, DATA_X_PTR, DATA_INDPTR_PTR, DATA_INDICES_PTR } from '../src/wasm/abi';

/**
 * The index of the first of n f32 values at ptr that is not finite (NaN or
 * +-Infinity; a float64 input past float32's range became Infinity in the copy),
 * or -1. x - x is 0 for every finite x and NaN otherwise.
 */
export function findNonFinite(ptr: usize, n: i32): i32 {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const zero = f32x4.splat(0);
    for (; i + 16 <= n; i += 16) {
      const p = ptr + (<usize>i << 2);
      const a = v128.load(p);
      const b = v128.load(p, 16);
      const c = v128.load(p, 32);
      const d = v128.load(p, 48);
      const bad = v128.or(
        v128.or(f32x4.ne(f32x4.sub(a, a), zero), f32x4.ne(f32x4.sub(b, b), zero)),
        v128.or(f32x4.ne(f32x4.sub(c, c), zero), f32x4.ne(f32x4.sub(d, d), zero)),
      );
      if (v128.any_true(bad)) break; // the scalar loop below finds which
    }
  }
  for (; i < n; i++) {
    const x = load<f32>(ptr + (<usize>i << 2));
    if (x - x != 0) return i;
  }
  return -1;
}

/**
 * Copies rows ids[0..n) of a cols-wide f32 matrix at srcPtr to consecutive rows at
 * dstPtr. With dstPtr == srcPtr and increasing ids it compacts in place (row k is
 * written at or before where it is read).
 */
export function gatherRows(srcPtr: usize, idsPtr: usize, n: i32, cols: i32, dstPtr: usize): void {
  const rowBytes = <usize>cols << 2;
  for (let k = 0; k < n; k++) {
    const r = load<u32>(idsPtr + (<usize>k << 2));
    const from = srcPtr + <usize>r * rowBytes;
    const to = dstPtr + <usize>k * rowBytes;
    if (from != to) copyRow(to, from, cols);
  }
}

/**
 * Checks the CSR table described at dataPtr (KIND_CSR, src/wasm/abi.ts) after its copy in:
 * indptr non-decreasing from 0 to nnz, every column index below DATA_COLS (an Int32Array's
 * negative index is a large u32 here), every value finite. Returns -1 if it is valid, else the
 * row whose indptr is wrong (as -2 - row) or the first bad stored value's position (>= 0);
 * the engine then names it (src/data/csr.ts checkCSR).
 */
export function checkSparse(dataPtr: usize, nnz: i32): i32 {
  const rows = field(dataPtr, DATA_ROWS);
  const cols = <u32>field(dataPtr, DATA_COLS);
  const indptrPtr = pointer(dataPtr, DATA_INDPTR_PTR);
  const idxPtr = pointer(dataPtr, DATA_INDICES_PTR);
  if (load<u32>(indptrPtr) != 0) return -2;
  for (let r = 0; r < rows; r++) {
    const p = indptrPtr + (<usize>r << 2);
    if (load<u32>(p, 4) < load<u32>(p)) return -2 - r;
  }
  if (load<u32>(indptrPtr + (<usize>rows << 2)) != <u32>nnz) return -2 - rows;
  for (let k = 0; k < nnz; k++) {
    if (load<u32>(idxPtr + (<usize>k << 2)) >= cols) return k;
  }
  return findNonFinite(pointer(dataPtr, DATA_X_PTR), nnz);
}
