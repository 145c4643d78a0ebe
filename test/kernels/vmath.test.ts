// The four-lane exp / log1p of the SIMD build (assembly/kernels/vmath.ts), which the fused
// epoch uses for the cross-entropy loss, against Math.exp / Math.log1p. The kernel states:
// expNeg within 2 ULP on [-87, 0] (0 below -87.3), log1pUnit within 3 ULP on [0, 1].
import { afterEach, describe, expect, it } from 'vitest';
import { useReady } from '../helpers/engines.js';
import { testingRuntime, type TestingRuntime } from '../helpers/testingBuild.js';
import { Scratch } from '../helpers/wasm.js';
import { ulpDistance } from '../helpers/tolerance.js';

useReady();

let mem: Scratch<TestingRuntime>;
afterEach(() => mem?.free());

/** Runs a 4-lane export over all of xs, four at a time (the tail padded by repeating the last value). */
function lanes(fn: 'expNegLanes' | 'log1pUnitLanes', xs: number[]): Float32Array {
  mem = new Scratch(testingRuntime(true));
  const inPtr = mem.f32([0, 0, 0, 0]);
  const outPtr = mem.f32([0, 0, 0, 0]);
  const out = new Float32Array(xs.length);
  for (let i = 0; i < xs.length; i += 4) {
    const chunk = [0, 1, 2, 3].map((k) => xs[Math.min(i + k, xs.length - 1)]);
    mem.rt.f32.set(chunk, inPtr >>> 2);
    mem.rt.exports[fn](inPtr, outPtr);
    const r = mem.readF32(outPtr, 4);
    for (let k = 0; k < 4 && i + k < xs.length; k++) out[i + k] = r[k];
  }
  return out;
}

/** n float32 points spread over [a, b], plus the ends. */
function grid(a: number, b: number, n: number): number[] {
  const xs = Array.from({ length: n }, (_, i) => Math.fround(a + ((b - a) * i) / (n - 1)));
  return [...xs, Math.fround(a), Math.fround(b)];
}

function worstUlps(got: Float32Array, xs: number[], ref: (x: number) => number): { ulps: number; at: number } {
  let worst = { ulps: 0, at: NaN };
  xs.forEach((x, i) => {
    const u = ulpDistance(got[i], Math.fround(ref(x)));
    if (u > worst.ulps) worst = { ulps: u, at: x };
  });
  return worst;
}

describe('vmath (SIMD build)', () => {
  it('expNeg4 is within 2 ULP of exp on [-87, 0]', () => {
    // 20,000 evenly spaced points, plus small magnitudes where exp(x) is just below 1.
    const xs = [...grid(-87, 0, 20_000), -1e-7, -1e-3, -0.5, -1, -Math.LN2, -10, -50];
    const w = worstUlps(lanes('expNegLanes', xs), xs, Math.exp);
    if (w.ulps > 2) expect.fail(`expNeg4: ${w.ulps} ULPs from exp at x = ${w.at}`);
  });

  it('expNeg4 is exactly 1 at 0 and 0 below -87.34 (no NaN or garbage from the exponent trick)', () => {
    const xs = [0, -87.5, -100, -1e4, -3e38];
    expect(Array.from(lanes('expNegLanes', xs))).toEqual([1, 0, 0, 0, 0]);
  });

  it('log1pUnit4 is within 3 ULP of log1p on [0, 1]', () => {
    const xs = [...grid(0, 1, 20_000), 1e-30, 1e-7, 2 ** -24, 0.5];
    const w = worstUlps(lanes('log1pUnitLanes', xs), xs, Math.log1p);
    if (w.ulps > 3) expect.fail(`log1pUnit4: ${w.ulps} ULPs from log1p at u = ${w.at}`);
    expect(lanes('log1pUnitLanes', [0])[0]).toBe(0);
  });

  it('the four lanes are independent', () => {
    const xs = [-0.25, -3, -40, 0];
    const got = lanes('expNegLanes', xs);
    xs.forEach((x, k) => expect(ulpDistance(got[k], Math.fround(Math.exp(x)))).toBeLessThanOrEqual(2));
  });
});
