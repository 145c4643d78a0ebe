// WASM axpy (both builds) against the float64 reference twin src/reference/axpy.ts.
import { afterEach, describe, expect, it } from 'vitest';
import { axpy } from '../../src/reference/axpy.js';
import { BUILDS, useReady } from '../helpers/engines.js';
import { testingRuntime, type TestingRuntime } from '../helpers/testingBuild.js';
import { Scratch } from '../helpers/wasm.js';
import { smallInts, uniformF32 } from '../helpers/data.js';
import { expectClose, expectSame, U32 } from '../helpers/tolerance.js';
import { MISALIGN, SIZES } from './sizes.js';

useReady();

const SENTINEL = 12345; // guard value around y: it must still be there after the call

describe.each(BUILDS)('axpy ($build build)', ({ simd }) => {
  let mem: Scratch<TestingRuntime>;
  const place = () => (mem = new Scratch(testingRuntime(simd)));
  afterEach(() => mem?.free());

  describe.each(MISALIGN)('start offset %i bytes', (misalign) => {
    it.each(SIZES)('is exact on small integers and writes only y[0..n), n = %i', (n) => {
      place();
      for (const alpha of [-3, 0.5, 2]) {
        // |x|, |y| <= 16 and alpha in {-3, 0.5, 2}: every product and sum is a short dyadic number,
        // exact in float32, so the result must equal the float64 reference bit for bit.
        const x = smallInts(n, 16, 500 + n);
        const y = smallInts(n, 16, 600 + n);
        const xPtr = mem.f32(x, misalign);
        const yPtr = mem.f32(y, misalign, SENTINEL);
        mem.rt.exports.axpy(alpha, xPtr, yPtr, n);
        const expected = Float64Array.from(y);
        axpy(alpha, x, 0, expected, n);
        expectSame(mem.readF32(yPtr, n), expected, `axpy alpha=${alpha} n=${n}`);
        expectSame(mem.guards(yPtr, n), new Float32Array(16).fill(SENTINEL), `guards around y, n=${n}`);
      }
    });

    it.each(SIZES)('is within one rounding per operation on random data, n = %i', (n) => {
      place();
      const alpha = Math.fround(-0.7371);
      const x = uniformF32(n, 700 + n);
      const y = uniformF32(n, 800 + n);
      const xPtr = mem.f32(x, misalign);
      const yPtr = mem.f32(y, 4 - misalign, SENTINEL);
      mem.rt.exports.axpy(alpha, xPtr, yPtr, n);
      const got = mem.readF32(yPtr, n);
      const expected = Float64Array.from(y);
      axpy(alpha, x, 0, expected, n);
      // Per element: the product rounds once (<= 2^-24 |alpha x|) and the sum once
      // (<= 2^-24 |y + alpha x|), so |error| <= 2^-24 (|alpha x| + |y + alpha x|) (+ a second-order term, covered by 1.01).
      for (let i = 0; i < n; i++) {
        const bound = 1.01 * U32 * (Math.abs(alpha * x[i]) + Math.abs(expected[i]));
        expectClose(got[i], expected[i], { abs: bound }, `axpy n=${n} element ${i}`);
      }
      // WASM has no fused multiply-add, so SIMD lanes and the scalar tail both compute
      // round(y + round(alpha * x)) exactly; emulate that with Math.fround.
      const emulated = Float32Array.from(y, (v, i) => Math.fround(v + Math.fround(alpha * x[i])));
      expectSame(got, emulated, `axpy n=${n} vs float32 emulation`);
      expectSame(mem.guards(yPtr, n), new Float32Array(16).fill(SENTINEL), `guards around y, n=${n}`);
    });
  });

  it('converts alpha to float32 at the boundary', () => {
    place();
    // alpha = 0.1 arrives as fround(0.1); 1 * fround(0.1) + 0 is exactly fround(0.1).
    const yPtr = mem.f32([0]);
    mem.rt.exports.axpy(0.1, mem.f32([1]), yPtr, 1);
    expect(mem.readF32(yPtr, 1)[0]).toBe(Math.fround(0.1));
  });
});
