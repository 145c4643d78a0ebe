// Reference twin of assembly/train.ts: mini-batch gradient descent for a linear
// model, as plain float64 loops.
import { dot } from './dot.js';
import { axpy } from './axpy.js';
import { rowLoss, rowLossGrad, type LossKind } from './losses.js';
import { scatterRows, type Rows } from './shuffle.js';
import { optimizerStep, type OptimizerState, type ResolvedOptimizer } from '../optim/optimizers.js';
import { FLOAT32_MAX, outOfFloat32, type EpochStats } from '../engines/engine.js';

/** Running totals of an epoch trained in chunks of batches. */
export interface EpochProgress {
  lossSum: number;
  maxStep: number;
  batches: number;
  rows: number;
  diverged: number;
  gradSum: Float64Array;
}

/** Fresh totals for an epoch of a model with nParams parameters. */
export function newEpochProgress(nParams: number): EpochProgress {
  return { lossSum: 0, maxStep: 0, batches: 0, rows: 0, diverged: -1, gradSum: new Float64Array(nParams) };
}

/** The epoch's statistics from its running totals. */
export function epochStats(p: EpochProgress): EpochStats {
  // Average first, then square: the sum of a diverging epoch's gradients can overflow when squared.
  const rows = Math.max(p.rows, 1);
  let normSq = 0;
  for (const g of p.gradSum) normSq += (g / rows) ** 2;
  return { lossSum: p.lossSum, gradNorm: Math.sqrt(normSq), maxStep: p.maxStep, batches: p.batches, diverged: p.diverged };
}

/** Weight penalties: l2/2 ||w||^2 + l1 ||w||_1 (the bias is not penalized). */
export interface Penalty {
  l1: number;
  l2: number;
}

/** Where each visited row is copied for the next epoch's arrangement (see shuffle.ts). */
export interface ScatterTarget {
  ids: Uint32Array;
  cursors: Uint32Array;
  dst: Rows;
}

/**
 * Trains batches firstBatch..lastBatch of an epoch, adding to progress.
 * params is [w (cols), bias]; rows are visited in the order given by order
 * (row indices), or in storage order when it is null. With a scatter target
 * each batch's rows are also copied into the next arrangement.
 */
export function trainBatches(
  loss: LossKind, src: Rows, order: Uint32Array | null, rows: number, cols: number,
  batchSize: number, firstBatch: number, lastBatch: number,
  params: Float64Array, opt: ResolvedOptimizer, state: OptimizerState, lrs: Float64Array,
  penalty: Penalty, progress: EpochProgress, scatter: ScatterTarget | null,
): void {
  const { X, y, sw } = src;
  const nParams = cols + 1;
  const grad = new Float64Array(nParams);
  let batch = firstBatch;
  for (let start = batch * batchSize; batch < lastBatch && start < rows; batch++, start += batchSize) {
    const end = Math.min(start + batchSize, rows);
    grad.fill(0);
    let batchLoss = 0;
    for (let p = start; p < end; p++) {
      const r = order ? order[p] : p;
      const s = sw ? sw[r] : 1;
      const z = dot(params, 0, X, r * cols, cols) + params[cols];
      // A row loss past the float32 range is Infinity in the WASM engines: count it as one here too.
      const l = s * rowLoss(loss, z, y[r]);
      batchLoss += Math.abs(l) > FLOAT32_MAX ? Infinity : l;
      const d = s * rowLossGrad(loss, z, y[r]);
      axpy(d, X, r * cols, grad, cols);
      grad[cols] += d;
    }
    if (scatter) scatterRows(src, order, scatter.ids, scatter.cursors, scatter.dst, start, end, cols);
    if (!Number.isFinite(batchLoss)) {
      progress.diverged = batch;
      break;
    }
    const n = end - start;
    const gradOverflow = outOfFloat32(grad); // the WASM engines sum a batch's gradient in float32
    for (let i = 0; i < nParams; i++) {
      progress.gradSum[i] += grad[i];
      grad[i] /= n;
    }
    if (!penalizedStep(params, grad, [[0, cols]], penalty, opt, state, lrs[batch], batchLoss, n, gradOverflow, progress)) {
      progress.diverged = batch;
      break;
    }
  }
  progress.batches = batch;
}

/**
 * The end of a batch, shared with the network twin: the penalties' gradient on the weights
 * (index ranges [from, to); biases are not penalized), one optimizer step, and the epoch's
 * totals. False when the batch diverged as the WASM engines see it: a gradient sum or a
 * parameter past the float32 range is Infinity there.
 */
export function penalizedStep(
  params: Float64Array, grad: Float64Array, weights: readonly (readonly [number, number])[], penalty: Penalty,
  opt: ResolvedOptimizer, state: OptimizerState, lr: number, batchLoss: number, n: number, gradOverflow: boolean,
  progress: EpochProgress,
): boolean {
  let pen = 0;
  for (const [from, to] of weights) {
    for (let i = from; i < to; i++) {
      const w = params[i];
      pen += 0.5 * penalty.l2 * w * w + penalty.l1 * Math.abs(w);
      grad[i] += penalty.l2 * w + penalty.l1 * Math.sign(w);
    }
  }
  const { maxChange, gradNorm } = optimizerStep(opt, state, params, grad, lr);
  progress.lossSum += batchLoss + pen * n;
  if (!Number.isFinite(gradNorm) || !Number.isFinite(maxChange) || gradOverflow || outOfFloat32(params)) return false;
  progress.maxStep = Math.max(progress.maxStep, maxChange);
  progress.rows += n;
  return true;
}

/** Logit w.x + b of each row. */
export function predictLogits(X: Float32Array, rows: number, cols: number, params: Float64Array): Float64Array {
  const out = new Float64Array(rows);
  for (let r = 0; r < rows; r++) out[r] = dot(params, 0, X, r * cols, cols) + params[cols];
  return out;
}
