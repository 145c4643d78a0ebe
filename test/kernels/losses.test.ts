// WASM rowLoss / rowLossGrad (both builds) against the float64 reference twins in
// src/reference/losses.ts, and finite losses at extreme logits through the whole model.
import { afterEach, describe, expect, it } from 'vitest';
import { LOSS_BCE, LOSS_MSE, bceLoss, lossRows, rowLoss, rowLossGrad } from '../../src/reference/losses.js';
import { sigmoid } from '../../src/reference/sigmoid.js';
import { BUILDS, ENGINES, useReady } from '../helpers/engines.js';
import { testingRuntime, type TestingRuntime } from '../helpers/testingBuild.js';
import { expectClose, expectSame, U32, ulpDistance, ulpOf } from '../helpers/tolerance.js';
import { makeModel } from '../helpers/models.js';
import { Scratch } from '../helpers/wasm.js';
import { uniformF32 } from '../helpers/data.js';
import { LOGITS, MISALIGN, SIZES } from './sizes.js';
import { KERNEL_TAIL_BYTES } from '../../src/wasm/abi.js';

useReady();

const TARGETS = [0, 1, 0.3];
const CASES = LOGITS.flatMap((z) => TARGETS.map((y) => ({ z, y })));
const F32_MAX = 3.4028234663852886e38;

describe.each(BUILDS)('losses ($build build)', ({ simd }) => {
  const ex = () => testingRuntime(simd).exports;

  describe('mean squared error (kind 0)', () => {
    it.each(CASES)('z = $z, y = $y: within 4 ULPs, infinite only where float32 overflows', ({ z, y }) => {
      const zf = Math.fround(z);
      const yf = Math.fround(y);
      const loss = ex().rowLoss(LOSS_MSE, z, y);
      const grad = ex().rowLossGrad(LOSS_MSE, z, y);
      const refLoss = rowLoss(LOSS_MSE, zf, yf);
      const refGrad = rowLossGrad(LOSS_MSE, zf, yf);
      // (z - y)^2 at |z| = 3e38 is 9e76 and 2 (z - y) is 6e38, beyond float32: Infinity is the
      // correctly rounded answer there. Everywhere else the result must be finite.
      for (const [got, ref, what] of [[loss, refLoss, 'loss'], [grad, refGrad, 'grad']] as const) {
        if (Math.abs(ref) > F32_MAX) {
          expect(got, what).toBe(ref > 0 ? Infinity : -Infinity);
          continue;
        }
        expect(Number.isFinite(got), what).toBe(true);
        // loss: z - y rounds once (0.5 ULP), squaring doubles it and rounds again: < 2 ULP.
        // grad: one rounding of z - y, then an exact doubling: 0.5 ULP. 4 ULPs bounds both.
        const ulps = ulpDistance(got, Math.fround(ref));
        if (ulps > 4) expect.fail(`MSE ${what}(${z}, ${y}): got ${got}, float64 ${ref} (${ulps} ULPs)`);
      }
    });
  });

  describe('binary cross-entropy from logits (kind 1)', () => {
    it.each(CASES)('z = $z, y = $y: finite, loss within 4 ULPs, gradient within a few ULPs of sigmoid', ({ z, y }) => {
      const zf = Math.fround(z);
      const yf = Math.fround(y);
      const loss = ex().rowLoss(LOSS_BCE, z, y);
      const grad = ex().rowLossGrad(LOSS_BCE, z, y);
      expect(Number.isFinite(loss)).toBe(true);
      expect(Number.isFinite(grad)).toBe(true);
      const refLoss = rowLoss(LOSS_BCE, zf, yf);
      // max(z,0) - z*y + log1p(exp(-|z|)): with y in [0, 1] the first two terms combine to
      // z(1-y) >= 0 or -z*y >= 0, and log1p(...) > 0, so nothing cancels: each of the ~5
      // float32 operations contributes <= 0.5 ULP of a term no larger than the result. 4 ULPs.
      const ulps = ulpDistance(loss, Math.fround(refLoss));
      if (ulps > 4) expect.fail(`BCE loss(${z}, ${y}): got ${loss}, float64 ${refLoss} (${ulps} ULPs)`);
      // sigmoid(z) - y cancels when sigmoid(z) is near y (e.g. z = 10, y = 1), so the bound is
      // absolute: sigmoid's own error (<= 4 ULP of sigmoid(z), see sigmoid.test.ts) carried
      // through, plus one rounding of the difference (0.5 ULP of the result, rounded up to 1).
      const refGrad = rowLossGrad(LOSS_BCE, zf, yf);
      const bound = 4 * ulpOf(sigmoid(zf)) + ulpOf(refGrad);
      expectClose(grad, refGrad, { abs: bound }, `BCE grad(${z}, ${y})`);
    });

    it('stays exact where it should: loss log 2 at z = 0, gradient sigmoid(0) - y', () => {
      expect(ex().rowLoss(LOSS_BCE, 0, 1)).toBe(Math.fround(Math.LN2));
      expect(ex().rowLossGrad(LOSS_BCE, 0, 1)).toBe(-0.5);
      expect(ex().rowLossGrad(LOSS_BCE, 0, 0)).toBe(0.5);
      // Saturated: a confidently right logit costs nothing, a confidently wrong one costs |z|.
      expect(ex().rowLoss(LOSS_BCE, 1e4, 1)).toBe(0);
      expect(ex().rowLoss(LOSS_BCE, -1e4, 1)).toBe(1e4);
      expect(ex().rowLoss(LOSS_BCE, 1e4, 0)).toBe(1e4);
    });
  });
});

