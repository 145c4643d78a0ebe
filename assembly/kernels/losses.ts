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
