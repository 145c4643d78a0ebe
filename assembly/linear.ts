// The batch gradient of a one-output layer without hidden layers (linear and logistic
// regression: mse or sigmoid head, identity output): the step the epoch (train.ts) picks
// for that shape. It reads the rows in visiting order straight from the data, four at a
// time in the SIMD build, with no gather into the network's chunk scratch.
import { dotKernel } from './kernels/dot';
import { axpyKernel } from './kernels/axpy';
import { bceLoss, bceGrad, mseLoss, mseGrad, lossRows } from './kernels/losses';
import { dot4, axpy4 } from './kernels/block4';
import { LOSS_BCE, KERNEL_TAIL_BYTES } from '../src/wasm/abi';

// @ts-ignore: decorator
@inline function rowAt(orderPtr: usize, p: i32): u32 {
  return orderPtr ? load<u32>(orderPtr + (<usize>p << 2)) : <u32>p;
}

// @ts-ignore: decorator
@inline function weightAt(swPtr: usize, r: u32): f32 {
  return swPtr ? load<f32>(swPtr + (<usize>r << 2)) : <f32>1;
}

/**
 * The weighted loss sum of rows start..end (row order[p] at position p, or p when
 * orderPtr is 0) for loss LOSS_MSE or LOSS_BCE, and their gradient summed (not yet
 * divided by the batch size) into gradPtr: [w (cols), bias].
 */
// @ts-ignore: decorator
@inline export function linearBatch(
  lossKind: i32, xPtr: usize, yPtr: usize, swPtr: usize, orderPtr: usize, start: i32, end: i32, cols: i32,
  paramsPtr: usize, gradPtr: usize, subPtr: usize,
): f64 {
  if (ASC_FEATURE_SIMD) return batchSimd(lossKind, xPtr, yPtr, swPtr, orderPtr, start, end, cols, paramsPtr, gradPtr, subPtr);
  return batchScalar(lossKind, xPtr, yPtr, swPtr, orderPtr, start, end, cols, paramsPtr, gradPtr);
}

/** One row at a time. */
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
  store<f32>(gradPtr + rowBytes, gradBias);
  return batchLoss;
}

// Scratch for one sub-batch of up to SUB rows: logits, targets, derivatives and the rows'
// byte addresses, four lanes per block, and lossRows' tail. Static in the one-thread builds:
// at constant addresses the kernel measured about 4% faster (D = 64, rows in order) than at
// an address from the network block, whose extra live register the four-row loops pay for.
// Static memory is shared by every instance over a shared memory, so the threaded build,
// where two threads may train two models at once, takes it from the network block instead
// (subPtr: NET_SUB_PTR, SUB_SCRATCH_BYTES laid out as below).
const SUB = 64;
const zStatic = memory.data(SUB * 4, 16);
const yStatic = memory.data(SUB * 4, 16);
const dStatic = memory.data(SUB * 4, 16);
const rowStatic = memory.data(SUB * 4, 16); // the rows' byte addresses, kept from phase 1 for phase 3
const tailStatic = memory.data(KERNEL_TAIL_BYTES, 16);

/**
 * Four rows at a time, in sub-batches of up to 64 rows and three phases: all
 * logits, then all losses and derivatives, then the gradient. The loss phase is a
 * long chain of dependent operations per block (exp, log1p, two divisions); running
 * it over independent blocks lets the CPU overlap them. A last group of one to three
 * rows repeats its first row in the empty lanes, whose derivative is set to zero, so
 * every row goes through the same arithmetic.
 */
// @ts-ignore: decorator
@inline function batchSimd(
  lossKind: i32, xPtr: usize, yPtr: usize, swPtr: usize, orderPtr: usize, start: i32, end: i32, cols: i32,
  paramsPtr: usize, gradPtr: usize, subPtr: usize,
): f64 {
  const zBuf = ASC_FEATURE_THREADS ? subPtr : zStatic;
  const yBuf = ASC_FEATURE_THREADS ? subPtr + SUB * 4 : yStatic;
  const dBuf = ASC_FEATURE_THREADS ? subPtr + SUB * 8 : dStatic;
  const rowBuf = ASC_FEATURE_THREADS ? subPtr + SUB * 12 : rowStatic;
  const tailBuf = ASC_FEATURE_THREADS ? subPtr + SUB * 16 : tailStatic;
  const rowBytes = <usize>cols << 2;
  const bias = f32x4.splat(load<f32>(paramsPtr + rowBytes));
  let batchLoss: f64 = 0; // f32 row losses summed in f64, as every engine sums them
  let dAcc = f32x4.splat(0);
  for (let sub = start; sub < end; sub += SUB) {
    const subEnd = min(sub + SUB, end);
    // Phase 1: logits and targets (and the row weights, in dBuf until phase 2).
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
    batchLoss += lossRows(lossKind, zBuf, yBuf, swPtr ? dBuf : 0, n, 1, dBuf, tailBuf);
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
  store<f32>(gradPtr + rowBytes, f32x4.extract_lane(dAcc, 0) + f32x4.extract_lane(dAcc, 1) +
                                 f32x4.extract_lane(dAcc, 2) + f32x4.extract_lane(dAcc, 3));
  return batchLoss;
}
