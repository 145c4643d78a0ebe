// WASM sigmoid (both builds) against the float64 reference twin src/reference/sigmoid.ts.
import { describe, expect, it } from 'vitest';
import { sigmoid } from '../../src/reference/sigmoid.js';
import { BUILDS, useReady } from '../helpers/engines.js';
import { testingRuntime } from '../helpers/testingBuild.js';
import { ulpDistance } from '../helpers/tolerance.js';
import { LOGITS } from './sizes.js';

useReady();


describe.each(BUILDS)('sigmoid ($build build)', ({ simd }) => {
  const sig = (z: number) => testingRuntime(simd).exports.sigmoid(z);

  it.each(LOGITS)('is finite, in [0, 1] and within 4 float32 ULPs of float64 at z = %d', (z) => {
    const zf = Math.fround(z); // the value the f32 parameter receives
    const got = sig(z);
    expect(Number.isFinite(got)).toBe(true);
    expect(got).toBeGreaterThanOrEqual(0);
    expect(got).toBeLessThanOrEqual(1);
    // The kernel states ~2 ULP (Mathf.exp within 1 ULP, then one add and one divide);
    // rounding the float64 value to float32 adds 0.5. 4 ULPs leaves a margin; the
    // comparison is in the float32 bit pattern, so it also holds for the subnormal
    // result at z = -100 (sigmoid = 3.7e-44).
    const want = Math.fround(sigmoid(zf));
    const ulps = ulpDistance(got, want);
    if (ulps > 4) expect.fail(`sigmoid(${z}): got ${got}, float64 ${sigmoid(zf)} (${ulps} ULPs apart)`);
  });

  it('is exactly 1/2 at 0 and saturates to exactly 0 and 1 far out', () => {
    expect(sig(0)).toBe(0.5);
    expect(sig(1e4)).toBe(1);
    expect(sig(-1e4)).toBe(0);
    expect(sig(3e38)).toBe(1);
    expect(sig(-3e38)).toBe(0);
  });

  it('is symmetric, sigmoid(-z) = 1 - sigmoid(z), to float32 rounding, and monotone', () => {
    const zs = [...LOGITS].sort((a, b) => a - b);
    let prev = -1;
    for (const z of zs) {
      const s = sig(z);
      expect(s).toBeGreaterThanOrEqual(prev);
      prev = s;
      // Two float32 results near 1 each carry <= ~2 ULP(1) = 2^-23 error: 2^-21 absolute covers both.
      expect(Math.abs(sig(-z) - (1 - s))).toBeLessThanOrEqual(2 ** -21);
    }
  });

  it('maps NaN to NaN (it is never fed one: validation rejects NaN input)', () => {
    expect(Number.isNaN(sig(NaN))).toBe(true);
  });
});
