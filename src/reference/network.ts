// Reference twin of assembly/network.ts: a network of dense layers forward and
// backward, in float64, written from the backpropagation equations (train.ts runs
// the epoch over them). For layer l with input a_{l-1} (a_0 = X) and output a_l = f_l(z_l):
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
import { networkLayout, type NetworkShape } from '../engines/network.js';
import { sparseDenseBackward, sparseDenseForward, type SparseRows } from './sparse.js';

/** CSR rows ids[0..n) as a network's input: its first layer is a sparse product (sparse.ts). */
export interface SparseBatch {
  csr: SparseRows;
  ids: ArrayLike<number>;
}

/** A network's input: dense rows (rows x inputs) or a sparse batch. */
export type NetworkInput = ArrayLike<number> | SparseBatch;

function isSparse(x: NetworkInput): x is SparseBatch {
  return (x as SparseBatch).csr !== undefined;
}

/** Every layer's outputs a_l (rows x units, after its activation) for rows rows of x. */
export function forwardNetwork(
  shape: NetworkShape, params: ArrayLike<number>, x: NetworkInput, rows: number,
): Float64Array[] {
  const acts: Float64Array[] = [];
  let input = x;
  for (const layer of networkLayout(shape).layers) {
    const out = new Float64Array(rows * layer.units);
    if (isSparse(input)) sparseDenseForward(input.csr, input.ids, rows, layer.inputs, params, layer.weights, layer.bias, layer.units, out);
    else denseForward(input, rows, layer.inputs, params, layer.weights, params, layer.bias, layer.units, out);
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
  shape: NetworkShape, params: ArrayLike<number>, x: NetworkInput, acts: readonly Float64Array[],
  deltaOut: Float64Array, rows: number, grad: Float64Array,
): void {
  const layers = networkLayout(shape).layers;
  let delta = deltaOut;
  for (let l = layers.length - 1; l >= 0; l--) {
    const layer = layers[l];
    activationBackward(layer.activation, acts[l], delta, delta.length); // now dLoss/dz_l
    const input = l > 0 ? acts[l - 1] : x;
    if (isSparse(input)) sparseDenseBackward(input.csr, input.ids, rows, layer.inputs, delta, layer.units, grad, layer.weights, layer.bias);
    else denseBackwardWeights(input, delta, rows, layer.inputs, layer.units, grad, layer.weights, grad, layer.bias);
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
export function predictNetwork(shape: NetworkShape, params: ArrayLike<number>, x: NetworkInput, rows: number): Float64Array {
  const acts = forwardNetwork(shape, params, x, rows);
  return acts[acts.length - 1];
}
