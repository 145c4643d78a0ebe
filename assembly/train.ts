// One epoch of mini-batch gradient descent for a linear model, fused into one
// call so the per-batch loop never returns to JS. src/reference/train.ts is the twin.
import { dotKernel } from './kernels/dot';
import { axpyKernel } from './kernels/axpy';
import { LOSS_BCE, bceLoss, bceGrad, mseLoss, mseGrad, bceShared4, bceLoss4, bceGrad4 } from './kernels/losses';
import { dot4, axpy4 } from './kernels/block4';
import { step, lastGradNormSq, lastMaxChange } from './optimizers';
import { scatterKernel } from './shuffle';
import { readSequential } from './bounds';

// Layout of the stats block (f64 values at statsPtr), read by src/engines/wasm.ts.
export const STAT_LOSS_SUM = 0;   // sum of row losses, each at the parameters its batch saw
export const STAT_GRAD_NORM = 1;  // L2 norm of the epoch's average gradient
export const STAT_MAX_STEP = 2;   // largest single-step parameter change
export const STAT_BATCHES = 3;    // batches whose update was applied
export const STAT_DIVERGED = 4;   // index of the batch whose loss or update was not finite, else -1

// Keeps the warm-up reads from being optimized away.
let warmSink: f32 = 0;

/**
 * Trains one epoch over rows x cols f32 values at xPtr with targets at yPtr.
 * Rows are visited in the order given by orderPtr (u32 row indices), or in
 * storage order when orderPtr is 0. Parameters are [w (cols), bias, padding]
 * with nParams entries; lrsPtr holds one f64 learning rate per batch.
 * Shuffling (see shuffle.ts): when startsPtr is not 0 the rows form `buckets`
 * contiguous buckets and each is read once sequentially before its rows are
 * visited in random order, so those reads hit cache; when idsPtr is not 0 each
 * visited row is also copied into the next epoch's arrangement (nextX, nextY).
 */
export function trainEpoch(
  lossKind: i32, xPtr: usize, yPtr: usize, orderPtr: usize, rows: i32, cols: i32, batchSize: i32,
  paramsPtr: usize, gradPtr: usize, gradSumPtr: usize, nParams: i32, slotsPtr: usize, optPtr: usize,
  lrsPtr: usize, statsPtr: usize,
  startsPtr: usize, buckets: i32, idsPtr: usize, cursorsPtr: usize, nextXPtr: usize, nextYPtr: usize,
): void {
  let nextBucket = 0;
  const rowBytes = <usize>cols << 2;
  const gradBiasPtr = gradPtr + rowBytes;
  const paramBytes = <usize>nParams << 2;
  memory.fill(gradSumPtr, 0, paramBytes);
  let lossSum: f64 = 0;
  let maxStep: f64 = 0;
  let batch = 0;
  let diverged = -1;
  for (let start = 0; start < rows; start += batchSize) {
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
    let batchLoss: f32;
    let gradBias: f32;
    if (ASC_FEATURE_SIMD) {
      batchLoss = batchSimd(lossKind, xPtr, yPtr, orderPtr, start, end, cols, paramsPtr, gradPtr);
      gradBias = batchGradBias;
    } else {
      batchLoss = batchScalar(lossKind, xPtr, yPtr, orderPtr, start, end, cols, paramsPtr, gradPtr);
      gradBias = batchGradBias;
    }
    store<f32>(gradBiasPtr, gradBias);
    if (idsPtr) scatterKernel(xPtr, yPtr, orderPtr, idsPtr, cursorsPtr, nextXPtr, nextYPtr, start, end, cols);
    if (!isFinite(batchLoss)) { diverged = batch; break; }
    // Keep the epoch's running gradient sum, then make this batch's gradient a mean.
    const invN = <f32>1 / <f32>(end - start);
    for (let i = 0; i < nParams; i++) {
      const off = <usize>i << 2;
      const g = load<f32>(gradPtr + off);
      store<f32>(gradSumPtr + off, load<f32>(gradSumPtr + off) + g);
      store<f32>(gradPtr + off, g * invN);
    }
    step(optPtr, paramsPtr, gradPtr, slotsPtr, nParams, load<f64>(lrsPtr + (<usize>batch << 3)));
    lossSum += <f64>batchLoss;
    if (!isFinite(lastGradNormSq) || !isFinite(lastMaxChange)) { diverged = batch; break; }
    maxStep = max(maxStep, lastMaxChange);
    batch++;
  }
  let normSq: f64 = 0;
  for (let i = 0; i < nParams; i++) {
    const g = <f64>load<f32>(gradSumPtr + (<usize>i << 2));
    normSq += g * g;
  }
  store<f64>(statsPtr + (STAT_LOSS_SUM << 3), lossSum);
  store<f64>(statsPtr + (STAT_GRAD_NORM << 3), Math.sqrt(normSq) / rows);
  store<f64>(statsPtr + (STAT_MAX_STEP << 3), maxStep);
  store<f64>(statsPtr + (STAT_BATCHES << 3), batch);
  store<f64>(statsPtr + (STAT_DIVERGED << 3), diverged);
}

