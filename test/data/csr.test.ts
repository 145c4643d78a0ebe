// checkCSR (src/data/csr.ts): every malformed field is a ValidationError naming the field,
// the row and the value, word for word; valid matrices (unsorted or repeated indices,
// empty rows, every accepted array kind) pass through unchanged and uncopied.
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/errors.js';
import { checkCSR, isCSR, type CSR } from '../../src/data/csr.js';
import { expectThrows } from '../helpers/errors.js';

// [[1, 0, 2], [0, 0, 0], [0, 3, 0]]
const valid = (): CSR => ({
  shape: [3, 3], indptr: Int32Array.from([0, 2, 2, 3]), indices: Int32Array.from([0, 2, 1]), data: Float32Array.from([1, 2, 3]),
});
const bad = (patch: Record<string, unknown>, message: string, features?: number) =>
  expectThrows(() => checkCSR({ ...valid(), ...patch }, 'X', features), ValidationError, message);

describe('checkCSR', () => {
  it('returns a valid matrix itself, for every accepted array kind, unsorted and repeated indices included', () => {
    const X = valid();
    expect(checkCSR(X)).toBe(X);
    expect(checkCSR(X, 'X', 3)).toBe(X);
    const u32 = { shape: [2, 4] as const, indptr: Uint32Array.from([0, 3, 4]), indices: Uint32Array.from([3, 0, 3, 1]), data: Float64Array.from([1, 2, 3, 4]) };
    expect(checkCSR(u32)).toBe(u32);
    expect(Array.from(u32.indices)).toEqual([3, 0, 3, 1]); // not sorted in place
    const empty = { shape: [0, 5] as const, indptr: Int32Array.from([0]), indices: new Int32Array(0), data: new Float32Array(0) };
    expect(checkCSR(empty, 'X', 5)).toBe(empty);
    // A subarray view with a byteOffset reads from its own start.
    const buf = Int32Array.from([99, 0, 1]);
    const view = { shape: [1, 2] as const, indptr: buf.subarray(1), indices: Int32Array.from([1]), data: Float32Array.from([5]) };
    expect(checkCSR(view)).toBe(view);
  });

  it('tells CSR from dense input', () => {
    expect(isCSR(valid())).toBe(true);
    expect(isCSR(new Float32Array(3))).toBe(false);
    expect(isCSR([[1, 2]])).toBe(false);
    expect(isCSR(null)).toBe(false);
  });

  it('rejects a value that is not a CSR matrix, and bad field types', () => {
    expectThrows(() => checkCSR(new Float32Array(4), 'X'), ValidationError, 'X must be a CSR matrix { shape, indptr, indices, data }, got a Float32Array');
    expectThrows(() => checkCSR(null, 'validationData.X'), ValidationError, 'validationData.X must be a CSR matrix { shape, indptr, indices, data }, got null');
    bad({ shape: [3] }, 'X.shape must be [rows, cols] (integers, rows >= 0, cols >= 1), got [3]');
    bad({ shape: [3, 0] }, 'X.shape must be [rows, cols] (integers, rows >= 0, cols >= 1), got [3, 0]');
    bad({ shape: [-1, 3] }, 'X.shape must be [rows, cols] (integers, rows >= 0, cols >= 1), got [-1, 3]');
    bad({ shape: [1.5, 3] }, 'X.shape must be [rows, cols] (integers, rows >= 0, cols >= 1), got [1.5, 3]');
    bad({ indptr: [0, 2, 2, 3] }, 'X.indptr must be an Int32Array or Uint32Array, got [0, 2, 2, 3]');
    bad({ indices: Float64Array.from([0, 2, 1]) }, 'X.indices must be an Int32Array or Uint32Array, got a Float64Array');
    bad({ data: Int32Array.from([1, 2, 3]) }, 'X.data must be a Float32Array or Float64Array, got an Int32Array');
  });

  it('rejects a detached array', () => {
    const data = Float32Array.from([1, 2, 3]);
    structuredClone(data.buffer, { transfer: [data.buffer] });
    bad({ data }, 'X.data is a detached Float32Array (its buffer was transferred)');
  });

  it('rejects a shape that does not match features', () => {
    bad({}, 'X has 3 columns (shape [3, 3]), expected features (4)', 4);
  });

  it('rejects indptr of the wrong length, not from 0, decreasing, or not ending at the number of stored values', () => {
    bad({ indptr: Int32Array.from([0, 2, 3]) }, 'X.indptr has length 3, expected rows + 1 = 4');
    bad({ indices: Int32Array.from([0, 2]) }, 'X.indices has length 2 but X.data has length 3');
    bad({ indptr: Int32Array.from([1, 2, 2, 3]) }, 'X.indptr must start at 0, got 1');
    bad({ indptr: Int32Array.from([0, 2, 1, 3]) }, 'X.indptr decreases at row 1: indptr[1] = 2, indptr[2] = 1');
    bad({ indptr: Int32Array.from([0, 2, 2, 2]) }, 'X.indptr ends at 2, but there are 3 stored values (data.length)');
    bad({ indptr: Int32Array.from([0, 2, 2, 4]) }, 'X.indptr ends at 4, but there are 3 stored values (data.length)');
    // A negative Int32 offset is a decrease from 0.
    bad({ indptr: Int32Array.from([0, -1, 2, 3]) }, 'X.indptr decreases at row 0: indptr[0] = 0, indptr[1] = -1');
  });

  it('rejects a column index that is negative or out of range, naming the row', () => {
    bad({ indices: Int32Array.from([0, 2, -1]) }, 'X has column index -1 at row 2 (indices[2]), outside 0..2');
    bad({ indices: Int32Array.from([0, 3, 1]) }, 'X has column index 3 at row 0 (indices[1]), outside 0..2');
    bad({ indices: Uint32Array.from([0, 2, 4294967295]) }, 'X has column index 4294967295 at row 2 (indices[2]), outside 0..2');
  });

  it('rejects non-finite data and values too large for float32, naming the row and the column', () => {
    bad({ data: Float32Array.from([1, NaN, 3]) }, 'X contains NaN at row 0, column 2');
    bad({ data: Float64Array.from([1, 2, -Infinity]) }, 'X contains -Infinity at row 2, column 1');
    bad({ data: Float64Array.from([1e39, 2, 3]) }, 'X value 1e+39 at row 0, column 0 is too large for float32 (largest magnitude is 3.4028234663852886e+38)');
  });
});
