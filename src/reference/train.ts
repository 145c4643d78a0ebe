// Reference twin of the WASM epoch: mini-batch gradient descent over a network (a linear
// model is a network of one dense layer) and a data description, as plain float64 loops.
// Every model type runs this one loop: each batch's gradient (for one output without hidden
// layers a fused pass over the rows, as the WASM epoch's four-row kernel; otherwise the rows
// gathered in visiting order, the network forward, the head's loss and backward, network.ts),
// then the penalties and one optimizer step; a shuffled epoch also scatters the rows it visits
// into the next epoch's arrangement (shuffle.ts, engines/arrangement.ts).
import { backwardNetwork, forwardNetwork, headLoss } from './network.js';
import { scatterRows, type Rows, type ScatterTarget } from './shuffle.js';
import { optimizerStep, type OptimizerState, type ResolvedOptimizer } from '../optim/optimizers.js';
import { toEvaluationPoint, toGradientPoint } from '../optim/lrFree.js';
import { FLOAT32_MAX, outOfFloat32, type EpochStats } from '../engines/engine.js';
import { networkLayout, type NetworkShape } from '../engines/network.js';
import { singleLayerLoss } from '../engines/shape.js';
import { dot } from './dot.js';
import { axpy } from './axpy.js';
import { rowLoss, rowLossGrad, type LossKind } from './losses.js';

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

/** What the epoch updates: the twin of the WASM network descriptor with its parameter, optimizer and stats blocks. */
export interface Network {
  shape: NetworkShape;
  /** The flat parameter vector (layout: networkLayout). */
  params: Float64Array;
  opt: ResolvedOptimizer;
  optState: OptimizerState;
  progress: EpochProgress;
}

/** The order a shuffled epoch visits rows in, and where it copies them for the next epoch. */
export interface Arrangement {
  /** The row at each position. */
  order: Uint32Array;
  /** With a target, each visited row is also copied into the next arrangement (see arrangement.ts). */
  next: ScatterTarget | null;
}

/**
 * What an epoch trains on and how: the twin of the WASM data descriptor. A dense in-memory
 * table (rows x cols X, width targets per row in y, optional row weights sw) is the only
 * kind so far; a CSR table and a stream's chunk are to be further kinds.
 */
export interface EpochData extends Rows {
  kind: 'dense';
  rows: number;
  cols: number;
  /** Targets per row: targetWidth of the network's shape. */
  width: number;
  /** Visit order and scatter target, or null for storage order. */
  arrangement: Arrangement | null;
  batchSize: number;
  /** Weight penalties l2/2 ||w||^2 + l1 ||w||_1 (biases are not penalized). */
  l1: number;
  l2: number;
  /** Learning rate of each batch of the epoch. */
  lrs: Float64Array;
}

/**
 * Trains batches firstBatch..lastBatch of an epoch, adding to net.progress: each batch's
 * gradient is the mean over its rows plus the penalties' gradient on the weights, then one
 * optimizer step. Stops at the first batch whose loss or update is not finite as the WASM
 * engines see it (progress.diverged). The parameters are the optimizer's evaluation point
 * before and after (toEvaluationPoint).
 */
export function trainBatches(net: Network, data: EpochData, firstBatch: number, lastBatch: number): void {
  const { shape, params, progress } = net;
  const { rows, cols, width, batchSize } = data; // cols and width match the shape: the engine builds both from it
  const order = data.arrangement?.order ?? null;
  const next = data.arrangement?.next ?? null;
  const { layers, count } = networkLayout(shape);
  const weights = layers.map((l) => [l.weights, l.weights + l.units * l.inputs] as const);
  const grad = new Float64Array(count);
  // The batch-gradient step for this shape, as the WASM epoch picks its kernel: one output without
  // hidden layers is a fused pass over the rows where they lie; any other network gathers its rows.
  const linear = singleLayerLoss(shape);
  // Between calls the parameters are where the model is evaluated (Schedule-Free's x); gradients are taken elsewhere.
  toGradientPoint(net.opt, net.optState, params);
  let batch = firstBatch;
  for (let start = batch * batchSize; batch < lastBatch && start < rows; batch++, start += batchSize) {
    const end = Math.min(start + batchSize, rows);
    const n = end - start;
    grad.fill(0);
    const batchLoss = linear !== null
      ? linearBatch(linear, data, order, params, start, end, grad)
      : networkBatch(shape, data, order, params, start, end, grad);
    if (next) scatterRows(data, order, next.ids, next.cursors, next.dst, start, end, cols, width);
    if (!Number.isFinite(batchLoss)) {
      progress.diverged = batch;
      break;
    }
    const gradOverflow = outOfFloat32(grad); // the WASM engines sum a batch's gradient in float32
    for (let i = 0; i < count; i++) {
      progress.gradSum[i] += grad[i];
      grad[i] /= n;
    }
    if (!penalizedStep(net, grad, weights, data, data.lrs[batch], batchLoss, n, gradOverflow)) {
      progress.diverged = batch;
      break;
    }
  }
  progress.batches = batch;
  toEvaluationPoint(net.opt, net.optState, params);
}