// The bias gradient of the last batch (a second return value).
let batchGradBias: f32 = 0;

// @ts-ignore: decorator
@inline function rowAt(orderPtr: usize, p: i32): u32 {
  return orderPtr ? load<u32>(orderPtr + (<usize>p << 2)) : <u32>p;
}

/** Loss sum and gradient (not yet divided by the batch size) of rows start..end, one row at a time. */
// @ts-ignore: decorator
@inline function batchScalar(
  lossKind: i32, xPtr: usize, yPtr: usize, orderPtr: usize, start: i32, end: i32, cols: i32,
  paramsPtr: usize, gradPtr: usize,
): f32 {
  const rowBytes = <usize>cols << 2;
  const bias = load<f32>(paramsPtr + rowBytes);
  let batchLoss: f32 = 0;
  let gradBias: f32 = 0;
  for (let p = start; p < end; p++) {
    const r = rowAt(orderPtr, p);
    const rowPtr = xPtr + <usize>r * rowBytes;
    const y = load<f32>(yPtr + (<usize>r << 2));
    const z = dotKernel(paramsPtr, rowPtr, cols) + bias;
    let d: f32;
    if (lossKind == LOSS_BCE) {
      batchLoss += bceLoss(z, y);
      d = bceGrad(z, y);
    } else {
      batchLoss += mseLoss(z, y);
      d = mseGrad(z, y);
    }
    axpyKernel(d, rowPtr, gradPtr, cols);
    gradBias += d;
  }
  batchGradBias = gradBias;
  return batchLoss;
}

/**
 * The same, four rows at a time. A last group of one to three rows repeats its
 * first row in the empty lanes and masks their loss and derivative to zero,
 * so every row goes through the same arithmetic.
 */
// @ts-ignore: decorator
@inline function batchSimd(
  lossKind: i32, xPtr: usize, yPtr: usize, orderPtr: usize, start: i32, end: i32, cols: i32,
  paramsPtr: usize, gradPtr: usize,
): f32 {
  const rowBytes = <usize>cols << 2;
  const bias = f32x4.splat(load<f32>(paramsPtr + rowBytes));
  let lossAcc = f32x4.splat(0);
  let dAcc = f32x4.splat(0);
  for (let p = start; p < end; p += 4) {
    const left = end - p;
    const r0 = rowAt(orderPtr, p);
    const r1 = left > 1 ? rowAt(orderPtr, p + 1) : r0;
    const r2 = left > 2 ? rowAt(orderPtr, p + 2) : r0;
    const r3 = left > 3 ? rowAt(orderPtr, p + 3) : r0;
    const x0 = xPtr + <usize>r0 * rowBytes;
    const x1 = xPtr + <usize>r1 * rowBytes;
    const x2 = xPtr + <usize>r2 * rowBytes;
    const x3 = xPtr + <usize>r3 * rowBytes;
    const y = f32x4(
      load<f32>(yPtr + (<usize>r0 << 2)), load<f32>(yPtr + (<usize>r1 << 2)),
      load<f32>(yPtr + (<usize>r2 << 2)), load<f32>(yPtr + (<usize>r3 << 2)),
    );
    const z = f32x4.add(dot4(paramsPtr, x0, x1, x2, x3, cols), bias);
    let loss: v128, d: v128;
    if (lossKind == LOSS_BCE) {
      const e = bceShared4(z);
      loss = bceLoss4(z, y, e);
      d = bceGrad4(z, y, e);
    } else {
      const err = f32x4.sub(z, y); // squared error and its derivative 2 (z - y)
      loss = f32x4.mul(err, err);
      d = f32x4.add(err, err);
    }
    if (left < 4) {
      const mask = i32x4.lt_s(i32x4(0, 1, 2, 3), i32x4.splat(left));
      loss = v128.and(loss, mask);
      d = v128.and(d, mask);
    }
    lossAcc = f32x4.add(lossAcc, loss);
    dAcc = f32x4.add(dAcc, d);
    axpy4(d, x0, x1, x2, x3, gradPtr, cols);
  }
  batchGradBias = f32x4.extract_lane(dAcc, 0) + f32x4.extract_lane(dAcc, 1) +
                  f32x4.extract_lane(dAcc, 2) + f32x4.extract_lane(dAcc, 3);
  return f32x4.extract_lane(lossAcc, 0) + f32x4.extract_lane(lossAcc, 1) +
         f32x4.extract_lane(lossAcc, 2) + f32x4.extract_lane(lossAcc, 3);
}

/** Writes the logit w.x + b of each of rows rows at xPtr to outPtr (f32). */
export function predictLogits(xPtr: usize, rows: i32, cols: i32, paramsPtr: usize, outPtr: usize): void {
  const rowBytes = <usize>cols << 2;
  const bias = load<f32>(paramsPtr + rowBytes);
  for (let r = 0; r < rows; r++) {
    store<f32>(outPtr + (<usize>r << 2), dotKernel(paramsPtr, xPtr + <usize>r * rowBytes, cols) + bias);
  }
}
