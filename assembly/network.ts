// The batch gradient of a network of dense layers (forward pass, head, backpropagation)
// and its forward pass for prediction. The network's shape and its buffers arrive as a
// descriptor block in linear memory (NET_* and LAYER_* in src/wasm/abi.ts, written by
// src/wasm/networkBlock.ts), the data as a data descriptor (DATA_*). train.ts runs the
// epoch. src/reference/network.ts is the float64 twin.
import { denseForward, denseBackwardInput, denseBackwardWeights } from './kernels/dense';
import { activationForward, activationBackward } from './kernels/activations';
import { lossRows } from './kernels/losses';
import { softmaxCrossEntropy } from './kernels/softmax';
import { sparseDenseForward, sparseDenseBackward } from './kernels/sparse';
import { field, pointer } from './fields';
import {
  NET_INPUTS, NET_LAYERS, NET_HEAD, NET_PARAMS, NET_CAPACITY, NET_X_PTR, NET_Y_PTR, NET_SW_PTR, NET_PARAMS_PTR,
  NET_GRAD_PTR, NET_SCRATCH_PTR, NET_SLICE_ROWS, NET_HEADER, LAYER_FIELDS, LAYER_UNITS, LAYER_ACTIVATION, LAYER_WEIGHTS, LAYER_BIAS, LAYER_OUT_PTR,
  LAYER_DELTA_PTR, HEAD_SOFTMAX, DATA_KIND, KIND_DENSE, KIND_CSR, DATA_ROWS, DATA_X_PTR, DATA_Y_PTR, DATA_SW_PTR,
  DATA_INDPTR_PTR, DATA_INDICES_PTR, STATUS_OK, STATUS_BAD_KIND,
} from '../src/wasm/abi';

// @ts-ignore: decorator
@inline export function layerField(netPtr: usize, l: i32, f: i32): i32 {
  return field(netPtr, NET_HEADER + l * LAYER_FIELDS + f);
}

/** The kernels' SIMD tail scratch (KERNEL_TAIL_BYTES). */
// @ts-ignore: decorator
@inline function tailScratch(netPtr: usize): usize {
  return pointer(netPtr, NET_SCRATCH_PTR);
}

// @ts-ignore: decorator
@inline function layerPtr(netPtr: usize, l: i32, f: i32): usize {
  return pointer(netPtr, NET_HEADER + l * LAYER_FIELDS + f);
}

/** Target values per row: one label for softmax, else one per output. */
// @ts-ignore: decorator
@inline function targetWidth(netPtr: usize): i32 {
  return field(netPtr, NET_HEAD) == HEAD_SOFTMAX ? 1 : layerField(netPtr, field(netPtr, NET_LAYERS) - 1, LAYER_UNITS);
}

/**
 * The forward pass of n rows at xPtr; the last layer writes to lastOutPtr, or to its scratch
 * when that is 0. With indptrPtr, the rows are CSR (values at xPtr, columns at idxPtr): rows at
 * positions first..first+n of orderPtr's order, and the first layer is a sparse product.
 */
function forward(
  netPtr: usize, xPtr: usize, n: i32, paramsPtr: usize, lastOutPtr: usize,
  indptrPtr: usize, idxPtr: usize, orderPtr: usize, first: i32,
): void {
  const layers = field(netPtr, NET_LAYERS);
  const tailPtr = tailScratch(netPtr);
  let inPtr = xPtr;
  let width = field(netPtr, NET_INPUTS);
  for (let l = 0; l < layers; l++) {
    const units = layerField(netPtr, l, LAYER_UNITS);
    const outPtr = l == layers - 1 && lastOutPtr ? lastOutPtr : layerPtr(netPtr, l, LAYER_OUT_PTR);
    const wPtr = paramsPtr + (<usize>layerField(netPtr, l, LAYER_WEIGHTS) << 2);
    const bPtr = paramsPtr + (<usize>layerField(netPtr, l, LAYER_BIAS) << 2);
    if (l == 0 && indptrPtr) {
      sparseDenseForward(xPtr, idxPtr, indptrPtr, orderPtr, first, n, wPtr, bPtr, width, units, outPtr);
    } else {
      denseForward(inPtr, n, width, wPtr, bPtr, units, outPtr);
    }
    activationForward(layerField(netPtr, l, LAYER_ACTIVATION), outPtr, n * units, tailPtr);
    inPtr = outPtr;
    width = units;
  }
}

/**
 * loss plus the (weighted) loss sum of n rows (x, targets and weights contiguous), and their
 * summed gradient, added to gradPtr: forward, the head's delta, then for each layer
 * from the last: gradW += delta^T a_prev, gradb += column sums of delta, and
 * delta_prev = (delta W) * f'(a_prev). The sums over rows (the loss and the weight and bias
 * gradients) run in slices of NET_SLICE_ROWS rows, each slice's sum added in order; the
 * products per row run over all n rows at once. A slice is what a data-parallel team's thread
 * computes (team.ts), so the bits do not depend on how many threads share the rows.
 */
