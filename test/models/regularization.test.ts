// Penalties and row weights inside a real fit, on every engine: ridge converges to the
// closed-form solution solved here, L1 zeroes an irrelevant feature, elasticNet is l1/l2 by
// scikit-learn's mapping, the bias is never penalized, sample weights follow an independent
// oracle (and equal row duplication once the 1/n scaling is accounted for), and classWeight
// is sampleWeight by another name.
import { beforeAll, describe, expect, it } from 'vitest';
import { ready, LinearRegression, LogisticRegression, ValidationError } from '../../src/index.js';
import {
  ENGINE_NAMES, SMALL_X, SMALL_Y_CLS, SMALL_Y_REG, close, fitFresh, isWasm, lcg, maxDiff, oracle, params, ridge,
  thrown, uniformMatrix, type EngineUnderTest, type Kind, type Tol,
} from '../helpers/training.js';

/** y = w.x + b + noise (noise uniform in +-noise), rounded to float32. */
function linearData(rows: number, w: number[], b: number, noise: number, seed: number) {
  const X = uniformMatrix(rows, w.length, seed);
  const r = lcg(seed + 1);
  const y = X.map((x) => Math.fround(x.reduce((s, v, j) => s + v * w[j], b) + noise * (2 * r() - 1)));
  return { X, y };
}

// Convergence tolerances (many full-batch epochs, contractive steps). js: float64 GD converges
// geometrically to the optimum; after these epochs the remaining error is far below 1e-9.
// wasm: float32 parameters and gradient sums. At the optimum the float32 gradient has an error
// of ~1e-7 relative to the summed terms, so the fixed point sits ~1e-7 / lambda_min ~ 1e-6
// away from the exact optimum (lambda_min >= 0.5 here); each stored parameter also rounds at
// 6e-8 relative. Allowed: 1e-4 absolute + 1e-5 relative (the bias is ~50 in one test).
const convTol = (engine: EngineUnderTest): Tol => (isWasm(engine) ? { abs: 1e-4, rel: 1e-5 } : { abs: 1e-9, rel: 1e-9 });
// Four full-batch steps against the oracle: as in optimizers.test.ts (wasm: ~1e-6 relative per step).
const stepTol = (engine: EngineUnderTest): Tol => (isWasm(engine) ? { abs: 2e-5, rel: 2e-5 } : { abs: 1e-11, rel: 1e-11 });

