// Mini-batch gradient descent for a network of dense layers, fused into one call
// per epoch (or per chunk of batches), so the per-batch loop (forward pass, head,
// backpropagation, optimizer step) never returns to JS. The network's shape
// arrives as a descriptor block in linear memory (below), not as arguments.
// src/reference/network.ts is the float64 twin. Where the two overlap, this keeps
// trainEpoch's semantics (train.ts): the stats block, the optimizer step over the
// flat parameter vector, the mean batch gradient, L1/L2 on weights only, row
// weights, the visiting order and the divergence index.
import { denseForward, denseBackwardInput, denseBackwardWeights } from './kernels/dense';
import { activationForward, activationBackward } from './kernels/activations';
import { lossRows } from './kernels/losses';
import { softmaxCrossEntropy } from './kernels/softmax';
import { step, lastGradNormSq, lastMaxChange } from './optimizers';
import { STAT_LOSS_SUM, STAT_MAX_STEP, startEpoch, averageBatch, finishEpoch, addPenalty } from './train';

// The descriptor: i32 fields at descPtr (written by src/wasm/networkBlock.ts).
// Pointers are byte addresses; offsets into the parameter vector are in elements.
export const NET_INPUTS = 0;    // width of an input row
export const NET_LAYERS = 1;    // dense layers, L >= 1: the hidden layers, then the output layer
export const NET_HEAD = 2;      // HEAD_* below: the loss on the output layer's values
export const NET_PARAMS = 3;    // length of the flat parameter vector (a multiple of 4, zero-padded at the end)
export const NET_CAPACITY = 4;  // rows the scratch holds; batches are processed in chunks of at most this many
export const NET_X_PTR = 5;     // scratch, capacity x inputs f32: a chunk's rows gathered in visiting order
export const NET_Y_PTR = 6;     // scratch, capacity x target width: f32 targets (i32 labels for softmax)
export const NET_SW_PTR = 7;    // scratch, capacity f32: the gathered row weights
export const NET_HEADER = 8;    // i32 fields before the first layer's
// Then LAYER_FIELDS i32 fields per layer l, at field NET_HEADER + l * LAYER_FIELDS:
export const LAYER_UNITS = 0;       // outputs of the layer (its inputs are the previous layer's units)
export const LAYER_ACTIVATION = 1;  // ACT_* (kernels/activations.ts), applied to the layer's output
export const LAYER_WEIGHTS = 2;     // offset of W (units x inputs, row-major) in params, grad and slots
export const LAYER_BIAS = 3;        // offset of b (units)
export const LAYER_OUT_PTR = 4;     // scratch, capacity x units f32: the layer's outputs (after activation)
export const LAYER_DELTA_PTR = 5;   // scratch, capacity x units f32: dLoss/d(pre-activation)
export const LAYER_FIELDS = 8;      // 6 and 7 are reserved

// Heads: the loss on the output layer's values z (rows x outputs), with its target layout.
export const HEAD_MSE = 0;      // sum over outputs of (z - y)^2; targets f32, rows x outputs
export const HEAD_SIGMOID = 1;  // sum over outputs of binary cross-entropy from the logit z; targets f32 in [0, 1]
export const HEAD_SOFTMAX = 2;  // softmax cross-entropy over the outputs; targets i32 class labels, one per row

// @ts-ignore: decorator
@inline function field(descPtr: usize, i: i32): i32 {
  return load<i32>(descPtr + (<usize>i << 2));
}

// @ts-ignore: decorator
@inline function layerField(descPtr: usize, l: i32, f: i32): i32 {
  return load<i32>(descPtr + (<usize>(NET_HEADER + l * LAYER_FIELDS + f) << 2));
}

// @ts-ignore: decorator
@inline function layerPtr(descPtr: usize, l: i32, f: i32): usize {
  return <usize>load<u32>(descPtr + (<usize>(NET_HEADER + l * LAYER_FIELDS + f) << 2));
}

/** Target values per row: one label for softmax, else one per output. */
// @ts-ignore: decorator
@inline function targetWidth(descPtr: usize): i32 {
  return field(descPtr, NET_HEAD) == HEAD_SOFTMAX ? 1 : layerField(descPtr, field(descPtr, NET_LAYERS) - 1, LAYER_UNITS);
}

/** The forward pass of n rows at xPtr; the last layer writes to lastOutPtr, or to its scratch when that is 0. */
function forward(descPtr: usize, xPtr: usize, n: i32, paramsPtr: usize, lastOutPtr: usize): void {
  const layers = field(descPtr, NET_LAYERS);
  let inPtr = xPtr;
  let width = field(descPtr, NET_INPUTS);
  for (let l = 0; l < layers; l++) {
    const units = layerField(descPtr, l, LAYER_UNITS);
    const outPtr = l == layers - 1 && lastOutPtr ? lastOutPtr : layerPtr(descPtr, l, LAYER_OUT_PTR);
    denseForward(inPtr, n, width, paramsPtr + (<usize>layerField(descPtr, l, LAYER_WEIGHTS) << 2),
      paramsPtr + (<usize>layerField(descPtr, l, LAYER_BIAS) << 2), units, outPtr);
    activationForward(layerField(descPtr, l, LAYER_ACTIVATION), outPtr, n * units);
    inPtr = outPtr;
    width = units;
  }
}

