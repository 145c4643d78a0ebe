// Test data: seeded synthetic problems (from the shared PRNG) and the shared CSV data sets.
import { normal, seedState, uniform, type RngState } from '../../src/reference/random.js';

/** A dataset as the models take it: X row-major (rows x features), y one per row. */
export interface Dataset {
  X: Float32Array;
  y: Float32Array;
  rows: number;
  features: number;
}

/** Synthetic data with known generating parameters (every value already a float32). */
export interface Synthetic extends Dataset {
  /** The weights and bias that generated y. */
  w: Float64Array;
  b: number;
}

export interface SyntheticOptions {
  rows: number;
  features: number;
  seed: number;
  /** Standard deviation of the Gaussian noise added to the target (regression) or logit (classification). */
  noise?: number;
  /**
   * Feature distribution: 'normal' is N(0, 1); 'scaled' is uniform(-1, 1) * sqrt(3 / features),
   * so that E|x|^2 = 1 and |x|^2 <= 3 whatever the feature count (keeps SGD steps stable).
   */
  dist?: 'normal' | 'scaled';
}

function features(rng: RngState, rows: number, cols: number, dist: 'normal' | 'scaled'): Float32Array {
  const X = new Float32Array(rows * cols);
  const scale = Math.sqrt(3 / cols);
  for (let i = 0; i < X.length; i++) X[i] = dist === 'normal' ? normal(rng) : (2 * uniform(rng) - 1) * scale;
  return X;
}

function truth(rng: RngState, cols: number): { w: Float64Array; b: number } {
  const w = new Float64Array(cols);
  for (let j = 0; j < cols; j++) w[j] = Math.fround(2 * uniform(rng) - 1);
  return { w, b: Math.fround(2 * uniform(rng) - 1) };
}

function linear(X: Float32Array, r: number, cols: number, w: Float64Array, b: number): number {
  let z = b;
  for (let j = 0; j < cols; j++) z += w[j] * X[r * cols + j];
  return z;
}

/** y = w.x + b + noise, with w, b uniform in (-1, 1). */
export function regression(o: SyntheticOptions): Synthetic {
  const rng = seedState(o.seed);
  const X = features(rng, o.rows, o.features, o.dist ?? 'scaled');
  const { w, b } = truth(rng, o.features);
  const y = new Float32Array(o.rows);
  for (let r = 0; r < o.rows; r++) y[r] = linear(X, r, o.features, w, b) + (o.noise ?? 0.1) * normal(rng);
  return { X, y, rows: o.rows, features: o.features, w, b };
}

/** Labels 1 where w.x + b + noise >= 0, else 0. */
export function classification(o: SyntheticOptions): Synthetic {
  const rng = seedState(o.seed);
  const X = features(rng, o.rows, o.features, o.dist ?? 'scaled');
  const { w, b } = truth(rng, o.features);
  const y = new Float32Array(o.rows);
  for (let r = 0; r < o.rows; r++) y[r] = linear(X, r, o.features, w, b) + (o.noise ?? 0.1) * normal(rng) >= 0 ? 1 : 0;
  return { X, y, rows: o.rows, features: o.features, w, b };
}

/** n float32 values uniform in (-1, 1), seeded. */
export function uniformF32(n: number, seed: number): Float32Array {
  const rng = seedState(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = 2 * uniform(rng) - 1;
  return out;
}

/** n small integers in [-k, k], seeded: products and short sums of them are exact in float32. */
export function smallInts(n: number, k: number, seed: number): Float32Array {
  const rng = seedState(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.floor(uniform(rng) * (2 * k + 1)) - k;
  return out;
}

/** A CSV from the repository's data/: every column but the last is a feature, the last is the target. */
export interface CsvData {
  header: string[];
  /** Features as float64, row-major, exactly as written in the file. */
  X: Float64Array;
  /** The target as a number (NaN where it is not one, e.g. iris's species). */
  y: Float64Array;
  /** The target as written. */
  labels: string[];
  rows: number;
  features: number;
}

/** Loads data/<name> from this repository. */
export function loadCsv(name: string): CsvData {
  // Node's modules and csv-parse (which needs Node's Buffer as it loads) are taken on first use:
  // this file also runs in the browser project, which reads no CSV.
  const text = process.getBuiltinModule('node:fs').readFileSync(new URL(`../../data/${name}`, import.meta.url), 'utf8');
  const require = process.getBuiltinModule('node:module').createRequire(import.meta.url);
  const { parse } = require('csv-parse/sync') as typeof import('csv-parse/sync');
  const records = parse(text, { skip_empty_lines: true }) as string[][];
  const [header, ...body] = records;
  const features = header.length - 1;
  const X = new Float64Array(body.length * features);
  const y = new Float64Array(body.length);
  body.forEach((rec, r) => {
    if (rec.length !== header.length) throw new Error(`${name}: row ${r + 1} has ${rec.length} fields, expected ${header.length}`);
    for (let c = 0; c < features; c++) X[r * features + c] = Number(rec[c]);
    y[r] = Number(rec[features]);
  });
  return { header, X, y, labels: body.map((rec) => rec[features]), rows: body.length, features };
}

/** Standardizes each column to mean 0 and (population) standard deviation 1, in float64. */
export function standardize(X: ArrayLike<number>, rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let c = 0; c < cols; c++) {
    let mean = 0;
    for (let r = 0; r < rows; r++) mean += X[r * cols + c];
    mean /= rows;
    let v = 0;
    for (let r = 0; r < rows; r++) v += (X[r * cols + c] - mean) ** 2;
    const sd = Math.sqrt(v / rows) || 1;
    for (let r = 0; r < rows; r++) out[r * cols + c] = (X[r * cols + c] - mean) / sd;
  }
  return out;
}

/** A seeded 80/20 (by default) split of rows rows: a Fisher-Yates shuffle from the shared PRNG. */
export function splitRows(rows: number, seed: number, testFraction = 0.2): { train: number[]; test: number[] } {
  const rng = seedState(seed);
  const idx = Array.from({ length: rows }, (_, i) => i);
  for (let k = rows; k > 1; k--) {
    const j = Math.floor(uniform(rng) * k);
    [idx[k - 1], idx[j]] = [idx[j], idx[k - 1]];
  }
  const n = Math.round(rows * (1 - testFraction));
  return { train: idx.slice(0, n), test: idx.slice(n) };
}

/**
 * The rows ids of a CSV data set, standardized with the training rows' means and
 * standard deviations (so no test-set statistics leak into training), as float32.
 */
export function standardizedSplit(d: CsvData, seed: number): {
  train: { X: Float32Array; y: Float32Array; labels: string[] }; test: { X: Float32Array; y: Float32Array; labels: string[] };
} {
  const F = d.features;
  const { train, test } = splitRows(d.rows, seed);
  const mean = new Float64Array(F);
  const sd = new Float64Array(F);
  for (let c = 0; c < F; c++) {
    let m = 0;
    for (const r of train) m += d.X[r * F + c];
    m /= train.length;
    let v = 0;
    for (const r of train) v += (d.X[r * F + c] - m) ** 2;
    mean[c] = m;
    sd[c] = Math.sqrt(v / train.length) || 1;
  }
  const pick = (ids: number[]) => {
    const X = new Float32Array(ids.length * F);
    ids.forEach((r, k) => {
      for (let c = 0; c < F; c++) X[k * F + c] = (d.X[r * F + c] - mean[c]) / sd[c];
    });
    return { X, y: Float32Array.from(ids, (r) => d.y[r]), labels: ids.map((r) => d.labels[r]) };
  };
  return { train: pick(train), test: pick(test) };
}

/** The median of values. */
export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}
