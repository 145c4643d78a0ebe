// WASM activations (both builds) against the float64 reference twins in
// src/reference/activations.ts: forward in place, and the derivative (from the
// activation's output) applied to a delta.
import { afterEach, describe, expect, it } from 'vitest';
import {
  ACT_IDENTITY, ACT_RELU, ACT_SIGMOID, ACT_TANH, activate, derivative, type ActivationKind,
} from '../../src/reference/activations.js';
import { BUILDS, useReady } from '../helpers/engines.js';
import { testingRuntime, type TestingRuntime } from '../helpers/testingBuild.js';
import { Scratch } from '../helpers/wasm.js';
import { uniformF32 } from '../helpers/data.js';
import { expectClose, expectSame, U32, ulpDistance } from '../helpers/tolerance.js';
import { MISALIGN, SIZES } from './sizes.js';
import { KERNEL_TAIL_BYTES } from '../../src/wasm/abi.js';

useReady();

const SENTINEL = 12345;
const KINDS = [
  { name: 'sigmoid', kind: ACT_SIGMOID },
  { name: 'tanh', kind: ACT_TANH },
  { name: 'relu', kind: ACT_RELU },
] as const;

// Stated accuracy (assembly/kernels/activations.ts), in float32 ULPs of the float64 value
// rounded to float32, where that value is a normal float32. Measured worst cases over 400,001
// points of [-90, 90]: SIMD sigmoid 2, tanh 1; scalar sigmoid 2, tanh 2. The limits below
// leave one ULP of margin. Below z = -87.3 the SIMD sigmoid flushes to 0 (expNeg4 does), an
// absolute error under 2^-126, checked separately.
const ULPS = {
  simd: { [ACT_SIGMOID]: 3, [ACT_TANH]: 2, [ACT_RELU]: 0 },
  scalar: { [ACT_SIGMOID]: 3, [ACT_TANH]: 3, [ACT_RELU]: 0 },
} as const;
const MIN_NORMAL = 2 ** -126;

/** Whether got is within the kind's ULPs of float64, or (for results below the normal range) within 2^-126. */
function accurate(kind: ActivationKind, got: number, z: number): number {
  const want = activate(kind, z);
  if (Math.abs(want) < MIN_NORMAL) return Math.abs(got - want) < MIN_NORMAL ? 0 : Infinity;
  return ulpDistance(got, Math.fround(want));
}

/** n float32 values spread over [a, b], plus special points. */
function grid(a: number, b: number, n: number): Float32Array {
  const xs = Array.from({ length: n }, (_, i) => a + ((b - a) * i) / (n - 1));
  return Float32Array.from([...xs, 0, -0, 1e-30, -1e-30, 1e-7, -1e-7, 0.625, -0.625, 0.6249999, 100, -100, 1e4, -1e4, 3e38, -3e38]);
}

