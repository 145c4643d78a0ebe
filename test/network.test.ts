// The network epoch: the float64 reference (src/reference/network.ts) against values
// worked out by hand and against central finite differences, and the WASM epoch
// (assembly/train.ts with assembly/network.ts, both builds) against the reference over the SIMD tails of every
// width, 1 to 3 hidden layers, every activation and head, several batch sizes and optimizers.
import { describe, expect, it } from 'vitest';
import { forwardNetwork, networkGradient, networkLoss, predictNetwork } from '../src/reference/network.js';
import { networkLayout, type ActivationName, type HeadName, type NetworkShape } from '../src/engines/network.js';
import { BUILDS, useReady } from './helpers/engines.js';
import { testingRuntime } from './helpers/testingBuild.js';
import { expectClose, expectSame, maxAbs } from './helpers/tolerance.js';
import {
  backwardWith, initParams, makeData, minAbsPreActivation, orders, runReference, runWasm, WasmNet, type NetData, type RunOptions,
} from './helpers/network.js';
import type { TestingRuntime } from './helpers/testingBuild.js';
import { writeOptimizerBlock } from '../src/wasm/optimizerBlock.js';
import { DATA_FIRST_ROW, DATA_KIND, KIND_DENSE, KIND_STREAM, STATUS_BAD_KIND, STATUS_OK } from '../src/wasm/abi.js';
import { resolveOptimizer } from '../src/optim/optimizers.js';

useReady();

/** The WASM gradient (summed over rows) and loss of data at params, via networkGradient. */
function wasmGradient(rt: TestingRuntime, shape: NetworkShape, data: NetData, params: ArrayLike<number>, capacity = 64) {
  const net = new WasmNet(rt, shape, capacity);
  try {
    net.load(data);
    net.setParams(params);
    const b = net.block;
    const loss = rt.exports.networkGradient(b.descPtr, net.describe());
    return { loss, grad: Float64Array.from(rt.readF32(b.gradPtr, b.count)) };
  } finally {
    net.free();
  }
}

/** The WASM output-layer values of data's rows, via predict. */
function wasmPredict(rt: TestingRuntime, shape: NetworkShape, data: NetData, params: ArrayLike<number>, capacity = 64) {
  const net = new WasmNet(rt, shape, capacity);
  try {
    net.load(data);
    net.setParams(params);
    const outputs = shape.layers[shape.layers.length - 1].units;
    const outPtr = net.place(new Float32Array(data.rows * outputs));
    expect(rt.exports.predict(net.block.descPtr, net.describe(), outPtr)).toBe(STATUS_OK);
    return Float64Array.from(rt.readF32(outPtr, data.rows * outputs));
  } finally {
    net.free();
  }
}

// ---------------------------------------------------------------------------
// Hand-computed values

