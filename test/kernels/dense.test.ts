// WASM dense-layer kernels (both builds) against the float64 reference twins in
// src/reference/dense.ts: forward x W^T + b, input gradient delta W, weight gradient
// delta^T x (accumulated) with the bias's column sums. W is outputs x inputs.
import { afterEach, describe, it } from 'vitest';
import { denseBackwardInput, denseBackwardWeights, denseForward } from '../../src/reference/dense.js';
import { BUILDS, useReady } from '../helpers/engines.js';
import { testingRuntime, type TestingRuntime } from '../helpers/testingBuild.js';
import { Scratch } from '../helpers/wasm.js';
import { smallInts, uniformF32 } from '../helpers/data.js';
import { expectClose, expectSame, U32 } from '../helpers/tolerance.js';
import { MISALIGN, SIZES } from './sizes.js';

useReady();

const SENTINEL = 12345; // guard value around outputs: it must still be there after the call

interface Dims {
  rows: number;
  inputs: number;
  outputs: number;
}

// Each dimension runs through every size of SIZES (so every SIMD body and tail of it runs)
// while the other two take a few values that between them hit the 2-row, 4-row, 4-column
// and 8-column blocks and their tails.
const SWEEP: Dims[] = [
  ...SIZES.flatMap((rows) => [[1, 1], [5, 3], [8, 4], [13, 6]].map(([inputs, outputs]) => ({ rows, inputs, outputs }))),
  ...SIZES.flatMap((inputs) => [[1, 1], [2, 4], [5, 7], [3, 9]].map(([rows, outputs]) => ({ rows, inputs, outputs }))),
  ...SIZES.flatMap((outputs) => [[1, 3], [3, 8], [4, 12], [6, 17]].map(([rows, inputs]) => ({ rows, inputs, outputs }))),
];

const label = (d: Dims) => `rows=${d.rows} inputs=${d.inputs} outputs=${d.outputs}`;

