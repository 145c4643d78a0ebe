import { describe, expect, it } from 'vitest';
import { leastSquares } from '../src/leastSquares.js';
import { normal, seedState } from '../src/reference/random.js';
import { expectThrows } from './helpers/errors.js';

// Cholesky takes square roots, so even integer data can round; with integers of this size
// the solution is within a few ulps, and 1e-12 absolute leaves ample room.
const SMALL = 1e-12;

describe('leastSquares: exact cases', () => {
  it('a line through known points (centred Gram matrix 4, so every operation is exact)', () => {
    // y = 3x - 2 at x = 1, 1, 3, 3: centred x = -1, -1, 1, 1, sum of squares 4, sqrt 2.
    const r = leastSquares(Float64Array.from([1, 1, 3, 3]), 4, 1, [1, 1, 7, 7]);
    expect(Array.from(r.weights)).toEqual([3]);
    expect(r.bias).toBe(-2);
  });

  it('the least-squares line through points that are not collinear', () => {
    // (0, 1), (1, 3), (2, 4): slope = sum((x - 1)(y - 8/3)) / sum((x - 1)^2) = 3 / 2, bias = 8/3 - 3/2 = 7/6.
    const r = leastSquares(Float64Array.from([0, 1, 2]), 3, 1, [1, 3, 4]);
    expect(Math.abs(r.weights[0] - 1.5)).toBeLessThanOrEqual(SMALL);
    expect(Math.abs(r.bias - 7 / 6)).toBeLessThanOrEqual(SMALL);
  });

  it('two features recover y = 1 + 2 x1 - 3 x2 exactly (up to rounding)', () => {
    const X: number[] = [];
    const y: number[] = [];
    for (let a = 0; a < 3; a++) {
      for (let b = 0; b < 3; b++) {
        X.push(a, b * b);
        y.push(1 + 2 * a - 3 * b * b);
      }
    }
    const r = leastSquares(Float64Array.from(X), 9, 2, y);
    expect(Math.abs(r.weights[0] - 2)).toBeLessThanOrEqual(SMALL);
    expect(Math.abs(r.weights[1] + 3)).toBeLessThanOrEqual(SMALL);
    expect(Math.abs(r.bias - 1)).toBeLessThanOrEqual(SMALL);
  });

  it('without an intercept: through the origin', () => {
    // w = sum(x y) / sum(x^2) = (1*2 + 2*5 + 3*6) / 14 = 30 / 14.
    const r = leastSquares(Float64Array.from([1, 2, 3]), 3, 1, [2, 5, 6], { fitIntercept: false });
    expect(Math.abs(r.weights[0] - 30 / 14)).toBeLessThanOrEqual(SMALL);
    expect(r.bias).toBe(0);
  });

  it('l2 shrinks the weights only: w = Sxy / (Sxx + l2) on centred data', () => {
    // Centred x = -1, 0, 1 (Sxx = 2), centred y = -3, 1, 2 (Sxy = 5); l2 = 3 gives w = 5 / 5 = 1,
    // bias = mean(y) - mean(x) w = 3 - 5 = -2.
    const r = leastSquares(Float64Array.from([4, 5, 6]), 3, 1, [0, 4, 5], { l2: 3 });
    expect(Math.abs(r.weights[0] - 1)).toBeLessThanOrEqual(SMALL);
    expect(Math.abs(r.bias + 2)).toBeLessThanOrEqual(SMALL);
  });

  it('reads Float32Array input as the same numbers', () => {
    const values = [0.5, 1.25, -2, 3.5, 4, -1, 2.75, 0.25]; // exactly representable in float32
    const y = [1, 2, 3, 5];
    const a = leastSquares(Float64Array.from(values), 4, 2, y);
    const b = leastSquares(Float32Array.from(values), 4, 2, y);
    expect(b).toEqual(a);
  });
});