describe('a 2-2-1 network with sigmoid hidden units, worked out by hand', () => {
  // x = (1, 2), y = 0.25, mse head (loss (z - y)^2, no 1/2).
  // Hidden: W1 = [[1, -0.5], [0.5, -0.75]] (row k = unit k), b1 = (0, 1):
  //   z1 = (1 - 1 + 0, 0.5 - 1.5 + 1) = (0, 0);  h = sigmoid(0) = (0.5, 0.5)
  // Output: W2 = [[2, -1]], b2 = 0.25:  z2 = 2 (0.5) - 1 (0.5) + 0.25 = 0.75
  // Loss (0.75 - 0.25)^2 = 0.25;  delta2 = 2 (0.75 - 0.25) = 1
  //   dW2 = delta2 h = (0.5, 0.5);  db2 = 1
  //   delta1 = (delta2 W2) * h (1 - h) = (2, -1) * 0.25 = (0.5, -0.25)
  //   dW1 = delta1^T x = [[0.5, 1], [-0.25, -0.5]];  db1 = (0.5, -0.25)
  // Every value is a short binary fraction, so float32 and float64 both get them exactly.
  const shape: NetworkShape = {
    inputs: 2, layers: [{ units: 2, activation: 'sigmoid' }, { units: 1, activation: 'identity' }], head: 'mse',
  };
  // Flat layout: W1 (row-major), b1, W2, b2.
  const params = [1, -0.5, 0.5, -0.75, 0, 1, 2, -1, 0.25];
  const data: NetData = { X: Float32Array.from([1, 2]), y: Float32Array.from([0.25]), sw: null, rows: 1 };
  const grad = [0.5, 1, -0.25, -0.5, 0.5, -0.25, 0.5, 0.5, 1];

  it('has the layout W1, b1, W2, b2', () => {
    expect(networkLayout(shape)).toEqual({
      count: 9,
      layers: [
        { inputs: 2, units: 2, activation: 1, weights: 0, bias: 4 },
        { inputs: 2, units: 1, activation: 0, weights: 6, bias: 8 },
      ],
    });
  });

  it('reference: forward, loss and gradient as worked out', () => {
    const acts = forwardNetwork(shape, params, data.X, 1);
    expect(Array.from(acts[0])).toEqual([0.5, 0.5]);
    expect(Array.from(acts[1])).toEqual([0.75]);
    const g = new Float64Array(9);
    expect(networkGradient(shape, params, data.X, data.y, null, 1, g)).toBe(0.25);
    expect(Array.from(g)).toEqual(grad);
  });

  it('reference: one SGD step of rate 0.5 moves every parameter by -0.5 times its gradient', () => {
    const r = runReference(shape, data, Float64Array.from(params), { epochs: 1, batchSize: 1, lr: 0.5, optimizer: 'sgd' });
    expect(Array.from(r.params)).toEqual([0.75, -1, 0.625, -0.5, -0.25, 1.125, 1.75, -1.25, -0.25]);
    expect(r.stats[0]).toMatchObject({ lossSum: 0.25, batches: 1, diverged: -1 });
  });

  describe.each(BUILDS)('WASM ($build build)', ({ simd }) => {
    it('gradient, prediction and one SGD step exactly as worked out', () => {
      const rt = testingRuntime(simd);
      const w = wasmGradient(rt, shape, data, params);
      expect(w.loss).toBe(0.25);
      expectSame(w.grad, grad, 'gradient');
      expectSame(wasmPredict(rt, shape, data, params), [0.75], 'prediction');
      const r = runWasm(rt, shape, data, Float64Array.from(params), { epochs: 1, batchSize: 1, lr: 0.5, optimizer: 'sgd' });
      expectSame(r.params, [0.75, -1, 0.625, -0.5, -0.25, 1.125, 1.75, -1.25, -0.25], 'parameters after the step');
      expect(r.stats[0]).toMatchObject({ lossSum: 0.25, batches: 1, diverged: -1 });
    });
  });
});

describe("Mazur's 2-2-2 worked example (sigmoid hidden and output units)", () => {
  // M. Mazur, "A Step by Step Backpropagation Example" (2015): inputs (0.05, 0.10), targets
  // (0.01, 0.99), w1..w4 = 0.15, 0.20, 0.25, 0.30 into h1, h2 with bias 0.35, w5..w8 = 0.40,
  // 0.45, 0.50, 0.55 into o1, o2 with bias 0.60, loss 1/2 sum (target - out)^2. Published:
  // out_h = (0.593269992, 0.596884378), out_o = (0.75136507, 0.772928465), E = 0.298371109,
  // and after one step of rate 0.5: w1..w4 = 0.149780716, 0.19956143, 0.24975114, 0.29950229,
  // w5..w8 = 0.35891648, 0.408666186, 0.511301270, 0.561370121 (biases not updated there).
  // Here: the output layer has the sigmoid, the mse head has no 1/2, so loss = 2 E and each
  // gradient is 2 (w - w_new) / 0.5. Published to 9 digits: gradients agree to about 1e-8.
  const shape: NetworkShape = {
    inputs: 2, layers: [{ units: 2, activation: 'sigmoid' }, { units: 2, activation: 'sigmoid' }], head: 'mse',
  };
  const params = [0.15, 0.2, 0.25, 0.3, 0.35, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.6];
  const data: NetData = { X: Float32Array.from([0.05, 0.1]), y: Float32Array.from([0.01, 0.99]), sw: null, rows: 1 };
  const updated = [0.149780716, 0.19956143, 0.24975114, 0.29950229, 0.35891648, 0.408666186, 0.51130127, 0.561370121];
  const weightAt = [0, 1, 2, 3, 6, 7, 8, 9]; // w1..w8 in the flat layout
  const published = weightAt.map((at, k) => (2 * (params[at] - updated[k])) / 0.5);

  it('reference: hidden and output values, loss and weight gradients as published', () => {
    // In float64 throughout (data's float32 copies of 0.05, 0.01, ... differ from them by up to 1e-9).
    const x = [0.05, 0.1];
    const acts = forwardNetwork(shape, params, x, 1);
    expectClose(acts[0], [0.593269992, 0.596884378], { abs: 1e-9 }, 'hidden outputs (published to 9 digits)');
    expectClose(acts[1], [0.75136507, 0.772928465], { abs: 1e-8 }, 'outputs (published to 8-9 digits)');
    const g = new Float64Array(12);
    expectClose(networkGradient(shape, params, x, [0.01, 0.99], null, 1, g), 2 * 0.298371109, { abs: 2e-9 }, 'loss');
    expectClose(weightAt.map((at) => g[at]), published, { abs: 2e-8 }, 'weight gradients');
  });

  describe.each(BUILDS)('WASM ($build build)', ({ simd }) => {
    it('the same gradient to float32 precision', () => {
      const w = wasmGradient(testingRuntime(simd), shape, data, params);
      // Parameters are float32 (0.15 etc. round by up to 3e-9) and each value passes through
      // a few float32 operations: 1e-7 absolute on values below 1.
      expectClose(w.loss, 2 * 0.298371109, { abs: 1e-7 }, 'loss');
      expectClose(weightAt.map((at) => w.grad[at]), published, { abs: 1e-7 }, 'weight gradients');
    });
  });
});

