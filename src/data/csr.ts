// Compressed sparse rows, SciPy's layout and names: row r's stored values are
// data[indptr[r]..indptr[r+1]), in the columns indices[same range]. The input side of
// sparse training (HashingVectorizer and the svmlight reader produce it); it sits below
// the engines so the model core, preprocess and datasets can all check it.
import { ValidationError } from '../errors.js';
import { badValue, matrixRows, matrixSource, matrixValueError, notDetached, show, type MatrixSource } from '../validate.js';

/**
 * A rows x cols matrix in compressed sparse row form (scipy.sparse.csr_matrix's fields).
 * Indices within a row may be unsorted or repeated: repeated ones add, as SciPy's
 * sum_duplicates() would combine them.
 */
export interface CSR {
  /** [rows, cols]. */
  shape: readonly [number, number];
  /** rows + 1 offsets into indices and data: non-decreasing, from 0 to the number of stored values. */
  indptr: Int32Array | Uint32Array;
  /** The column (0-based) of each stored value. */
  indices: Int32Array | Uint32Array;
  /** The stored values. */
  data: Float32Array | Float64Array;
}

/** Whether value looks like a CSR matrix (an object with indptr), as opposed to dense X; checkCSR says whether it is a valid one. */
export function isCSR(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !ArrayBuffer.isView(value) && !Array.isArray(value) && 'indptr' in value;
}

/**
 * Throws a ValidationError naming the field, the row and the value unless value is a valid
 * CSR matrix (with features columns, if given); returns it, unchanged and uncopied. Reads
 * every stored value once.
 */
export function checkCSR(value: unknown, name = 'X', features?: number): CSR {
  const csr = checkIndptr(csrShape(value, name, features), name);
  const { indptr: ptr, indices: idx, data } = csr;
  const rows = csr.shape[0];
  for (let r = 0; r < rows; r++) {
    for (let k = ptr[r]; k < ptr[r + 1]; k++) {
      const c = idx[k];
      if (c < 0 || c >= csr.shape[1]) {
        throw new ValidationError(`${name} has column index ${c} at row ${r} (indices[${k}]), outside 0..${csr.shape[1] - 1}`);
      }
      const v = data[k];
      if (v - v !== 0 || !Number.isFinite(Math.fround(v))) throw matrixValueError(name, v, r, c, badValue(v)!);
    }
  }
  return csr;
}

/**
 * checkCSR's checks of everything but the stored values and indptr's order: the types, the
 * shape (against features), the lengths, indptr's first and last entries. O(1): the engines
 * check the rest as they copy the table in (one pass), and call checkCSR to name a problem.
 */
export function csrShape(value: unknown, name = 'X', features?: number): CSR {
  if (!isCSR(value)) {
    throw new ValidationError(`${name} must be a CSR matrix { shape, indptr, indices, data }, got ${show(value)}`);
  }
  const { shape, indptr, indices, data } = value as Record<string, unknown>;
  if (!Array.isArray(shape) || shape.length !== 2 || !shape.every((n) => Number.isInteger(n) && n >= 0) || shape[1] < 1) {
    throw new ValidationError(`${name}.shape must be [rows, cols] (integers, rows >= 0, cols >= 1), got ${show(shape)}`);
  }
  const [rows, cols] = shape as [number, number];
  for (const [field, v] of [['indptr', indptr], ['indices', indices]] as const) {
    if (!(v instanceof Int32Array) && !(v instanceof Uint32Array)) {
      throw new ValidationError(`${name}.${field} must be an Int32Array or Uint32Array, got ${show(v)}`);
    }
    notDetached(`${name}.${field}`, v);
  }
  if (!(data instanceof Float32Array) && !(data instanceof Float64Array)) {
    throw new ValidationError(`${name}.data must be a Float32Array or Float64Array, got ${show(data)}`);
  }
  notDetached(`${name}.data`, data);
  const ptr = indptr as Int32Array | Uint32Array;
  const idx = indices as Int32Array | Uint32Array;
  if (features !== undefined && cols !== features) {
    throw new ValidationError(`${name} has ${cols} columns (shape [${rows}, ${cols}]), expected features (${features})`);
  }
  if (ptr.length !== rows + 1) {
    throw new ValidationError(`${name}.indptr has length ${ptr.length}, expected rows + 1 = ${rows + 1}`);
  }
  if (idx.length !== data.length) {
    throw new ValidationError(`${name}.indices has length ${idx.length} but ${name}.data has length ${data.length}`);
  }
  if (ptr[0] !== 0) throw new ValidationError(`${name}.indptr must start at 0, got ${ptr[0]}`);
  if (ptr[rows] !== data.length) {
    throw new ValidationError(`${name}.indptr ends at ${ptr[rows]}, but there are ${data.length} stored values (data.length)`);
  }
  return value as CSR;
}

/** X as the engines take it: a CSR matrix (csrShape's checks) or a dense one (matrixSource's). */
export function inputSource(X: unknown, features: number, name = 'X'): MatrixSource {
  if (!isCSR(X)) return matrixSource(X, features, name);
  const csr = csrShape(X, name, features);
  if (csr.shape[0] === 0) throw new ValidationError(`${name} is empty (shape [0, ${csr.shape[1]}])`);
  return { X: csr.data, rows: csr.shape[0], features, name, csr };
}

/** Throws unless csr's indptr is non-decreasing (its first and last entries are csrShape's). */
export function checkIndptr(csr: CSR, name: string): CSR {
  const ptr = csr.indptr;
  for (let r = 0; r < csr.shape[0]; r++) {
    if (ptr[r + 1] < ptr[r]) {
      throw new ValidationError(`${name}.indptr decreases at row ${r}: indptr[${r}] = ${ptr[r]}, indptr[${r + 1}] = ${ptr[r + 1]}`);
    }
  }
  return csr;
}

/** Rows ids (in that order) of a CSR table whose indptr is checked, as a new table (values and indices copied, unchecked). */
export function takeCSRRows(csr: CSR, ids: ArrayLike<number>): CSR {
  const { indptr, indices, data } = csr;
  let nnz = 0;
  for (let k = 0; k < ids.length; k++) nnz += indptr[ids[k] + 1] - indptr[ids[k]];
  const ptr = new Uint32Array(ids.length + 1);
  const idx = new Uint32Array(nnz);
  const vals = new Float64Array(nnz);
  for (let k = 0, at = 0; k < ids.length; k++) {
    const from = indptr[ids[k]];
    const to = indptr[ids[k] + 1];
    idx.set(indices.subarray(from, to), at);
    vals.set(data.subarray(from, to), at);
    at += to - from;
    ptr[k + 1] = at;
  }
  return { shape: [ids.length, csr.shape[1]], indptr: ptr, indices: idx, data: vals };
}

/** The rows (and a CSR table's stored values) X's shape implies, read without checking it: for capacity checks before anything else. */
export function dataSize(X: unknown, features: number): { rows: number; nnz?: number } {
  if (!isCSR(X)) return { rows: matrixRows(X, features) };
  const { shape, data } = X as Partial<CSR>;
  const rows = Array.isArray(shape) && Number.isInteger(shape[0]) ? shape[0] : 0;
  return { rows, nnz: data instanceof Float32Array || data instanceof Float64Array ? data.length : 0 };
}
