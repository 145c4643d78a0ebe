// Mini-batch gradient descent, one call per epoch (or per chunk of batches when a
// callback wants to see progress), so the per-batch loop never returns to JS. One loop
// for every model: the network and its buffers come as a network descriptor, the data,
// its arrangement and the epoch's settings as a data descriptor (src/wasm/abi.ts). Per
// batch the loop takes the batch gradient (linear.ts for one output without hidden
// layers, network.ts otherwise), scatters the batch's rows into the next epoch's
// arrangement (shuffle.ts), adds the penalties and steps the optimizer. Everything it
// keeps between calls is in those blocks, none of it in module globals, and in the threaded
// build every scratch it writes is in the network block too (linear.ts), so two threads can
// train two models over one memory at once.
// src/reference/train.ts is the twin.
import { linearBatch } from './linear';
import { lazySgd, plainSgd } from './sparseLinear';
import { networkBatch, layerField } from './network';
import { step } from './optimizers';
import { schedulePoint } from './lrFree';
import { scatterKernel } from './shuffle';
import { readSequential } from './bounds';
import { teamBatch, teamFault, teamStop } from './team';
import { field, pointer, fieldF64 } from './fields';
import {
  NET_INPUTS, NET_LAYERS, NET_HEAD, NET_PARAMS, NET_PARAMS_PTR, NET_GRAD_PTR, NET_GRAD_SUM_PTR,
  NET_SLOTS_PTR, NET_OPT_PTR, NET_STATS_PTR, NET_SUB_PTR, LAYER_UNITS, LAYER_ACTIVATION, LAYER_WEIGHTS, ACT_IDENTITY, HEAD_SOFTMAX,
  DATA_KIND, KIND_DENSE, KIND_CSR, DATA_INDPTR_PTR, DATA_INDICES_PTR, DATA_FIRST_ROW, DATA_ROWS, DATA_COLS, DATA_WIDTH, DATA_X_PTR, DATA_Y_PTR, DATA_SW_PTR, DATA_ORDER_PTR,
  DATA_BUCKETS, DATA_STARTS_PTR, DATA_IDS_PTR, DATA_CURSORS_PTR, DATA_NEXT_X_PTR, DATA_NEXT_Y_PTR, DATA_NEXT_SW_PTR,
  DATA_BATCH_SIZE, DATA_LRS_PTR, DATA_L1, DATA_L2, STAT_LOSS_SUM, STAT_GRAD_NORM, STAT_MAX_STEP, STAT_BATCHES,
  STAT_DIVERGED, STAT_ROWS, STAT_STEP_NORM_SQ, STAT_STEP_MAX_CHANGE, STAT_FIELDS, STATUS_OK, STATUS_BAD_KIND,
  STATUS_WORKER_FAULT, DATA_TEAM_PTR, NET_SLICE_ROWS,
} from '../src/wasm/abi';

// Keeps the warm-up reads from being optimized away (written, never read: a race on it is harmless).
let warmSink: f32 = 0;

/**
 * Trains batches firstBatch..lastBatch of an epoch of the network at netPtr over the
 * data at dataPtr: rows visited in the data's order (or storage order when its orderPtr
 * is 0), one optimizer step per batch of batchSize rows at that batch's learning rate,
 * l1 and l2 on the weights (not the biases). When the data is bucketed (buckets > 1),
 * each bucket is read once sequentially before its rows are visited in random order, so
 * those reads hit cache; when its idsPtr is not 0 each visited row is also copied into
 * the next arrangement. The epoch's totals go to the network's stats block (STAT_*); they
 * start over at batch 0 unless the table is a later block of a stream's epoch (DATA_FIRST_ROW,
 * the epoch's rows before it, is not 0: fitStream), when they carry on.
 * In the threaded build, a data descriptor with a team (DATA_TEAM_PTR) shares each network
 * batch's chunks with the team's workers (team.ts), and the call ends the workers' part.
 * Returns STATUS_OK, STATUS_BAD_KIND (nothing changed) for a kind of data it cannot read, or
 * STATUS_WORKER_FAULT when a worker of the team failed (the model is then restored by the caller).
 */