// ---------------------------------------------------------------------------
// Finite differences

// Central differences with h = 1e-5 in float64 have truncation error h^2/6 |f'''| ~ 2e-11
// (|f'''| < 10 for these small networks) and rounding error ~ 2.2e-16 |f| / h ~ 2e-10 (loss
// sums |f| < 10): absolute error below 1e-9. A backpropagated gradient passes when
// |g - fd| <= 1e-6 max(|g|, |fd|) + 1e-9; the negative controls miss by a factor of 1000 or more.
const FD_H = 1e-5;
const FD_REL = 1e-6;
const FD_ABS = 1e-9;

/** The worst |g - fd| / (FD_REL max(|g|, |fd|) + FD_ABS) over all parameters: at most 1 passes. */
function gradientCheck(shape: NetworkShape, params: Float64Array, data: NetData, grad: Float64Array): { ratio: number; at: number } {
  let worst = { ratio: 0, at: -1 };
  const p = Float64Array.from(params);
  for (let i = 0; i < p.length; i++) {
    p[i] = params[i] + FD_H;
    const up = networkLoss(shape, p, data.X, data.y, data.sw, data.rows);
    p[i] = params[i] - FD_H;
    const down = networkLoss(shape, p, data.X, data.y, data.sw, data.rows);
    p[i] = params[i];
    const fd = (up - down) / (2 * FD_H);
    const ratio = Math.abs(grad[i] - fd) / (FD_REL * Math.max(Math.abs(grad[i]), Math.abs(fd)) + FD_ABS);
    if (ratio > worst.ratio) worst = { ratio, at: i };
  }
  return worst;
}

const ACTIVATIONS: ActivationName[] = ['sigmoid', 'tanh', 'relu'];
const HEAD_NAMES: HeadName[] = ['mse', 'sigmoid', 'softmax'];

