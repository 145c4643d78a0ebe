// SoftmaxRegression on every engine: its API (layout, probabilities, labels as integers of any
// array type or as strings), a hand-computed step, errors that name index and value, and
// finite losses at logits of +-100 and +-1e4.
import { describe, expect, it } from 'vitest';
import { SoftmaxRegression, ValidationError } from '../../src/index.js';
import { ENGINES, useReady } from '../helpers/engines.js';
import { thrown } from '../helpers/training.js';

useReady();

// Four classes, integer features: every quantity of the first step from zero weights is dyadic.
const X = [[1, 0], [0, 2], [2, 1], [1, 1]];
const Y = [0, 1, 2, 3];

describe.each(ENGINES)('SoftmaxRegression (%s)', (engine) => {
  it('layout: weights are classes x features, one bias per class, (features + 1) * classes parameters', () => {
    const m = new SoftmaxRegression({ features: 3, classes: 4, engine, init: 'random', seed: 2 });
    expect(m.parameterCount).toBe(16);
    expect(m.weights.length).toBe(12);
    expect(m.bias.length).toBe(4);
    expect(m.layers[0].weights).toEqual(m.weights);
    m.dispose();
  });

  it('one full-batch step from zero weights equals the hand-computed gradient step', () => {
    // At W = 0 every class has p = 1/4; dL/dW_k = mean over rows of (1/4 - [y = k]) x, dL/db_k = mean(1/4 - [y = k]).
    // Row sums of x: sum_r x_r = (4, 4); row k is the one with y = k. So grad W_k = (1/4)(sum x)/4 - x_k / 4.
    const m = new SoftmaxRegression({ features: 2, classes: 4, engine });
    m.fit(X, Y, { epochs: 1, batchSize: 'full', learningRate: 1, shuffle: false });
    const expected: number[] = [];
    for (let k = 0; k < 4; k++) for (let j = 0; j < 2; j++) expected.push(-((0.25 * 4) / 4 - X[k][j] / 4));
    // float32 engines: exp(0) = 1 and every sum is exact in float32, so equality holds to rounding of 1/4 multiples.
    expect(Array.from(m.weights).map((v, i) => Math.abs(v - expected[i]))).toEqual(expected.map(() => 0));
    expect(Array.from(m.bias)).toEqual([0, 0, 0, 0]); // mean(1/4 - [y = k]) = 1/4 - 1/4
    m.dispose();
  });

  it('predictProba rows sum to 1 and predict is their argmax', () => {
    const m = new SoftmaxRegression({ features: 2, classes: 4, engine, seed: 1 });
    m.fit(X, Y, { epochs: 50, learningRate: 0.5, batchSize: 2, seed: 1 });
    const p = m.predictProba(X);
    const labels = m.predict(X);
    expect(p.length).toBe(16);
    for (let r = 0; r < 4; r++) {
      const row = Array.from(p.subarray(r * 4, r * 4 + 4));
      expect(Math.abs(row.reduce((a, b) => a + b) - 1)).toBeLessThan(1e-6); // float32 probabilities: a few ulp
      expect(labels[r]).toBe(row.indexOf(Math.max(...row)));
    }
    m.dispose();
  });

  it('integer labels of every accepted array type train the same bits', () => {
    const types = [Y, Int32Array.from(Y), Uint8Array.from(Y), Float32Array.from(Y), Float64Array.from(Y)];
    const results = types.map((y) => {
      const m = new SoftmaxRegression({ features: 2, classes: 4, engine, seed: 5 });
      m.fit(X, y as number[], { epochs: 5, batchSize: 2, learningRate: 0.3, seed: 3 });
      const w = Array.from(m.weights);
      m.dispose();
      return w;
    });
    for (const w of results) expect(w).toEqual(results[0]);
  });

  it('string labels map to classes in sorted order; predictLabels and evaluate speak them', () => {
    const names = ['dog', 'cat', 'emu', 'ant']; // sorted: ant 0, cat 1, dog 2, emu 3
    const m = new SoftmaxRegression({ features: 2, classes: 4, engine, seed: 1 });
    const twin = new SoftmaxRegression({ features: 2, classes: 4, engine, seed: 1 });
    m.fit(X, names, { epochs: 30, learningRate: 0.5, batchSize: 2, seed: 1 });
    twin.fit(X, [2, 1, 3, 0], { epochs: 30, learningRate: 0.5, batchSize: 2, seed: 1 });
    expect(m.classes).toEqual(['ant', 'cat', 'dog', 'emu']);
    expect(Array.from(m.weights)).toEqual(Array.from(twin.weights)); // the same problem, the same bits
    expect(twin.classes).toBeNull();
    expect(m.predictLabels(X)).toEqual(Array.from(m.predict(X), (k) => m.classes![k]));
    expect(twin.predictLabels(X)).toEqual(Array.from(twin.predict(X)));
    expect(m.evaluate(X, names)).toEqual(twin.evaluate(X, [2, 1, 3, 0]));
    expect(thrown(() => m.evaluate(X, ['dog', 'cat', 'yak', 'ant'])).message).toBe(
      "y contains 'yak' at index 2, which is not one of the model's classes ('ant', 'cat', 'dog', 'emu')",
    );
    m.dispose();
    twin.dispose();
  });

  it('bad labels: an error naming index and value, before the model changes', () => {
    const m = new SoftmaxRegression({ features: 2, classes: 4, engine, init: 'random', seed: 4 });
    const before = Array.from(m.weights);
    const cases: [unknown, string][] = [
      [[0, 1, 4, 3], 'y must contain integer class labels 0..3 for SoftmaxRegression, got 4 at index 2'],
      [[0, 1.5, 2, 3], 'y must contain integer class labels 0..3 for SoftmaxRegression, got 1.5 at index 1'],
      [[0, -1, 2, 3], 'y must contain integer class labels 0..3 for SoftmaxRegression, got -1 at index 1'],
      [['a', 'b', 'c', 'c'], "y has 3 distinct labels ('a', 'b', 'c') but SoftmaxRegression has 4 classes"],
      [['a', 'b', 3, 'c'], 'y mixes strings and other values: 3 at index 2'],
    ];
    for (const [y, message] of cases) {
      const err = thrown(() => m.fit(X, y as number[], { epochs: 1 }));
      expect(err).toBeInstanceOf(ValidationError);
      expect(err.message).toBe(message);
    }
    expect(Array.from(m.weights)).toEqual(before);
    expect(thrown(() => new SoftmaxRegression({ features: 2, classes: 1, engine })).message).toBe('classes must be at least 2, got 1');
    m.dispose();
  });

  it.each([100, 1e4])('logits of +-%d: finite loss, gradient and training', (scale) => {
    // Rows of W: class 0 scores +x0, class 1 -x0, class 2 +x1, class 3 -x1. For the rows below the
    // right class has logit +scale and the others 0, 0 and -scale; the wrong labels have -scale.
    const weights = [scale, 0, -scale, 0, 0, scale, 0, -scale];
    const m = new SoftmaxRegression({ features: 2, classes: 4, engine, init: { layers: [{ weights, bias: [0, 0, 0, 0] }] } });
    const Xs = [[1, 0], [0, 1], [-1, 0], [0, -1]];
    for (const y of [[0, 2, 1, 3], [1, 3, 0, 2]]) {
      const { loss } = m.evaluate(Xs, y);
      expect(Number.isFinite(loss)).toBe(true);
      // Right: loss = log(1 + 2 exp(-scale) + exp(-2 scale)) ~ 0; wrong: 2 scale + that (log-sum-exp, no overflow).
      if (y[0] === 0) expect(loss).toBeLessThan(1e-30);
      else expect(Math.abs(loss - 2 * scale) / (2 * scale)).toBeLessThan(1e-6);
      const probe = m.gradientProbe(Xs, y);
      expect(probe.grad.every(Number.isFinite)).toBe(true);
    }
    const h = m.fit(Xs, [1, 3, 0, 2], { epochs: 2, learningRate: 1e-6, batchSize: 'full' });
    expect(h.loss.every(Number.isFinite)).toBe(true);
    m.dispose();
  });
});
