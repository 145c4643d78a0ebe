// LinearRegression.fitLeastSquares: the closed-form optimum as a reference and a
// starting point, on every engine.
import { describe, expect, it } from 'vitest';
import { LinearRegression, ValidationError, leastSquares } from '../../src/index.js';
import { expectThrows } from '../helpers/errors.js';
import { ENGINES, useReady } from '../helpers/engines.js';

useReady();

// y = 2 x0 - 3 x1 + 0.5 plus a small deterministic residual, so the optimum is not exactly the generator.
const rows = 40;
const X = new Float32Array(rows * 2);
const y = new Float32Array(rows);
for (let i = 0; i < rows; i++) {
  X[2 * i] = (i % 7) - 3;
  X[2 * i + 1] = ((i * 3) % 5) - 2;
  y[i] = 2 * X[2 * i] - 3 * X[2 * i + 1] + 0.5 + 0.25 * Math.sin(i);
}

describe.each(ENGINES)('fitLeastSquares (%s)', (engine) => {
  it('sets the normal-equation solution, and gradient descent from there stays put', () => {
    const m = new LinearRegression({ features: 2, engine });
    m.fitLeastSquares(X, y);
    const ref = leastSquares(X, rows, 2, y);
    // The WASM engines store parameters as float32: the solution rounded to float32 (2^-24 relative).
    for (let j = 0; j < 2; j++) expect(Math.abs(m.weights[j] - ref.weights[j])).toBeLessThanOrEqual(1e-6 * Math.abs(ref.weights[j]));
    expect(Math.abs(m.bias - ref.bias)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(ref.bias)));
    // At the optimum the full-batch gradient is zero up to float32 rounding of the data and weights.
    const h = m.fit(X, y, { epochs: 1, batchSize: 'full', learningRate: 0.01, shuffle: false });
    expect(h.gradNorm[0]).toBeLessThan(1e-4);
    // And no other weights give a lower mean squared error: nudging any parameter raises it.
    const best = m.evaluate(X, y).mse;
    for (const [dw0, dw1, db] of [[0.01, 0, 0], [0, 0.01, 0], [0, 0, 0.01], [-0.01, 0, 0]]) {
      const other = new LinearRegression({ features: 2, engine, init: { weights: [ref.weights[0] + dw0, ref.weights[1] + dw1], bias: ref.bias + db } });
      expect(other.evaluate(X, y).mse).toBeGreaterThan(best);
    }
  });

  it('with l2 matches the ridge solution of leastSquares', () => {
    const m = new LinearRegression({ features: 2, engine });
    m.fitLeastSquares(X, y, { l2: 5 });
    const ref = leastSquares(X, rows, 2, y, { l2: 5 });
    for (let j = 0; j < 2; j++) expect(Math.abs(m.weights[j] - ref.weights[j])).toBeLessThanOrEqual(1e-6 * Math.abs(ref.weights[j]));
    // Shrinkage: the penalized weights are smaller in norm than the unpenalized ones.
    const plain = leastSquares(X, rows, 2, y);
    expect(Math.hypot(...ref.weights)).toBeLessThan(Math.hypot(...plain.weights));
  });

  // Bad options are ValidationErrors (a null options object used to be a raw TypeError, a typo was ignored)
  // and leave the weights as they were.
  it.each([
    [null, 'fitLeastSquares options must be an options object, got null'],
    [{ lambda: 5 }, "unknown fitLeastSquares option 'lambda' (expected one of l2)"],
    [{ l2: '5' }, "l2 must be a finite number, got '5'"],
    [{ l2: NaN }, 'l2 must be a finite number, got NaN'],
    [{ l2: -1 }, 'l2 must be a finite number >= 0, got -1'],
  ])('options %o: %s', (options, message) => {
    const m = new LinearRegression({ features: 2, engine, init: { weights: [1, 2], bias: 3 } });
    expectThrows(() => m.fitLeastSquares(X, y, options as never), ValidationError, message);
    expect([...m.weights, m.bias]).toEqual([1, 2, 3]);
    m.dispose();
  });
});
