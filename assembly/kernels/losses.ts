// Per-row losses and their derivatives with respect to the logit z.
import { sigmoidKernel } from './sigmoid';
import { expNeg4, log1pUnit4 } from './vmath';
import { LOSS_MSE, LOSS_BCE } from '../../src/wasm/abi';

/** Squared error (z - y)^2; no 1/2 factor, so its derivative is 2 (z - y). */
// @ts-ignore: decorator
@inline export function mseLoss(z: f32, y: f32): f32 {
  const e = z - y;
  return e * e;
}

// @ts-ignore: decorator
@inline export function mseGrad(z: f32, y: f32): f32 {
  return <f32>2 * (z - y);
}

/**
 * Binary cross-entropy from the logit: max(z,0) - z*y + log1p(exp(-|z|)).
 * Finite for any finite z (no log(0)); at |z| = 1e4 exp underflows to 0 harmlessly.
 */
// @ts-ignore: decorator
@inline export function bceLoss(z: f32, y: f32): f32 {
  return max(z, <f32>0) - z * y + Mathf.log1p(Mathf.exp(-Mathf.abs(z)));
}

// @ts-ignore: decorator
@inline export function bceGrad(z: f32, y: f32): f32 {
  return sigmoidKernel(z) - y;
}

/** Exported for tests: loss of one row for loss kind 0 (MSE) or 1 (BCE). */
export function rowLoss(kind: i32, z: f32, y: f32): f32 {
  return kind == LOSS_BCE ? bceLoss(z, y) : mseLoss(z, y);
}

/** Exported for tests: derivative of rowLoss with respect to z. */
export function rowLossGrad(kind: i32, z: f32, y: f32): f32 {
  return kind == LOSS_BCE ? bceGrad(z, y) : mseGrad(z, y);
}

// Four rows at once (SIMD build only). BCE's loss and derivative share
// e = exp(-|z|), which the caller computes once with expNeg4.

/** exp(-|z|) of four logits: the shared part of bceLoss4 and bceGrad4. */
// @ts-ignore: decorator
@inline export function bceShared4(z: v128): v128 {
  return expNeg4(f32x4.neg(f32x4.abs(z)));
}

/** Cross-entropy of four rows from logits z, targets y and e = bceShared4(z). */
// @ts-ignore: decorator
@inline export function bceLoss4(z: v128, y: v128, e: v128): v128 {
  // pmax is one maxps; wasm max also orders -0/NaN, which costs several instructions and is not needed here.
  return f32x4.add(f32x4.sub(f32x4.pmax(z, f32x4.splat(0)), f32x4.mul(z, y)), log1pUnit4(e));
}

/** sigmoid(z) - y of four rows, with e = bceShared4(z): 1/(1+e) for z >= 0, e/(1+e) below. */
// @ts-ignore: decorator
@inline export function bceGrad4(z: v128, y: v128, e: v128): v128 {
  const r = f32x4.div(f32x4.splat(1), f32x4.add(e, f32x4.splat(1)));
  return f32x4.sub(v128.bitselect(r, f32x4.mul(e, r), f32x4.ge(z, f32x4.splat(0))), y);
}

// @ts-ignore: decorator
@inline function rowWeight(swPtr: usize, e: i32, outputs: i32): f32 {
  return swPtr ? load<f32>(swPtr + (<usize>(outputs == 1 ? e : e / outputs) << 2)) : 1;
}

/** Loss and s dLoss/dz of the four values at e (SIMD build): writes the derivatives, returns the losses. */
// @ts-ignore: decorator
@inline function lossBlock(kind: i32, zPtr: usize, yPtr: usize, swPtr: usize, outputs: i32, deltaPtr: usize, e: i32): v128 {
  const off = <usize>e << 2;
  const z = v128.load(zPtr + off);
  const y = v128.load(yPtr + off);
  let loss: v128, d: v128;
  if (kind == LOSS_BCE) {
    const x = bceShared4(z);
    loss = bceLoss4(z, y, x);
    d = bceGrad4(z, y, x);
  } else {
    const err = f32x4.sub(z, y); // squared error and its derivative 2 (z - y)
    loss = f32x4.mul(err, err);
    d = f32x4.add(err, err);
  }
  if (swPtr) {
    const s = f32x4(rowWeight(swPtr, e, outputs), rowWeight(swPtr, e + 1, outputs),
      rowWeight(swPtr, e + 2, outputs), rowWeight(swPtr, e + 3, outputs));
    loss = f32x4.mul(loss, s);
    d = f32x4.mul(d, s);
  }
  v128.store(deltaPtr + off, d);
  return loss;
}