export function trainEpoch(netPtr: usize, dataPtr: usize, firstBatch: i32, lastBatch: i32): i32 {
  if (!ASC_FEATURE_THREADS) return epoch(netPtr, dataPtr, firstBatch, lastBatch, 0);
  const teamPtr = pointer(dataPtr, DATA_TEAM_PTR);
  const status = epoch(netPtr, dataPtr, firstBatch, lastBatch, teamPtr);
  if (!teamPtr) return status;
  teamStop(teamPtr);
  return teamFault(teamPtr) ? STATUS_WORKER_FAULT : status;
}

function epoch(netPtr: usize, dataPtr: usize, firstBatch: i32, lastBatch: i32, teamPtr: usize): i32 {
  const kind = field(dataPtr, DATA_KIND);
  if (kind != KIND_DENSE && kind != KIND_CSR) return STATUS_BAD_KIND;
  // In the threaded build a one-output model whose block has slices of more than one row (only
  // where src/engines/wasm.ts's dataParallel.linear asked for them) takes the network's step:
  // slices a team can share, so its bits do not depend on the thread count.
  const linearLoss = ASC_FEATURE_THREADS && field(netPtr, NET_SLICE_ROWS) > 1 ? -1 : linearHead(netPtr);
  // CSR rows (values at DATA_X_PTR): never bucketed (the visit order is one Fisher-Yates
  // permutation of all rows, src/engines/shape.ts); shuffled, the engines hand over a copy
  // already in the visit order (shuffle.ts arrangeSparse), so lazySgd reads rows in storage
  // order only (an order it is given sends the rows to the network step instead).
  const indptrPtr = kind == KIND_CSR ? pointer(dataPtr, DATA_INDPTR_PTR) : 0;
  const idxPtr = pointer(dataPtr, DATA_INDICES_PTR);
  if (indptrPtr && !pointer(dataPtr, DATA_ORDER_PTR) && linearLoss >= 0 && plainSgd(pointer(netPtr, NET_OPT_PTR))) {
    lazySgd(netPtr, dataPtr, firstBatch, lastBatch, linearLoss);
    return STATUS_OK;
  }
  // Every field is read once per call, into locals.
  const nParams = field(netPtr, NET_PARAMS);
  const paramsPtr = pointer(netPtr, NET_PARAMS_PTR);
  const gradPtr = pointer(netPtr, NET_GRAD_PTR);
  const gradSumPtr = pointer(netPtr, NET_GRAD_SUM_PTR);
  const slotsPtr = pointer(netPtr, NET_SLOTS_PTR);
  const optPtr = pointer(netPtr, NET_OPT_PTR);
  const statsPtr = pointer(netPtr, NET_STATS_PTR);
  const subPtr = ASC_FEATURE_THREADS ? pointer(netPtr, NET_SUB_PTR) : 0;
  const rows = field(dataPtr, DATA_ROWS);
  const cols = field(dataPtr, DATA_COLS);
  const width = field(dataPtr, DATA_WIDTH);
  const xPtr = pointer(dataPtr, DATA_X_PTR);
  const yPtr = pointer(dataPtr, DATA_Y_PTR);
  const swPtr = pointer(dataPtr, DATA_SW_PTR);
  const orderPtr = pointer(dataPtr, DATA_ORDER_PTR);
  const buckets = field(dataPtr, DATA_BUCKETS);
  const startsPtr = buckets > 1 ? pointer(dataPtr, DATA_STARTS_PTR) : 0;
  const idsPtr = pointer(dataPtr, DATA_IDS_PTR);
  const cursorsPtr = pointer(dataPtr, DATA_CURSORS_PTR);
  const nextXPtr = pointer(dataPtr, DATA_NEXT_X_PTR);
  const nextYPtr = pointer(dataPtr, DATA_NEXT_Y_PTR);
  const nextSwPtr = pointer(dataPtr, DATA_NEXT_SW_PTR);
  const batchSize = field(dataPtr, DATA_BATCH_SIZE);
  const lrsPtr = pointer(dataPtr, DATA_LRS_PTR);
  const l1 = fieldF64(dataPtr, DATA_L1);
  const l2 = fieldF64(dataPtr, DATA_L2);
  const rowBytes = <usize>cols << 2;
  const paramBytes = <usize>nParams << 2;

  if (firstBatch == 0 && field(dataPtr, DATA_FIRST_ROW) == 0) startEpoch(statsPtr, gradSumPtr, nParams);
  // Between calls the parameters are where the model is evaluated (Schedule-Free's x); gradients are taken elsewhere.
  schedulePoint(optPtr, paramsPtr, slotsPtr, nParams, false);
  let lossSum = load<f64>(statsPtr + (STAT_LOSS_SUM << 3));
  let maxStep = load<f64>(statsPtr + (STAT_MAX_STEP << 3));
  let diverged = -1;
  let batch = firstBatch;
  let start = firstBatch * batchSize;
  // Buckets that start before this chunk were warmed by an earlier chunk.
  let nextBucket = 0;
  if (startsPtr) {
    while (nextBucket < buckets && <i32>load<u32>(startsPtr + (<usize>nextBucket << 2)) < start) nextBucket++;
  }
  for (; batch < lastBatch && start < rows; batch++, start += batchSize) {
    const end = min(start + batchSize, rows);
    memory.fill(gradPtr, 0, paramBytes);
    if (startsPtr) {
      while (nextBucket < buckets && <i32>load<u32>(startsPtr + (<usize>nextBucket << 2)) < end) {
        const from = load<u32>(startsPtr + (<usize>nextBucket << 2));
        const to = load<u32>(startsPtr + (<usize>(nextBucket + 1) << 2));
        warmSink += readSequential(xPtr + <usize>from * rowBytes, <i32>(to - from) * cols);
        nextBucket++;
      }
    }
    // CSR rows take the network step (its first layer sparse) for every shape but lazySgd's.
    // A team (dense rows of a network only: src/engines/wasm.ts) shares the batch's chunks.
    const batchLoss = linearLoss >= 0 && !indptrPtr
      ? linearBatch(linearLoss, xPtr, yPtr, swPtr, orderPtr, start, end, cols, paramsPtr, gradPtr, subPtr)
      : ASC_FEATURE_THREADS && teamPtr
        ? teamBatch(netPtr, teamPtr, xPtr, yPtr, swPtr, orderPtr, start, end, paramsPtr, gradPtr)
        : networkBatch(netPtr, xPtr, yPtr, swPtr, orderPtr, start, end, paramsPtr, gradPtr, indptrPtr, idxPtr);
    if (ASC_FEATURE_THREADS && teamPtr && teamFault(teamPtr)) break;
    if (idsPtr) {
      scatterKernel(xPtr, yPtr, swPtr, orderPtr, idsPtr, cursorsPtr, nextXPtr, nextYPtr, nextSwPtr, start, end, cols, width);
    }
    if (!isFinite(batchLoss)) { diverged = batch; break; }
    const n = end - start;
    averageBatch(gradPtr, gradSumPtr, nParams, n);
    let penalty: f64 = 0;
    if (l1 != 0 || l2 != 0) penalty = addPenalties(netPtr, paramsPtr, gradPtr, l1, l2);
    step(optPtr, paramsPtr, gradPtr, slotsPtr, nParams, load<f64>(lrsPtr + (<usize>batch << 3)), statsPtr);
    lossSum += batchLoss + penalty * n;
    const change = load<f64>(statsPtr + (STAT_STEP_MAX_CHANGE << 3));
    if (!isFinite(load<f64>(statsPtr + (STAT_STEP_NORM_SQ << 3))) || !isFinite(change)) { diverged = batch; break; }
    maxStep = max(maxStep, change);
  }
  finishEpoch(statsPtr, gradSumPtr, nParams, lossSum, maxStep, batch, min(start, rows) - firstBatch * batchSize, diverged);
  schedulePoint(optPtr, paramsPtr, slotsPtr, nParams, true);
  return STATUS_OK;
}

