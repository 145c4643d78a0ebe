// gradientCheck(model, X, y) (src/models/gradientCheck.ts) on every engine: every activation and
// head with one and two hidden layers, the regression classes, wider and trained networks (whose
// near-zero gradient components are the hard case for a relative error), the gradient against
// closed forms (the js engine's to 1e-12), negative controls (a wrong backward pass fails and the check names the layer),
// softmax at logits of +-100 and +-1e4, and the function form.
//
// Measured maxRelError at the defaults (h = 1e-5), the worst over the cases of each block:
//                                                 wasm-simd  wasm-scalar  js
//   every activation x head, 1 and 2 hidden       3.1e-5     3.0e-5       5.8e-7
//   Linear, Logistic, Softmax regression          6.6e-7     6.6e-7       1.3e-9
//   wider networks, fresh                         3.4e-5     5.1e-5       1.3e-5
//   wider networks, trained                       8.3e-4     6.5e-4       8.1e-5
//   9-[2, 14]-1 mse, trained (the hard case)      3.2e-3     2.0e-3       4.4e-6
// GRADIENT_TOLERANCE is 1e-2 for WASM (3x the hard case; the small grid alone would allow 1e-4,
// but trained networks' near-zero components would then fail) and 1e-3 for js (12x its worst;
// it was 1e-5 with h = 1e-6, which the wider networks failed at 2e-5 to 6e-5: see its comment).
import { describe, expect, it } from 'vitest';
import {
  LinearRegression, LogisticRegression, MLP, SoftmaxRegression, ValidationError, type HiddenActivation, type Model,
} from '../../src/index.js';
import { GRADIENT_TOLERANCE, gradientCheck } from '../../src/minimize/index.js';
import { networkLayout, type HeadName, type NetworkShape } from '../../src/engines/network.js';
import { ENGINES, useReady, type TestEngine } from '../helpers/engines.js';
import { backwardWith, initParams, makeData, minAbsPreActivation } from '../helpers/network.js';
import { uniformF32 } from '../helpers/data.js';
import { expectClose, maxAbs } from '../helpers/tolerance.js';
import { expectThrows } from '../helpers/errors.js';

useReady();

const ACTIVATIONS: HiddenActivation[] = ['sigmoid', 'tanh', 'relu'];
const HEADS: HeadName[] = ['mse', 'sigmoid', 'softmax'];

/** The init option that puts flat parameters p into a model of this shape. */
function layersInit(shape: NetworkShape, p: Float64Array): { layers: { weights: Float64Array; bias: Float64Array }[] } {
  return {
    layers: networkLayout(shape).layers.map((l) => ({
      weights: p.slice(l.weights, l.weights + l.units * l.inputs),
      bias: p.slice(l.bias, l.bias + l.units),
    })),
  };
}

function mlpShape(inputs: number, hidden: number[], outputs: number, activation: HiddenActivation, head: HeadName): NetworkShape {
  return { inputs, layers: [...hidden.map((units) => ({ units, activation })), { units: outputs, activation: 'identity' }], head };
}

function mlpOf(shape: NetworkShape, engine: TestEngine, params: Float64Array): MLP {
  const hidden = shape.layers.slice(0, -1);
  return new MLP({
    inputs: shape.inputs, hidden: hidden.map((l) => l.units), outputs: shape.layers[shape.layers.length - 1].units,
    activation: hidden.map((l) => l.activation as HiddenActivation), head: shape.head, engine, init: layersInit(shape, params),
  });
}

/** Runs the default check and asserts it passes, with its fields consistent; returns maxRelError. */
function expectPasses(model: Model, X: ArrayLike<number>, y: unknown, label: string): number {
  const c = gradientCheck(model, X as Float32Array, y as Float32Array);
  const tolerance = GRADIENT_TOLERANCE[model.engine];
  expect(c.tolerance).toBe(tolerance);
  if (!c.ok || !(c.maxRelError <= tolerance)) expect.fail(`${label}: maxRelError ${c.maxRelError} > ${tolerance} (layers ${JSON.stringify(c.layers)})`);
  expect(c.layers.length).toBe(model.shape.layers.length);
  expect(Math.max(...c.layers.map((l) => Math.max(l.weights, l.bias)))).toBe(c.maxRelError);
  expect(c.analytic.length).toBe(model.parameterCount);
  expect(c.numeric.length).toBe(model.parameterCount);
  return c.maxRelError;
}

