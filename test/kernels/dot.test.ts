// WASM dot (both builds) against the float64 reference twin src/reference/dot.ts.
import { afterEach, describe, expect, it } from 'vitest';
import { dot } from '../../src/reference/dot.js';
import { BUILDS, useReady } from '../helpers/engines.js';
import { testingRuntime, type TestingRuntime } from '../helpers/testingBuild.js';
import { Scratch } from '../helpers/wasm.js';
import { smallInts, uniformF32 } from '../helpers/data.js';
import { expectClose, U32 } from '../helpers/tolerance.js';
import { MISALIGN, SIZES } from './sizes.js';

useReady();

describe.each(BUILDS)('dot ($build build)', ({ simd }) => {
  let mem: Scratch<TestingRuntime>;
  const place = () => (mem = new Scratch(testingRuntime(simd)));
  afterEach(() => mem?.free());

  describe.each(MISALIGN)('start offset %i bytes', (misalign) => {
    it.each(SIZES)('is exact on small integers, n = %i', (n) => {
      place();
      // |a_i|, |b_i| <= 8: every product is <= 64 and every partial sum <= 129 * 64 < 2^24,
      // so float32 holds each intermediate exactly, in any summation order.
      const a = smallInts(n, 8, 100 + n);
      const b = smallInts(n, 8, 200 + n);
      const aPtr = mem.f32(a, misalign);
      const bPtr = mem.f32(b, misalign);
      // The NaN guards either side of a and b: reading past either end would return NaN.
      expect(mem.rt.exports.dot(aPtr, bPtr, n)).toBe(dot(a, 0, b, 0, n));
    });

    it.each(SIZES)('is within float32 accumulation error on random data, n = %i', (n) => {
      place();
      const a = uniformF32(n, 300 + n);
      const b = uniformF32(n, 400 + n);
      const aPtr = mem.f32(a, misalign);
      const bPtr = mem.f32(b, 4 - misalign); // the two operands misaligned differently
      let sumAbs = 0;
      for (let i = 0; i < n; i++) sumAbs += Math.abs(a[i] * b[i]);
      // Each product rounds once and each of at most n additions rounds once, whatever the
      // lane grouping: |error| <= n * 2^-24 * sum |a_i b_i| (to first order); (n + 1) covers
      // the product roundings too.
      expectClose(mem.rt.exports.dot(aPtr, bPtr, n), dot(a, 0, b, 0, n), { abs: (n + 1) * U32 * sumAbs }, `dot n=${n}`);
    });
  });

  it('returns 0 for n = 0 without reading memory', () => {
    place();
    const p = mem.f32([], 0); // only NaN guards around an empty array
    expect(mem.rt.exports.dot(p, p, 0)).toBe(0);
  });
});