// Extreme logits through the whole model: one full-batch step on 4 rows whose logits are
// +-100 and +-1e4 (one feature, weight 1, bias 0, logit = x). A tiny learning rate keeps the
// step from moving the logits much; the point is the loss and gradient of that step.
describe.each(ENGINES)('extreme logits through the model (%s)', (engine) => {
  const X = Float32Array.from([100, -100, 1e4, -1e4]);
  const fit = { epochs: 1, batchSize: 'full' as const, learningRate: 1e-12, shuffle: false };
  // Every quantity below is a float32 computation of a few terms of size <= 1e8:
  // 1e-6 relative covers the float32 rounding (2^-24 ~ 6e-8 per operation).
  const tol = { rel: 1e-6 };

  it('LogisticRegression, every row on the wrong side: loss 5050, gradient (5050, 0)', () => {
    const m = makeModel('logistic', engine, 1, { init: { weights: [1], bias: 0 } });
    const y = Float32Array.from([0, 1, 0, 1]);
    const h = m.fit(X, y, fit);
    // Row losses: bce(100, 0) = 100 + log1p(e^-100), bce(-100, 1) = the same, bce(+-1e4, .) = 1e4.
    const loss = (2 * bceLoss(100, 0) + 2 * 1e4) / 4;
    // dL/dw = mean((sigmoid(z) - y) x): (1)(100), (-1)(-100), (1)(1e4), (-1)(-1e4) -> 5050 (to 1e-40);
    // dL/db = mean(sigmoid(z) - y) = (1 - 1 + 1 - 1) / 4 = 0 (to 1e-40).
    expect(Number.isFinite(h.loss[0]) && Number.isFinite(h.gradNorm[0])).toBe(true);
    expectClose(h.loss[0], loss, tol, 'history loss');
    expectClose(h.gradNorm[0], 5050, tol, 'history gradNorm');
    // w moves by lr * 5050 = 5e-9, below float32 resolution at 1: w stays within 1e-6 of 1.
    expectClose(m.weights[0], 1, { abs: 1e-6 }, 'weight');
    m.dispose();
  });

  it('LogisticRegression, every row on the right side: loss and gradient ~0, finite', () => {
    const m = makeModel('logistic', engine, 1, { init: { weights: [1], bias: 0 } });
    const h = m.fit(X, Float32Array.from([1, 0, 1, 0]), fit);
    // Row losses log1p(e^-100) = 3.7e-44 (and 0 at 1e4); gradients of the same size.
    expectClose(h.loss[0], 0, { abs: 1e-30 }, 'history loss');
    expectClose(h.gradNorm[0], 0, { abs: 1e-30 }, 'history gradNorm');
    m.dispose();
  });

  it('LinearRegression at the same logits: loss 50005000, gradient (100010000, 0)', () => {
    const m = makeModel('linear', engine, 1, { init: { weights: [1], bias: 0 } });
    const h = m.fit(X, new Float32Array(4), fit);
    // mean(z^2) = (2e4 + 2e8) / 4; dL/dw = 2 mean(z x) = 2 (2e4 + 2e8) / 4; dL/db = 2 mean(z) = 0.
    expectClose(h.loss[0], (2e4 + 2e8) / 4, tol, 'history loss');
    expectClose(h.gradNorm[0], (2e4 + 2e8) / 2, tol, 'history gradNorm');
    m.dispose();
  });
});

