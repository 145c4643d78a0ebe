// takeRows (src/data/rows.ts): the row copy the engines, the model core and preprocess share.
import { describe, expect, it } from 'vitest';
import { takeRows } from '../../src/data/rows.js';

describe('takeRows', () => {
  it('gathers rows and values in the order of idx (exact copies)', () => {
    const X = Float32Array.from([0, 1, 10, 11, 20, 21, 30, 31]);
    const idx = Uint32Array.from([3, 0, 2]);
    expect(Array.from(takeRows(X, 2, idx))).toEqual([30, 31, 0, 1, 20, 21]);
    expect(Array.from(takeRows(Float32Array.from([5, 6, 7, 8]), 1, idx))).toEqual([8, 5, 7]);
    expect(takeRows(X, 2, new Uint32Array(0)).length).toBe(0);
  });

  it('returns an array of the kind it was given, and leaves the source as it was', () => {
    const idx = Uint32Array.from([1, 1, 0]);
    const f64 = Float64Array.from([0.1, 0.2]);
    const i32 = Int32Array.from([-7, 9]);
    const u8 = Uint8Array.from([3, 250]);
    expect(takeRows(f64, 1, idx)).toEqual(Float64Array.from([0.2, 0.2, 0.1]));
    expect(takeRows(i32, 1, idx)).toEqual(Int32Array.from([9, 9, -7]));
    expect(takeRows(u8, 1, idx)).toEqual(Uint8Array.from([250, 250, 3]));
    expect(Array.from(f64)).toEqual([0.1, 0.2]);
  });
});
