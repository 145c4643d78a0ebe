// The training math checked against closed forms, on every engine: full-batch GD reaches
// the normal-equation solution, hand-computed steps, and the gradient the engines apply
// equals a central finite difference of the loss (with negative controls for the check).
import { describe, expect, it } from 'vitest';
import { LOSS_BCE, LOSS_MSE, rowLoss, rowLossGrad, type LossKind } from '../../src/reference/losses.js';
import { dot } from '../../src/reference/dot.js';
import { ENGINES, useReady } from '../helpers/engines.js';
import { classification, regression } from '../helpers/data.js';
import { makeModel, paramsOf, type ModelKind } from '../helpers/models.js';
import type { LinearRegression } from '../../src/index.js';
import { expectClose, maxAbs } from '../helpers/tolerance.js';

useReady();

/** Solves A x = b (n x n, row-major) by Gaussian elimination with partial pivoting, in float64. */
function solve(A: number[][], b: number[]): number[] {
  const n = b.length;
  const M = A.map((row, i) => [...row, b[i]]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r][c]) > Math.abs(M[p][c])) p = r;
    [M[c], M[p]] = [M[p], M[c]];
    if (M[c][c] === 0) throw new Error('singular system');
    for (let r = c + 1; r < n; r++) {
      const f = M[r][c] / M[c][c];
      for (let k = c; k <= n; k++) M[r][k] -= f * M[c][k];
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = M[r][n];
    for (let k = r + 1; k < n; k++) s -= M[r][k] * x[k];
    x[r] = s / M[r][r];
  }
  return x;
}

/** Least squares [w, b] minimizing sum (w.x + b - y)^2: the normal equations [X 1]^T [X 1] t = [X 1]^T y. */
function normalEquations(X: ArrayLike<number>, y: ArrayLike<number>, rows: number, f: number): number[] {
  const A = Array.from({ length: f + 1 }, () => new Array<number>(f + 1).fill(0));
  const rhs = new Array<number>(f + 1).fill(0);
  const row = (r: number) => [...Array.from({ length: f }, (_, j) => X[r * f + j]), 1];
  for (let r = 0; r < rows; r++) {
    const a = row(r);
    for (let i = 0; i <= f; i++) {
      rhs[i] += a[i] * y[r];
      for (let j = 0; j <= f; j++) A[i][j] += a[i] * a[j];
    }
  }
  return solve(A, rhs);
}

describe('the test\'s own Gaussian elimination', () => {
  it('solves a small system exactly', () => {
    // 2x + y = 5, x - y = 1, with a zero pivot first: x = 2, y = 1.
    expect(solve([[0, 1, 1], [2, 1, 0], [1, -1, 0]], [2, 5, 1]).map((v) => Math.round(v * 1e12) / 1e12)).toEqual([2, 1, 1]);
  });
});

