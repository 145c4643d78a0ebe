// One epoch of mini-batch gradient descent for a linear model, fused into one
// call so the per-batch loop never returns to JS. src/reference/train.ts is the twin.
import { dotKernel } from './kernels/dot';
import { axpyKernel } from './kernels/axpy';
import { LOSS_BCE, bceLoss, bceGrad, mseLoss, mseGrad } from './kernels/losses';
import { step, lastGradNormSq, lastMaxChange } from './optimizers';

// Layout of the stats block (f64 values at statsPtr), read by src/engines/wasm.ts.
export const STAT_LOSS_SUM = 0;   // sum of row losses, each at the parameters its batch saw
export const STAT_GRAD_NORM = 1;  // L2 norm of the epoch's average gradient
export const STAT_MAX_STEP = 2;   // largest single-step parameter change
export const STAT_BATCHES = 3;    // batches whose update was applied
export const STAT_DIVERGED = 4;   // index of the batch whose loss or update was not finite, else -1

/**
 * Trains one epoch over rows x cols f32 values at xPtr with targets at yPtr.
 * Rows are visited in the order given by orderPtr (u32 row indices), or in
 * storage order when orderPtr is 0. Parameters are [w (cols), bias, padding]
 * with nParams entries; lrsPtr holds one f64 learning rate per batch.
 */
export function trainEpoch(
  lossKind: i32, xPtr: usize, yPtr: usize, orderPtr: usize, rows: i32, cols: i32, batchSize: i32,
  paramsPtr: usize, gradPtr: usize, gradSumPtr: usize, nParams: i32, slotsPtr: usize, optPtr: usize,
  lrsPtr: usize, statsPtr: usize,
): void {
  const rowBytes = <usize>cols << 2;
  const biasPtr = paramsPtr + rowBytes;
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
    const bias = load<f32>(biasPtr);
    let batchLoss: f32 = 0;
    let gradBias: f32 = 0;
    for (let p = start; p < end; p++) {
      const r = orderPtr ? load<u32>(orderPtr + (<usize>p << 2)) : <u32>p;
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
    store<f32>(gradBiasPtr, gradBias);
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

/** Writes the logit w.x + b of each of rows rows at xPtr to outPtr (f32). */
export function predictLogits(xPtr: usize, rows: i32, cols: i32, paramsPtr: usize, outPtr: usize): void {
  const rowBytes = <usize>cols << 2;
  const bias = load<f32>(paramsPtr + rowBytes);
  for (let r = 0; r < rows; r++) {
    store<f32>(outPtr + (<usize>r << 2), dotKernel(paramsPtr, xPtr + <usize>r * rowBytes, cols) + bias);
  }
}
