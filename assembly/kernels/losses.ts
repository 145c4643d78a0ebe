// Per-row losses and their derivatives with respect to the logit z.
import { sigmoidKernel } from './sigmoid';

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
