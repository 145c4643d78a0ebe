// Turns a data set into what the worker trains on: a seeded train/validation
// split, and features standardized with the training part's mean and spread.
import { mulberry32, type Dataset } from './datasets.js';

/** One part of the split, as the library takes it. */
export interface Part {
  X: Float32Array;
  y: Float32Array;
  rows: number;
}

/** Train and validation parts, and the feature scaling applied to both. */
export interface Prepared {
  train: Part;
  val: Part | null;
  /** Per-feature offset and scale: model input = (x - mean) / scale. */
  mean: Float64Array;
  scale: Float64Array;
  /** 1 for each row of the data set held out for validation. */
  heldOut: Uint8Array;
}

/** Splits off `validation` of the rows (at least one when > 0) and scales features if `standardize`. */
export function prepare(data: Dataset, validation: number, standardize: boolean, seed: number): Prepared {
  const order = permutation(data.rows, seed);
  const nVal = validation > 0 ? Math.min(data.rows - 1, Math.max(1, Math.round(data.rows * validation))) : 0;
  const trainRows = order.slice(nVal);
  const valRows = order.slice(0, nVal);
  const { mean, scale } = standardize ? moments(data, trainRows) : identity(data.features);
  const heldOut = new Uint8Array(data.rows);
  for (const r of valRows) heldOut[r] = 1;
  return {
    train: part(data, trainRows, mean, scale),
    val: nVal > 0 ? part(data, valRows, mean, scale) : null,
    mean,
    scale,
    heldOut,
  };
}

/** Maps raw feature rows (row-major) to model inputs. */
export function scaleRows(X: ArrayLike<number>, features: number, mean: Float64Array, scale: Float64Array): Float32Array {
  const out = new Float32Array(X.length);
  for (let i = 0; i < X.length; i++) out[i] = (X[i] - mean[i % features]) / scale[i % features];
  return out;
}

function part(data: Dataset, rows: number[], mean: Float64Array, scale: Float64Array): Part {
  const d = data.features;
  const raw = new Float64Array(rows.length * d);
  const y = new Float32Array(rows.length);
  rows.forEach((r, i) => {
    raw.set(data.X.subarray(r * d, (r + 1) * d), i * d);
    y[i] = data.y[r];
  });
  return { X: scaleRows(raw, d, mean, scale), y, rows: rows.length };
}

function moments(data: Dataset, rows: number[]): { mean: Float64Array; scale: Float64Array } {
  const d = data.features;
  const mean = new Float64Array(d);
  const scale = new Float64Array(d);
  for (const r of rows) for (let c = 0; c < d; c++) mean[c] += data.X[r * d + c] / rows.length;
  for (const r of rows) for (let c = 0; c < d; c++) scale[c] += (data.X[r * d + c] - mean[c]) ** 2 / rows.length;
  // A constant column (digits has several all-zero pixels) is centred but not divided by 0.
  for (let c = 0; c < d; c++) scale[c] = Math.sqrt(scale[c]) || 1;
  return { mean, scale };
}

function identity(d: number): { mean: Float64Array; scale: Float64Array } {
  return { mean: new Float64Array(d), scale: new Float64Array(d).fill(1) };
}

/** A seeded Fisher-Yates permutation of 0..n-1. */
function permutation(n: number, seed: number): number[] {
  const rand = mulberry32(seed ^ 0x5eed);
  const p = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [p[i], p[j]] = [p[j], p[i]];
  }
  return p;
}
