// Reference twin of assembly/network.ts: a network of dense layers trained by
// mini-batch gradient descent, in float64, written from the backpropagation
// equations. For layer l with input a_{l-1} (a_0 = X) and output a_l = f_l(z_l):
//   forward:   z_l = a_{l-1} W_l^T + b_l
//   head:      delta_L = dLoss/dz_L (times f_L'(z_L) when the output layer has an activation)
//   backward:  dW_l = delta_l^T a_{l-1},  db_l = column sums of delta_l,
//              delta_{l-1} = (delta_l W_l) * f_{l-1}'(z_{l-1})
// The flat parameter vector is laid out as in WASM: layer by layer, W_l
// (units x inputs, row-major) then b_l.
import { denseBackwardInput, denseBackwardWeights, denseForward } from './dense.js';
import { activationBackward, activationForward } from './activations.js';
import { LOSS_BCE, LOSS_MSE, lossRows } from './losses.js';
import { softmaxCrossEntropy } from './softmax.js';
import { penalizedStep, type EpochProgress, type Penalty } from './train.js';
import { networkLayout, targetWidth, type NetworkShape } from '../engines/network.js';
import { outOfFloat32 } from '../engines/engine.js';
import type { OptimizerState, ResolvedOptimizer } from '../optim/optimizers.js';

/** Every layer's outputs a_l (rows x units, after its activation) for rows rows of x. */
export function forwardNetwork(
  shape: NetworkShape, params: ArrayLike<number>, x: ArrayLike<number>, rows: number,
): Float64Array[] {
  const acts: Float64Array[] = [];
  let input: ArrayLike<number> = x;
  for (const layer of networkLayout(shape).layers) {
    const out = new Float64Array(rows * layer.units);
    denseForward(input, rows, layer.inputs, params, layer.weights, params, layer.bias, layer.units, out);
    activationForward(layer.activation, out, out.length);
    acts.push(out);
    input = out;
  }
  return acts;
}

/** The head's weighted loss sum over the output layer's values z, with s dLoss/dz written to delta. */
export function headLoss(
  shape: NetworkShape, z: ArrayLike<number>, y: ArrayLike<number>, sw: ArrayLike<number> | null, rows: number,
  delta: Float64Array,
): number {
  const outputs = shape.layers[shape.layers.length - 1].units;
  if (shape.head === 'softmax') return softmaxCrossEntropy(z, rows, outputs, y, sw, delta);
  return lossRows(shape.head === 'sigmoid' ? LOSS_BCE : LOSS_MSE, z, y, sw, rows, outputs, delta);
}

/**
 * Backpropagation from dLoss/d(output values) in deltaOut (rows x outputs; changed
 * in place), through the layers' outputs acts from forwardNetwork; adds the
 * gradient summed over the rows to grad.
 */
export function backwardNetwork(
  shape: NetworkShape, params: ArrayLike<number>, x: ArrayLike<number>, acts: readonly Float64Array[],
  deltaOut: Float64Array, rows: number, grad: Float64Array,
): void {
  const layers = networkLayout(shape).layers;
  let delta = deltaOut;
  for (let l = layers.length - 1; l >= 0; l--) {
    const layer = layers[l];
    activationBackward(layer.activation, acts[l], delta, delta.length); // now dLoss/dz_l
    const input = l > 0 ? acts[l - 1] : x;
    denseBackwardWeights(input, delta, rows, layer.inputs, layer.units, grad, layer.weights, grad, layer.bias);
    if (l === 0) break;
    const prev = new Float64Array(rows * layer.inputs);
    denseBackwardInput(delta, rows, layer.units, params, layer.weights, layer.inputs, prev);
    delta = prev;
  }
}

/** Weighted loss sum of rows rows (no penalties), and their gradient summed over the rows, added to grad. */
export function networkGradient(
  shape: NetworkShape, params: ArrayLike<number>, x: ArrayLike<number>, y: ArrayLike<number>,
  sw: ArrayLike<number> | null, rows: number, grad: Float64Array,
): number {
  const acts = forwardNetwork(shape, params, x, rows);
  const out = acts[acts.length - 1];
  const delta = new Float64Array(out.length);
  const loss = headLoss(shape, out, y, sw, rows, delta);
  backwardNetwork(shape, params, x, acts, delta, rows, grad);
  return loss;
}

/** Weighted loss sum of rows rows at params (no penalties). */
export function networkLoss(
  shape: NetworkShape, params: ArrayLike<number>, x: ArrayLike<number>, y: ArrayLike<number>,
  sw: ArrayLike<number> | null, rows: number,
): number {
  const acts = forwardNetwork(shape, params, x, rows);
  const out = acts[acts.length - 1];
  return headLoss(shape, out, y, sw, rows, new Float64Array(out.length));
}

/** The output layer's values for rows rows: the logits the head takes (values for mse), rows x outputs. */
export function predictNetwork(shape: NetworkShape, params: ArrayLike<number>, x: ArrayLike<number>, rows: number): Float64Array {
  const acts = forwardNetwork(shape, params, x, rows);
  return acts[acts.length - 1];
}

/** Input rows with their targets (see targetWidth) and optional row weights. */
export interface NetworkRows {
  X: ArrayLike<number>;
  y: ArrayLike<number>;
  sw: ArrayLike<number> | null;
}

/**
 * Trains batches firstBatch..lastBatch of an epoch, adding to progress (as
 * trainBatches in train.ts does for one layer): each batch's gradient is the mean
 * over its rows plus the penalties' gradient on the weights, then one optimizer
 * step. Rows are visited in the order given by order, or in storage order.
 */
export function trainNetworkBatches(
  shape: NetworkShape, src: NetworkRows, order: Uint32Array | null, rows: number,
  batchSize: number, firstBatch: number, lastBatch: number,
  params: Float64Array, opt: ResolvedOptimizer, state: OptimizerState, lrs: Float64Array,
  penalty: Penalty, progress: EpochProgress,
): void {
  const { layers, count } = networkLayout(shape);
  const inputs = shape.inputs;
  const width = targetWidth(shape);
  const grad = new Float64Array(count);
  const weightRanges = layers.map((l) => [l.weights, l.weights + l.units * l.inputs] as const);
  let batch = firstBatch;
  for (let start = batch * batchSize; batch < lastBatch && start < rows; batch++, start += batchSize) {
    const end = Math.min(start + batchSize, rows);
    const n = end - start;
    // The batch's rows, targets and weights, in visiting order.
    const x = new Float64Array(n * inputs);
    const y = new Float64Array(n * width);
    const sw = src.sw ? new Float64Array(n) : null;
    for (let k = 0; k < n; k++) {
      const r = order ? order[start + k] : start + k;
      for (let i = 0; i < inputs; i++) x[k * inputs + i] = src.X[r * inputs + i];
      for (let t = 0; t < width; t++) y[k * width + t] = src.y[r * width + t];
      if (sw && src.sw) sw[k] = src.sw[r];
    }
    grad.fill(0);
    const batchLoss = networkGradient(shape, params, x, y, sw, n, grad);
    if (!Number.isFinite(batchLoss)) {
      progress.diverged = batch;
      break;
    }
    const gradOverflow = outOfFloat32(grad); // the WASM engines sum a batch's gradient in float32
    for (let i = 0; i < count; i++) {
      progress.gradSum[i] += grad[i];
      grad[i] /= n;
    }
    if (!penalizedStep(params, grad, weightRanges, penalty, opt, state, lrs[batch], batchLoss, n, gradOverflow, progress)) {
      progress.diverged = batch;
      break;
    }
  }
  progress.batches = batch;
}
