// mae, mse and r2 on scikit-learn's documented example, the constant-target convention,
// and agreement with evaluate() on every engine.
import { describe, expect, it } from 'vitest';
import { LinearRegression, ValidationError } from '../../src/index.js';
import { mae, mse, r2 } from '../../src/metrics/index.js';
import { ENGINES, useReady } from '../helpers/engines.js';
import { regression } from '../helpers/data.js';
import { expectThrows } from '../helpers/errors.js';
import { expectClose } from '../helpers/tolerance.js';

useReady();

// scikit-learn's docs (mean_absolute_error, mean_squared_error, r2_score): 0.5, 0.375, 0.948...
const T = [3, -0.5, 2, 7];
const P = [2.5, 0.0, 2, 8];

describe('regression metrics', () => {
  it("reproduce scikit-learn's documented example", () => {
    expect(mae(T, P)).toBe(0.5);
    expect(mse(T, P)).toBe(0.375);
    // 1 - 1.5 / 29.1875, a few float64 roundings: 1e-15.
    expectClose(r2(T, P), 1 - 1.5 / 29.1875, { abs: 1e-15 }, 'r2');
    expect(r2(T, P).toFixed(3)).toBe('0.949');
    expect(mse(Float32Array.from(T), Float64Array.from(P))).toBe(0.375);
  });

  it('r2 of a constant truth: 1 when every prediction is exact, else 0', () => {
    expect(r2([3, 3, 3], [3, 3, 3])).toBe(1);
    expect(r2([3, 3, 3], [3, 3, 4])).toBe(0);
    expect(r2([1, 2, 3], [2, 2, 2])).toBe(0); // the mean itself
  });

  it('names the argument, the index and the value in its errors', () => {
    const bad = (fn: () => unknown, message: string) => expectThrows(fn, ValidationError, message);
    bad(() => mae([1, 2], [1]), 'yPred has 1 values but yTrue has 2');
    bad(() => mse([], []), 'yTrue is empty');
    bad(() => r2([1, NaN], [1, 2]), 'yTrue contains NaN at index 1');
    bad(() => r2([1, 2], [1, '2'] as never), "yPred contains a non-number at index 1: '2'");
    bad(() => mae({ length: 1 } as never, [1]), 'yTrue must be a typed array or an array of numbers, got an object');
  });

  describe.each(ENGINES)('agree with evaluate() (%s)', (engine) => {
    it('LinearRegression: mse, mae and r2 of predict() against evaluate()', () => {
      const d = regression({ rows: 50, features: 3, seed: 31, noise: 0.3 });
      const m = new LinearRegression({ features: 3, engine });
      m.fit(d.X, d.y, { epochs: 5, learningRate: 0.1, seed: 1 });
      const e = m.evaluate(d.X, d.y);
      const p = m.predict(d.X);
      // evaluate uses the float64 outputs, predict rounds them to float32 (values <= 4: error
      // <= 2.4e-7 each), so each metric moves by well under 1e-6 relative to its size.
      expectClose(mse(d.y, p), e.mse, { rel: 1e-6 }, 'mse');
      expectClose(mae(d.y, p), e.mae, { rel: 1e-6 }, 'mae');
      expectClose(r2(d.y, p), e.r2, { abs: 1e-6 }, 'r2');
      m.dispose();
    });
  });
});