// lossRows: the batched form the network epoch uses, rows x outputs logits, each output its
// own loss, each row weighted.
describe.each(BUILDS)('lossRows ($build build)', ({ simd }) => {
  let mem: Scratch<TestingRuntime>;
  afterEach(() => mem?.free());
  const SENTINEL = 12345;

  describe.each(MISALIGN)('start offsets %i bytes', (misalign) => {
    it.each(SIZES)('matches the reference for both kinds, with and without row weights, rows = %i', (rows) => {
      mem = new Scratch(testingRuntime(simd));
      for (const outputs of [1, 2, 3, 5]) {
        const n = rows * outputs;
        const z = uniformF32(n, rows + 10 * outputs).map((v) => 12 * v);
        const yBce = uniformF32(n, rows + 10 * outputs + 1).map((v) => (v < 0 ? 0 : v > 0.5 ? 1 : v));
        const yMse = uniformF32(n, rows + 10 * outputs + 2);
        const sw = uniformF32(rows, rows + 3).map((v) => 1.2 + v);
        for (const kind of [LOSS_MSE, LOSS_BCE] as const) {
          for (const weights of [null, sw]) {
            const y = kind === LOSS_BCE ? yBce : yMse;
            const deltaPtr = mem.f32(new Float32Array(n), misalign, SENTINEL);
            const loss = mem.rt.exports.lossRows(kind, mem.f32(z, misalign), mem.f32(y, 4 - misalign),
              weights ? mem.f32(weights, misalign) : 0, rows, outputs, deltaPtr, mem.bytes(KERNEL_TAIL_BYTES));
            const delta = mem.readF32(deltaPtr, n);
            expectSame(mem.guards(deltaPtr, n), new Float32Array(16).fill(SENTINEL), 'guards around delta');
            const want = new Float64Array(n);
            const wantLoss = lossRows(kind, z, y, weights, rows, outputs, want);
            const what = `kind ${kind} rows=${rows} outputs=${outputs} weighted=${weights !== null}`;
            // Per value: the loss within a few ULPs (MSE 2; BCE: the four-lane exp 2 and log1p 3 ULP
            // in the SIMD build, so 8 ULPs), times the weight (one more rounding); every term is
            // >= 0, so the f64 sum keeps that relative error: 9 * 2^-23 relative.
            expectClose(loss, wantLoss, { rel: 9 * 2 * U32 }, `loss sum ${what}`);
            for (let k = 0; k < n; k++) {
              // MSE: 2 (z - y) rounds once; BCE: sigmoid(z) - y within 4 ULP of sigmoid (<= 4 * 2^-24,
              // since sigmoid <= 1) plus one rounding; then the weight's rounding: 2^-21 (|s| + |delta|).
              const s = weights ? weights[Math.floor(k / outputs)] : 1;
              expectClose(delta[k], want[k], { abs: 2 ** -21 * (Math.abs(s) + Math.abs(want[k])) }, `delta ${k} ${what}`);
            }
          }
        }
      }
    });
  });
});