describe('reference gradient against central differences of the loss', () => {
  const cases = HEAD_NAMES.flatMap((head) => ACTIVATIONS.flatMap((activation) => [1, 2, 3].map((hidden) => ({ head, activation, hidden }))));

  it.each(cases)('$head head, $activation, $hidden hidden layers', ({ head, activation, hidden }) => {
    const shape: NetworkShape = {
      inputs: 3,
      layers: [...Array.from({ length: hidden }, (_, k) => ({ units: 4 + k, activation })), { units: head === 'softmax' ? 3 : 2, activation: 'identity' as const }],
      head,
    };
    // relu is not differentiable at 0: take the first data seed whose pre-activations all stay
    // 1e-3 (100 h) away from it, so that no difference quotient straddles the kink.
    let seed = 31 + hidden;
    let data = makeData(shape, 6, seed, true);
    const params = initParams(shape, 17 + hidden);
    while (activation === 'relu' && minAbsPreActivation(shape, params, data) < 1e-3) data = makeData(shape, 6, ++seed, true);
    const grad = new Float64Array(params.length);
    networkGradient(shape, params, data.X, data.y, data.sw, data.rows, grad);
    const check = gradientCheck(shape, params, data, grad);
    if (check.ratio > 1) expect.fail(`gradient off by ${check.ratio} times the allowed error at parameter ${check.at}`);
  });

  // A wrong backward pass must fail the same check.
  const shape: NetworkShape = {
    inputs: 3,
    layers: [{ units: 4, activation: 'tanh' }, { units: 4, activation: 'sigmoid' }, { units: 2, activation: 'identity' }],
    head: 'sigmoid',
  };
  const data = makeData(shape, 6, 5, true);
  const params = initParams(shape, 6);

  const tamperedGradient = (backShape: NetworkShape, backParams: Float64Array) => backwardWith(shape, params, data, backShape, backParams);

  it('negative control: the untampered backward pass passes', () => {
    expect(gradientCheck(shape, params, data, tamperedGradient(shape, params)).ratio).toBeLessThanOrEqual(1);
  });

  it('negative control: a backward pass that forgets an activation derivative fails', () => {
    const forgetful = { ...shape, layers: [shape.layers[0], { units: 4, activation: 'identity' as const }, shape.layers[2]] };
    expect(gradientCheck(shape, params, data, tamperedGradient(forgetful, params)).ratio).toBeGreaterThan(1000);
  });

  it('negative control: a backward pass that uses W instead of W^T fails', () => {
    const transposed = Float64Array.from(params);
    const w = networkLayout(shape).layers[1].weights; // the square 4 x 4 hidden-to-hidden W
    for (let r = 0; r < 4; r++) for (let c = 0; c < 4; c++) transposed[w + r * 4 + c] = params[w + c * 4 + r];
    expect(gradientCheck(shape, params, data, tamperedGradient(shape, transposed)).ratio).toBeGreaterThan(1000);
  });
});

describe('reference penalties: L2 on the weights, never the biases', () => {
  it('one SGD step with l2 differs from one without by -lr l2 w on each weight and nothing on each bias', () => {
    const shape: NetworkShape = { inputs: 3, layers: [{ units: 4, activation: 'tanh' }, { units: 2, activation: 'identity' }], head: 'mse' };
    const data = makeData(shape, 5, 8);
    const init = initParams(shape, 9);
    const opts: RunOptions = { epochs: 1, batchSize: 5, lr: 0.1, optimizer: 'sgd' };
    const plain = runReference(shape, data, init, opts);
    const l2 = 0.3;
    const penalized = runReference(shape, data, init, { ...opts, l2 });
    const expected = Float64Array.from(plain.params);
    let sq = 0;
    for (const l of networkLayout(shape).layers) {
      for (let i = l.weights; i < l.weights + l.units * l.inputs; i++) {
        expected[i] -= 0.1 * l2 * init[i];
        sq += init[i] ** 2;
      }
    }
    // float64 arithmetic on values of size ~1: 1e-12 covers its rounding.
    expectClose(penalized.params, expected, { abs: 1e-12 }, 'parameters');
    // The loss sum gains n l2/2 ||W||^2 (5 rows).
    expectClose(penalized.stats[0].lossSum - plain.stats[0].lossSum, 5 * 0.5 * l2 * sq, { abs: 1e-12 }, 'loss sum');
  });
});

// ---------------------------------------------------------------------------
// WASM against the reference

const WIDTHS = [...Array.from({ length: 17 }, (_, i) => i + 1), 31, 32, 33, 127, 128, 129];
const ROWS = 130;
// 1 = stochastic; 7 and 64 do not divide 130 (a short last batch); 10 does; 130 = full batch.
const BATCH_SIZES = [1, 7, 64, ROWS, 10];
const CAPACITIES = [64, 16, 5]; // rows per chunk: 16 and 5 split batches into several chunks

interface Case {
  name: string;
  shape: NetworkShape;
  opts: RunOptions;
  weighted: boolean;
}