// ---------------------------------------------------------------------------

describe.each(ENGINES)('gradientCheck(model, X, y) passes at its default tolerance (%s)', (engine) => {
  const grid = HEADS.flatMap((head) => ACTIVATIONS.flatMap((activation) => [1, 2].map((depth) => ({ head, activation, depth }))));

  it.each(grid)('MLP, $activation, $head head, $depth hidden layers', ({ head, activation, depth }) => {
    const shape = mlpShape(4, depth === 1 ? [5] : [5, 4], head === 'softmax' ? 3 : 2, activation, head);
    const params = initParams(shape, 11 + depth);
    // relu has a kink at 0: take the first data seed whose pre-activations all stay at least
    // 1e-3 from it (100x the step h = 1e-5), so that no central difference straddles the kink.
    let seed = 3 + depth;
    let data = makeData(shape, 16, seed, false);
    while (activation === 'relu' && minAbsPreActivation(shape, params, data) < 1e-3) data = makeData(shape, 16, ++seed, false);
    if (activation === 'relu') expect(minAbsPreActivation(shape, params, data)).toBeGreaterThanOrEqual(1e-3);
    const m = mlpOf(shape, engine, params);
    expectPasses(m, data.X, data.y, `${activation} ${head} ${depth}`);
    m.dispose();
  });

  it('LinearRegression, LogisticRegression and SoftmaxRegression at random parameters', () => {
    const rows = 20;
    const features = 5;
    const X = uniformF32(rows * features, 41);
    const u = uniformF32(rows, 42);
    const models: [Model, unknown][] = [
      [new LinearRegression({ features, engine, init: 'random', seed: 1 }), u],
      [new LogisticRegression({ features, engine, init: 'random', seed: 2 }), Array.from(u, (v) => (v > 0 ? 1 : 0))],
      [new SoftmaxRegression({ features, classes: 4, engine, init: 'random', seed: 3 }), Array.from(u, (v) => Math.floor((v + 1) * 2))],
    ];
    for (const [m, y] of models) {
      expectPasses(m, X, y, m.constructor.name);
      m.dispose();
    }
  });

  // Wider networks on more rows, freshly initialized and after training: near an optimum the
  // gradient components are small, and the relative error of a component of size ~1e-6 is set by
  // absolute errors (float32 arithmetic; the differences' rounding), so this is what sizes the defaults.
  // The last one is the worst of 90 random shapes (up to 20-16-16-6 on 200 rows) for WASM when trained.
  const wide = [
    { inputs: 17, hidden: [9, 13], outputs: 3, activation: 'sigmoid' as const, head: 'sigmoid' as const, rows: 85, seed: 1, dataSeed: 2 },
    { inputs: 8, hidden: [16, 8], outputs: 3, activation: 'tanh' as const, head: 'softmax' as const, rows: 120, seed: 1, dataSeed: 2 },
    { inputs: 9, hidden: [2, 14], outputs: 1, activation: 'sigmoid' as const, head: 'mse' as const, rows: 32, seed: 84, dataSeed: 184 },
  ];
  it.each(wide)('MLP $inputs-$hidden-$outputs, $activation, $head head, $rows rows: fresh and trained', (c) => {
    const shape = mlpShape(c.inputs, c.hidden, c.outputs, c.activation, c.head);
    const data = makeData(shape, c.rows, c.dataSeed);
    const m = new MLP({ inputs: c.inputs, hidden: c.hidden, outputs: c.outputs, activation: c.activation, head: c.head, engine, seed: c.seed });
    expectPasses(m, data.X, data.y, 'fresh');
    m.fit(data.X, data.y, { epochs: 30, learningRate: 0.1, seed: 1 });
    expectPasses(m, data.X, data.y, 'trained');
    m.dispose();
  });
});

// ---------------------------------------------------------------------------
// Closed forms: the mean-loss gradients of the one-layer models, computed here from their formulas.

