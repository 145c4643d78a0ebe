// Compressed sparse rows, SciPy's layout and names: row r's stored values are
// data[indptr[r]..indptr[r+1]), in the columns indices[same range]. The input side of
// sparse training (HashingVectorizer and the svmlight reader produce it); it sits below
// the engines so the model core, preprocess and datasets can all check it.
import { ValidationError } from '../errors.js';
import { badValue, matrixValueError, notDetached, show } from '../validate.js';

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
  for (let r = 0; r < rows; r++) {
    if (ptr[r + 1] < ptr[r]) {
      throw new ValidationError(`${name}.indptr decreases at row ${r}: indptr[${r}] = ${ptr[r]}, indptr[${r + 1}] = ${ptr[r + 1]}`);
    }
  }
  if (ptr[rows] !== data.length) {
    throw new ValidationError(`${name}.indptr ends at ${ptr[rows]}, but there are ${data.length} stored values (data.length)`);
  }
  for (let r = 0; r < rows; r++) {
    for (let k = ptr[r]; k < ptr[r + 1]; k++) {
      const c = idx[k];
      if (c < 0 || c >= cols) {
        throw new ValidationError(`${name} has column index ${c} at row ${r} (indices[${k}]), outside 0..${cols - 1}`);
      }
      const v = data[k];
      if (v - v !== 0 || !Number.isFinite(Math.fround(v))) throw matrixValueError(name, v, r, c, badValue(v)!);
    }
  }
  return value as CSR;
}
