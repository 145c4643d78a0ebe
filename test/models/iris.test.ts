// Real data with string labels, on every engine: Fisher's iris (150 rows, 4 features, three species
// named by strings in data/iris.csv). SoftmaxRegression must reach 95% held-out accuracy as the median
// over five seeded 80/20 splits, and predictLabels must give the species names back.
import { describe, expect, it } from 'vitest';
import { SoftmaxRegression } from '../../src/index.js';
import { ENGINES, useReady } from '../helpers/engines.js';
import { loadCsv, median, standardizedSplit } from '../helpers/data.js';

useReady();

const iris = loadCsv('iris.csv');
const SEEDS = [1, 2, 3, 4, 5];

describe.each(ENGINES)('iris (%s)', (engine) => {
  it('SoftmaxRegression on string labels: median held-out accuracy >= 95%, labels returned by name', () => {
    const acc = SEEDS.map((seed) => {
      const { train, test } = standardizedSplit(iris, seed);
      const m = new SoftmaxRegression({ features: 4, classes: 3, engine, seed });
      m.fit(train.X, train.labels, { epochs: 200, batchSize: 16, learningRate: 0.05, optimizer: 'adam', seed });
      // Classes map to the sorted distinct labels, and predictLabels speaks in them.
      expect(m.classes).toEqual(['setosa', 'versicolor', 'virginica']);
      const names = m.predictLabels(test.X);
      const correct = names.filter((name, i) => name === test.labels[i]).length;
      const { accuracy } = m.evaluate(test.X, test.labels);
      expect(accuracy).toBe(correct / test.labels.length); // evaluate agrees with the names
      m.dispose();
      return accuracy;
    });
    expect(median(acc)).toBeGreaterThanOrEqual(0.95); // measured: 0.933 to 1, median 0.967
  });
});