/**
 * The (weighted) loss sum of n rows (x, targets and weights contiguous) and their
 * summed gradient, added to gradPtr: forward, the head's delta, then for each layer
 * from the last: gradW += delta^T a_prev, gradb += column sums of delta, and
 * delta_prev = (delta W) * f'(a_prev).
 */
function chunkGradient(descPtr: usize, xPtr: usize, yPtr: usize, swPtr: usize, n: i32, paramsPtr: usize, gradPtr: usize): f64 {
  forward(descPtr, xPtr, n, paramsPtr, 0);
  const last = field(descPtr, NET_LAYERS) - 1;
  const head = field(descPtr, NET_HEAD);
  let units = layerField(descPtr, last, LAYER_UNITS);
  let outPtr = layerPtr(descPtr, last, LAYER_OUT_PTR);
  let deltaPtr = layerPtr(descPtr, last, LAYER_DELTA_PTR);
  const loss = head == HEAD_SOFTMAX
    ? softmaxCrossEntropy(outPtr, n, units, yPtr, swPtr, deltaPtr)
    : lossRows(head, outPtr, yPtr, swPtr, n, units, deltaPtr);
  activationBackward(layerField(descPtr, last, LAYER_ACTIVATION), outPtr, deltaPtr, n * units);
  for (let l = last; l >= 0; l--) {
    const prevOutPtr = l > 0 ? layerPtr(descPtr, l - 1, LAYER_OUT_PTR) : xPtr;
    const width = l > 0 ? layerField(descPtr, l - 1, LAYER_UNITS) : field(descPtr, NET_INPUTS);
    const w = <usize>layerField(descPtr, l, LAYER_WEIGHTS) << 2;
    denseBackwardWeights(prevOutPtr, deltaPtr, n, width, units, gradPtr + w,
      gradPtr + (<usize>layerField(descPtr, l, LAYER_BIAS) << 2));
    if (l == 0) break;
    const prevDeltaPtr = layerPtr(descPtr, l - 1, LAYER_DELTA_PTR);
    denseBackwardInput(deltaPtr, n, units, paramsPtr + w, width, prevDeltaPtr);
    activationBackward(layerField(descPtr, l - 1, LAYER_ACTIVATION), prevOutPtr, prevDeltaPtr, n * width);
    units = width;
    deltaPtr = prevDeltaPtr;
  }
  return loss;
}

/** Copies n bytes (a multiple of 4) from src to dst: one gathered row or its targets. */
// @ts-ignore: decorator
@inline function copyRow(dst: usize, src: usize, n: usize): void {
  let i: usize = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i + 16 <= n; i += 16) v128.store(dst + i, v128.load(src + i));
  }
  for (; i < n; i += 4) store<u32>(dst + i, load<u32>(src + i));
}

/**
 * The loss sum of rows start..end (row order[p] at position p, or p when orderPtr
 * is 0) and their summed gradient, added to gradPtr. Runs in chunks of at most
 * NET_CAPACITY rows; a shuffled chunk is first gathered into the scratch rows.
 */
function batchGradient(
  descPtr: usize, xPtr: usize, yPtr: usize, swPtr: usize, orderPtr: usize, start: i32, end: i32,
  paramsPtr: usize, gradPtr: usize,
): f64 {
  const capacity = field(descPtr, NET_CAPACITY);
  const rowBytes = <usize>field(descPtr, NET_INPUTS) << 2;
  const yBytes = <usize>targetWidth(descPtr) << 2;
  const xs = <usize>load<u32>(descPtr + (<usize>NET_X_PTR << 2));
  const ys = <usize>load<u32>(descPtr + (<usize>NET_Y_PTR << 2));
  const sws = <usize>load<u32>(descPtr + (<usize>NET_SW_PTR << 2));
  let loss: f64 = 0;
  for (let c = start; c < end; c += capacity) {
    const n = min(capacity, end - c);
    if (orderPtr) {
      for (let k = 0; k < n; k++) {
        const r = <usize>load<u32>(orderPtr + (<usize>(c + k) << 2));
        copyRow(xs + <usize>k * rowBytes, xPtr + r * rowBytes, rowBytes);
        copyRow(ys + <usize>k * yBytes, yPtr + r * yBytes, yBytes);
        if (swPtr) store<f32>(sws + (<usize>k << 2), load<f32>(swPtr + (r << 2)));
      }
      loss += chunkGradient(descPtr, xs, ys, swPtr ? sws : 0, n, paramsPtr, gradPtr);
    } else {
      loss += chunkGradient(descPtr, xPtr + <usize>c * rowBytes, yPtr + <usize>c * yBytes,
        swPtr ? swPtr + (<usize>c << 2) : 0, n, paramsPtr, gradPtr);
    }
  }
  return loss;
}

