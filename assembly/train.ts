// Mini-batch gradient descent for a linear model, fused into one call per epoch
// (or per chunk of batches when a callback wants to see progress), so the
// per-batch loop never returns to JS. src/reference/train.ts is the twin.
import { dotKernel } from './kernels/dot';
import { axpyKernel } from './kernels/axpy';
import { LOSS_BCE, bceLoss, bceGrad, mseLoss, mseGrad, lossRows } from './kernels/losses';
import { dot4, axpy4 } from './kernels/block4';
import { step, lastGradNormSq, lastMaxChange } from './optimizers';
import { scatterKernel } from './shuffle';
import { readSequential } from './bounds';

// Layout of the stats block (f64 values at statsPtr), read by src/engines/wasm.ts.
// The fields accumulate over the chunks of one epoch; firstBatch = 0 resets them.
export const STAT_LOSS_SUM = 0;   // sum of (weighted) row losses plus penalties, each at the parameters its batch saw
export const STAT_GRAD_NORM = 1;  // L2 norm of the epoch's average data gradient (set by the last chunk)
export const STAT_MAX_STEP = 2;   // largest single-step parameter change
export const STAT_BATCHES = 3;    // batches whose update was applied
export const STAT_DIVERGED = 4;   // index of the batch whose loss or update was not finite, else -1
export const STAT_ROWS = 5;       // rows seen so far this epoch

// Keeps the warm-up reads from being optimized away.
let warmSink: f32 = 0;

/**
 * Trains batches firstBatch..lastBatch of an epoch over rows x cols f32 values
 * at xPtr, targets at yPtr and optional per-row weights at swPtr (0 = all 1).
 * Rows are visited in the order at orderPtr (u32 row indices), or in storage
 * order when orderPtr is 0. Parameters are [w (cols), bias, padding] with
 * nParams entries; lrsPtr holds one f64 learning rate per batch; l1 and l2
 * penalize the weights (not the bias).
 * Shuffling (see shuffle.ts): when startsPtr is not 0 the rows form `buckets`
 * contiguous buckets and each is read once sequentially before its rows are
 * visited in random order, so those reads hit cache; when idsPtr is not 0 each
 * visited row is also copied into the next epoch's arrangement (nextX, nextY, nextSw).
 */
export function trainEpoch(
  lossKind: i32, xPtr: usize, yPtr: usize, swPtr: usize, orderPtr: usize, rows: i32, cols: i32,
  batchSize: i32, firstBatch: i32, lastBatch: i32,
  paramsPtr: usize, gradPtr: usize, gradSumPtr: usize, nParams: i32, slotsPtr: usize, optPtr: usize,
  lrsPtr: usize, l1: f64, l2: f64, statsPtr: usize,
  startsPtr: usize, buckets: i32, idsPtr: usize, cursorsPtr: usize, nextXPtr: usize, nextYPtr: usize, nextSwPtr: usize,
): void {
  const rowBytes = <usize>cols << 2;
  const paramBytes = <usize>nParams << 2;
  if (firstBatch == 0) startEpoch(statsPtr, gradSumPtr, nParams);
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
    let batchLoss: f64;
    if (ASC_FEATURE_SIMD) {
      batchLoss = batchSimd(lossKind, xPtr, yPtr, swPtr, orderPtr, start, end, cols, paramsPtr, gradPtr);
    } else {
      batchLoss = batchScalar(lossKind, xPtr, yPtr, swPtr, orderPtr, start, end, cols, paramsPtr, gradPtr);
    }
    store<f32>(gradPtr + rowBytes, batchGradBias);
    if (idsPtr) {
      scatterKernel(xPtr, yPtr, swPtr, orderPtr, idsPtr, cursorsPtr, nextXPtr, nextYPtr, nextSwPtr, start, end, cols);
    }
    if (!isFinite(batchLoss)) { diverged = batch; break; }
    const n = end - start;
    averageBatch(gradPtr, gradSumPtr, nParams, n);
    let penalty: f64 = 0;
    if (l1 != 0 || l2 != 0) penalty = addPenalty(paramsPtr, gradPtr, cols, l1, l2);
    step(optPtr, paramsPtr, gradPtr, slotsPtr, nParams, load<f64>(lrsPtr + (<usize>batch << 3)));
    lossSum += batchLoss + penalty * n;
    if (!isFinite(lastGradNormSq) || !isFinite(lastMaxChange)) { diverged = batch; break; }
    maxStep = max(maxStep, lastMaxChange);
  }
  finishEpoch(statsPtr, gradSumPtr, nParams, lossSum, maxStep, batch, min(start, rows) - firstBatch * batchSize, diverged);
}