/**
 * The loss code of linear.ts's batch step when the network is one output without hidden
 * layers (identity output, mse or sigmoid head: lossRows' LOSS_MSE and LOSS_BCE), else -1.
 */
// @ts-ignore: decorator
@inline function linearHead(netPtr: usize): i32 {
  const head = field(netPtr, NET_HEAD);
  return field(netPtr, NET_LAYERS) == 1 && layerField(netPtr, 0, LAYER_UNITS) == 1 &&
    layerField(netPtr, 0, LAYER_ACTIVATION) == ACT_IDENTITY && head != HEAD_SOFTMAX ? head : -1;
}

/** Zeroes the epoch's gradient sum (nParams f64: a sum of f32 gradients can overflow f32) and its stats block; called by the chunk with firstBatch = 0. */
export function startEpoch(statsPtr: usize, gradSumPtr: usize, nParams: i32): void {
  memory.fill(gradSumPtr, 0, <usize>nParams << 3);
  memory.fill(statsPtr, 0, STAT_FIELDS * 8);
  store<f64>(statsPtr + (STAT_DIVERGED << 3), -1);
}

/** Adds a batch's summed gradient to the epoch's running sum (f64), then divides it by the batch's n rows (the mean). */
function averageBatch(gradPtr: usize, gradSumPtr: usize, nParams: i32, n: i32): void {
  const invN = <f32>1 / <f32>n;
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    // Element by element, so the lanes round exactly as the scalar loop does.
    const inv = f32x4.splat(invN);
    for (; i + 4 <= nParams; i += 4) {
      const off = <usize>i << 2;
      const g = v128.load(gradPtr + off);
      const sum = gradSumPtr + (off << 1);
      v128.store(sum, f64x2.add(v128.load(sum), f64x2.promote_low_f32x4(g)));
      v128.store(sum + 16, f64x2.add(v128.load(sum + 16), f64x2.promote_low_f32x4(v128.shuffle<f32>(g, g, 2, 3, 0, 1))));
      v128.store(gradPtr + off, f32x4.mul(g, inv));
    }
  }
  for (; i < nParams; i++) {
    const off = <usize>i << 2;
    const g = load<f32>(gradPtr + off);
    store<f64>(gradSumPtr + (off << 1), load<f64>(gradSumPtr + (off << 1)) + <f64>g);
    store<f32>(gradPtr + off, g * invN);
  }
}