// The batch-gradient steps: each adds the gradient summed over the rows at positions start..end to
// grad and returns their loss sum as the WASM engines see it.

/** One output, no hidden layer: per row z = w.x + b, its loss and dLoss/dz, straight from X (dot, axpy). */
function linearBatch(
  loss: LossKind, data: EpochData, order: Uint32Array | null, params: Float64Array, start: number, end: number, grad: Float64Array,
): number {
  const { X, y, sw, cols } = data;
  let sum = 0;
  for (let p = start; p < end; p++) {
    const r = order ? order[p] : p;
    const s = sw ? sw[r] : 1;
    const z = dot(params, 0, X, r * cols, cols) + params[cols];
    const l = s * rowLoss(loss, z, y[r]);
    sum += l > FLOAT32_MAX ? Infinity : l; // a row loss past the float32 range is Infinity in WASM
    const d = s * rowLossGrad(loss, z, y[r]);
    axpy(d, X, r * cols, grad, cols);
    grad[cols] += d;
  }
  return sum;
}

/** Any network: the batch's rows gathered in visiting order, forward, the head's loss, backward (network.ts). */
function networkBatch(
  shape: NetworkShape, data: EpochData, order: Uint32Array | null, params: Float64Array, start: number, end: number, grad: Float64Array,
): number {
  const n = end - start;
  const { x, y, sw } = batchRows(data, order, start, n);
  const acts = forwardNetwork(shape, params, x, n);
  const out = acts[acts.length - 1];
  const delta = new Float64Array(out.length);
  const loss = headLoss(shape, out, y, sw, n, delta);
  backwardNetwork(shape, params, x, acts, delta, n, grad);
  // Row losses are >= 0, so only a sum past the float32 range can hold a row past it.
  return loss > FLOAT32_MAX ? float32RowSum(shape, out, y, sw, n) : loss;
}

/** The n rows at positions start.. (row order[p], or p), with their targets and weights, in visiting order. */
function batchRows(
  data: EpochData, order: Uint32Array | null, start: number, n: number,
): { x: Float64Array; y: Float64Array; sw: Float64Array | null } {
  const { cols, width } = data;
  const x = new Float64Array(n * cols);
  const y = new Float64Array(n * width);
  const sw = data.sw ? new Float64Array(n) : null;
  for (let k = 0; k < n; k++) {
    const r = order ? order[start + k] : start + k;
    for (let c = 0; c < cols; c++) x[k * cols + c] = data.X[r * cols + c];
    for (let t = 0; t < width; t++) y[k * width + t] = data.y[r * width + t];
    if (sw && data.sw) sw[k] = data.sw[r];
  }
  return { x, y, sw };
}

/**
 * The batch's loss as the WASM engines sum it: each row's loss is a float32 there, so one
 * past the float32 range is Infinity (there each output's loss, for several outputs of an mse
 * or sigmoid head: the same test unless a row's outputs stay inside the range and their sum
 * does not).
 */
function float32RowSum(shape: NetworkShape, out: Float64Array, y: Float64Array, sw: Float64Array | null, n: number): number {
  const o = out.length / n;
  const w = y.length / n;
  const delta = new Float64Array(o);
  let sum = 0;
  for (let k = 0; k < n; k++) {
    const l = headLoss(shape, out.subarray(k * o, (k + 1) * o), y.subarray(k * w, (k + 1) * w), sw ? sw.subarray(k, k + 1) : null, 1, delta);
    sum += l > FLOAT32_MAX ? Infinity : l;
  }
  return sum;
}

/**
 * The end of a batch: the penalties' gradient on the weights (index ranges [from, to);
 * biases are not penalized), one optimizer step, and the epoch's totals. False when the
 * batch diverged as the WASM engines see it: a gradient sum or a parameter past the float32
 * range is Infinity there.
 */
function penalizedStep(
  net: Network, grad: Float64Array, weights: readonly (readonly [number, number])[], penalty: { l1: number; l2: number },
  lr: number, batchLoss: number, n: number, gradOverflow: boolean,
): boolean {
  const { params, progress } = net;
  let pen = 0;
  for (const [from, to] of weights) {
    for (let i = from; i < to; i++) {
      const w = params[i];
      pen += 0.5 * penalty.l2 * w * w + penalty.l1 * Math.abs(w);
      grad[i] += penalty.l2 * w + penalty.l1 * Math.sign(w);
    }
  }
  const { maxChange, gradNorm } = optimizerStep(net.opt, net.optState, params, grad, lr);
  progress.lossSum += batchLoss + pen * n;
  if (!Number.isFinite(gradNorm) || !Number.isFinite(maxChange) || gradOverflow || outOfFloat32(params)) return false;
  progress.maxStep = Math.max(progress.maxStep, maxChange);
  progress.rows += n;
  return true;
}