describe.each(ENGINES)('closed forms (%s)', (engine) => {
  const f32 = engine !== 'js';

  describe('full-batch gradient descent reaches the normal-equation solution', () => {
    it('on a well-conditioned synthetic problem (200 rows, 4 N(0,1) features)', () => {
      const d = regression({ rows: 200, features: 4, seed: 21, noise: 0.1, dist: 'normal' });
      const want = normalEquations(d.X, d.y, d.rows, d.features);
      const m = makeModel('linear', engine, d.features);
      // The Hessian 2/n A^T A has eigenvalues in about [1.4, 2.7] here, so lr = 0.2 contracts
      // the error by <= 0.72 per epoch: after 300 epochs by 1e-40, far below any tolerance.
      m.fit(d.X, d.y, { epochs: 300, batchSize: 'full', learningRate: 0.2, shuffle: false });
      // js: float64 throughout, limited by rounding of the gradient sums: 1e-10.
      // wasm: parameters are float32 (spacing 6e-8 near 1) and the gradient is summed in float32
      // over 200 rows (error <= 200 * 2^-24 * mean |2 r x| ~ 2e-6, divided by the smallest
      // curvature 1.4): 2e-5 covers both.
      expectClose(paramsOf(m), want, { abs: f32 ? 2e-5 : 1e-10 }, 'params vs normal equations');
      // The solution is not near the start (so the comparison says something).
      expect(maxAbs(want)).toBeGreaterThan(0.3);
      m.dispose();
    });

    it('on the "secret number" data: exact (2,4) (3,5) (5,7) (8,10) gives w = 1, b = 2', () => {
      const m = makeModel('linear', engine, 1);
      // Hessian 2/4 [[102, 18], [18, 4]]: eigenvalues 52.6 and 0.4. lr = 0.03 < 2 / 52.6 is
      // stable and contracts the slow direction by 1 - 0.03 * 0.4 = 0.988 per epoch:
      // 0.988^4000 ~ 1e-21.
      m.fit([[2], [3], [5], [8]], [4, 5, 7, 10], { epochs: 4000, batchSize: 'full', learningRate: 0.03, shuffle: false });
      expectClose(paramsOf(m), [1, 2], { abs: f32 ? 2e-5 : 1e-10 }, 'params');
      m.dispose();
    });

    it('on the noisy "secret number" data: the least-squares line', () => {
      const x = [2, 3, 5, 8];
      const y = [3, 6, 5, 12];
      // Normal equations by hand: [[sum x^2, sum x], [sum x, n]] [w, b] = [sum xy, sum y]
      // = [[102, 18], [18, 4]] [w, b] = [145, 26]; determinant 84: w = 112/84 = 4/3, b = 42/84 = 1/2.
      const want = solve([[102, 18], [18, 4]], [2 * 3 + 3 * 6 + 5 * 5 + 8 * 12, 26]);
      expectClose(want, [4 / 3, 1 / 2], { abs: 1e-12 }, 'hand solution');
      const m = makeModel('linear', engine, 1);
      m.fit(x.map((v) => [v]), y, { epochs: 4000, batchSize: 'full', learningRate: 0.03, shuffle: false });
      expectClose(paramsOf(m), want, { abs: f32 ? 2e-5 : 1e-10 }, 'params');
      // The mean squared error there: residuals y - (4/3 x + 1/2) = -1/6, 3/2, -13/6, 5/6,
      // squares sum to 276/36: mse = 23/12.
      expectClose((m as LinearRegression).evaluate(x.map((v) => [v]), y).mse, 23 / 12, { rel: f32 ? 1e-5 : 1e-9 }, 'mse');
      m.dispose();
    });
  });

  describe('one hand-computed step', () => {
    // 4 rows, 2 features, small integers; w0 = (0.5, -0.25), b0 = 0.125, lr = 1/8. Every
    // intermediate is a short dyadic fraction, exact in float32 as well as float64, so
    // every engine must produce exactly these numbers.
    const X = [[1, 2], [3, -1], [0, 1], [-2, 2]];
    const y = [1, 2, -1, 0];
    const init = { weights: [0.5, -0.25], bias: 0.125 };
    const lr = 0.125;
    const z = X.map(([a, b]) => 0.5 * a - 0.25 * b + 0.125); // 0.125, 1.875, -0.125, -1.375
    expect(z).toEqual([0.125, 1.875, -0.125, -1.375]);

    it('LinearRegression, batch of all 4 rows: grad = 2/n sum (z - y) x', () => {
      const r = z.map((v, i) => v - y[i]); // -0.875, -0.125, 0.875, -1.375
      const gw0 = (2 / 4) * (r[0] * 1 + r[1] * 3 + r[2] * 0 + r[3] * -2); // 0.5 * 1.5 = 0.75
      const gw1 = (2 / 4) * (r[0] * 2 + r[1] * -1 + r[2] * 1 + r[3] * 2); // 0.5 * -3.5
      const gb = (2 / 4) * (r[0] + r[1] + r[2] + r[3]); // 0.5 * -1.5
      expect([gw0, gw1, gb]).toEqual([0.75, -1.75, -0.75]);
      const m = makeModel('linear', engine, 2, { init });
      const h = m.fit(X, y, { epochs: 1, batchSize: 'full', learningRate: lr, shuffle: false });
      expect(Array.from(m.weights)).toEqual([0.5 - lr * gw0, -0.25 - lr * gw1]);
      expect(m.bias).toBe(0.125 - lr * gb);
      expect(h.loss[0]).toBe(r.reduce((s, v) => s + v * v, 0) / 4); // the loss at the starting point
      expect(h.gradNorm[0]).toBe(Math.hypot(gw0, gw1, gb)); // full batch: the exact gradient's norm
      m.dispose();
    });

    it('LinearRegression, batches of 2: two steps, the second from the first one\'s result', () => {
      let w = [0.5, -0.25];
      let b = 0.125;
      for (const rows of [[0, 1], [2, 3]]) {
        const g = [0, 0, 0];
        for (const i of rows) {
          const e = 2 * (w[0] * X[i][0] + w[1] * X[i][1] + b - y[i]);
          g[0] += e * X[i][0] / 2;
          g[1] += e * X[i][1] / 2;
          g[2] += e / 2;
        }
        w = [w[0] - lr * g[0], w[1] - lr * g[1]];
        b -= lr * g[2];
      }
      const m = makeModel('linear', engine, 2, { init });
      m.fit(X, y, { epochs: 1, batchSize: 2, learningRate: lr, shuffle: false });
      expect(Array.from(m.weights)).toEqual(w);
      expect(m.bias).toBe(b);
      m.dispose();
    });

    it('LogisticRegression, 3 rows: grad = 1/n sum (sigmoid(z) - y) x', () => {
      const X3 = X.slice(0, 3);
      const y3 = [1, 0, 1];
      const s = (v: number) => 1 / (1 + Math.exp(-v));
      const e = z.slice(0, 3).map((v, i) => s(v) - y3[i]);
      const g = [
        (e[0] * 1 + e[1] * 3 + e[2] * 0) / 3,
        (e[0] * 2 + e[1] * -1 + e[2] * 1) / 3,
        (e[0] + e[1] + e[2]) / 3,
      ];
      const m = makeModel('logistic', engine, 2, { init });
      const h = m.fit(X3, y3, { epochs: 1, batchSize: 'full', learningRate: lr, shuffle: false });
      // js: float64 against float64 (1e-15). wasm: sigmoid within a few float32 ULPs, three
      // rows summed and divided by 3 in float32, then one float32 rounding of a parameter of
      // size <= 1: a few 2^-24 ~ 1e-7 each; 1e-6 absolute.
      const tol = { abs: f32 ? 1e-6 : 1e-15 };
      expectClose(paramsOf(m), [0.5 - lr * g[0], -0.25 - lr * g[1], 0.125 - lr * g[2]], tol, 'params after one step');
      const loss = z.slice(0, 3).reduce((acc, v, i) => acc - (y3[i] * Math.log(s(v)) + (1 - y3[i]) * Math.log(1 - s(v))), 0) / 3;
      expectClose(h.loss[0], loss, { rel: f32 ? 1e-6 : 1e-14 }, 'loss at the start');
      expectClose(h.gradNorm[0], Math.hypot(...g), { abs: f32 ? 1e-6 : 1e-15 }, 'gradient norm');
      m.dispose();
    });

    it('LinearRegression, 3 rows (n = 3 does not divide exactly): grad = 2/3 sum (z - y) x', () => {
      const r = z.slice(0, 3).map((v, i) => v - y[i]);
      const g = [
        (2 / 3) * (r[0] * 1 + r[1] * 3 + r[2] * 0),
        (2 / 3) * (r[0] * 2 + r[1] * -1 + r[2] * 1),
        (2 / 3) * (r[0] + r[1] + r[2]),
      ];
      const m = makeModel('linear', engine, 2, { init });
      m.fit(X.slice(0, 3), y.slice(0, 3), { epochs: 1, batchSize: 'full', learningRate: lr, shuffle: false });
      // wasm: the division by 3 and the step round in float32: <= 2 ULP of values <= 1: 1e-6.
      expectClose(paramsOf(m), [0.5 - lr * g[0], -0.25 - lr * g[1], 0.125 - lr * g[2]], { abs: f32 ? 1e-6 : 1e-15 }, 'params');
      m.dispose();
    });
  });
});