describe.each(BUILDS)('dense kernels ($build build)', ({ simd }) => {
  let mem: Scratch<TestingRuntime>;
  const place = () => (mem = new Scratch(testingRuntime(simd)));
  afterEach(() => mem?.free());

  describe.each(MISALIGN)('start offsets %i bytes', (misalign) => {
    it('denseForward is exact on small integers and writes only its rows x outputs', () => {
      place();
      for (const d of SWEEP) {
        const { rows, inputs, outputs } = d;
        // |x|, |w| <= 8, |b| <= 8: products <= 64 and sums <= 130 * 64 < 2^24, exact in float32 in any order.
        const x = smallInts(rows * inputs, 8, rows * 1000 + inputs);
        const w = smallInts(outputs * inputs, 8, outputs * 1000 + inputs + 7);
        const b = smallInts(outputs, 8, outputs + 3);
        const xPtr = mem.f32(x, misalign);
        const wPtr = mem.f32(w, 4 - misalign);
        const bPtr = mem.f32(b, misalign);
        const outPtr = mem.f32(new Float32Array(rows * outputs), misalign, SENTINEL);
        mem.rt.exports.denseForward(xPtr, rows, inputs, wPtr, bPtr, outputs, outPtr);
        const expected = new Float64Array(rows * outputs);
        denseForward(x, rows, inputs, w, 0, b, 0, outputs, expected);
        expectSame(mem.readF32(outPtr, rows * outputs), expected, `forward ${label(d)}`);
        expectSame(mem.guards(outPtr, rows * outputs), new Float32Array(16).fill(SENTINEL), `guards ${label(d)}`);
        mem.free();
      }
    });

    it('denseBackwardInput is exact on small integers and overwrites only its rows x inputs', () => {
      place();
      for (const d of SWEEP) {
        const { rows, inputs, outputs } = d;
        // Sums of <= 129 products of size <= 64: exact in float32.
        const delta = smallInts(rows * outputs, 8, rows * 1000 + outputs);
        const w = smallInts(outputs * inputs, 8, outputs * 1000 + inputs + 1);
        const deltaPtr = mem.f32(delta, misalign);
        const wPtr = mem.f32(w, 4 - misalign);
        // The output starts as garbage: the kernel must overwrite, not add.
        const outPtr = mem.f32(new Float32Array(rows * inputs).fill(-777), misalign, SENTINEL);
        mem.rt.exports.denseBackwardInput(deltaPtr, rows, outputs, wPtr, inputs, outPtr);
        const expected = new Float64Array(rows * inputs);
        denseBackwardInput(delta, rows, outputs, w, 0, inputs, expected);
        expectSame(mem.readF32(outPtr, rows * inputs), expected, `input gradient ${label(d)}`);
        expectSame(mem.guards(outPtr, rows * inputs), new Float32Array(16).fill(SENTINEL), `guards ${label(d)}`);
        mem.free();
      }
    });

    it('denseBackwardWeights is exact on small integers, adds to the gradient and writes nothing else', () => {
      place();
      for (const d of SWEEP) {
        const { rows, inputs, outputs } = d;
        // Sums of <= 129 products of size <= 64 plus a start value <= 8: exact in float32.
        const x = smallInts(rows * inputs, 8, rows * 1000 + inputs + 2);
        const delta = smallInts(rows * outputs, 8, rows * 1000 + outputs + 3);
        const g0 = smallInts(outputs * inputs, 8, 11);
        const gb0 = smallInts(outputs, 8, 12);
        const xPtr = mem.f32(x, misalign);
        const deltaPtr = mem.f32(delta, 4 - misalign);
        const gPtr = mem.f32(g0, misalign, SENTINEL);
        const gbPtr = mem.f32(gb0, 4 - misalign, SENTINEL);
        mem.rt.exports.denseBackwardWeights(xPtr, deltaPtr, rows, inputs, outputs, gPtr, gbPtr);
        const gW = Float64Array.from(g0);
        const gB = Float64Array.from(gb0);
        denseBackwardWeights(x, delta, rows, inputs, outputs, gW, 0, gB, 0);
        expectSame(mem.readF32(gPtr, outputs * inputs), gW, `weight gradient ${label(d)}`);
        expectSame(mem.readF32(gbPtr, outputs), gB, `bias gradient ${label(d)}`);
        expectSame(mem.guards(gPtr, outputs * inputs), new Float32Array(16).fill(SENTINEL), `guards W ${label(d)}`);
        expectSame(mem.guards(gbPtr, outputs), new Float32Array(16).fill(SENTINEL), `guards b ${label(d)}`);
        mem.free();
      }
    });
  });

  // Random float32 data: every result is a sum of n float32 products (plus a start value).
  // Each product rounds once and each addition once, in whatever order the blocks use, so
  // |error| <= (n + 1) 2^-24 * (sum of |terms|) to first order (the dot-product bound of dot.test.ts).
  const bound = (terms: number[]) => (terms.length + 1) * U32 * terms.reduce((s, t) => s + Math.abs(t), 0);

  it('denseForward is within float32 summation error on random data (64 x 64 x 64 and the sweep)', () => {
    place();
    for (const d of [...SWEEP.filter((_, i) => i % 3 === 0), { rows: 64, inputs: 64, outputs: 64 }]) {
      const { rows, inputs, outputs } = d;
      const x = uniformF32(rows * inputs, 1 + rows);
      const w = uniformF32(outputs * inputs, 2 + inputs);
      const b = uniformF32(outputs, 3 + outputs);
      const outPtr = mem.f32(new Float32Array(rows * outputs));
      mem.rt.exports.denseForward(mem.f32(x), rows, inputs, mem.f32(w, 4), mem.f32(b), outputs, outPtr);
      const got = mem.readF32(outPtr, rows * outputs);
      const expected = new Float64Array(rows * outputs);
      denseForward(x, rows, inputs, w, 0, b, 0, outputs, expected);
      for (let r = 0; r < rows; r++) {
        for (let o = 0; o < outputs; o++) {
          const terms = [b[o], ...Array.from({ length: inputs }, (_, i) => x[r * inputs + i] * w[o * inputs + i])];
          expectClose(got[r * outputs + o], expected[r * outputs + o], { abs: bound(terms) }, `forward ${label(d)} [${r}, ${o}]`);
        }
      }
      mem.free();
    }
  });

  it('denseBackwardInput and denseBackwardWeights are within float32 summation error on random data', () => {
    place();
    for (const d of [...SWEEP.filter((_, i) => i % 3 === 1), { rows: 64, inputs: 64, outputs: 64 }]) {
      const { rows, inputs, outputs } = d;
      const x = uniformF32(rows * inputs, 4 + rows);
      const delta = uniformF32(rows * outputs, 5 + outputs);
      const w = uniformF32(outputs * inputs, 6 + inputs);
      const g0 = uniformF32(outputs * inputs, 7);
      const gb0 = uniformF32(outputs, 8);
      const inPtr = mem.f32(new Float32Array(rows * inputs));
      const gPtr = mem.f32(g0);
      const gbPtr = mem.f32(gb0);
      const deltaPtr = mem.f32(delta);
      mem.rt.exports.denseBackwardInput(deltaPtr, rows, outputs, mem.f32(w), inputs, inPtr);
      mem.rt.exports.denseBackwardWeights(mem.f32(x), deltaPtr, rows, inputs, outputs, gPtr, gbPtr);
      const gotIn = mem.readF32(inPtr, rows * inputs);
      const gotW = mem.readF32(gPtr, outputs * inputs);
      const gotB = mem.readF32(gbPtr, outputs);
      const expIn = new Float64Array(rows * inputs);
      denseBackwardInput(delta, rows, outputs, w, 0, inputs, expIn);
      const expW = Float64Array.from(g0);
      const expB = Float64Array.from(gb0);
      denseBackwardWeights(x, delta, rows, inputs, outputs, expW, 0, expB, 0);
      for (let r = 0; r < rows; r++) {
        for (let i = 0; i < inputs; i++) {
          const terms = Array.from({ length: outputs }, (_, o) => delta[r * outputs + o] * w[o * inputs + i]);
          expectClose(gotIn[r * inputs + i], expIn[r * inputs + i], { abs: bound(terms) }, `input gradient ${label(d)} [${r}, ${i}]`);
        }
      }
      for (let o = 0; o < outputs; o++) {
        for (let i = 0; i < inputs; i++) {
          const terms = [g0[o * inputs + i], ...Array.from({ length: rows }, (_, r) => delta[r * outputs + o] * x[r * inputs + i])];
          expectClose(gotW[o * inputs + i], expW[o * inputs + i], { abs: bound(terms) }, `weight gradient ${label(d)} [${o}, ${i}]`);
        }
        const terms = [gb0[o], ...Array.from({ length: rows }, (_, r) => delta[r * outputs + o])];
        expectClose(gotB[o], expB[o], { abs: bound(terms) }, `bias gradient ${label(d)} [${o}]`);
      }
      mem.free();
    }
  });
});
