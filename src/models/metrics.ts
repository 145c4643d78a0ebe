// What evaluate() and predict() compute from a model's outputs (the output layer's
// values, rows x outputs), shared by every model class.
import { headLoss } from '../reference/network.js';
import type { NetworkShape } from '../engines/network.js';
import { sigmoid } from '../reference/sigmoid.js';
import { meanAbsoluteError, meanR2, meanSquaredError } from '../metrics/regression.js';
import { matchFraction } from '../metrics/accuracy.js';

/** evaluate() of a regression model. */
export interface RegressionMetrics {
  /** The training loss: the mean over rows of the squared errors summed over outputs. */
  loss: number;
  /** Mean squared error over every output of every row. */
  mse: number;
  /** Mean absolute error over every output of every row. */
  mae: number;
  /** Coefficient of determination (1 is perfect; 0 is no better than the mean), averaged over outputs. */
  r2: number;
}

/** evaluate() of a classifier. */
export interface ClassificationMetrics {
  /** Mean cross-entropy (binary: BCE; softmax: categorical; several sigmoid outputs: summed over them). */
  loss: number;
  /** Fraction of predictions equal to the target (several sigmoid outputs: of every output of every row). */
  accuracy: number;
}

/** The mean training loss of the head over rows (the loss fit minimizes, without penalties). */
export function meanLoss(shape: NetworkShape, z: Float64Array, t: Float32Array, rows: number): number {
  return headLoss(shape, z, t, null, rows, new Float64Array(z.length)) / rows;
}

/** MSE, MAE and R^2 (src/metrics' formulas) of outputs z against targets t, both rows x width. */
export function regressionMetrics(shape: NetworkShape, z: Float64Array, t: Float32Array, rows: number, width: number): RegressionMetrics {
  return { loss: meanLoss(shape, z, t, rows), mse: meanSquaredError(t, z), mae: meanAbsoluteError(t, z), r2: meanR2(t, z, rows, width) };
}

/** Loss and accuracy of a classifier's outputs: labels from predicted (rows x columns) against t. */
export function classificationMetrics(shape: NetworkShape, z: Float64Array, t: Float32Array, rows: number, predicted: Float32Array): ClassificationMetrics {
  return { loss: meanLoss(shape, z, t, rows), accuracy: matchFraction(t, predicted) };
}

/** 0/1 per value: 1 where the logit is >= 0 (P >= 0.5). */
export function thresholded(z: Float64Array): Float32Array {
  return Float32Array.from(z, (v) => (v >= 0 ? 1 : 0));
}

/** P = sigmoid(z) per value. */
export function sigmoidProba(z: Float64Array): Float32Array {
  return Float32Array.from(z, sigmoid);
}

/** The index of the largest of each row's k values (the first on ties). */
export function argmaxRows(z: Float64Array, rows: number, k: number): Float32Array {
  const out = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    let best = 0;
    for (let j = 1; j < k; j++) if (z[r * k + j] > z[r * k + best]) best = j;
    out[r] = best;
  }
  return out;
}

/** Each row's softmax probabilities (rows x k), computed from logits by subtracting the row's maximum. */
export function softmaxRows(z: Float64Array, rows: number, k: number): Float32Array {
  const out = new Float32Array(rows * k);
  for (let r = 0; r < rows; r++) {
    let m = -Infinity;
    for (let j = 0; j < k; j++) m = Math.max(m, z[r * k + j]);
    let sum = 0;
    for (let j = 0; j < k; j++) sum += Math.exp(z[r * k + j] - m);
    for (let j = 0; j < k; j++) out[r * k + j] = Math.exp(z[r * k + j] - m) / sum;
  }
  return out;
}