/** Case i: widths from WIDTHS (family 'inputs' sweeps the input width, 'hidden' the hidden widths), everything else cycling. */
function makeCase(family: 'inputs' | 'hidden' | 'linear', i: number): Case {
  const n = WIDTHS.length;
  const hiddenCount = family === 'linear' ? 0 : 1 + (i % 3);
  const inputs = family === 'hidden' ? WIDTHS[(i * 7 + 2) % n] : WIDTHS[i];
  const hidden = Array.from({ length: hiddenCount }, (_, k) =>
    family === 'hidden' && k === 0 ? WIDTHS[i] : WIDTHS[(i * 5 + 7 + 11 * k) % n]);
  const head = HEAD_NAMES[Math.floor(i / 3) % 3];
  const outputs = head === 'softmax' ? 2 + (i % 9) : 1 + (i % 3);
  const layers = [
    ...hidden.map((units, k) => ({ units, activation: ACTIVATIONS[(i + k + (family === 'hidden' ? 1 : 0)) % 3] })),
    { units: outputs, activation: 'identity' as const },
  ];
  const adam = (i + (family === 'hidden' ? 1 : 0)) % 2 === 1;
  const opts: RunOptions = {
    epochs: 3,
    batchSize: BATCH_SIZES[i % BATCH_SIZES.length],
    lr: adam ? 0.003 : 0.03,
    optimizer: adam ? 'adam' : i % 4 === 0 ? { name: 'sgd', momentum: 0.9 } : 'sgd',
    shuffle: i % 4 < 2,
    capacity: CAPACITIES[i % CAPACITIES.length],
    // L1's subgradient jumps at w = 0, so a weight that float32 and float64 round to opposite
    // sides of 0 takes steps 2 lr l1 apart: l1 = 1e-4 keeps that (6e-6) inside the tolerance.
    // Under Adam, which normalizes each step, the jump would be 2 lr: L1 runs with SGD only.
    l1: i % 5 === 1 && !adam ? 1e-4 : 0,
    l2: i % 5 === 2 ? 1e-2 : 0,
  };
  const shape = { inputs, layers, head };
  const opt = typeof opts.optimizer === 'string' ? opts.optimizer : opts.optimizer.name === 'adam' ? 'adam' : 'sgd+momentum';
  const name = `${family} #${i}: ${inputs}-${hidden.join('-')}-${outputs} ${layers.map((l) => l.activation).slice(0, -1).join('/')} ` +
    `${head}, batch ${opts.batchSize}, ${opt}, ${opts.shuffle ? 'shuffled' : 'in order'}, chunks of ${opts.capacity}` +
    `${opts.l1 ? ', l1' : ''}${opts.l2 ? ', l2' : ''}${i % 3 === 0 ? ', weighted' : ''}`;
  return { name, shape, opts, weighted: i % 3 === 0 };
}

// 'linear': no hidden layer, the linear, logistic and softmax regressions (every other width).
const CASES = [
  ...WIDTHS.map((_, i) => makeCase('inputs', i)),
  ...WIDTHS.map((_, i) => makeCase('hidden', i)),
  ...WIDTHS.map((_, i) => makeCase('linear', i)).filter((_, i) => i % 2 === 0),
];