describe('leastSquares: random overdetermined problem', () => {
  const rows = 60;
  const cols = 5;
  const rng = seedState(11);
  const X = new Float64Array(rows * cols).map(() => normal(rng));
  const trueW = [1, -2, 0.5, 3, 0];
  const y = Array.from({ length: rows }, (_, r) => 0.7 + trueW.reduce((s, w, c) => s + w * X[r * cols + c], 0) + 0.1 * normal(rng));

  // The optimum satisfies the normal equations X^T r + l2 w = 0 and sum(r) = 0 (intercept), with
  // r = X w + b - y. Rounding in forming and solving them leaves residuals of order
  // eps * cond * ||X|| ||r||, about 1e-14 relative here; 1e-9 relative is the stated bar.
  function check(l2: number): void {
    const { weights: w, bias: b } = leastSquares(X, rows, cols, y, { l2 });
    const r = Array.from({ length: rows }, (_, i) => w.reduce((s, wc, c) => s + wc * X[i * cols + c], b) - y[i]);
    const normR = Math.hypot(...r);
    const normX = Math.hypot(...X);
    for (let c = 0; c < cols; c++) {
      const g = r.reduce((s, ri, i) => s + X[i * cols + c] * ri, 0) + l2 * w[c];
      expect(Math.abs(g)).toBeLessThanOrEqual(1e-9 * normX * normR);
    }
    expect(Math.abs(r.reduce((s, v) => s + v, 0))).toBeLessThanOrEqual(1e-9 * Math.sqrt(rows) * normR);
  }
  it('satisfies the normal equations', () => check(0));
  it('satisfies the ridge normal equations', () => check(2.5));
  it('is close to the generating weights (noise 0.1, 60 rows)', () => {
    // Loose on purpose: this checks the setup, not the solver.
    const { weights, bias } = leastSquares(X, rows, cols, y);
    weights.forEach((w, c) => expect(Math.abs(w - trueW[c])).toBeLessThanOrEqual(0.1));
    expect(Math.abs(bias - 0.7)).toBeLessThanOrEqual(0.1);
  });
});

describe('leastSquares: errors', () => {
  const SINGULAR = 'X^T X is singular (rank-deficient features); add l2 > 0';
  it('a duplicated column is singular; l2 > 0 makes it solvable', () => {
    const X = Float64Array.from([1, 2, 2, 4, 3, 6, 4, 8]); // column 1 = 2 * column 0
    expectThrows(() => leastSquares(X, 4, 2, [1, 2, 3, 4]), RangeError, SINGULAR);
    const r = leastSquares(X, 4, 2, [1, 2, 3, 4], { l2: 1e-3 });
    expect(r.weights.every(Number.isFinite)).toBe(true);
  });
  it('a column that is a combination of others only up to rounding is still singular', () => {
    // 0.3 a - 1.7 b rounds, so the last Cholesky pivot is rounding noise: zero, negative or a
    // tiny positive number (about 4e-16 of its diagonal) depending on the data; ten seeds see all three.
    for (let seed = 1; seed <= 10; seed++) {
      const rng = seedState(seed);
      const rows = 20;
      const X = new Float64Array(rows * 3);
      for (let r = 0; r < rows; r++) {
        X[r * 3] = normal(rng);
        X[r * 3 + 1] = normal(rng);
        X[r * 3 + 2] = 0.3 * X[r * 3] - 1.7 * X[r * 3 + 1];
      }
      expectThrows(() => leastSquares(X, rows, 3, new Float64Array(rows).fill(1)), RangeError, SINGULAR);
    }
  });
  it('a constant column is singular with an intercept, not without', () => {
    const X = Float64Array.from([1, 5, 2, 5, 3, 5]);
    expectThrows(() => leastSquares(X, 3, 2, [1, 2, 4]), RangeError, SINGULAR);
    expect(leastSquares(X, 3, 2, [1, 2, 4], { fitIntercept: false }).weights.every(Number.isFinite)).toBe(true);
  });
  it('fewer rows than columns is singular', () => {
    expectThrows(() => leastSquares(Float64Array.from([1, 2, 3]), 1, 3, [1], { fitIntercept: false }), RangeError, SINGULAR);
  });
  it.each([
    [() => leastSquares(Float64Array.from([1, NaN, 3, 4, 5, 6]), 3, 2, [1, 2, 3]), RangeError, 'X contains NaN at row 0, column 1'],
    [() => leastSquares(Float64Array.from([1, 2, 3, 4, 5]), 3, 2, [1, 2, 3]), RangeError, 'X has length 5 but rows * cols = 3 * 2 = 6'],
    [() => leastSquares(Float64Array.from([1, 2, 3]), 3, 1, [1, 2]), RangeError, 'y has length 2 but X has 3 rows'],
    [() => leastSquares(Float64Array.from([1, 2, 3]), 3, 1, [1, Infinity, 2]), RangeError, 'y contains Infinity at index 1'],
    [() => leastSquares(Float64Array.from([1, 2, 3]), 3, 1, [1, 2, 3], { l2: -1 }), RangeError, 'l2 must be a finite number >= 0, got -1'],
    [() => leastSquares(Float64Array.from([1, 2, 3]), 3, 1, [1, 2, 3], { L2: 1 } as never), RangeError, 'unknown option L2'],
    [() => leastSquares([1, 2, 3] as never, 3, 1, [1, 2, 3]), TypeError, 'X must be a Float64Array or Float32Array, got an array'],
    [() => leastSquares(Float64Array.from([1, 2, 3]), 0, 3, []), RangeError, 'rows must be an integer >= 1, got 0'],
  ] as [() => unknown, ErrorConstructor, string][])('%#: rejects bad input', (fn, type, message) => {
    expectThrows(fn, type, message);
  });
});
