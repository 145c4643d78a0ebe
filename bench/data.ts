// Synthetic bench data, all from the package's seeded PRNG (never Math.random),
// so every run and every engine sees the same bits.
import { readFileSync } from 'node:fs';
import { below, normal, seedState, uniform, type RngState } from '../src/reference/random.js';

/** The digits data set shipped in data/ (UCI optical digits, 8x8; see data/README.md). */
export const DIGITS_CSV = new URL('../data/digits.csv', import.meta.url);

/**
 * A logistic-regression dataset: X uniform in [-1, 1), labels drawn from a fixed
 * linear model, P(y = 1) = sigmoid(w.x) without bias; w is returned too.
 */
export function logisticData(rows: number, cols: number, seed: number): { X: Float32Array; y: Float32Array; w: Float64Array } {
  const rng = seedState(seed);
  // Weights scaled so the logits have a standard deviation near 1: labels are learnable but not separable.
  const w = Float64Array.from({ length: cols }, () => (2 * normal(rng)) / Math.sqrt(cols));
  const X = new Float32Array(rows * cols);
  const y = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    let z = 0;
    for (let c = 0; c < cols; c++) {
      const v = 2 * uniform(rng) - 1;
      X[r * cols + c] = v;
      z += w[c] * v;
    }
    y[r] = uniform(rng) < 1 / (1 + Math.exp(-z)) ? 1 : 0;
  }
  return { X, y, w };
}

/** A uniform random permutation of 0..n-1 (Fisher-Yates). */
export function permutation(n: number, rng: RngState): Uint32Array {
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = below(rng, i + 1);
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  return order;
}

/**
 * n small integers in [-max, max]. Arithmetic speed does not depend on the values,
 * and with n * max^2 < 2^24 every f32 partial sum of a dot product is exact, so a
 * result can be checked for equality with the float64 one.
 */
export function smallIntegers(n: number, max: number, rng: RngState): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = below(rng, 2 * max + 1) - max;
  return out;
}

/**
 * A binary task for a network: X uniform in [-1, 1), P(y = 1) = sigmoid(teacher(x))
 * for a fixed random teacher with 8 tanh hidden units, so the labels are not a
 * linear function of x. The speed of an epoch does not depend on the labels.
 */
export function mlpData(rows: number, inputs: number, seed: number): { X: Float32Array; y: Float32Array } {
  const rng = seedState(seed);
  const units = 8;
  const W = Float64Array.from({ length: units * inputs }, () => (2 * normal(rng)) / Math.sqrt(inputs));
  const v = Float64Array.from({ length: units }, () => (2 * normal(rng)) / Math.sqrt(units));
  const X = new Float32Array(rows * inputs);
  const y = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < inputs; c++) X[r * inputs + c] = 2 * uniform(rng) - 1;
    let z = 0;
    for (let j = 0; j < units; j++) {
      let s = 0;
      for (let c = 0; c < inputs; c++) s += W[j * inputs + c] * X[r * inputs + c];
      z += v[j] * Math.tanh(s);
    }
    y[r] = uniform(rng) < 1 / (1 + Math.exp(-z)) ? 1 : 0;
  }
  return { X, y };
}

/** The digits as rows x 64 float32 features, each column standardized (mean 0, population sd 1; constant columns left at 0), and labels 0..9. */
export function loadDigits(): { X: Float32Array; y: Int32Array; rows: number; features: number } {
  const lines = readFileSync(DIGITS_CSV, 'utf8').trim().split(/\r?\n/);
  const features = lines[0].split(',').length - 1;
  const rows = lines.length - 1;
  const raw = new Float64Array(rows * features);
  const y = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    const cells = lines[r + 1].split(',').map(Number);
    if (cells.length !== features + 1 || cells.some((v) => !Number.isFinite(v))) {
      throw new Error(`${DIGITS_CSV.pathname}: line ${r + 2} is not ${features + 1} numbers`);
    }
    for (let c = 0; c < features; c++) raw[r * features + c] = cells[c];
    y[r] = cells[features];
  }
  const X = new Float32Array(rows * features);
  for (let c = 0; c < features; c++) {
    let mean = 0;
    for (let r = 0; r < rows; r++) mean += raw[r * features + c];
    mean /= rows;
    let v = 0;
    for (let r = 0; r < rows; r++) v += (raw[r * features + c] - mean) ** 2;
    const sd = Math.sqrt(v / rows) || 1;
    for (let r = 0; r < rows; r++) X[r * features + c] = (raw[r * features + c] - mean) / sd;
  }
  return { X, y, rows, features };
}