describe.each(BUILDS)('WASM forward pass and gradient against the reference ($build build)', ({ simd }) => {
  it.each(CASES)('$name', ({ shape, opts, weighted }) => {
    const data = makeData(shape, ROWS, 13, weighted);
    const params = initParams(shape, 14);
    const rt = testingRuntime(simd);
    // Forward: each output is a chain of float32 dot products (<= 129 terms: a worst case of
    // 129 * 2^-24 ~ 8e-6 of the sum of |terms| per layer, typically ~sqrt(129) * 2^-24 ~ 7e-7)
    // and activations (<= 2 ULP): 2e-5 of the largest output. Measured: at most 1.6e-6 of it.
    const out = wasmPredict(rt, shape, data, params, opts.capacity);
    const wantOut = predictNetwork(shape, params, data.X, data.rows);
    expectClose(out, wantOut, { abs: 2e-5 * maxAbs(wantOut, 0.1) }, 'outputs');
    // Gradient summed over 130 rows, through the same float32 chains and back: 1e-5 of each
    // layer's largest entry. Measured: at most 7.1e-7 of it. A missing row, a wrong activation
    // derivative or a transposed W is off by 1e-2 or more.
    const w = wasmGradient(rt, shape, data, params, opts.capacity);
    const want = new Float64Array(params.length);
    const wantLoss = networkGradient(shape, params, data.X, data.y, data.sw, data.rows, want);
    // Nonnegative row losses, each within a few float32 roundings: 1e-6 relative. Measured: 3.6e-8.
    expectClose(w.loss, wantLoss, { rel: 1e-6 }, 'loss sum');
    for (const [l, layer] of networkLayout(shape).layers.entries()) {
      const range = want.subarray(layer.weights, layer.bias + layer.units);
      const scale = maxAbs(range, 1e-3);
      expectClose(w.grad.subarray(layer.weights, layer.bias + layer.units), range, { abs: 1e-5 * scale }, `layer ${l} gradient`);
    }
  });
});

describe.each(BUILDS)('WASM network epoch against the reference ($build build)', ({ simd }) => {
  it.each(CASES)('$name', ({ shape, opts, weighted }) => {
    const data = makeData(shape, ROWS, 3, weighted);
    const init = initParams(shape, 4);
    const ref = runReference(shape, data, init, opts);
    const got = runWasm(testingRuntime(simd), shape, data, init, opts);
    // Per epoch: the same batches, no divergence.
    for (let e = 0; e < opts.epochs; e++) {
      expect(got.stats[e].batches, `epoch ${e} batches`).toBe(ref.stats[e].batches);
      expect(got.stats[e].diverged, `epoch ${e} diverged`).toBe(-1);
      expectClose(got.stats[e].lossSum, ref.stats[e].lossSum, { rel: TOL.loss }, `epoch ${e} loss sum`);
      expectClose(got.stats[e].gradNorm, ref.stats[e].gradNorm, { rel: TOL.gradNorm, abs: 1e-6 }, `epoch ${e} gradient norm`);
    }
    expectClose(got.params, ref.params, { abs: TOL.paramsAbs, rel: TOL.paramsRel }, 'parameters after 3 epochs');
  });
});

// Tolerances of a float32 run against the float64 reference after 3 epochs (at most 390
// steps). Each step rounds the parameters (2^-24 ~ 6e-8 relative) and computes the gradient
// to ~1e-6 relative (see the gradient test above); the roundings are unbiased and add like a
// random walk, ~sqrt(390) * 1e-6 * lr-sized steps, and learning rates 0.03 (sgd) and 0.003
// (adam) keep the runs far from chaotic. Measured on this code over all cases and both
// builds: parameters within 2.3e-6 absolute (1.7e-4 relative to max(|p|, 0.01)), loss sums
// within 3.7e-7 relative, gradient norms within 1.6e-5 relative. The limits are about 10x those.
const TOL = { loss: 5e-6, gradNorm: 2e-4, paramsAbs: 2e-5, paramsRel: 2e-5 };

