// Every model type as one table, for tests that must hold for all of them: how to build
// one on an engine, small seeded data that suits it, and its parameters as one vector.
import {
  LinearRegression, LogisticRegression, MLP, SoftmaxRegression, type InitOption, type MatrixInput, type Model,
} from '../../src/index.js';
import type { TestEngine } from './engines.js';
import { lcg } from './training.js';

/** Any model: the core's methods plus evaluate, which every model class has (string labels: classifiers only). */
export type TestModel = Model & { evaluate(X: MatrixInput, y: Float32Array): { loss: number } };

/** A model type under test. */
export interface ModelType {
  name: string;
  /** Input features. */
  features: number;
  /** Target values per row (2 for the two-output mse MLP, else 1). */
  width: number;
  /** Classes its labels name (0 for regression). */
  classes: number;
  make(engine: TestEngine, o?: { seed?: number; init?: InitOption }): TestModel;
}

const FEATURES = 4;
const common = (engine: TestEngine, o: { seed?: number; init?: InitOption }) => ({ engine, ...o });

export const MODEL_TYPES: readonly ModelType[] = [
  {
    name: 'LinearRegression', features: FEATURES, width: 1, classes: 0,
    make: (engine, o = {}) => new LinearRegression({ features: FEATURES, ...common(engine, o) }),
  },
  {
    name: 'LogisticRegression', features: FEATURES, width: 1, classes: 2,
    make: (engine, o = {}) => new LogisticRegression({ features: FEATURES, ...common(engine, o) }),
  },
  {
    name: 'SoftmaxRegression (3 classes)', features: FEATURES, width: 1, classes: 3,
    make: (engine, o = {}) => new SoftmaxRegression({ features: FEATURES, classes: 3, ...common(engine, o) }),
  },
  {
    name: "MLP 4-5-1 tanh, 'sigmoid' head", features: FEATURES, width: 1, classes: 2,
    make: (engine, o = {}) => new MLP({ inputs: FEATURES, hidden: [5], outputs: 1, activation: 'tanh', head: 'sigmoid', ...common(engine, o) }),
  },
  {
    name: "MLP 4-5-3 tanh, 'softmax' head", features: FEATURES, width: 1, classes: 3,
    make: (engine, o = {}) => new MLP({ inputs: FEATURES, hidden: [5], outputs: 3, activation: 'tanh', head: 'softmax', ...common(engine, o) }),
  },
  {
    name: "MLP 4-5-2 tanh, 'mse' head", features: FEATURES, width: 2, classes: 0,
    make: (engine, o = {}) => new MLP({ inputs: FEATURES, hidden: [5], outputs: 2, activation: 'tanh', head: 'mse', ...common(engine, o) }),
  },
];

/** Data for a model type: X (rows x features), y (rows x width; class indices for classifiers). */
export interface TypeData {
  X: Float32Array;
  y: Float32Array;
  rows: number;
}

/**
 * Seeded data that suits t: features uniform(-1, 1) (float32); regression targets a fixed
 * linear map plus a nonlinear term plus noise; labels the argmax of `classes` noisy linear
 * scores (2 classes: a 0/1 label). Every class occurs (asserted), so 'balanced' and the
 * stratified split see them all.
 */
export function dataFor(t: ModelType, rows: number, seed: number): TypeData {
  const r = lcg(seed);
  const X = Float32Array.from({ length: rows * t.features }, () => 2 * r() - 1);
  const y = new Float32Array(rows * t.width);
  const k = Math.max(t.classes, t.width);
  // One fixed weight vector per score or output.
  const W = Array.from({ length: k }, (_, c) => Array.from({ length: t.features }, (_, j) => Math.sin(1 + 3 * c + 7 * j)));
  const score = (i: number, c: number) => W[c].reduce((s, w, j) => s + w * X[i * t.features + j], 0);
  for (let i = 0; i < rows; i++) {
    if (t.classes === 0) {
      for (let c = 0; c < t.width; c++) y[i * t.width + c] = score(i, c) + 0.5 * X[i * t.features] ** 2 + 0.1 * (2 * r() - 1) + 0.3;
    } else if (t.classes === 2) {
      y[i] = score(i, 0) + 0.3 * (2 * r() - 1) >= 0 ? 1 : 0;
    } else {
      let best = 0;
      const s = Array.from({ length: k }, (_, c) => score(i, c) + 0.3 * (2 * r() - 1));
      for (let c = 1; c < k; c++) if (s[c] > s[best]) best = c;
      y[i] = best;
    }
  }
  for (let c = 0; c < t.classes; c++) {
    if (!y.includes(c)) throw new Error(`dataFor(${t.name}, ${rows}, ${seed}): class ${c} does not occur; pick another seed`);
  }
  return { X, y, rows };
}

/** Labels as strings (class k is NAMES[k]), for classifiers trained on string labels. */
export const NAMES = ['ant', 'bee', 'cat'];

/** The rows of d whose index keep(i) accepts. */
export function keepRows(t: ModelType, d: TypeData, keep: (i: number) => boolean): TypeData {
  const idx = Array.from({ length: d.rows }, (_, i) => i).filter(keep);
  const X = new Float32Array(idx.length * t.features);
  const y = new Float32Array(idx.length * t.width);
  idx.forEach((i, k) => {
    X.set(d.X.subarray(i * t.features, (i + 1) * t.features), k * t.features);
    y.set(d.y.subarray(i * t.width, (i + 1) * t.width), k * t.width);
  });
  return { X, y, rows: idx.length };
}

/** Every parameter of a model, layer by layer (W then b), as one vector. */
export function flatParams(m: Model): Float64Array {
  return Float64Array.from(m.layers.flatMap((l) => [...l.weights, ...l.bias]));
}

/** The weights of every layer (no biases), as one vector. */
export function flatWeights(m: Model): Float64Array {
  return Float64Array.from(m.layers.flatMap((l) => [...l.weights]));
}

/** The biases of every layer, as one vector. */
export function flatBiases(m: Model): Float64Array {
  return Float64Array.from(m.layers.flatMap((l) => [...l.bias]));
}