/** l2/2 ||W||^2 + l1 ||W||_1 over every layer's weights (not the biases), with its gradient added to gradPtr. */
function addPenalties(descPtr: usize, paramsPtr: usize, gradPtr: usize, l1: f64, l2: f64): f64 {
  const layers = field(descPtr, NET_LAYERS);
  let width = field(descPtr, NET_INPUTS);
  let penalty: f64 = 0;
  for (let l = 0; l < layers; l++) {
    const units = layerField(descPtr, l, LAYER_UNITS);
    const w = <usize>layerField(descPtr, l, LAYER_WEIGHTS) << 2;
    penalty += addPenalty(paramsPtr + w, gradPtr + w, units * width, l1, l2);
    width = units;
  }
  return penalty;
}

/**
 * Trains batches firstBatch..lastBatch of an epoch of the network at descPtr over
 * rows input rows at xPtr, targets at yPtr (see HEAD_*) and optional f32 row
 * weights at swPtr (0 = all 1), visiting rows in the order at orderPtr (u32 row
 * indices) or in storage order when it is 0. params, grad, gradSum and the three
 * optimizer slots are NET_PARAMS f32 each; lrsPtr holds one f64 learning rate per
 * batch; l1 and l2 penalize the weights. Statistics go to statsPtr (train.ts STAT_*).
 */
export function trainNetworkEpoch(
  descPtr: usize, xPtr: usize, yPtr: usize, swPtr: usize, orderPtr: usize, rows: i32,
  batchSize: i32, firstBatch: i32, lastBatch: i32,
  paramsPtr: usize, gradPtr: usize, gradSumPtr: usize, slotsPtr: usize, optPtr: usize,
  lrsPtr: usize, l1: f64, l2: f64, statsPtr: usize,
): void {
  const nParams = field(descPtr, NET_PARAMS);
  if (firstBatch == 0) startEpoch(statsPtr, gradSumPtr, nParams);
  let lossSum = load<f64>(statsPtr + (STAT_LOSS_SUM << 3));
  let maxStep = load<f64>(statsPtr + (STAT_MAX_STEP << 3));
  let diverged = -1;
  let batch = firstBatch;
  let start = firstBatch * batchSize;
  for (; batch < lastBatch && start < rows; batch++, start += batchSize) {
    const end = min(start + batchSize, rows);
    memory.fill(gradPtr, 0, <usize>nParams << 2);
    const batchLoss = batchGradient(descPtr, xPtr, yPtr, swPtr, orderPtr, start, end, paramsPtr, gradPtr);
    if (!isFinite(batchLoss)) { diverged = batch; break; }
    const n = end - start;
    averageBatch(gradPtr, gradSumPtr, nParams, n);
    let penalty: f64 = 0;
    if (l1 != 0 || l2 != 0) penalty = addPenalties(descPtr, paramsPtr, gradPtr, l1, l2);
    step(optPtr, paramsPtr, gradPtr, slotsPtr, nParams, load<f64>(lrsPtr + (<usize>batch << 3)));
    lossSum += batchLoss + penalty * n;
    if (!isFinite(lastGradNormSq) || !isFinite(lastMaxChange)) { diverged = batch; break; }
    maxStep = max(maxStep, lastMaxChange);
  }
  finishEpoch(statsPtr, gradSumPtr, nParams, lossSum, maxStep, batch, min(start, rows) - firstBatch * batchSize, diverged);
}

/**
 * The loss sum of all rows in storage order at the parameters at paramsPtr, and
 * their gradient summed over the rows (not averaged, no penalties) in gradPtr
 * (NET_PARAMS f32, overwritten). For gradient checks; nothing else changes.
 */
export function networkGradient(descPtr: usize, xPtr: usize, yPtr: usize, swPtr: usize, rows: i32, paramsPtr: usize, gradPtr: usize): f64 {
  memory.fill(gradPtr, 0, <usize>field(descPtr, NET_PARAMS) << 2);
  return batchGradient(descPtr, xPtr, yPtr, swPtr, 0, 0, rows, paramsPtr, gradPtr);
}

/**
 * Writes the output layer's values for rows rows at xPtr to outPtr (rows x outputs
 * f32): what the head takes, so logits before its sigmoid or softmax (values for
 * mse; with an activation on the output layer, after it). Losses and probabilities
 * are formed from them by the caller, which keeps full precision where
 * probabilities would round to 0 or 1.
 */
export function predictNetwork(descPtr: usize, xPtr: usize, rows: i32, paramsPtr: usize, outPtr: usize): void {
  const capacity = field(descPtr, NET_CAPACITY);
  const rowBytes = <usize>field(descPtr, NET_INPUTS) << 2;
  const outBytes = <usize>layerField(descPtr, field(descPtr, NET_LAYERS) - 1, LAYER_UNITS) << 2;
  for (let c = 0; c < rows; c += capacity) {
    forward(descPtr, xPtr + <usize>c * rowBytes, min(capacity, rows - c), paramsPtr, outPtr + <usize>c * outBytes);
  }
}
