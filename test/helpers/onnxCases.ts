// Trained models of every type, activation, head and label kind, with and without stored
// preprocessing, and the raw rows they predict from: what the ONNX tests export and compare
// with ONNX Runtime (Node and browser). Every raw value is a float32, so the ONNX input (a
// Float32Array) and the rows the model reads are the same numbers.
import { expect } from 'vitest';
import {
  LinearRegression, LogisticRegression, MLP, Preprocessor, SoftmaxRegression, type AnyModel, type EngineOption,
} from '../../src/index.js';
import { expectClose } from './tolerance.js';
import { lcg } from './training.js';

/** What a case's outputs are, for the comparison. */
export type OutputKind = 'regressor' | 'binary' | 'multiclass' | 'multilabel';

export interface OnnxCase {
  name: string;
  kind: OutputKind;
  /** A trained model on engine, with preprocessing when prep is set. */
  make(engine: EngineOption, prep: PrepLayout | null): Trained;
}

export interface Trained {
  model: AnyModel;
  /** The raw rows (row-major): what the ONNX model takes; the model's predict takes rowsOf(). */
  input: Float32Array;
  rows: number;
  cols: number;
  /** The rows as the model's predict takes them (number[][] with preprocessing, else the Float32Array). */
  predictInput(first?: number): Float32Array | number[][];
  /** What the model was fit on: the feature matrix and the targets. */
  X: Float32Array;
  y: unknown;
}

/** How raw columns map to features: numeric columns standardized, categorical ones coded 1, 2, 3 (and 0.5). */
export type PrepLayout = 'mixed' | 'numeric' | 'categoricalEnds';

const LAYOUTS: Record<PrepLayout, { names: string[]; categorical: string[] }> = {
  // numeric, categorical, numeric, numeric: four segments (Gather + standardize, Gather + one-hot, ...).
  mixed: { names: ['age', 'color', 'height', 'weight'], categorical: ['color'] },
  // one segment over the whole input (no Gather).
  numeric: { names: ['a', 'b', 'c', 'd', 'e', 'f'], categorical: [] },
  // categorical first and last.
  categoricalEnds: { names: ['kind', 'x', 'y', 'size'], categorical: ['kind', 'size'] },
};

export const PREP_LAYOUTS = Object.keys(LAYOUTS) as PrepLayout[];

/** Rows in the data sets. */
export const ROWS = 37;
const FEATURES = 6;


/** Raw rows for a layout (or plain features), float32 values: numeric ones spread around 10 +- 5, codes from {1, 2, 3, 0.5}. */
function rawData(prep: PrepLayout | null, seed: number): { input: Float32Array; cols: number; names: string[]; categorical: string[] } {
  const r = lcg(seed);
  const layout = prep ? LAYOUTS[prep] : { names: Array.from({ length: FEATURES }, (_, i) => `f${i}`), categorical: [] };
  const cols = layout.names.length;
  const codes = [1, 2, 3, 0.5];
  const input = new Float32Array(ROWS * cols);
  for (let i = 0; i < ROWS; i++) {
    layout.names.forEach((n, c) => {
      // Row i takes code i % 4 first, so every category occurs (fit learns all four).
      input[i * cols + c] = layout.categorical.includes(n) ? codes[(i + c) % codes.length] : prep ? Math.fround(10 + 10 * (r() - 0.5)) : Math.fround(2 * r() - 1);
    });
  }
  return { input, cols, names: layout.names, categorical: layout.categorical };
}

/** The model's features for the raw data, and a fitted Preprocessor when there is one. */
function features(prep: PrepLayout | null, seed: number) {
  const raw = rawData(prep, seed);
  const rowsOf = (first = ROWS) => Array.from({ length: first }, (_, i) => Array.from(raw.input.subarray(i * raw.cols, (i + 1) * raw.cols)));
  let X: Float32Array = raw.input;
  let preprocessor: Preprocessor | null = null;
  if (prep) {
    preprocessor = new Preprocessor().fit(rowsOf(), raw.names, { categorical: raw.categorical, target: 'outcome' });
    X = preprocessor.transform(rowsOf());
  }
  const width = X.length / ROWS;
  return {
    ...raw, X, width, preprocessor,
    predictInput: (first = ROWS) => (prep ? rowsOf(first) : raw.input.subarray(0, first * raw.cols)),
  };
}

// A score per row and output from the features, for targets: a fixed random projection.
function scores(X: Float32Array, width: number, outputs: number, seed: number): number[][] {
  const r = lcg(seed + 1000);
  const W = Array.from({ length: outputs }, () => Array.from({ length: width }, () => 2 * r() - 1));
  return Array.from({ length: ROWS }, (_, i) => W.map((w) => w.reduce((s, wj, j) => s + wj * X[i * width + j], 0)));
}

type Build = (width: number, engine: EngineOption) => AnyModel;
type Targets = (s: number[][]) => unknown;

function modelCase(name: string, kind: OutputKind, outputs: number, build: Build, targets: Targets, seed: number): OnnxCase {
  return {
    name, kind,
    make(engine, prep) {
      const f = features(prep, seed);
      const model = build(f.width, engine);
      const y = targets(scores(f.X, f.width, outputs, seed));
      model.fit(f.X, y as number[], { epochs: 30, learningRate: 0.05, batchSize: 8, seed });
      if (f.preprocessor) model.preprocessing = f.preprocessor;
      return { model, input: f.input, rows: ROWS, cols: f.cols, predictInput: f.predictInput, X: f.X, y };
    },
  };
}

const argmax = (s: number[]) => s.indexOf(Math.max(...s));
const CLASS_NAMES = ['setosa', 'versicolor', 'virginica'];

