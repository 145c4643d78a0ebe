// Reference twin of assembly/train.ts: one epoch of mini-batch gradient
// descent for a linear model, as plain float64 loops.
import { dot } from './dot.js';
import { axpy } from './axpy.js';
import { rowLoss, rowLossGrad, type LossKind } from './losses.js';
import { scatterRows } from './shuffle.js';
import { optimizerStep, type OptimizerState, type ResolvedOptimizer } from '../optim/optimizers.js';

/** What one epoch measured; the same fields the WASM stats block holds. */
export interface EpochStats {
  /** Sum of row losses, each at the parameters its batch saw. */
  lossSum: number;
  /** L2 norm of the epoch's average gradient (the exact gradient for full-batch GD). */
  gradNorm: number;
  /** Largest single-step parameter change. */
  maxStep: number;
  /** Batches whose update was applied. */
  batches: number;
  /** Index of the batch whose loss or update was not finite, else -1. */
  diverged: number;
}

/** Where each visited row is copied for the next epoch's arrangement (see shuffle.ts). */
export interface ScatterTarget {
  ids: Uint32Array;
  cursors: Uint32Array;
  X: Float32Array;
  y: Float32Array;
}

/**
 * Trains one epoch. params is [w (cols), bias]; rows are visited in the order
 * given by order (row indices), or in storage order when it is null. With a
 * scatter target each batch's rows are also copied into the next arrangement.
 */
export function trainEpoch(
  loss: LossKind, X: Float32Array, y: Float32Array, order: Uint32Array | null, rows: number, cols: number,
  batchSize: number, params: Float64Array, opt: ResolvedOptimizer, state: OptimizerState, lrs: Float64Array,
  scatter: ScatterTarget | null = null,
): EpochStats {
  const nParams = cols + 1;
  const grad = new Float64Array(nParams);
  const gradSum = new Float64Array(nParams);
  let lossSum = 0;
  let maxStep = 0;
  let batch = 0;
  let diverged = -1;
  for (let start = 0; start < rows; start += batchSize) {
    const end = Math.min(start + batchSize, rows);
    grad.fill(0);
    let batchLoss = 0;
    for (let p = start; p < end; p++) {
      const r = order ? order[p] : p;
      const z = dot(params, 0, X, r * cols, cols) + params[cols];
      batchLoss += rowLoss(loss, z, y[r]);
      const d = rowLossGrad(loss, z, y[r]);
      axpy(d, X, r * cols, grad, cols);
      grad[cols] += d;
    }
    if (scatter) scatterRows(X, y, order, scatter.ids, scatter.cursors, scatter.X, scatter.y, start, end, cols);
    if (!Number.isFinite(batchLoss)) {
      diverged = batch;
      break;
    }
    const n = end - start;
    for (let i = 0; i < nParams; i++) {
      gradSum[i] += grad[i];
      grad[i] /= n;
    }
    const { maxChange, gradNorm } = optimizerStep(opt, state, params, grad, lrs[batch]);
    lossSum += batchLoss;
    if (!Number.isFinite(gradNorm) || !Number.isFinite(maxChange)) {
      diverged = batch;
      break;
    }
    maxStep = Math.max(maxStep, maxChange);
    batch++;
  }
  let normSq = 0;
  for (let i = 0; i < nParams; i++) normSq += gradSum[i] * gradSum[i];
  return { lossSum, gradNorm: Math.sqrt(normSq) / rows, maxStep, batches: batch, diverged };
}

/** Logit w.x + b of each row. */
export function predictLogits(X: Float32Array, rows: number, cols: number, params: Float64Array): Float64Array {
  const out = new Float64Array(rows);
  for (let r = 0; r < rows; r++) out[r] = dot(params, 0, X, r * cols, cols) + params[cols];
  return out;
}
