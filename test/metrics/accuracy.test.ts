// accuracy by hand, and equal to what evaluate reports for models on every engine, so
// steepest eval prints one number whichever it calls.
import { describe, expect, it } from 'vitest';
import { LogisticRegression, SoftmaxRegression } from '../../src/index.js';
import { accuracy } from '../../src/metrics/index.js';
import { ENGINES, useReady } from '../helpers/engines.js';
import { MODEL_TYPES, NAMES, dataFor } from '../helpers/modelTypes.js';
import { PRED_ANIMALS, PRED_CODES, TRUE_ANIMALS, TRUE_CODES } from '../helpers/metrics.js';

useReady();

describe('accuracy', () => {
  it('is the fraction of equal labels', () => {
    expect(accuracy(TRUE_ANIMALS, PRED_ANIMALS)).toBe(4 / 6);
    expect(accuracy(TRUE_CODES, PRED_CODES)).toBe(3 / 5);
    expect(accuracy([1, 1], Uint8Array.from([1, 1]))).toBe(1);
  });

  describe.each(ENGINES)('equals evaluate().accuracy (%s)', (engine) => {
    it.each(MODEL_TYPES.filter((t) => t.classes > 0))('$name, numeric and string labels', (t) => {
      const d = dataFor(t, 60, 21);
      const m = t.make(engine, { seed: 2 });
      m.fit(d.X, d.y, { epochs: 2, learningRate: 0.1, seed: 1 });
      const any = m as unknown as LogisticRegression | SoftmaxRegression;
      expect(accuracy(d.y, any.predict(d.X))).toBe(any.evaluate(d.X, d.y).accuracy);
      const names = Array.from(d.y, (k) => NAMES[k]);
      const s = t.make(engine, { seed: 2 }) as unknown as LogisticRegression;
      s.fit(d.X, names, { epochs: 2, learningRate: 0.1, seed: 1 });
      expect(accuracy(names, s.predictLabels(d.X))).toBe(s.evaluate(d.X, names).accuracy);
      m.dispose();
      s.dispose();
    });
  });
});
