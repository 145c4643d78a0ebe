// Per-row losses and their derivatives with respect to the logit z.
import { sigmoidKernel } from './sigmoid';
import { expNeg4, log1pUnit4 } from './vmath';

export const LOSS_MSE: i32 = 0;
export const LOSS_BCE: i32 = 1;

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

/**
 * Loss kind LOSS_MSE or LOSS_BCE of rows x outputs logits at zPtr against targets
 * at yPtr (same shape; each output its own loss), every row weighted by swPtr
 * (f32, 0 = all 1). Returns the weighted loss sum, accumulated in f64, and writes
 * s dLoss/dz to deltaPtr (which may be zPtr). The SIMD build runs the four-lane
 * kernels of the fused epoch over the flat values, its tail included (on a splat).
 */
export function lossRows(kind: i32, zPtr: usize, yPtr: usize, swPtr: usize, rows: i32, outputs: i32, deltaPtr: usize): f64 {
  const n = rows * outputs;
  let sum: f64 = 0;
  let e = 0;
  if (ASC_FEATURE_SIMD) {
    while (e < n) {
      // Four values, or in the tail one value splat over the lanes (only lane 0 is kept).
      const whole = e + 4 <= n;
      const off = <usize>e << 2;
      const z = whole ? v128.load(zPtr + off) : f32x4.splat(load<f32>(zPtr + off));
      const y = whole ? v128.load(yPtr + off) : f32x4.splat(load<f32>(yPtr + off));
      let loss: v128, d: v128;
      if (kind == LOSS_BCE) {
        const x = bceShared4(z);
        loss = bceLoss4(z, y, x);
        d = bceGrad4(z, y, x);
      } else {
        const err = f32x4.sub(z, y);
        loss = f32x4.mul(err, err);
        d = f32x4.add(err, err);
      }
      if (swPtr) {
        const s = whole
          ? f32x4(rowWeight(swPtr, e, outputs), rowWeight(swPtr, e + 1, outputs),
            rowWeight(swPtr, e + 2, outputs), rowWeight(swPtr, e + 3, outputs))
          : f32x4.splat(rowWeight(swPtr, e, outputs));
        loss = f32x4.mul(loss, s);
        d = f32x4.mul(d, s);
      }
      if (whole) {
        sum += (<f64>f32x4.extract_lane(loss, 0) + <f64>f32x4.extract_lane(loss, 1)) +
               (<f64>f32x4.extract_lane(loss, 2) + <f64>f32x4.extract_lane(loss, 3));
        v128.store(deltaPtr + off, d);
      } else {
        sum += <f64>f32x4.extract_lane(loss, 0);
        store<f32>(deltaPtr + off, f32x4.extract_lane(d, 0));
      }
      e += whole ? 4 : 1;
    }
    return sum;
  }
  for (; e < n; e++) {
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