function chunkGradient(
  netPtr: usize, xPtr: usize, yPtr: usize, swPtr: usize, n: i32, paramsPtr: usize, gradPtr: usize,
  indptrPtr: usize, idxPtr: usize, orderPtr: usize, first: i32, loss: f64,
): f64 {
  forward(netPtr, xPtr, n, paramsPtr, 0, indptrPtr, idxPtr, orderPtr, first);
  const last = field(netPtr, NET_LAYERS) - 1;
  const head = field(netPtr, NET_HEAD);
  const tailPtr = tailScratch(netPtr);
  const slice = field(netPtr, NET_SLICE_ROWS);
  let units = layerField(netPtr, last, LAYER_UNITS);
  let outPtr = layerPtr(netPtr, last, LAYER_OUT_PTR);
  let deltaPtr = layerPtr(netPtr, last, LAYER_DELTA_PTR);
  for (let k = 0; k < n; k += slice) {
    const m = min(slice, n - k);
    const at = <usize>k * units << 2;
    const sw = swPtr ? swPtr + (<usize>k << 2) : 0;
    loss += head == HEAD_SOFTMAX
      ? softmaxCrossEntropy(outPtr + at, m, units, yPtr + (<usize>k << 2), sw, deltaPtr + at)
      : lossRows(head, outPtr + at, yPtr + at, sw, m, units, deltaPtr + at, tailPtr); // HEAD_MSE and HEAD_SIGMOID are lossRows' LOSS codes
  }
  activationBackward(layerField(netPtr, last, LAYER_ACTIVATION), outPtr, deltaPtr, n * units, tailPtr);
  for (let l = last; l >= 0; l--) {
    const prevOutPtr = l > 0 ? layerPtr(netPtr, l - 1, LAYER_OUT_PTR) : xPtr;
    const width = l > 0 ? layerField(netPtr, l - 1, LAYER_UNITS) : field(netPtr, NET_INPUTS);
    const w = <usize>layerField(netPtr, l, LAYER_WEIGHTS) << 2;
    const b = gradPtr + (<usize>layerField(netPtr, l, LAYER_BIAS) << 2);
    for (let k = 0; k < n; k += slice) {
      const m = min(slice, n - k);
      const d = deltaPtr + (<usize>k * units << 2);
      if (l == 0 && indptrPtr) {
        sparseDenseBackward(xPtr, idxPtr, indptrPtr, orderPtr, first + k, m, d, width, units, gradPtr + w, b);
      } else {
        denseBackwardWeights(prevOutPtr + (<usize>k * width << 2), d, m, width, units, gradPtr + w, b);
      }
    }
    if (l == 0) break;
    const prevDeltaPtr = layerPtr(netPtr, l - 1, LAYER_DELTA_PTR);
    denseBackwardInput(deltaPtr, n, units, paramsPtr + w, width, prevDeltaPtr);
    activationBackward(layerField(netPtr, l - 1, LAYER_ACTIVATION), prevOutPtr, prevDeltaPtr, n * width, tailPtr);
    units = width;
    deltaPtr = prevDeltaPtr;
  }
  return loss;
}

/** Copies n bytes (a multiple of 4) from src to dst: one gathered row or its targets. */
// @ts-ignore: decorator
@inline function copyBytes(dst: usize, src: usize, n: usize): void {
  let i: usize = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i + 16 <= n; i += 16) v128.store(dst + i, v128.load(src + i));
  }
  for (; i < n; i += 4) store<u32>(dst + i, load<u32>(src + i));
}

/**
 * loss plus the loss sum of the n rows at positions c..c+n (row order[p] at position p, or p when
 * orderPtr is 0; n at most NET_CAPACITY) and their summed gradient, added to gradPtr. A
 * shuffled chunk is first gathered into netPtr's chunk scratch (from one cache-sized bucket
 * of the arrangement, see shuffle.ts). With indptrPtr the rows are CSR (values at xPtr,
 * columns at idxPtr): only their targets and weights are gathered, and the first layer reads
 * each row where it lies. A team's worker runs it with a descriptor of its own (team.ts).
 */
export function networkChunk(
  netPtr: usize, xPtr: usize, yPtr: usize, swPtr: usize, orderPtr: usize, c: i32, n: i32,
  paramsPtr: usize, gradPtr: usize, indptrPtr: usize, idxPtr: usize, loss: f64,
): f64 {
  const rowBytes = <usize>field(netPtr, NET_INPUTS) << 2;
  const yBytes = <usize>targetWidth(netPtr) << 2;
  if (!orderPtr && !indptrPtr) {
    return chunkGradient(netPtr, xPtr + <usize>c * rowBytes, yPtr + <usize>c * yBytes,
      swPtr ? swPtr + (<usize>c << 2) : 0, n, paramsPtr, gradPtr, 0, 0, 0, 0, loss);
  }
  const xs = pointer(netPtr, NET_X_PTR);
  const ys = pointer(netPtr, NET_Y_PTR);
  const sws = pointer(netPtr, NET_SW_PTR);
  // CSR rows stay where they lie (the first layer reads them through order): only their targets and weights move.
  for (let k = 0; k < n; k++) {
    const r = orderPtr ? <usize>load<u32>(orderPtr + (<usize>(c + k) << 2)) : <usize>(c + k);
    if (!indptrPtr) copyBytes(xs + <usize>k * rowBytes, xPtr + r * rowBytes, rowBytes);
    copyBytes(ys + <usize>k * yBytes, yPtr + r * yBytes, yBytes);
    if (swPtr) store<f32>(sws + (<usize>k << 2), load<f32>(swPtr + (r << 2)));
  }
  return chunkGradient(netPtr, indptrPtr ? xPtr : xs, ys, swPtr ? sws : 0, n, paramsPtr, gradPtr, indptrPtr, idxPtr, orderPtr, c, loss);
}