/** Every model type, activation (sigmoid, tanh, relu; identity outputs), head and label kind. */
export const ONNX_CASES: OnnxCase[] = [
  modelCase('LinearRegression', 'regressor', 1, (w, engine) => new LinearRegression({ features: w, engine }), (s) => s.map((r) => 3 * r[0] + 1), 1),
  modelCase('LogisticRegression, labels 0/1', 'binary', 1, (w, engine) => new LogisticRegression({ features: w, engine }), (s) => s.map((r) => (r[0] > 0 ? 1 : 0)), 2),
  modelCase('LogisticRegression, string labels', 'binary', 1, (w, engine) => new LogisticRegression({ features: w, engine }), (s) => s.map((r) => (r[0] > 0 ? 'yes' : 'no')), 3),
  modelCase('SoftmaxRegression, labels 0..2', 'multiclass', 3, (w, engine) => new SoftmaxRegression({ features: w, classes: 3, engine }), (s) => s.map(argmax), 4),
  modelCase('SoftmaxRegression, string labels', 'multiclass', 3, (w, engine) => new SoftmaxRegression({ features: w, classes: 3, engine }), (s) => s.map((r) => CLASS_NAMES[argmax(r)]), 5),
  modelCase(
    'MLP sigmoid hidden layer, softmax head, string labels', 'multiclass', 3,
    (w, engine) => new MLP({ inputs: w, hidden: [5], outputs: 3, activation: 'sigmoid', engine, seed: 6 }), (s) => s.map((r) => CLASS_NAMES[argmax(r)]), 6,
  ),
  modelCase(
    'MLP relu and tanh hidden layers, softmax head, labels 0..3', 'multiclass', 4,
    (w, engine) => new MLP({ inputs: w, hidden: [6, 4], outputs: 4, activation: ['relu', 'tanh'], engine, seed: 7 }), (s) => s.map(argmax), 7,
  ),
  modelCase(
    'MLP tanh hidden layer, sigmoid head (one output), string labels', 'binary', 1,
    (w, engine) => new MLP({ inputs: w, hidden: [4], outputs: 1, activation: 'tanh', engine, seed: 8 }), (s) => s.map((r) => (r[0] > 0 ? 'spam' : 'ham')), 8,
  ),
  modelCase(
    'MLP relu hidden layer, sigmoid head (one output), labels 0/1', 'binary', 1,
    (w, engine) => new MLP({ inputs: w, hidden: [5], outputs: 1, activation: 'relu', engine, seed: 9 }), (s) => s.map((r) => (r[0] > 0 ? 1 : 0)), 9,
  ),
  modelCase(
    'MLP relu hidden layer, sigmoid head (three outputs, multilabel)', 'multilabel', 3,
    (w, engine) => new MLP({ inputs: w, hidden: [5], outputs: 3, activation: 'relu', head: 'sigmoid', engine, seed: 10 }), (s) => s.map((r) => r.map((v) => (v > 0 ? 1 : 0))), 10,
  ),
  modelCase(
    'MLP sigmoid and relu hidden layers, mse head (two outputs)', 'regressor', 2,
    (w, engine) => new MLP({ inputs: w, hidden: [4, 3], outputs: 2, activation: ['sigmoid', 'relu'], head: 'mse', engine, seed: 11 }), (s) => s.map((r) => [r[0], 2 * r[1] - 1]), 11,
  ),
];

/** An ONNX Runtime output tensor (onnxruntime-node's and onnxruntime-web's Tensor alike). */
export interface OrtOutput {
  data: ArrayLike<number | bigint | string>;
  dims: readonly number[];
}

/** ONNX Runtime's outputs for the first `first` rows against the model's own predictions. */
export function expectSameOutputs(c: OnnxCase, t: Trained, out: Record<string, OrtOutput>, first: number): void {
  const x = t.predictInput(first);
  const m = t.model as MLP; // every model class has predict; classifiers predictProba and predictLabels
  const outputs = m.shape.layers[m.shape.layers.length - 1].units;
  // 1e-5 relative (the bound): both sides compute in float32 (the 'js' engine in float64),
  // with different summation orders and exp/sigmoid implementations, a few float32 ulps apart.
  const tol = { rel: 1e-5 };
  if (c.kind === 'regressor') {
    expect(Object.keys(out)).toEqual(['variable']);
    expect(out.variable.dims).toEqual([first, outputs]);
    expectClose(Array.from(out.variable.data as Float32Array), m.predict(x), tol, `${c.name}: variable`);
    return;
  }
  expect(Object.keys(out).sort()).toEqual(['label', 'probabilities']);
  const labels = Array.from(out.label.data, (v) => (typeof v === 'bigint' ? Number(v) : v));
  if (c.kind === 'multilabel') {
    expect(out.label.dims).toEqual([first, outputs]);
    expect(labels).toEqual(Array.from(m.predict(x)));
  } else {
    expect(out.label.dims).toEqual([first]);
    expect(labels).toEqual(m.predictLabels(x));
  }
  const proba = m.predictProba(x);
  const p = out.probabilities.data as Float32Array;
  if (c.kind === 'binary') {
    expect(out.probabilities.dims).toEqual([first, 2]);
    expectClose(Array.from({ length: first }, (_, i) => p[2 * i + 1]), proba, tol, `${c.name}: P(class 1)`);
    // The model gives P(1) only: P(0) = 1 - P(1), where P(1)'s float32 rounding (up to 6e-8) is all the error.
    expectClose(Array.from({ length: first }, (_, i) => p[2 * i]), Array.from(proba, (v) => 1 - v), { abs: 1e-7, rel: 1e-5 }, `${c.name}: P(class 0)`);
  } else {
    expect(out.probabilities.dims).toEqual([first, outputs]);
    expectClose(p, proba, tol, `${c.name}: probabilities`);
  }
}