// --- Gradient check -------------------------------------------------------------------
// The mean loss over a data set and its analytic gradient, built from the reference
// kernels; a central difference with step h checks the gradient. The same check applied
// to deliberately wrong gradients must fail (otherwise it would check nothing).

interface Problem {
  X: Float32Array;
  y: Float32Array;
  rows: number;
  f: number;
}

function meanLoss(kind: LossKind, p: Problem, theta: ArrayLike<number>): number {
  let s = 0;
  for (let r = 0; r < p.rows; r++) s += rowLoss(kind, dot(theta, 0, p.X, r * p.f, p.f) + theta[p.f], p.y[r]);
  return s / p.rows;
}

type RowGrad = (z: number, y: number) => number;

function analyticGrad(p: Problem, theta: ArrayLike<number>, dLdz: RowGrad): Float64Array {
  const g = new Float64Array(p.f + 1);
  for (let r = 0; r < p.rows; r++) {
    const d = dLdz(dot(theta, 0, p.X, r * p.f, p.f) + theta[p.f], p.y[r]);
    for (let j = 0; j < p.f; j++) g[j] += (d * p.X[r * p.f + j]) / p.rows;
    g[p.f] += d / p.rows;
  }
  return g;
}

function numericGrad(kind: LossKind, p: Problem, theta: ArrayLike<number>, h = 1e-5): Float64Array {
  const g = new Float64Array(p.f + 1);
  const t = Float64Array.from(theta);
  for (let i = 0; i <= p.f; i++) {
    t[i] = theta[i] + h;
    const up = meanLoss(kind, p, t);
    t[i] = theta[i] - h;
    const down = meanLoss(kind, p, t);
    t[i] = theta[i];
    g[i] = (up - down) / (2 * h);
  }
  return g;
}

