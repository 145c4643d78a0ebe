// Reference twin of assembly/kernels/losses.ts: per-row losses and their
// derivatives with respect to the logit z, in float64.
import { sigmoid } from './sigmoid.js';

/** Loss kinds, numbered as in the WASM module. */
export const LOSS_MSE = 0;
export const LOSS_BCE = 1;
export type LossKind = typeof LOSS_MSE | typeof LOSS_BCE;

/** Squared error (z - y)^2 (no 1/2 factor). */
export function mseLoss(z: number, y: number): number {
  return (z - y) * (z - y);
}

/** d/dz (z - y)^2 = 2 (z - y). */
export function mseGrad(z: number, y: number): number {
  return 2 * (z - y);
}

/** Binary cross-entropy from the logit, stable for any finite z. */
export function bceLoss(z: number, y: number): number {
  return Math.max(z, 0) - z * y + Math.log1p(Math.exp(-Math.abs(z)));
}

/** d/dz of bceLoss = sigmoid(z) - y. */
export function bceGrad(z: number, y: number): number {
  return sigmoid(z) - y;
}

/** Loss of one row. */
export function rowLoss(kind: LossKind, z: number, y: number): number {
  return kind === LOSS_BCE ? bceLoss(z, y) : mseLoss(z, y);
}

/** Derivative of rowLoss with respect to z. */
export function rowLossGrad(kind: LossKind, z: number, y: number): number {
  return kind === LOSS_BCE ? bceGrad(z, y) : mseGrad(z, y);
}