describe.each(BUILDS)('activations ($build build)', ({ build, simd }) => {
  let mem: Scratch<TestingRuntime>;
  const place = () => (mem = new Scratch(testingRuntime(simd)));
  afterEach(() => mem?.free());

  const forward = (kind: ActivationKind, z: Float32Array, misalign = 0): Float32Array => {
    const ptr = mem.f32(z, misalign, SENTINEL);
    mem.rt.exports.activationForward(kind, ptr, z.length, mem.bytes(KERNEL_TAIL_BYTES));
    expectSame(mem.guards(ptr, z.length), new Float32Array(16).fill(SENTINEL), `guards, n=${z.length}`);
    return mem.readF32(ptr, z.length);
  };

  it.each(KINDS)('$name forward is within its stated ULPs of float64 over [-90, 90] and far out', ({ kind }) => {
    place();
    const z = grid(-90, 90, 40_001);
    const got = forward(kind, z);
    let worst = { ulps: 0, at: NaN };
    z.forEach((v, i) => {
      expect(Number.isFinite(got[i]), `f(${v}) finite`).toBe(true);
      const u = accurate(kind, got[i], v);
      if (u > worst.ulps) worst = { ulps: u, at: v };
    });
    if (worst.ulps > ULPS[build][kind]) expect.fail(`${worst.ulps} ULPs from float64 at z = ${worst.at}`);
  });

  it('saturates exactly: sigmoid 0 and 1, tanh -1 and 1 at |z| = 1e4; relu(-0) = +0', () => {
    place();
    expect(Array.from(forward(ACT_SIGMOID, Float32Array.from([1e4, -1e4, 0])))).toEqual([1, 0, 0.5]);
    expect(Array.from(forward(ACT_TANH, Float32Array.from([1e4, -1e4, 0])))).toEqual([1, -1, 0]);
    expect(Object.is(forward(ACT_RELU, Float32Array.from([-0]))[0], 0)).toBe(true);
  });

  describe.each(MISALIGN)('start offset %i bytes', (misalign) => {
    it.each(SIZES)('every kind, n = %i: each element as the reference, nothing outside written', (n) => {
      place();
      const z = uniformF32(n, 40 + n).map((v) => 6 * v);
      for (const { kind } of KINDS) {
        const got = forward(kind, z, misalign);
        for (let i = 0; i < n; i++) {
          const u = accurate(kind, got[i], z[i]);
          if (u > ULPS[build][kind]) expect.fail(`kind ${kind} n=${n} element ${i}: ${u} ULPs`);
        }
        // In the SIMD build the tail runs the lane code on a splat: an element's value does
        // not depend on where it falls, so a shifted copy gives the same values.
        if (n > 1) expectSame(forward(kind, z.subarray(1), misalign), got.subarray(1), `kind ${kind} shifted by one, n=${n}`);
      }
      expectSame(forward(ACT_IDENTITY, z, misalign), z, `identity n=${n}`);
    });

    it.each(SIZES)('every derivative, n = %i: within three roundings of float64, relu exact', (n) => {
      place();
      const d = uniformF32(n, 60 + n);
      for (const { kind } of KINDS) {
        // Activation outputs in the kind's range: sigmoid (0, 1), tanh (-1, 1), relu half zeros.
        const a = Float32Array.from(uniformF32(n, 50 + n), (v) => Math.fround(activate(kind, 4 * v)));
        const aPtr = mem.f32(a, misalign);
        const dPtr = mem.f32(d, 4 - misalign, SENTINEL);
        mem.rt.exports.activationBackward(kind, aPtr, dPtr, n, mem.bytes(KERNEL_TAIL_BYTES));
        const got = mem.readF32(dPtr, n);
        expectSame(mem.guards(dPtr, n), new Float32Array(16).fill(SENTINEL), `guards kind ${kind} n=${n}`);
        for (let i = 0; i < n; i++) {
          const want = d[i] * derivative(kind, a[i]);
          if (kind === ACT_RELU) {
            expect(got[i], `relu' element ${i}`).toBe(want === 0 ? 0 : Math.fround(want)); // a mask: exact
            continue;
          }
          // Three float32 roundings, each <= 2^-24 of its own intermediate. sigmoid d (a (1 - a)):
          // no cancellation, <= 3 * 2^-24 |result|. tanh d (1 - a a): a a rounds by <= 2^-24 a^2,
          // which 1 - a^2 may not shrink, so: <= 2^-24 |d| (a^2 + |1 - a^2|) + 2^-24 |result|.
          // The bound below covers both, to first order.
          const tol = 3 * U32 * Math.abs(d[i]) * (a[i] * a[i] + Math.abs(derivative(kind, a[i]))) + U32 * Math.abs(want);
          expectClose(got[i], want, { abs: tol }, `kind ${kind} derivative n=${n} element ${i}`);
        }
      }
    });
  });

  it('identity derivative leaves the delta as it is', () => {
    place();
    const d = uniformF32(9, 3);
    const dPtr = mem.f32(d);
    mem.rt.exports.activationBackward(ACT_IDENTITY, mem.f32(uniformF32(9, 4)), dPtr, 9, mem.bytes(KERNEL_TAIL_BYTES));
    expectSame(mem.readF32(dPtr, 9), d, 'identity derivative');
  });
});
