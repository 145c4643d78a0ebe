// WASM softmax cross-entropy (both builds) against the float64 reference twin in
// src/reference/softmax.ts: loss sums, gradients s (softmax(z) - onehot), row
// weights, stability at logits of +-100 and +-1e4, bad labels.
import { afterEach, describe, expect, it } from 'vitest';
import { softmaxCrossEntropy } from '../../src/reference/softmax.js';
import { BUILDS, useReady } from '../helpers/engines.js';
import { testingRuntime, type TestingRuntime } from '../helpers/testingBuild.js';
import { Scratch } from '../helpers/wasm.js';
import { uniformF32 } from '../helpers/data.js';
import { expectClose, expectSame, U32 } from '../helpers/tolerance.js';
import { MISALIGN, SIZES } from './sizes.js';

useReady();

const SENTINEL = 12345;
const CLASSES = SIZES.filter((c) => c > 0);

describe.each(BUILDS)('softmaxCrossEntropy ($build build)', ({ simd }) => {
  let mem: Scratch<TestingRuntime>;
  const place = () => (mem = new Scratch(testingRuntime(simd)));
  afterEach(() => mem?.free());

  /** Runs the kernel; returns the loss sum and the gradient (checking the guards around it). */
  const run = (z: ArrayLike<number>, rows: number, classes: number, labels: number[], sw: number[] | null, misalign = 0) => {
    const zPtr = mem.f32(z, misalign);
    const labelsPtr = mem.u32(labels.map((l) => l >>> 0));
    const swPtr = sw ? mem.f32(sw, 4 - misalign) : 0;
    const gPtr = mem.f32(new Float32Array(rows * classes), misalign, SENTINEL);
    const loss = mem.rt.exports.softmaxCrossEntropy(zPtr, rows, classes, labelsPtr, swPtr, gPtr);
    expectSame(mem.guards(gPtr, rows * classes), new Float32Array(16).fill(SENTINEL), `guards around the gradient`);
    return { loss, grad: mem.readF32(gPtr, rows * classes) };
  };

  describe.each(MISALIGN)('start offsets %i bytes', (misalign) => {
    it.each(CLASSES)('matches the reference within its float32 error, classes = %i', (classes) => {
      place();
      for (const weighted of [false, true]) {
        const rows = 3;
        const z = uniformF32(rows * classes, classes).map((v) => 8 * v);
        const labels = Array.from({ length: rows }, (_, r) => (r * 7 + classes) % classes);
        const sw = weighted ? [0.5, 2, 1.25] : null;
        const { loss, grad } = run(z, rows, classes, labels, sw, misalign);
        const want = new Float64Array(rows * classes);
        const wantLoss = softmaxCrossEntropy(z, rows, classes, labels, sw, want);
        // Per row: every e_j within 2 ULP, the sum of classes terms rounds <= classes times, the
        // divide once: p_j within (classes + 4) 2^-24 relative; p_y - 1 adds 2^-24 absolute; the
        // weight multiply one more rounding. Loss: log1p(t) inherits t's relative error (times
        // t/(1+t) <= 1) plus a rounding, m - z_y and the final add round once each:
        // <= (classes + 6) 2^-24 (1 + loss) per row.
        const tolP = (classes + 6) * U32;
        for (let r = 0; r < rows; r++) {
          const s = sw ? sw[r] : 1;
          for (let j = 0; j < classes; j++) {
            const k = r * classes + j;
            const p = want[k] / s + (j === labels[r] ? 1 : 0);
            expectClose(grad[k], want[k], { abs: s * (tolP * p + 2 * U32) }, `grad row ${r} class ${j} weighted=${weighted}`);
          }
        }
        let tolLoss = 0;
        for (let r = 0; r < rows; r++) {
          const rowLoss = softmaxCrossEntropy(z.subarray(r * classes, (r + 1) * classes), 1, classes, [labels[r]], null, null);
          tolLoss += (sw ? sw[r] : 1) * (classes + 6) * U32 * (1 + rowLoss);
        }
        expectClose(loss, wantLoss, { abs: tolLoss }, `loss sum weighted=${weighted}`);
      }
    });
  });

  it('returns 0 for 0 rows and writes nothing', () => {
    place();
    expect(run([], 0, 5, [], null).loss).toBe(0); // run checks the guards around the (empty) gradient
  });

  it.each([2, 4, 8, 16])('equal logits give p = 1/%i exactly and the loss log(classes)', (classes) => {
    place();
    // e_j = exp(0) = 1 exactly, sum = classes (a power of two): p = 1/classes exactly.
    const { loss, grad } = run(new Float32Array(classes).fill(3.5), 1, classes, [1], null);
    const want = Array.from({ length: classes }, (_, j) => 1 / classes - (j === 1 ? 1 : 0));
    expectSame(grad, want, 'gradient');
    // log1p(classes - 1) in float32: Mathf.log1p is within 1 ULP, and the result is rounded once more to f64 summation.
    expectClose(loss, Math.log(classes), { abs: 2 * 2 ** -23 * Math.log(classes) }, 'loss');
  });

  it('is finite at logits of +-100 and +-1e4, with the saturated values exact', () => {
    place();
    // Row 0: label 1 at -1e4 against 1e4: loss 2e4 (exp(-2e4) is 0 in any float), gradient (1, -1, 0).
    // Row 1: label 0 at 100 against -100: the true loss log1p(e^-200) = 1.4e-87 is 0 in float32; gradient (0, 0).
    // Row 2: label 0 at -100 against 100: loss 200 (+ 1.4e-87), gradient (-1, 1).
    // Row 3: label 2 at 1e4 among 1e4 and -1e4: a tie of two maxima: loss log 2, gradient (1/2, 0, -1/2).
    const cases = [
      { z: [1e4, -1e4, 0], label: 1, loss: 2e4, grad: [1, -1, 0] },
      { z: [100, -100], label: 0, loss: 0, grad: [0, 0] },
      { z: [-100, 100], label: 0, loss: 200, grad: [-1, 1] },
      { z: [1e4, -1e4, 1e4], label: 2, loss: Math.fround(Math.LN2), grad: [0.5, 0, -0.5] },
    ];
    for (const c of cases) {
      const { loss, grad } = run(c.z, 1, c.z.length, [c.label], null);
      expect(Number.isFinite(loss), `loss at ${c.z}`).toBe(true);
      expect(loss, `loss at ${c.z}`).toBe(c.loss);
      expectSame(grad, c.grad, `gradient at ${c.z}`);
    }
    // Many rows of random logits in +-1e4: every loss and gradient finite, each gradient row sums to 0
    // (to the rounding of its p_j: (classes + 6) 2^-24 each).
    const rows = 50;
    const classes = 10;
    const z = uniformF32(rows * classes, 9).map((v) => 1e4 * v);
    const labels = Array.from({ length: rows }, (_, r) => r % classes);
    const { loss, grad } = run(z, rows, classes, labels, null);
    expect(Number.isFinite(loss)).toBe(true);
    expectClose(loss, softmaxCrossEntropy(z, rows, classes, labels, null, null), { rel: 16 * U32 }, 'loss sum at +-1e4');
    for (let r = 0; r < rows; r++) {
      const row = grad.subarray(r * classes, (r + 1) * classes);
      expect(row.every(Number.isFinite), `gradient row ${r} finite`).toBe(true);
      expectClose(row.reduce((a, b) => a + b, 0), 0, { abs: classes * (classes + 6) * U32 }, `gradient row ${r} sums to 0`);
    }
  });

  it('keeps a confidently right row\'s small loss to full relative precision', () => {
    place();
    // loss = log1p(e^-20) = 2.06e-9: log(1 + t) would round 1 + t to 1 and give 0.
    const { loss } = run([0, -20], 1, 2, [0], null);
    expectClose(loss, Math.log1p(Math.exp(-20)), { rel: 8 * U32 }, 'loss');
  });

  it('writes the gradient in place (gradPtr = zPtr) and computes only the loss when gradPtr is 0', () => {
    place();
    const rows = 4;
    const classes = 7;
    const z = uniformF32(rows * classes, 5).map((v) => 3 * v);
    const labels = [0, 6, 3, 2];
    const separate = run(z, rows, classes, labels, null);
    const zPtr = mem.f32(z);
    const labelsPtr = mem.u32(labels);
    const inPlace = mem.rt.exports.softmaxCrossEntropy(zPtr, rows, classes, labelsPtr, 0, zPtr);
    expect(inPlace).toBe(separate.loss);
    expectSame(mem.readF32(zPtr, rows * classes), separate.grad, 'in-place gradient');
    const z2Ptr = mem.f32(z);
    expect(mem.rt.exports.softmaxCrossEntropy(z2Ptr, rows, classes, labelsPtr, 0, 0)).toBe(separate.loss);
    expectSame(mem.readF32(z2Ptr, rows * classes), z, 'logits untouched without a gradient');
  });

  it('gives a NaN loss for a label out of range and writes nothing outside the row', () => {
    place();
    for (const bad of [-1, 3, 1000]) {
      const { loss, grad } = run([1, 2, 3, 0, 0, 0], 2, 3, [bad, 0], null);
      expect(Number.isNaN(loss), `label ${bad}`).toBe(true);
      expect(grad.every(Number.isFinite), `label ${bad}: gradient stays finite`).toBe(true);
    }
  });
});
