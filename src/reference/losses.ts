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

/**
 * Weighted loss sum of rows x outputs logits against targets of the same shape
 * (each output its own loss; sw null = all weights 1), with s dLoss/dz in delta.
 */
export function lossRows(
  kind: LossKind, z: ArrayLike<number>, y: ArrayLike<number>, sw: ArrayLike<number> | null,
  rows: number, outputs: number, delta: Float64Array,
): number {
  let sum = 0;
  for (let r = 0; r < rows; r++) {
    const s = sw ? sw[r] : 1;
    for (let k = r * outputs; k < (r + 1) * outputs; k++) {
      sum += s * rowLoss(kind, z[k], y[k]);
      delta[k] = s * rowLossGrad(kind, z[k], y[k]);
    }
  }
  return sum;
}
