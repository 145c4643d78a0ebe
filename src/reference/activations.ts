// Reference twin of assembly/kernels/activations.ts, in float64.
import { sigmoid } from './sigmoid.js';

/** Activation codes, numbered as in the WASM module. */
export const ACT_IDENTITY = 0;
export const ACT_SIGMOID = 1;
export const ACT_TANH = 2;
export const ACT_RELU = 3;
export type ActivationKind = typeof ACT_IDENTITY | typeof ACT_SIGMOID | typeof ACT_TANH | typeof ACT_RELU;

/** f(z) for one value. */
export function activate(kind: ActivationKind, z: number): number {
  switch (kind) {
    case ACT_SIGMOID: return sigmoid(z);
    case ACT_TANH: return Math.tanh(z);
    case ACT_RELU: return Math.max(z, 0);
    default: return z;
  }
}

/** f'(z) from the output a = f(z): sigmoid a (1 - a), tanh 1 - a^2, relu 1 where a > 0 (0 at the kink). */
export function derivative(kind: ActivationKind, a: number): number {
  switch (kind) {
    case ACT_SIGMOID: return a * (1 - a);
    case ACT_TANH: return 1 - a * a;
    case ACT_RELU: return a > 0 ? 1 : 0;
    default: return 1;
  }
}

/** v[i] = f(v[i]) for i < n. */
export function activationForward(kind: ActivationKind, v: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) v[i] = activate(kind, v[i]);
}

/** delta[i] *= f'(z_i) for i < n, given the outputs a[i] = f(z_i). */
export function activationBackward(kind: ActivationKind, a: ArrayLike<number>, delta: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) delta[i] *= derivative(kind, a[i]);
}