describe.each(ENGINES)('the engine gradient equals the closed form (%s)', (engine) => {
  const rows = 12;
  const features = 4;
  const X = uniformF32(rows * features, 51);
  // js: the same float64 arithmetic in another order, so 1e-12 of the largest term's size.
  // WASM: about 20 float32 roundings (2^-24 each) per component: 1e-5 of the largest term's size.
  const rel = engine === 'js' ? 1e-12 : 1e-5;

  /** [w..., b] gradient of (1/n) sum_i loss(z_i), given dloss/dz per row, and the size of its largest term. */
  function closedForm(dz: (z: number, i: number) => number, w: Float64Array, b: number): { grad: Float64Array; scale: number } {
    const grad = new Float64Array(features + 1);
    let scale = 0;
    for (let i = 0; i < rows; i++) {
      let z = b;
      for (let j = 0; j < features; j++) z += w[j] * X[i * features + j];
      const r = dz(z, i);
      for (let j = 0; j < features; j++) {
        grad[j] += (r * X[i * features + j]) / rows;
        scale = Math.max(scale, Math.abs(r * X[i * features + j]));
      }
      grad[features] += r / rows;
      scale = Math.max(scale, Math.abs(r));
    }
    return { grad, scale };
  }

  it('LinearRegression: 2/n X^T (Xw + b - y), and 2/n sum of the residuals for b', () => {
    const y = uniformF32(rows, 52);
    const m = new LinearRegression({ features, engine, init: 'random', seed: 5 });
    const { grad, scale } = closedForm((z, i) => 2 * (z - y[i]), m.weights, m.bias);
    expect(maxAbs(grad)).toBeGreaterThan(0.1); // a real gradient, not one near 0
    const c = gradientCheck(m, X, y);
    expectClose(c.analytic, grad, { abs: rel * scale }, 'engine gradient');
    // The differences of the reference loss agree too, to their own error (~1e-10 at h = 1e-5).
    expectClose(c.numeric, grad, { abs: 1e-8 }, 'central differences');
    m.dispose();
  });

  it('LogisticRegression: 1/n X^T (sigmoid(Xw + b) - y), and 1/n sum of the differences for b', () => {
    const y = Array.from(uniformF32(rows, 53), (v) => (v > 0 ? 1 : 0));
    const m = new LogisticRegression({ features, engine, init: { type: 'uniform', low: -2, high: 2 }, seed: 6 });
    const { grad, scale } = closedForm((z, i) => 1 / (1 + Math.exp(-z)) - y[i], m.weights, m.bias);
    expect(maxAbs(grad)).toBeGreaterThan(0.05);
    const c = gradientCheck(m, X, y);
    expectClose(c.analytic, grad, { abs: rel * scale }, 'engine gradient');
    expectClose(c.numeric, grad, { abs: 1e-8 }, 'central differences');
    m.dispose();
  });
});

// ---------------------------------------------------------------------------
// Negative controls: a model whose backward pass is wrong (its gradientProbe replaced) must fail,
// and layers must point at the wrong layer. The wrong gradient is the engine's own plus the
// difference between a tampered and the true float64 backward pass, so every layer the tampering
// does not reach keeps exactly the engine's gradient.

