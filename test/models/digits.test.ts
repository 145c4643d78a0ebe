// Real data, on every engine: the UCI handwritten digits (1797 8x8 images, 10 classes, data/digits.csv).
// SoftmaxRegression must reach 95% and an MLP 97% held-out accuracy, each the median over five
// seeded 80/20 splits (features standardized with the training rows' statistics). Seeded training:
// the same seed gives the same bits on an engine, so these numbers do not flake.
import { describe, expect, it } from 'vitest';
import { MLP, SoftmaxRegression } from '../../src/index.js';
import { ENGINES, useReady } from '../helpers/engines.js';
import { loadCsv, median, standardizedSplit } from '../helpers/data.js';

useReady();

const digits = loadCsv('digits.csv');
const SEEDS = [1, 2, 3, 4, 5];

describe.each(ENGINES)('digits (%s)', (engine) => {
  it('SoftmaxRegression: median held-out accuracy >= 95% over five 80/20 splits', () => {
    const acc = SEEDS.map((seed) => {
      const { train, test } = standardizedSplit(digits, seed);
      const m = new SoftmaxRegression({ features: 64, classes: 10, engine, seed });
      m.fit(train.X, train.y, { epochs: 30, batchSize: 32, learningRate: 0.01, optimizer: 'adam', l2: 1e-3, seed });
      const { accuracy } = m.evaluate(test.X, test.y);
      m.dispose();
      return accuracy;
    });
    expect(median(acc)).toBeGreaterThanOrEqual(0.95); // measured: 0.955 to 0.978, median 0.969
  });

  it('MLP 64-64-10 (tanh, softmax head): median held-out accuracy >= 97% over five 80/20 splits', () => {
    const acc = SEEDS.map((seed) => {
      const { train, test } = standardizedSplit(digits, seed);
      const m = new MLP({ inputs: 64, hidden: [64], outputs: 10, activation: 'tanh', engine, seed });
      m.fit(train.X, train.y, { epochs: 30, batchSize: 32, learningRate: 0.005, optimizer: 'adam', l2: 1e-3, seed });
      const { accuracy } = m.evaluate(test.X, test.y) as { accuracy: number };
      m.dispose();
      return accuracy;
    });
    expect(median(acc)).toBeGreaterThanOrEqual(0.97); // measured: 0.969 to 0.978, median 0.975
  });
});