/**
 * Writes a chunk's totals to the stats block: lossSum and maxStep so far, the next
 * batch index, rowsDone more rows seen, the diverged batch (or -1), and the norm of
 * the epoch's average gradient from the running sum.
 */
export function finishEpoch(
  statsPtr: usize, gradSumPtr: usize, nParams: i32, lossSum: f64, maxStep: f64, batch: i32, rowsDone: i32, diverged: i32,
): void {
  const seen = load<f64>(statsPtr + (STAT_ROWS << 3)) + <f64>rowsDone;
  let normSq: f64 = 0;
  for (let i = 0; i < nParams; i++) {
    const g = load<f64>(gradSumPtr + (<usize>i << 3));
    normSq += g * g;
  }
  store<f64>(statsPtr + (STAT_LOSS_SUM << 3), lossSum);
  store<f64>(statsPtr + (STAT_GRAD_NORM << 3), Math.sqrt(normSq) / max(seen, 1));
  store<f64>(statsPtr + (STAT_MAX_STEP << 3), maxStep);
  store<f64>(statsPtr + (STAT_BATCHES << 3), batch);
  store<f64>(statsPtr + (STAT_ROWS << 3), seen);
  if (diverged >= 0) store<f64>(statsPtr + (STAT_DIVERGED << 3), diverged);
}

/** Adds l2 * w + l1 * sign(w) to the gradient of n weights; returns l2/2 ||w||^2 + l1 ||w||_1. */
function addPenalty(paramsPtr: usize, gradPtr: usize, n: i32, l1: f64, l2: f64): f64 {
  let sq: f64 = 0;
  let abs1: f64 = 0;
  for (let i = 0; i < n; i++) {
    const off = <usize>i << 2;
    const w = <f64>load<f32>(paramsPtr + off);
    sq += w * w;
    abs1 += Math.abs(w);
    const sign: f64 = w > 0 ? 1 : w < 0 ? -1 : 0;
    store<f32>(gradPtr + off, <f32>(<f64>load<f32>(gradPtr + off) + l2 * w + l1 * sign));
  }
  return 0.5 * l2 * sq + l1 * abs1;
}

/** The penalties over every layer's weights (not the biases), with their gradient added to gradPtr. */
function addPenalties(netPtr: usize, paramsPtr: usize, gradPtr: usize, l1: f64, l2: f64): f64 {
  const layers = field(netPtr, NET_LAYERS);
  let width = field(netPtr, NET_INPUTS);
  let penalty: f64 = 0;
  for (let l = 0; l < layers; l++) {
    const units = layerField(netPtr, l, LAYER_UNITS);
    const w = <usize>layerField(netPtr, l, LAYER_WEIGHTS) << 2;
    penalty += addPenalty(paramsPtr + w, gradPtr + w, units * width, l1, l2);
    width = units;
  }
  return penalty;
}