describe.each(ENGINES)('negative controls (%s)', (engine) => {
  // tanh then sigmoid hidden layers of 4 (so the middle W is square), 2 sigmoid outputs.
  const shape: NetworkShape = {
    inputs: 3, layers: [{ units: 4, activation: 'tanh' }, { units: 4, activation: 'sigmoid' }, { units: 2, activation: 'identity' }], head: 'sigmoid',
  };
  const data = makeData(shape, 10, 61);
  const tolerance = GRADIENT_TOLERANCE[engine];

  /** The model, wrapped so that its backward pass is the true one changed by tamper (null: unchanged). */
  function wrapped(tamper: ((params: Float64Array, grad: Float64Array) => void) | null): { fake: Model; m: MLP } {
    const m = mlpOf(shape, engine, initParams(shape, 62));
    const fake = Object.create(m) as MLP;
    fake.gradientProbe = (X, y) => {
      const probe = m.gradientProbe(X, y);
      if (tamper) tamper(probe.params, probe.grad);
      return probe;
    };
    return { fake, m };
  }

  /** The float64 backward pass at params, told the shape backShape and the weights backParams; mean over rows. */
  const reference = (params: Float64Array, backShape: NetworkShape, backParams: Float64Array) =>
    backwardWith(shape, params, data, backShape, backParams).map((g) => g / data.rows);

  /** Adds (wrong - right) to the engine's gradient. */
  const shifted = (wrong: (params: Float64Array) => Float64Array) => (params: Float64Array, grad: Float64Array) => {
    const right = reference(params, shape, params);
    const bad = wrong(params);
    for (let i = 0; i < grad.length; i++) grad[i] += bad[i] - right[i];
  };

  /** The index of the last (closest to the output) layer whose error is above the tolerance. */
  const lastFailing = (layers: { weights: number; bias: number }[]) => {
    let last = -1;
    layers.forEach((l, i) => {
      if (Math.max(l.weights, l.bias) > tolerance) last = i;
    });
    return last;
  };

  it('the wrapper itself changes nothing: the true backward pass passes', () => {
    const { fake, m } = wrapped(null);
    const c = gradientCheck(fake, data.X, data.y);
    expect(c.ok).toBe(true);
    expect(lastFailing(c.layers)).toBe(-1);
    m.dispose();
  });

  it("the wrong activation derivative (tanh's for the sigmoid layer) fails, and layers point at layer 1", () => {
    const told = { ...shape, layers: [shape.layers[0], { units: 4, activation: 'tanh' as const }, shape.layers[2]] };
    const { fake, m } = wrapped(shifted((params) => reference(params, told, params)));
    const c = gradientCheck(fake, data.X, data.y);
    expect(c.ok).toBe(false);
    expect(lastFailing(c.layers)).toBe(1); // the output layer's gradient is untouched
    // sigmoid' = a (1 - a) against tanh's 1 - a^2 for a in (0, 1): off by far more than any tolerance.
    expect(c.layers[1].weights).toBeGreaterThan(0.1);
    expect(c.layers[0].weights).toBeGreaterThan(0.1); // the wrong delta flows on to the first layer
    m.dispose();
  });

  it('backpropagating through W instead of W^T (the square middle layer) fails, and layers point at layer 0', () => {
    const w = networkLayout(shape).layers[1].weights;
    const { fake, m } = wrapped(shifted((params) => {
      const transposed = Float64Array.from(params);
      for (let r = 0; r < 4; r++) for (let c = 0; c < 4; c++) transposed[w + r * 4 + c] = params[w + c * 4 + r];
      return reference(params, shape, transposed);
    }));
    const c = gradientCheck(fake, data.X, data.y);
    expect(c.ok).toBe(false);
    // Layer 1's own gradient uses its input and delta, not its W: only the delta sent to layer 0 is wrong.
    expect(lastFailing(c.layers)).toBe(0);
    expect(c.layers[0].weights).toBeGreaterThan(0.1);
    m.dispose();
  });

  it("the last layer's weight gradient scaled by 1.5 fails with relative error 1/3 there, and only there", () => {
    const last = networkLayout(shape).layers[2];
    const { fake, m } = wrapped((_, grad) => {
      for (let i = last.weights; i < last.weights + last.units * last.inputs; i++) grad[i] *= 1.5;
    });
    const c = gradientCheck(fake, data.X, data.y);
    expect(c.ok).toBe(false);
    expect(lastFailing(c.layers)).toBe(2);
    // |1.5 g - g| / (1.5 |g|) = 1/3 on every component well above the 1e-6 floor, to the engine's error.
    expectClose(c.layers[2].weights, 1 / 3, { abs: 3 * tolerance }, 'layers[2].weights');
    expect(c.layers[2].bias).toBeLessThanOrEqual(tolerance);
    for (const l of c.layers.slice(0, 2)) expect(Math.max(l.weights, l.bias)).toBeLessThanOrEqual(tolerance);
    m.dispose();
  });
});

// ---------------------------------------------------------------------------
// Softmax at extreme logits, through the model classes: log-sum-exp keeps loss and gradient finite.

