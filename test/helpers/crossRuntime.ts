// Fixed training runs whose results must be the same bits in every runtime: Node computes
// them in the browser project's globalSetup (crossRuntimeSetup.ts) and the browser test
// computes them again. Data, initial weights and learning rates come from integer and
// correctly rounded arithmetic only (the seeded generators, +, *, Math.sqrt, no Math.exp,
// Math.sin or **, whose rounding the spec leaves to each engine), so any difference comes
// from training itself.
import { LinearRegression, LogisticRegression, MLP, SoftmaxRegression, ready, type FitOptions, type Model } from '../../src/index.js';
import { ENGINES, type TestEngine } from './engines.js';
import { lcg } from './training.js';

/** One run's results as float64 bit patterns (hex), so that -0, NaN payloads and every last bit compare exactly. */
export interface CrossRun {
  /** Bit patterns of X and y, to tell a data difference from a training one. */
  data: string[];
  params: string[];
  loss: string[];
  gradNorm: string[];
  valLoss: string[];
}

const ROWS = 240;
const FEATURES = 6;

function data(): { X: Float32Array; yValue: Float32Array; yBinary: Float32Array; yClass: Float32Array } {
  const r = lcg(2026);
  const X = Float32Array.from({ length: ROWS * FEATURES }, () => 2 * r() - 1);
  const w = [1, -2, 0.5, 1.5, -1, 0.25]; // exact in binary
  const score = (i: number, shift: number) => w.reduce((s, wj, j) => s + wj * X[i * FEATURES + ((j + shift) % FEATURES)], 0);
  const yValue = Float32Array.from({ length: ROWS }, (_, i) => score(i, 0) + 0.1 * (2 * r() - 1));
  const yBinary = Float32Array.from({ length: ROWS }, (_, i) => (score(i, 0) > 0 ? 1 : 0));
  const yClass = Float32Array.from({ length: ROWS }, (_, i) => {
    const s = [score(i, 0), score(i, 1), score(i, 2)];
    return s.indexOf(Math.max(...s));
  });
  return { X, yValue, yBinary, yClass };
}

/** The runs, by name: a model, its targets and fit options exercising shuffling, the split and each optimizer family. */
const CASES: Record<string, { make(engine: TestEngine): Model; y: 'yValue' | 'yBinary' | 'yClass'; fit: FitOptions }> = {
  'LinearRegression, sgd + nesterov momentum, linear schedule': {
    make: (engine) => new LinearRegression({ features: FEATURES, engine, seed: 1 }),
    y: 'yValue',
    fit: { epochs: 8, batchSize: 16, learningRate: 0.05, optimizer: { name: 'sgd', momentum: 0.9, nesterov: true }, schedule: { type: 'linear', totalIters: 8 }, l2: 0.01 },
  },
  'LogisticRegression, adam, validation split': {
    make: (engine) => new LogisticRegression({ features: FEATURES, engine, seed: 2 }),
    y: 'yBinary',
    fit: { epochs: 8, batchSize: 8, learningRate: 0.05, optimizer: 'adam', validationFraction: 0.25, l1: 0.001 },
  },
  'SoftmaxRegression, rmsprop, full batch': {
    make: (engine) => new SoftmaxRegression({ features: FEATURES, classes: 3, engine, seed: 3 }),
    y: 'yClass',
    fit: { epochs: 10, batchSize: 'full', learningRate: 0.01, optimizer: 'rmsprop' },
  },
  'MLP 6-8-5-3 relu/tanh, softmax head, adagrad': {
    make: (engine) => new MLP({ inputs: FEATURES, hidden: [8, 5], outputs: 3, activation: ['relu', 'tanh'], engine, seed: 4 }),
    y: 'yClass',
    fit: { epochs: 6, batchSize: 32, learningRate: 0.1, optimizer: 'adagrad' },
  },
  'MLP 6-7-1 sigmoid, sigmoid head, adam + amsgrad, batch 1': {
    make: (engine) => new MLP({ inputs: FEATURES, hidden: [7], outputs: 1, engine, seed: 5 }),
    y: 'yBinary',
    fit: { epochs: 3, batchSize: 1, learningRate: 0.01, optimizer: { name: 'adam', amsgrad: true } },
  },
};

const hex = (values: ArrayLike<number>): string[] => {
  const view = new DataView(new ArrayBuffer(8));
  return Array.from(values, (v) => {
    view.setFloat64(0, v);
    return view.getBigUint64(0).toString(16).padStart(16, '0');
  });
};

/** Runs every case on every engine: results by `${engine}: ${case}`. */
export async function crossRuns(): Promise<Record<string, CrossRun>> {
  await ready({ scalar: true });
  const d = data();
  const out: Record<string, CrossRun> = {};
  for (const engine of ENGINES) {
    for (const [name, c] of Object.entries(CASES)) {
      const m = c.make(engine);
      const h = m.fit(d.X, d[c.y], c.fit);
      out[`${engine}: ${name}`] = {
        data: hex([...d.X, ...d[c.y]]),
        params: hex(m.layers.flatMap((l) => [...l.weights, ...l.bias])),
        loss: hex(h.loss), gradNorm: hex(h.gradNorm), valLoss: hex(h.valLoss),
      };
      m.dispose();
    }
  }
  return out;
}

/** A bit pattern back to its number. */
export function unhex(h: string): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setBigUint64(0, BigInt(`0x${h}`));
  return view.getFloat64(0);
}