describe.each(ENGINE_NAMES)('regularization (%s)', (engine) => {
  beforeAll(() => ready({ scalar: true }));

  describe('ridge (l2)', () => {
    const { X, y } = linearData(40, [1.5, -2, 0.5], 0.7, 0.2, 11);
    const L2 = 0.5;

    it('full-batch GD converges to the closed-form ridge solution (bias not penalized)', () => {
      const want = ridge(X, y, L2);
      // The solution depends on l2's scale: a factor-2 slip (l2 ||w||^2, or no 1/2) moves it by far more than the tolerance.
      expect(maxDiff(want, ridge(X, y, 2 * L2))).toBeGreaterThan(0.05);
      expect(maxDiff(want, ridge(X, y, L2 / 2))).toBeGreaterThan(0.05);
      const { params: got, history } = fitFresh('linear', engine, X, y, {
        epochs: 400, batchSize: 'full', shuffle: false, learningRate: 0.3, l2: L2,
      });
      close(got, want, convTol(engine), 'ridge [w, b]');
      // At the optimum the full-batch loss is mean squared error + l2/2 |w|^2 of the solution. The loss
      // is first-order insensitive to the small parameter error there; float32 sums of 40 rows in
      // WASM: 1e-5 relative; js: 1e-9.
      const mse = X.reduce((s, x, i) => s + (x.reduce((z, v, j) => z + v * want[j], want[3]) - y[i]) ** 2, 0) / X.length;
      const pen = (L2 / 2) * (want[0] ** 2 + want[1] ** 2 + want[2] ** 2);
      close(history.loss[history.loss.length - 1], mse + pen, isWasm(engine) ? { rel: 1e-5 } : { rel: 1e-9 }, 'final loss');
    });

    it('a large optimal bias is kept (l2 shrinks the weights, not the bias)', () => {
      const d = linearData(40, [0.5, -0.25], 50, 0.2, 21);
      const want = ridge(d.X, d.y, 2);
      expect(want[2]).toBeGreaterThan(49); // b = mean(y) - mean(x).w ~ 50
      const { params: got } = fitFresh('linear', engine, d.X, d.y, {
        epochs: 300, batchSize: 'full', shuffle: false, learningRate: 0.3, l2: 2,
      }, { features: 2 });
      close(got, want, convTol(engine), 'ridge [w, b] with a large bias');
    });
  });

  describe('lasso (l1)', () => {
    // x2 has a small true weight (0.1): least squares keeps it, l1 = 0.2 zeroes it (its data
    // gradient at w2 = 0 is ~2 var(x2) 0.1 ~ 0.07 < l1). A cosine schedule to 0 damps the
    // subgradient oscillation around 0, whose size is about lr * (l1 + |data gradient|).
    const { X, y } = linearData(60, [2, -1.5, 0.1], 0.3, 0, 31);
    const fit = { epochs: 300, batchSize: 'full' as const, shuffle: false, learningRate: 0.1, schedule: { type: 'cosine' as const, tMax: 300 } };

    it('drives an irrelevant feature to ~0 while the relevant ones stay large', () => {
      const { params: got } = fitFresh('linear', engine, X, y, { ...fit, l1: 0.2 });
      expect(Math.abs(got[2])).toBeLessThan(0.01);
      expect(Math.abs(got[0])).toBeGreaterThan(1.5);
      expect(Math.abs(got[1])).toBeGreaterThan(1);
      // Without l1 the same fit keeps it near its true value.
      const { params: free } = fitFresh('linear', engine, X, y, fit);
      expect(Math.abs(free[2])).toBeGreaterThan(0.05);
    });

    it('does not penalize the bias: with every weight shrunk to ~0 the bias is mean(y) - mean(x).w', () => {
      const d = linearData(40, [0.5, -0.25], 50, 0.2, 41);
      const { params: got } = fitFresh('linear', engine, d.X, d.y, { ...fit, l1: 5 }, { features: 2 });
      expect(Math.abs(got[0])).toBeLessThan(0.01);
      expect(Math.abs(got[1])).toBeLessThan(0.01);
      const meanY = d.y.reduce((s, v) => s + v, 0) / d.y.length;
      const meanX = [0, 1].map((j) => d.X.reduce((s, x) => s + x[j], 0) / d.X.length);
      // The bias's own stationarity condition. The weights still jitter by ~lr * l1 while the cosine
      // lr decays to 0, so the bias trails that condition slightly in every engine; 1e-3 allows it.
      // A penalized bias would be far off: argmin (b - 50)^2 + 5 |b| is 47.5.
      close(got[2], meanY - meanX[0] * got[0] - meanX[1] * got[1], { abs: 1e-3 }, 'bias');
      expect(got[2]).toBeGreaterThan(49);
    });
  });

  describe('elasticNet', () => {
    const { X, y } = linearData(40, [1.5, -2, 0.5], 0.7, 0.2, 11);
    const base = { epochs: 20, batchSize: 8, shuffle: true, seed: 3, learningRate: 0.05 };

    it('{ alpha, l1Ratio } is l1 = alpha * l1Ratio, l2 = alpha * (1 - l1Ratio): identical weights and losses', () => {
      const alpha = 0.3;
      const ratio = 0.4;
      const a = fitFresh('linear', engine, X, y, { ...base, elasticNet: { alpha, l1Ratio: ratio } });
      const b = fitFresh('linear', engine, X, y, { ...base, l1: alpha * ratio, l2: alpha * (1 - ratio) });
      expect(a.params).toEqual(b.params);
      expect(a.history.loss).toEqual(b.history.loss);
      // and the penalty matters: without it the weights differ.
      expect(maxDiff(a.params, fitFresh('linear', engine, X, y, base).params)).toBeGreaterThan(1e-3);
    });

    it("l1Ratio defaults to scikit-learn's 0.15", () => {
      const a = fitFresh('linear', engine, X, y, { ...base, elasticNet: { alpha: 0.3 } });
      const b = fitFresh('linear', engine, X, y, { ...base, l1: 0.3 * 0.15, l2: 0.3 * (1 - 0.15) });
      expect(a.params).toEqual(b.params);
    });

    it('elasticNet together with l1 or l2 is rejected', () => {
      const m = new LinearRegression({ features: 3, engine });
      expect(() => m.fit(X, y, { ...base, elasticNet: { alpha: 0.3 }, l2: 0.1 })).toThrow(ValidationError);
      m.dispose();
    });
  });

  describe('sample weights', () => {
    // Multiples of 1/4: exact in float32. One row has weight 0.
    const SW = [1, 2, 0.5, 3, 1, 0, 1.5, 1, 2, 0.25, 1, 1];
    const TARGETS: Record<Kind, number[]> = { linear: SMALL_Y_REG, logistic: SMALL_Y_CLS };

    for (const kind of ['linear', 'logistic'] as const) {
      it(`${kind}: the weighted full-batch trajectory follows the oracle (loss divided by n rows, not by the weight sum)`, () => {
        const want = oracle({ kind, X: SMALL_X, y: TARGETS[kind], epochs: 4, lr: 0.1, sampleWeight: SW });
        const unweighted = oracle({ kind, X: SMALL_X, y: TARGETS[kind], epochs: 4, lr: 0.1 });
        expect(maxDiff(want.params[3], unweighted.params[3])).toBeGreaterThan(1e-3);
        const { params: got, history } = fitFresh(kind, engine, SMALL_X, TARGETS[kind], {
          epochs: 4, batchSize: 'full', shuffle: false, learningRate: 0.1, sampleWeight: SW,
        });
        close(got, want.params[3], stepTol(engine), 'params after 4 epochs');
        // The epoch losses are 12-row weighted sums: float32 in WASM (~1e-6 relative), float64 in js.
        close(history.loss, want.loss, isWasm(engine) ? { abs: 1e-6, rel: 1e-5 } : { rel: 1e-11 }, 'history.loss');
      });

      it(`${kind}: integer weights equal duplicated rows once the learning rate is scaled by sum(w) / n`, () => {
        // Weighted: step = lr (1/n) sum w_i d_i x_i. Duplicated (sum(w) rows): lr' (1/sum(w)) sum w_i d_i x_i.
        // Equal for plain SGD when lr' = lr sum(w) / n. Tolerance: the sums run in a different
        // order and lr' is rounded (js: ~1e-15 per step, allow 1e-12); wasm: float32 sums of
        // different rows in a different order, ~1e-6 relative per step over 4 steps: 2e-5.
        const w = [1, 2, 1, 1, 3, 1, 1, 2, 1, 1, 1, 1];
        const Xd: number[][] = [];
        const yd: number[] = [];
        SMALL_X.forEach((x, i) => {
          for (let k = 0; k < w[i]; k++) {
            Xd.push([...x]);
            yd.push(TARGETS[kind][i]);
          }
        });
        const total = w.reduce((s, v) => s + v, 0);
        const opts = { epochs: 4, batchSize: 'full' as const, shuffle: false };
        const weighted = fitFresh(kind, engine, SMALL_X, TARGETS[kind], { ...opts, learningRate: 0.1, sampleWeight: w });
        const duplicated = fitFresh(kind, engine, Xd, yd, { ...opts, learningRate: (0.1 * total) / SMALL_X.length });
        close(weighted.params, duplicated.params, isWasm(engine) ? { abs: 2e-5, rel: 2e-5 } : { abs: 1e-12, rel: 1e-12 }, 'params');
      });
    }
  });

  describe('sample weights through the multi-bucket shuffle', () => {
    // 17000 rows x 3 features exceed one 256 KiB shuffle bucket, so rows are scattered between
    // buffers every epoch; their weights must travel with them. Every third row has weight 0
    // and a target shifted by +5: if a weight landed on the wrong row the fit would see the shift.
    const n = 17000;
    const X = uniformMatrix(n, 3, 61);
    const y = X.map((x, i) => Math.fround(x[0] - 2 * x[1] + 0.5 + (i % 3 === 0 ? 5 : 0)));
    const sw = X.map((_, i) => (i % 3 === 0 ? 0 : 1));
    const keep = X.map((_, i) => i).filter((i) => i % 3 !== 0);

    it('full batch, shuffled: equals training on the kept rows with lr scaled by kept / n', () => {
      const a = fitFresh('linear', engine, X, y, { epochs: 3, batchSize: 'full', seed: 1, learningRate: 0.1, sampleWeight: sw });
      const b = fitFresh('linear', engine, keep.map((i) => X[i]), keep.map((i) => y[i]), {
        epochs: 3, batchSize: 'full', shuffle: false, learningRate: (0.1 * keep.length) / n,
      });
      // Same gradient, summed in another order: js float64 ~1e-16 per add over 17000 rows (1e-11 allowed);
      // wasm float32 sums of ~11000 terms, ~sqrt(11000) * 6e-8 ~ 6e-6 relative: 1e-4 allowed.
      close(a.params, b.params, isWasm(engine) ? { abs: 1e-4 } : { abs: 1e-11 }, 'params');
    });

    it('minibatches, shuffled: converges to the kept rows\' exact solution (w = [1, -2, 0], b = 0.5)', () => {
      const { params: got } = fitFresh('linear', engine, X, y, { epochs: 3, batchSize: 64, seed: 1, learningRate: 0.1, sampleWeight: sw });
      // Noise-free targets: ~800 contractive steps reach the solution to ~1e-6; a misplaced weight
      // would pull the bias towards 0.5 + 5/3.
      close(got, [1, -2, 0, 0.5], { abs: 1e-3 }, 'params');
    });
  });

  describe('classWeight', () => {
    const labels = [1, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 1]; // 4 ones, 8 zeros
    const fit = { epochs: 5, batchSize: 4, seed: 9, learningRate: 0.2 };

    it("'balanced' equals sampleWeight n / (2 count(label)): identical weights", () => {
      const n = labels.length;
      const count = (c: number) => labels.filter((v) => v === c).length;
      const sw = labels.map((c) => n / (2 * count(c)));
      const a = fitFresh('logistic', engine, SMALL_X, labels, { ...fit, classWeight: 'balanced' });
      const b = fitFresh('logistic', engine, SMALL_X, labels, { ...fit, sampleWeight: sw });
      expect(a.params).toEqual(b.params);
      expect(a.history.loss).toEqual(b.history.loss);
      expect(maxDiff(a.params, fitFresh('logistic', engine, SMALL_X, labels, fit).params)).toBeGreaterThan(1e-3);
    });

    it('a per-label record multiplies sampleWeight', () => {
      const sw = [1, 2, 0.5, 1, 1, 2, 1, 0.5, 1, 1, 2, 1];
      const a = fitFresh('logistic', engine, SMALL_X, labels, { ...fit, sampleWeight: sw, classWeight: { 0: 1, 1: 3 } });
      const b = fitFresh('logistic', engine, SMALL_X, labels, { ...fit, sampleWeight: sw.map((s, i) => s * (labels[i] === 1 ? 3 : 1)) });
      expect(a.params).toEqual(b.params);
    });

    it('on LinearRegression it throws and leaves the model unchanged', () => {
      const m = new LinearRegression({ features: 3, engine, init: 'random', seed: 4 });
      const before = params(m);
      const err = thrown(() => m.fit(SMALL_X, SMALL_Y_REG, { classWeight: 'balanced' }));
      expect(err).toBeInstanceOf(ValidationError);
      expect(err.message).toMatch(/classWeight/);
      expect(err.message).toMatch(/LinearRegression/);
      expect(params(m)).toEqual(before);
      m.dispose();
    });

    it('LogisticRegression accepts it (control)', () => {
      const m = new LogisticRegression({ features: 3, engine });
      expect(() => m.fit(SMALL_X, labels, { ...fit, classWeight: 'balanced' })).not.toThrow();
      m.dispose();
    });
  });
});