describe.each(ENGINES)('softmax at logits of +-100 and +-1e4 (%s)', (engine) => {
  // Two rows whose logits are [s, -s, 0] and [0, s, -s] (SoftmaxRegression) or [s, -s, 0] and
  // [-s, s, 0] (MLP), each labelled with a class of logit -s: every row's loss is 2s (up to e^-s
  // terms), and the gradient is exact arithmetic on softmax = one-hot of the largest logit.
  it.each([100, 1e4])('SoftmaxRegression, s = %s', (s) => {
    const m = new SoftmaxRegression({ features: 2, classes: 3, engine, init: { layers: [{ weights: [s, 0, -s, s, 0, -s], bias: [0, 0, 0] }] } });
    const X = [[1, 0], [0, 1]];
    const y = [1, 2];
    // Logits are exact in float32 and the loss is computed in float64 from them: 2s to rounding.
    expectClose(m.evaluate(X, y).loss, 2 * s, { rel: 1e-12 }, 'loss');
    const c = gradientCheck(m, X, y);
    // delta = softmax - onehot: row 0 [1, -1, 0], row 1 [0, 1, -1]; dW = mean of delta x^T, db = mean delta.
    const want = [0.5, 0, -0.5, 0.5, 0, -0.5, 0.5, 0, -0.5];
    expectClose(c.analytic, want, { abs: 1e-6 }, 'gradient'); // exact but for e^-s terms and float32 rounding
    expect(c.numeric.every(Number.isFinite)).toBe(true);
    expect(c.ok).toBe(true);
    m.dispose();
  });

  it.each([100, 1e4])('MLP with a relu layer and a softmax head, s = %s', (s) => {
    // Hidden: relu(x + 1) = x + 1 (pre-activations 1 and 2, far from the kink); output W2 h with
    // W2 = [[s, -s], [-s, s], [0, 0]]: logits [s, -s, 0] and [-s, s, 0] for h = [2, 1] and [1, 2].
    const m = new MLP({
      inputs: 2, hidden: [2], outputs: 3, activation: 'relu', head: 'softmax', engine,
      init: { layers: [{ weights: [1, 0, 0, 1], bias: [1, 1] }, { weights: [s, -s, -s, s, 0, 0], bias: [0, 0, 0] }] },
    });
    const X = [[1, 0], [0, 1]];
    const y = [1, 0];
    expectClose(m.evaluate(X, y).loss, 2 * s, { rel: 1e-12 }, 'loss');
    const c = gradientCheck(m, X, y);
    // Output deltas [1, -1, 0] and [-1, 1, 0]; dW2 = mean delta h^T, db2 = 0; hidden deltas W2^T delta =
    // [2s, -2s] and [-2s, 2s] (relu' = 1); dW1 = mean of those times x^T, db1 = 0.
    const want = [s, -s, -s, s, 0, 0, 0.5, -0.5, -0.5, 0.5, 0, 0, 0, 0, 0];
    expectClose(c.analytic, want, { abs: 1e-6 * s }, 'gradient'); // float32 rounding of values up to 2s
    expect(c.numeric.every(Number.isFinite)).toBe(true);
    expect(c.ok).toBe(true);
    m.dispose();
  });
});

// ---------------------------------------------------------------------------

describe.each(ENGINES)('options (%s)', (engine) => {
  it('tolerance and h are used as given; a typo or a bad value is a ValidationError naming it', () => {
    const m = new LogisticRegression({ features: 2, engine, init: 'random', seed: 1 });
    const X = [[1, 2], [-1, 0.5], [0.25, -2]];
    const y = [1, 0, 1];
    const c = gradientCheck(m, X, y, { tolerance: 1e-30 });
    expect(c.tolerance).toBe(1e-30);
    expect(c.maxRelError).toBeGreaterThan(1e-30); // rounding alone is more than that
    expect(c.ok).toBe(false); // held to the given tolerance, not the engine's default
    // A step of 0.5 (scaled by max(1, |p|)) is far from the derivative: the check must see it.
    expect(gradientCheck(m, X, y, { h: 0.5 }).maxRelError).toBeGreaterThan(GRADIENT_TOLERANCE[engine]);
    expectThrows(() => gradientCheck(m, X, y, { tol: 1 } as never), ValidationError, "unknown gradientCheck option 'tol' (expected one of tolerance, h)");
    expectThrows(() => gradientCheck(m, X, y, { tolerance: 0 }), ValidationError, 'tolerance must be a finite number > 0, got 0');
    expectThrows(() => gradientCheck(m, X, y, { h: -1 }), ValidationError, 'h must be a finite number > 0, got -1');
    m.dispose();
  });
});

describe('the function form', () => {
  it('gradientCheck(f, grad, x) still compares any function with its gradient (test/minimize.test.ts has the rest)', () => {
    const f = (x: Float64Array) => x[0] ** 2 + 3 * x[1];
    expect(gradientCheck(f, (x) => [2 * x[0], 3], [1.5, -2]).ok).toBe(true);
    expect(gradientCheck(f, (x) => [x[0], 3], [1.5, -2]).ok).toBe(false);
  });
});