/**
 * lossRows over n > 0 values, n a multiple of 4 (SIMD build), summed in two f64x2 lanes.
 * One do-while loop per kind: V8 hoists a loop's constants only out of code that runs on
 * every iteration (see activations.ts).
 */
function lossBlocks(kind: i32, zPtr: usize, yPtr: usize, swPtr: usize, outputs: i32, deltaPtr: usize, n: i32): f64 {
  let lo = f64x2.splat(0);
  let hi = f64x2.splat(0);
  let e = 0;
  if (kind == LOSS_BCE) {
    do {
      const loss = lossBlock(LOSS_BCE, zPtr, yPtr, swPtr, outputs, deltaPtr, e);
      lo = f64x2.add(lo, f64x2.promote_low_f32x4(loss));
      hi = f64x2.add(hi, f64x2.promote_low_f32x4(v128.shuffle<f32>(loss, loss, 2, 3, 0, 1)));
      e += 4;
    } while (e < n);
  } else {
    do {
      const loss = lossBlock(LOSS_MSE, zPtr, yPtr, swPtr, outputs, deltaPtr, e);
      lo = f64x2.add(lo, f64x2.promote_low_f32x4(loss));
      hi = f64x2.add(hi, f64x2.promote_low_f32x4(v128.shuffle<f32>(loss, loss, 2, 3, 0, 1)));
      e += 4;
    } while (e < n);
  }
  const sum = f64x2.add(lo, hi);
  return f64x2.extract_lane(sum, 0) + f64x2.extract_lane(sum, 1);
}


/**
 * Loss kind LOSS_MSE or LOSS_BCE of rows x outputs logits at zPtr against targets
 * at yPtr (same shape; each output its own loss), every row weighted by swPtr
 * (f32, 0 = all 1). Returns the weighted loss sum, accumulated in f64, and writes
 * s dLoss/dz to deltaPtr (which may be zPtr). The SIMD build runs the four-lane
 * kernels over the flat values, the last one to three as one more block in the scratch
 * at tailPtr (KERNEL_TAIL_BYTES, 16-byte aligned).
 */
export function lossRows(
  kind: i32, zPtr: usize, yPtr: usize, swPtr: usize, rows: i32, outputs: i32, deltaPtr: usize, tailPtr: usize,
): f64 {
  const n = rows * outputs;
  if (ASC_FEATURE_SIMD) {
    const whole = n & ~3;
    let sum: f64 = whole > 0 ? lossBlocks(kind, zPtr, yPtr, swPtr, outputs, deltaPtr, whole) : 0;
    const left = n - whole;
    if (left > 0) {
      // Padded with z = y = 0 at weight 0: a finite loss times 0, so the padding adds nothing.
      const off = <usize>whole << 2;
      // The tail's z (then its derivatives), y and weights: three blocks of four at tailPtr.
      memory.fill(tailPtr, 0, 48);
      memory.copy(tailPtr, zPtr + off, <usize>left << 2);
      memory.copy(tailPtr + 16, yPtr + off, <usize>left << 2);
      for (let k = 0; k < left; k++) store<f32>(tailPtr + 32 + (<usize>k << 2), rowWeight(swPtr, whole + k, outputs));
      sum += lossBlocks(kind, tailPtr, tailPtr + 16, tailPtr + 32, 1, tailPtr, 4);
      memory.copy(deltaPtr + off, tailPtr, <usize>left << 2);
    }
    return sum;
  }
  let sum: f64 = 0;
  for (let e = 0; e < n; e++) {
    const off = <usize>e << 2;
    const z = load<f32>(zPtr + off);
    const y = load<f32>(yPtr + off);
    const s = rowWeight(swPtr, e, outputs);
    if (kind == LOSS_BCE) {
      sum += <f64>(s * bceLoss(z, y));
      store<f32>(deltaPtr + off, s * bceGrad(z, y));
    } else {
      sum += <f64>(s * mseLoss(z, y));
      store<f32>(deltaPtr + off, s * mseGrad(z, y));
    }
  }
  return sum;
}