describe.each(BUILDS)('WASM network epoch semantics ($build build)', ({ simd }) => {
  const shape: NetworkShape = {
    inputs: 5, layers: [{ units: 6, activation: 'tanh' }, { units: 3, activation: 'identity' }], head: 'softmax',
  };

  it('an epoch trained in chunks of batches (firstBatch..lastBatch) is bit for bit the epoch trained in one call', () => {
    const data = makeData(shape, 50, 21, true);
    const init = initParams(shape, 22);
    const rt = testingRuntime(simd);
    const results = [[0, 8], [0, 3, 5, 8]].map((cuts) => {
      const net = new WasmNet(rt, shape, 4);
      try {
        net.load(data);
        net.setParams(init);
        const b = net.block;
        writeOptimizerBlock(rt, b.optPtr, b.slotsPtr, b.nParams, b.count, resolveOptimizer('adam'));
        const lrsPtr = net.place(new Float32Array(16));
        rt.f64.fill(0.01, lrsPtr >>> 3, (lrsPtr >>> 3) + 8);
        const orderPtr = net.place(orders(50, 1, 5, true)[0]!, true);
        for (let k = 0; k + 1 < cuts.length; k++) {
          const dataPtr = net.describe({ orderPtr, batchSize: 7, lrsPtr, l2: 1e-3 });
          expect(rt.exports.trainEpoch(b.descPtr, dataPtr, cuts[k], cuts[k + 1])).toBe(STATUS_OK);
        }
        return { params: net.params(), stats: net.stats() };
      } finally {
        net.free();
      }
    });
    expectSame(results[1].params, results[0].params, 'parameters');
    expect(results[1].stats).toEqual(results[0].stats);
    expect(results[0].stats).toMatchObject({ batches: 8, rows: 50, diverged: -1 });
  });

  it("an epoch read as a stream's blocks (dense tables with DATA_FIRST_ROW) is bit for bit the epoch trained as one table", () => {
    // 50 rows, batches of 7: blocks of 28 rows (4 batches) and 22 (the rest), as fitStream hands them over.
    const data = makeData(shape, 50, 31, true);
    const init = initParams(shape, 32);
    const rt = testingRuntime(simd);
    const width = 1; // softmax: one i32 label per row
    const results = [[0, 50], [0, 28, 50]].map((cuts) => {
      const net = new WasmNet(rt, shape, 4);
      try {
        net.load(data);
        net.setParams(init);
        const b = net.block;
        writeOptimizerBlock(rt, b.optPtr, b.slotsPtr, b.nParams, b.count, resolveOptimizer('adam'));
        const lrsPtr = net.place(new Float32Array(16));
        rt.f64.fill(0.01, lrsPtr >>> 3, (lrsPtr >>> 3) + 8);
        for (let k = 0; k + 1 < cuts.length; k++) {
          const [from, to] = [cuts[k], cuts[k + 1]];
          const block = cuts.length > 2 ? { firstRow: from } : {};
          const dataPtr = net.describe({
            rows: to - from, xPtr: net.xPtr + from * shape.inputs * 4, yPtr: net.yPtr + from * width * 4,
            swPtr: net.swPtr + from * 4, batchSize: 7, lrsPtr, l2: 1e-3, ...block,
          });
          expect(rt.u32[(dataPtr >>> 2) + DATA_KIND]).toBe(KIND_DENSE);
          expect(rt.u32[(dataPtr >>> 2) + DATA_FIRST_ROW]).toBe(cuts.length > 2 ? from : 0);
          expect(rt.exports.trainEpoch(b.descPtr, dataPtr, 0, 8)).toBe(STATUS_OK);
        }
        return { params: net.params(), stats: net.stats() };
      } finally {
        net.free();
      }
    });
    expectSame(results[1].params, results[0].params, 'parameters');
    // The totals carry on: rows 50, loss and gradient norm over the whole epoch. batches counts the last block's.
    const { batches: _b1, ...dense } = results[0].stats;
    const { batches: _b2, ...stream } = results[1].stats;
    expect(stream).toEqual(dense);
    expect(results[0].stats).toMatchObject({ batches: 8, rows: 50, diverged: -1 });
    expect(results[1].stats).toMatchObject({ batches: 4, rows: 50, diverged: -1 });
  });

  it.each([['stream', KIND_STREAM]] as const)(
    'refuses a %s data descriptor (not implemented yet): trainEpoch and predict return STATUS_BAD_KIND and change nothing, networkGradient traps',
    (_, kind) => {
      const data = makeData(shape, 20, 24);
      const rt = testingRuntime(simd);
      const net = new WasmNet(rt, shape, 4);
      try {
        net.load(data);
        net.setParams(initParams(shape, 25));
        const b = net.block;
        writeOptimizerBlock(rt, b.optPtr, b.slotsPtr, b.nParams, b.count, resolveOptimizer('sgd'));
        const lrsPtr = net.place(new Float32Array(10));
        rt.f64.fill(0.1, lrsPtr >>> 3, (lrsPtr >>> 3) + 5);
        const dataPtr = net.describe({ batchSize: 4, lrsPtr });
        expect(rt.exports.trainEpoch(b.descPtr, dataPtr, 0, 5)).toBe(STATUS_OK); // the control: a dense descriptor trains
        const before = { params: net.params(), stats: net.stats() };
        rt.u32[(dataPtr >>> 2) + DATA_KIND] = kind;
        expect(rt.exports.trainEpoch(b.descPtr, dataPtr, 0, 5)).toBe(STATUS_BAD_KIND);
        expect({ params: net.params(), stats: net.stats() }).toEqual(before);
        const outPtr = net.place(new Float32Array(20 * 3).fill(7));
        expect(rt.exports.predict(b.descPtr, dataPtr, outPtr)).toBe(STATUS_BAD_KIND);
        expect(rt.readF32(outPtr, 60).every((v) => v === 7)).toBe(true);
        expect(() => rt.unguarded.networkGradient(b.descPtr, dataPtr)).toThrow(WebAssembly.RuntimeError);
      } finally {
        net.free();
      }
    },
  );

  it('stops at the batch whose loss is not finite, before its update, and records its index (as the reference)', () => {
    // A label out of range (3 of classes 0..2) at row 9 makes that row's loss NaN: with
    // batches of 4 in storage order that is batch 2, so batches 0 and 1 are applied.
    const data = makeData(shape, 20, 23);
    data.y[9] = 3;
    const init = initParams(shape, 24);
    const opts: RunOptions = { epochs: 1, batchSize: 4, lr: 0.1, optimizer: 'sgd' };
    const ref = runReference(shape, data, init, opts);
    const got = runWasm(testingRuntime(simd), shape, data, init, opts);
    expect(ref.stats[0]).toMatchObject({ batches: 2, diverged: 2 });
    expect(got.stats[0]).toMatchObject({ batches: 2, diverged: 2 });
    // The same parameters as the reference after its two applied batches (tolerance as in the sweep).
    expectClose(got.params, ref.params, { abs: TOL.paramsAbs, rel: TOL.paramsRel }, 'parameters');
  });

  it('records an overflowing update as divergence too (mse head, huge learning rate)', () => {
    const mse: NetworkShape = { inputs: 4, layers: [{ units: 4, activation: 'relu' }, { units: 1, activation: 'identity' }], head: 'mse' };
    const got = runWasm(testingRuntime(simd), mse, makeData(mse, 40, 25), initParams(mse, 26), { epochs: 1, batchSize: 2, lr: 1e12, optimizer: 'sgd' });
    expect(got.stats[0].diverged).toBeGreaterThanOrEqual(0);
    expect(got.stats[0].batches).toBe(got.stats[0].diverged);
  });
});

