// The data kernels (assembly/data.ts, both builds) against their twin src/reference/data.ts:
// finding the first non-finite value at every position of every SIMD tail, and gathering rows.
import { afterEach, describe, expect, it } from 'vitest';
import { findNonFinite, gatherRows } from '../src/reference/data.js';
import { BUILDS, runtime, useReady } from './helpers/engines.js';
import { Scratch } from './helpers/wasm.js';
import { uniformF32 } from './helpers/data.js';
import { MISALIGN, SIZES } from './kernels/sizes.js';

useReady();

describe.each(BUILDS)('data kernels ($build build)', ({ simd }) => {
  let mem: Scratch;
  const place = () => (mem = new Scratch(runtime(simd)));
  afterEach(() => mem?.free());

  describe.each(MISALIGN)('start offset %i bytes', (misalign) => {
    it.each(SIZES)('findNonFinite: -1 on finite data, the index of the first bad value wherever it is, n = %i', (n) => {
      place();
      // Finite guards (0): a scan that reads past the end would not be caught by NaN guards here, so the
      // guard value is 0 and every bad value inside the range must be the one reported.
      const clean = uniformF32(n, 10 + n).map((v) => v * 3e38); // large but finite
      expect(mem.rt.exports.findNonFinite(mem.f32(clean, misalign, 0), n)).toBe(-1);
      for (const bad of [NaN, Infinity, -Infinity]) {
        for (let at = 0; at < n; at++) {
          const v = clean.slice();
          v[at] = bad;
          if (at + 2 < n) v[at + 2] = NaN; // a later one must not be reported
          const got = mem.rt.exports.findNonFinite(mem.f32(v, misalign, 0), n);
          expect(got).toBe(at);
          expect(got).toBe(findNonFinite(v, 0, n));
        }
      }
    });
  });

  it('findNonFinite ignores what lies past n (a NaN guard right after the range)', () => {
    place();
    for (const n of SIZES) expect(mem.rt.exports.findNonFinite(mem.f32(uniformF32(n, n), 0, NaN), n)).toBe(-1);
  });

  it.each([1, 3, 4, 7, 16, 33])('gatherRows into another block, and compacting in place, cols = %i', (cols) => {
    place();
    const rows = 20;
    const X = uniformF32(rows * cols, cols);
    const ids = [0, 2, 3, 7, 8, 9, 15, 19];
    const src = mem.f32(X);
    const idsPtr = mem.u32(ids);
    const dst = mem.f32(new Float32Array(ids.length * cols));
    mem.rt.exports.gatherRows(src, idsPtr, ids.length, cols, dst);
    const want = new Float32Array(ids.length * cols);
    gatherRows(X, ids, ids.length, cols, want);
    expect(mem.readF32(dst, ids.length * cols)).toEqual(want);
    // In place: increasing ids compact the matrix; the reference does the same on a copy.
    mem.rt.exports.gatherRows(src, idsPtr, ids.length, cols, src);
    const inPlace = X.slice();
    gatherRows(inPlace, ids, ids.length, cols, inPlace);
    expect(mem.readF32(src, rows * cols)).toEqual(inPlace);
    expect(inPlace.subarray(0, ids.length * cols)).toEqual(want);
  });
});
