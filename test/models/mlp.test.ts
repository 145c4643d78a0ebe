// MLP on every engine: shape and parameters, initialization, a forward pass worked by hand,
// XOR, each head's predictions (values, 0/1 per output, class index, string labels), and
// constructor errors. Accuracy on real data is in digits.test.ts; gradients in gradientCheck.test.ts.
import { describe, expect, it } from 'vitest';
import { MLP, ValidationError } from '../../src/index.js';
import { ENGINES, useReady } from '../helpers/engines.js';
import { thrown } from '../helpers/training.js';
import { seedState, uniform } from '../../src/reference/random.js';

useReady();

const sig = (z: number) => 1 / (1 + Math.exp(-z));
const XOR_X = [[0, 0], [0, 1], [1, 0], [1, 1]];
const XOR_Y = [0, 1, 1, 0];

describe.each(ENGINES)('MLP (%s)', (engine) => {
  it('parameterCount and layers: the 3-4-2 textbook network has 26 parameters', () => {
    const m = new MLP({ inputs: 3, hidden: [4], outputs: 2, engine });
    expect(m.parameterCount).toBe(26); // 3*4 + 4 + 4*2 + 2
    expect(m.head).toBe('softmax'); // the default for several outputs
    expect(m.activation).toEqual(['sigmoid']);
    const layers = m.layers;
    expect(layers.map((l) => [l.weights.length, l.bias.length])).toEqual([[12, 4], [8, 2]]);
    layers[0].weights.fill(9); // a copy: the model does not change
    expect(m.layers[0].weights.some((w) => w === 9)).toBe(false);
    expect(new MLP({ inputs: 3, hidden: [4, 5], outputs: 1, activation: ['relu', 'tanh'], engine }).head).toBe('sigmoid');
    m.dispose();
  });

  it('default init: Xavier-uniform for sigmoid and tanh layers, He-uniform for relu, zero biases, seeded', () => {
    const m = new MLP({ inputs: 50, hidden: [40, 30], outputs: 1, activation: ['tanh', 'relu'], engine, seed: 7 });
    const [l1, l2, l3] = m.layers;
    const bound = (w: Float64Array) => Math.max(...w.map(Math.abs));
    // Uniform on (-a, a) with a = sqrt(6 / (fan_in + fan_out)) (Xavier) or sqrt(6 / fan_in) (He): the
    // largest of 2000 draws is within a few percent of a (probability of less than 0.95a: 0.95^2000).
    expect(bound(l1.weights)).toBeLessThanOrEqual(Math.sqrt(6 / 90));
    expect(bound(l1.weights)).toBeGreaterThan(0.95 * Math.sqrt(6 / 90));
    expect(bound(l2.weights)).toBeLessThanOrEqual(Math.sqrt(6 / 40));
    expect(bound(l2.weights)).toBeGreaterThan(0.95 * Math.sqrt(6 / 40));
    expect(bound(l3.weights)).toBeLessThanOrEqual(Math.sqrt(6 / 31)); // output layer: Xavier
    for (const l of [l1, l2, l3]) expect(l.bias.every((b) => b === 0)).toBe(true);
    const again = new MLP({ inputs: 50, hidden: [40, 30], outputs: 1, activation: ['tanh', 'relu'], engine: 'js', seed: 7 });
    // The same draws in every engine (the WASM engines store them rounded to float32).
    expect(Array.from(again.layers[1].weights, Math.fround)).toEqual(Array.from(l2.weights, Math.fround));
    m.dispose();
    again.dispose();
  });

  it('a forward pass worked by hand: 2-2-1 with sigmoid hidden units and a sigmoid head', () => {
    // Hidden: h1 = sig(0.5 x1 - 1 x2 + 0.25), h2 = sig(-0.5 x1 + 2 x2 - 1); output z = 1.5 h1 - 2 h2 + 0.5.
    const init = { layers: [{ weights: [0.5, -1, -0.5, 2], bias: [0.25, -1] }, { weights: [1.5, -2], bias: [0.5] }] };
    const m = new MLP({ inputs: 2, hidden: [2], outputs: 1, engine, init });
    const X = [[1, 2], [-1, 0.5], [0, 0]];
    const p = m.predictProba(X);
    X.forEach(([a, b], r) => {
      const z = 1.5 * sig(0.5 * a - b + 0.25) - 2 * sig(-0.5 * a + 2 * b - 1) + 0.5;
      expect(Math.abs(p[r] - sig(z))).toBeLessThan(1e-6); // float32 arithmetic: a few ulp of values near 0.5
    });
    m.dispose();
  });

  it('learns XOR (2-4-1, tanh, full-batch Adam)', () => {
    const m = new MLP({ inputs: 2, hidden: [4], outputs: 1, activation: 'tanh', engine, seed: 3 });
    m.fit(XOR_X, XOR_Y, { epochs: 2000, batchSize: 'full', learningRate: 0.1, optimizer: 'adam', shuffle: false });
    expect(Array.from(m.predict(XOR_X))).toEqual(XOR_Y);
    const p = m.predictProba(XOR_X);
    for (let r = 0; r < 4; r++) expect(Math.abs(p[r] - XOR_Y[r])).toBeLessThan(0.05);
    m.dispose();
  });

  it('string labels with a one-output sigmoid head; predictLabels returns them', () => {
    const m = new MLP({ inputs: 2, hidden: [4], outputs: 1, activation: 'tanh', engine, seed: 3 });
    const names = XOR_Y.map((k) => (k ? 'odd' : 'even'));
    m.fit(XOR_X, names, { epochs: 2000, batchSize: 'full', learningRate: 0.1, optimizer: 'adam', shuffle: false });
    expect(m.classes).toEqual(['even', 'odd']);
    expect(m.predictLabels(XOR_X)).toEqual(names);
    m.dispose();
  });

  it("'softmax' head: class indices; 'sigmoid' with several outputs: 0/1 per output (multi-label)", () => {
    const soft = new MLP({ inputs: 2, hidden: [8], outputs: 4, activation: 'tanh', engine, seed: 1 });
    const classes = [0, 1, 2, 3];
    soft.fit(XOR_X, classes, { epochs: 500, batchSize: 'full', learningRate: 0.05, optimizer: 'adam', shuffle: false });
    expect(Array.from(soft.predict(XOR_X))).toEqual(classes);
    expect(soft.predictProba(XOR_X).length).toBe(16);
    const multi = new MLP({ inputs: 2, hidden: [8], outputs: 2, head: 'sigmoid', activation: 'tanh', engine, seed: 1 });
    const Y = [[0, 0], [1, 0], [1, 0], [0, 1]]; // XOR and AND of the inputs
    multi.fit(XOR_X, Y, { epochs: 1500, batchSize: 'full', learningRate: 0.05, optimizer: 'adam', shuffle: false });
    expect(Array.from(multi.predict(XOR_X))).toEqual(Y.flat());
    expect(multi.evaluate(XOR_X, Y)).toMatchObject({ accuracy: 1 });
    expect(thrown(() => multi.predictLabels(XOR_X)).message).toBe("predictLabels needs a classifier: head 'softmax', or 'sigmoid' with one output");
    soft.dispose();
    multi.dispose();
  });

  it("'mse' head with two outputs: a smooth regression, values rows x outputs, R^2 near 1", () => {
    const rng = seedState(9);
    const rows = 200;
    const X: number[][] = [];
    const Y: number[][] = [];
    for (let r = 0; r < rows; r++) {
      const a = 2 * uniform(rng) - 1;
      const b = 2 * uniform(rng) - 1;
      X.push([a, b]);
      Y.push([Math.sin(2 * a) + b, a * b]);
    }
    const m = new MLP({ inputs: 2, hidden: [16], outputs: 2, head: 'mse', activation: 'tanh', engine, seed: 2 });
    const h = m.fit(X, Y, { epochs: 300, batchSize: 20, learningRate: 0.01, optimizer: 'adam', seed: 2 });
    expect(h.loss.at(-1)!).toBeLessThan(h.loss[0] / 20);
    const pred = m.predict(X);
    expect(pred.length).toBe(2 * rows);
    const metrics = m.evaluate(X, Y) as { mse: number; r2: number; loss: number };
    expect(metrics.r2).toBeGreaterThan(0.95);
    expect(Math.abs(metrics.loss - 2 * metrics.mse)).toBeLessThan(1e-9 * (1 + metrics.loss)); // loss sums the two outputs
    expect(thrown(() => m.predictProba(X)).message).toBe("predictProba needs a 'sigmoid' or 'softmax' head; this MLP's head is 'mse' (use predict)");
    m.dispose();
  });

  it('constructor errors name the option and the value', () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ inputs: 2, hidden: 4, outputs: 1 }, 'hidden must be an array of layer sizes, e.g. [64], got 4'],
      [{ inputs: 2, hidden: [4, 0], outputs: 1 }, 'hidden[1] must be a positive integer, got 0'],
      [{ inputs: 2, hidden: [4], outputs: 1, activation: 'softplus' }, "activation must be 'sigmoid', 'tanh' or 'relu', got 'softplus'"],
      [{ inputs: 2, hidden: [4, 4], outputs: 1, activation: ['relu'] }, "activation must be one name or an array of 2 (one per hidden layer), got ['relu']"],
      [{ inputs: 2, hidden: [4], outputs: 1, head: 'softmax' }, "head 'softmax' needs outputs >= 2 (one per class), got 1"],
      [{ inputs: 2, hidden: [4], outputs: 1, head: 'hinge' }, "head must be 'mse', 'sigmoid' or 'softmax', got 'hinge'"],
      [{ inputs: 2, hidden: [4], outputs: 1, hiden: [3] }, "unknown model option 'hiden' (expected one of inputs, hidden, outputs, activation, head, engine, init, seed)"],
    ];
    for (const [options, message] of cases) {
      const err = thrown(() => new MLP({ engine, ...options } as never));
      expect(err).toBeInstanceOf(ValidationError);
      expect(err.message).toBe(message);
    }
  });
});