describe('an MLP learns XOR', () => {
  // 2-4-1 with sigmoid hidden units and a sigmoid (cross-entropy) head, full-batch SGD with
  // momentum 0.9 and rate 0.5, 1500 epochs, from three seeded initializations. Learned means:
  // every logit on the right side of 0 with margin 2 (probability > 0.88 or < 0.12) and a
  // mean loss below 0.01 (chance is log 2 = 0.69).
  const shape: NetworkShape = {
    inputs: 2, layers: [{ units: 4, activation: 'sigmoid' }, { units: 1, activation: 'identity' }], head: 'sigmoid',
  };
  const data: NetData = { X: Float32Array.from([0, 0, 0, 1, 1, 0, 1, 1]), y: Float32Array.from([0, 1, 1, 0]), sw: null, rows: 4 };
  const opts: RunOptions = { epochs: 1500, batchSize: 4, lr: 0.5, optimizer: { name: 'sgd', momentum: 0.9 } };
  const engines = [
    { engine: 'reference', run: (init: Float64Array) => runReference(shape, data, init, opts) },
    ...BUILDS.map(({ build, simd }) => ({ engine: `WASM ${build}`, run: (init: Float64Array) => runWasm(testingRuntime(simd), shape, data, init, opts) })),
  ];

  it.each(engines)('$engine', ({ run }) => {
    for (const seed of [1, 2, 3]) {
      const r = run(initParams(shape, seed));
      const z = predictNetwork(shape, r.params, data.X, 4);
      [0, 1, 1, 0].forEach((label, k) => {
        expect(label ? z[k] : -z[k], `seed ${seed}, row ${k}: logit ${z[k]}`).toBeGreaterThan(2);
      });
      expect(r.stats[opts.epochs - 1].lossSum / 4, `seed ${seed}: mean loss`).toBeLessThan(0.01);
    }
  });
});