/**
 * The loss sum of rows start..end and their summed gradient, added to gradPtr: chunks of
 * NET_CAPACITY rows from start (a multiple of NET_SLICE_ROWS), each summed in slices added in
 * order (in the SIMD builds a slice's weight and bias gradients are formed from zero in
 * registers, then added). The threaded build's team.ts splits the same slices across threads,
 * each into a zeroed gradient, and adds them in the same order, so the bits do not depend on the
 * thread count.
 */
export function networkBatch(
  netPtr: usize, xPtr: usize, yPtr: usize, swPtr: usize, orderPtr: usize, start: i32, end: i32,
  paramsPtr: usize, gradPtr: usize, indptrPtr: usize, idxPtr: usize,
): f64 {
  const capacity = field(netPtr, NET_CAPACITY);
  let loss: f64 = 0;
  for (let c = start; c < end; c += capacity) {
    // The running loss goes in, so every slice's loss is added to it in order (not a chunk's sum first).
    loss = networkChunk(netPtr, xPtr, yPtr, swPtr, orderPtr, c, min(capacity, end - c), paramsPtr, gradPtr, indptrPtr, idxPtr, loss);
  }
  return loss;
}

/**
 * The loss sum of all rows of the data at dataPtr, in storage order, at the network's
 * parameters, and their gradient summed over the rows (not averaged, no penalties) in
 * its gradient vector (overwritten). For gradient checks; nothing else changes. Traps
 * on a kind of data it cannot read (the engines send only dense data).
 */
export function networkGradient(netPtr: usize, dataPtr: usize): f64 {
  if (field(dataPtr, DATA_KIND) != KIND_DENSE) unreachable();
  const gradPtr = pointer(netPtr, NET_GRAD_PTR);
  memory.fill(gradPtr, 0, <usize>field(netPtr, NET_PARAMS) << 2);
  return networkBatch(netPtr, pointer(dataPtr, DATA_X_PTR), pointer(dataPtr, DATA_Y_PTR), pointer(dataPtr, DATA_SW_PTR), 0,
    0, field(dataPtr, DATA_ROWS), pointer(netPtr, NET_PARAMS_PTR), gradPtr, 0, 0);
}

/**
 * Writes the output layer's values for the rows of the data at dataPtr, in storage
 * order, to outPtr (rows x outputs f32): what the head takes, so logits before its
 * sigmoid or softmax (values for mse; with an activation on the output layer, after
 * it). Losses and probabilities are formed from them by the caller, which keeps full
 * precision where probabilities would round to 0 or 1. Returns STATUS_BAD_KIND for data
 * it cannot read, else STATUS_OK.
 */
export function predict(netPtr: usize, dataPtr: usize, outPtr: usize): i32 {
  const kind = field(dataPtr, DATA_KIND);
  if (kind != KIND_DENSE && kind != KIND_CSR) return STATUS_BAD_KIND;
  const indptrPtr = kind == KIND_CSR ? pointer(dataPtr, DATA_INDPTR_PTR) : 0;
  const idxPtr = pointer(dataPtr, DATA_INDICES_PTR);
  const rows = field(dataPtr, DATA_ROWS);
  const xPtr = pointer(dataPtr, DATA_X_PTR);
  const paramsPtr = pointer(netPtr, NET_PARAMS_PTR);
  const layers = field(netPtr, NET_LAYERS);
  // Hidden layers write to the chunk scratch; without them every row goes in one call.
  const chunk = layers > 1 ? field(netPtr, NET_CAPACITY) : max(rows, 1);
  const rowBytes = <usize>field(netPtr, NET_INPUTS) << 2;
  const outBytes = <usize>layerField(netPtr, layers - 1, LAYER_UNITS) << 2;
  for (let c = 0; c < rows; c += chunk) {
    const n = min(chunk, rows - c);
    if (indptrPtr) forward(netPtr, xPtr, n, paramsPtr, outPtr + <usize>c * outBytes, indptrPtr, idxPtr, 0, c);
    else forward(netPtr, xPtr + <usize>c * rowBytes, n, paramsPtr, outPtr + <usize>c * outBytes, 0, 0, 0, 0);
  }
  return STATUS_OK;
}