// The bookkeeping of an epoch, shared with the network epoch (network.ts).

/** Zeroes the epoch's gradient sum (nParams f64: a sum of f32 gradients can overflow f32) and its stats block; called by the chunk with firstBatch = 0. */
export function startEpoch(statsPtr: usize, gradSumPtr: usize, nParams: i32): void {
  memory.fill(gradSumPtr, 0, <usize>nParams << 3);
  memory.fill(statsPtr, 0, 8 * 8);
  store<f64>(statsPtr + (STAT_DIVERGED << 3), -1);
}

/** Adds a batch's summed gradient to the epoch's running sum (f64), then divides it by the batch's n rows (the mean). */
export function averageBatch(gradPtr: usize, gradSumPtr: usize, nParams: i32, n: i32): void {
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

/** Adds l2 * w + l1 * sign(w) to the gradient of cols weights; returns l2/2 ||w||^2 + l1 ||w||_1. */
export function addPenalty(paramsPtr: usize, gradPtr: usize, cols: i32, l1: f64, l2: f64): f64 {
  let sq: f64 = 0;
  let abs1: f64 = 0;
  for (let i = 0; i < cols; i++) {
    const off = <usize>i << 2;
    const w = <f64>load<f32>(paramsPtr + off);
    sq += w * w;
    abs1 += Math.abs(w);
    const sign: f64 = w > 0 ? 1 : w < 0 ? -1 : 0;
    store<f32>(gradPtr + off, <f32>(<f64>load<f32>(gradPtr + off) + l2 * w + l1 * sign));
  }
  return 0.5 * l2 * sq + l1 * abs1;
}

// The bias gradient of the last batch (a second return value).
let batchGradBias: f32 = 0;

// @ts-ignore: decorator
@inline function rowAt(orderPtr: usize, p: i32): u32 {
  return orderPtr ? load<u32>(orderPtr + (<usize>p << 2)) : <u32>p;
}

// @ts-ignore: decorator
@inline function weightAt(swPtr: usize, r: u32): f32 {
  return swPtr ? load<f32>(swPtr + (<usize>r << 2)) : <f32>1;
}

/** Weighted loss sum and gradient sum (not yet divided by the batch size) of rows start..end, one row at a time. */
// @ts-ignore: decorator
@inline function batchScalar(
  lossKind: i32, xPtr: usize, yPtr: usize, swPtr: usize, orderPtr: usize, start: i32, end: i32, cols: i32,
  paramsPtr: usize, gradPtr: usize,
): f64 {
  const rowBytes = <usize>cols << 2;
  const bias = load<f32>(paramsPtr + rowBytes);
  let batchLoss: f64 = 0; // f32 row losses summed in f64, as every engine sums them
  let gradBias: f32 = 0;
  for (let p = start; p < end; p++) {
    const r = rowAt(orderPtr, p);
    const rowPtr = xPtr + <usize>r * rowBytes;
    const y = load<f32>(yPtr + (<usize>r << 2));
    const s = weightAt(swPtr, r);
    const z = dotKernel(paramsPtr, rowPtr, cols) + bias;
    let d: f32;
    if (lossKind == LOSS_BCE) {
      batchLoss += <f64>(s * bceLoss(z, y));
      d = s * bceGrad(z, y);
    } else {
      batchLoss += <f64>(s * mseLoss(z, y));
      d = s * mseGrad(z, y);
    }
    axpyKernel(d, rowPtr, gradPtr, cols);
    gradBias += d;
  }
  batchGradBias = gradBias;
  return batchLoss;
}

// Scratch for one sub-batch of up to SUB rows: logits, targets and derivatives, four lanes per block.
const SUB = 64;
const zBuf = memory.data(SUB * 4, 16);
const yBuf = memory.data(SUB * 4, 16);
const dBuf = memory.data(SUB * 4, 16);
const rowBuf = memory.data(SUB * 4, 16); // the rows' byte addresses, kept from phase 1 for phase 3

/**
 * The same, four rows at a time, in sub-batches of up to 64 rows and three
 * phases: all logits, then all losses and derivatives, then the gradient. The
 * loss phase is a long chain of dependent operations per block (exp, log1p,
 * two divisions); running it over independent blocks lets the CPU overlap them.
 * A last group of one to three rows repeats its first row in the empty lanes,
 * whose derivative is set to zero, so every row goes through the same arithmetic.
 */
// @ts-ignore: decorator
@inline function batchSimd(
  lossKind: i32, xPtr: usize, yPtr: usize, swPtr: usize, orderPtr: usize, start: i32, end: i32, cols: i32,
  paramsPtr: usize, gradPtr: usize,
): f64 {
  const rowBytes = <usize>cols << 2;
  const bias = f32x4.splat(load<f32>(paramsPtr + rowBytes));
  let batchLoss: f64 = 0; // f32 row losses summed in f64, as every engine sums them
  let dAcc = f32x4.splat(0);
  for (let sub = start; sub < end; sub += SUB) {
    const subEnd = min(sub + SUB, end);
    // Phase 1: logits and targets (and weights folded into y's companion below).
    for (let p = sub, k: usize = 0; p < subEnd; p += 4, k += 16) {
      const left = subEnd - p;
      const r0 = rowAt(orderPtr, p);
      const r1 = left > 1 ? rowAt(orderPtr, p + 1) : r0;
      const r2 = left > 2 ? rowAt(orderPtr, p + 2) : r0;
      const r3 = left > 3 ? rowAt(orderPtr, p + 3) : r0;
      const x0 = xPtr + <usize>r0 * rowBytes, x1 = xPtr + <usize>r1 * rowBytes;
      const x2 = xPtr + <usize>r2 * rowBytes, x3 = xPtr + <usize>r3 * rowBytes;
      v128.store(rowBuf + k, i32x4(<i32>x0, <i32>x1, <i32>x2, <i32>x3));
      const z = dot4(paramsPtr, x0, x1, x2, x3, cols);
      v128.store(zBuf + k, f32x4.add(z, bias));
      v128.store(yBuf + k, f32x4(
        load<f32>(yPtr + (<usize>r0 << 2)), load<f32>(yPtr + (<usize>r1 << 2)),
        load<f32>(yPtr + (<usize>r2 << 2)), load<f32>(yPtr + (<usize>r3 << 2)),
      ));
      if (swPtr) {
        v128.store(dBuf + k, f32x4(weightAt(swPtr, r0), weightAt(swPtr, r1), weightAt(swPtr, r2), weightAt(swPtr, r3)));
      }
    }
    // Phase 2: losses and derivatives (lossRows runs the same four-lane kernels for the
    // network's head); dBuf holds the row weights on the way in when weighted.
    const n = subEnd - sub;
    batchLoss += lossRows(lossKind, zBuf, yBuf, swPtr ? dBuf : 0, n, 1, dBuf);
    // The empty lanes of a last group of one to three rows get derivative 0: they add nothing.
    if (n & 3) memory.fill(dBuf + (<usize>n << 2), 0, <usize>(4 - (n & 3)) << 2);
    // Phase 3: the gradient, reading the sub-batch's rows again from L1.
    for (let p = sub, k: usize = 0; p < subEnd; p += 4, k += 16) {
      const rows = v128.load(rowBuf + k);
      const d = v128.load(dBuf + k);
      dAcc = f32x4.add(dAcc, d);
      axpy4(d, <usize>i32x4.extract_lane(rows, 0), <usize>i32x4.extract_lane(rows, 1),
        <usize>i32x4.extract_lane(rows, 2), <usize>i32x4.extract_lane(rows, 3), gradPtr, cols);
    }
  }
  batchGradBias = f32x4.extract_lane(dAcc, 0) + f32x4.extract_lane(dAcc, 1) +
                  f32x4.extract_lane(dAcc, 2) + f32x4.extract_lane(dAcc, 3);
  return batchLoss;
}

/** Writes the logit w.x + b of each of rows rows at xPtr to outPtr (f32). */
export function predictLogits(xPtr: usize, rows: i32, cols: i32, paramsPtr: usize, outPtr: usize): void {
  const rowBytes = <usize>cols << 2;
  const bias = load<f32>(paramsPtr + rowBytes);
  for (let r = 0; r < rows; r++) {
    store<f32>(outPtr + (<usize>r << 2), dotKernel(paramsPtr, xPtr + <usize>r * rowBytes, cols) + bias);
  }
}