/** The largest difference between two gradients, relative to the larger one's size (at least 1e-3). */
function gradError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let e = 0;
  for (let i = 0; i < a.length; i++) e = Math.max(e, Math.abs(a[i] - b[i]));
  return e / Math.max(maxAbs(a), maxAbs(b), 1e-3);
}

// Central differences: truncation error h^2 |L'''| / 6 ~ 1e-11 and rounding error
// ~ 1e-16 |L| / h ~ 1e-11 for h = 1e-5 and O(1) losses: 1e-7 relative is far above both,
// and far below what a wrong formula gives (a missing factor 2 is 50% off).
const GRADCHECK_TOL = 1e-7;

const PROBLEMS: { kind: ModelKind; loss: LossKind; p: Problem; theta: number[] }[] = (() => {
  const reg = regression({ rows: 30, features: 5, seed: 51, noise: 0.5 });
  const cls = classification({ rows: 30, features: 5, seed: 52, noise: 0.5 });
  const theta = [0.3, -0.7, 0.2, 0.9, -0.4, 0.25];
  return [
    { kind: 'linear', loss: LOSS_MSE, p: { X: reg.X, y: reg.y, rows: 30, f: 5 }, theta },
    { kind: 'logistic', loss: LOSS_BCE, p: { X: cls.X, y: cls.y, rows: 30, f: 5 }, theta },
  ];
})();

describe.each(PROBLEMS)('gradient check of the $kind loss (reference kernels)', ({ loss, p, theta }) => {
  it('the analytic gradient matches a central finite difference', () => {
    const err = gradError(analyticGrad(p, theta, (z, y) => rowLossGrad(loss, z, y)), numericGrad(loss, p, theta));
    expect(err).toBeLessThan(GRADCHECK_TOL);
  });

  it('the check fails for deliberately wrong gradients (negative controls)', () => {
    const wrong: RowGrad[] = loss === LOSS_MSE
      ? [(z, y) => z - y, (z, y) => 2 * (y - z), (z, y) => 2 * (z - y) * (z - y)] // missing 2, wrong sign, wrong power
      : [(z, y) => Math.tanh(z) - y, (z, y) => y - 1 / (1 + Math.exp(-z)), (z, y) => (1 / (1 + Math.exp(-z)) - y) / 2];
    for (const g of wrong) expect(gradError(analyticGrad(p, theta, g), numericGrad(loss, p, theta))).toBeGreaterThan(1e-2);
  });
});

// The gradient each engine actually applies: one full-batch step from theta with lr = 1
// moves the parameters by exactly -gradient, so theta - theta' reveals it.
describe.each(ENGINES)('the gradient applied by the engine (%s)', (engine) => {
  it.each(PROBLEMS)('equals the finite-difference gradient of the mean $kind loss', ({ kind, loss, p, theta }) => {
    const m = makeModel(kind, engine, p.f, { init: { weights: theta.slice(0, p.f), bias: theta[p.f] } });
    const before = paramsOf(m); // theta as the engine stores it (float32 for wasm)
    const h = m.fit(p.X, p.y, { epochs: 1, batchSize: 'full', learningRate: 1, shuffle: false });
    const after = paramsOf(m);
    const applied = before.map((v, i) => v - after[i]);
    const numeric = numericGrad(loss, p, before);
    // js: float64 throughout, agrees to ~1e-12. wasm: 30 rows summed in float32
    // (<= 30 * 2^-24 * mean |dL/dz x| ~ 2e-6) and the difference of two float32 parameters
    // of size ~1 (spacing 6e-8): 1e-5 absolute.
    const tol = { abs: engine === 'js' ? 1e-9 : 1e-5 };
    expectClose(applied, numeric, tol, `${kind} applied gradient`);
    expectClose(h.gradNorm[0], Math.hypot(...numeric), tol, `${kind} history gradNorm`);
    expectClose(h.loss[0], meanLoss(loss, p, before), { rel: engine === 'js' ? 1e-12 : 1e-6 }, `${kind} history loss`);
    m.dispose();
  });
});
