// The optimizer block (f64 fields at optPtr) that assembly/optimizers.ts reads,
// and the slot vectors that go with it. The field numbers repeat the OPT_* there.
import { createOptimizerState, type ResolvedOptimizer } from '../optim/optimizers.js';
import type { WasmRuntime } from './runtime.js';

/** f64 field numbers of the optimizer block (13-15 are the kernel's own cache of beta^t). */
export const OPT = {
  kind: 0, momentum: 1, dampening: 2, nesterov: 3, weightDecay: 4, beta1: 5, beta2: 6, eps: 7,
  amsgrad: 8, alpha: 9, centered: 10, lrDecay: 11, step: 12,
} as const;
export const OPT_KINDS = { sgd: 0, adam: 1, adamw: 2, rmsprop: 3, adagrad: 4 } as const;
/** f64 fields in the block. */
export const OPT_FIELDS = 16;
/** State vectors per parameter (see OptimizerState). */
export const SLOTS = 3;

/**
 * Writes opt's hyperparameters to the block at optPtr with step 0, and the
 * optimizer's initial state for count parameters to the SLOTS vectors of stride
 * entries (count <= stride; the padding is zeroed) at slotsPtr.
 */
export function writeOptimizerBlock(
  rt: WasmRuntime, optPtr: number, slotsPtr: number, stride: number, count: number, opt: ResolvedOptimizer,
): void {
  const f64 = rt.f64;
  const o = optPtr >>> 3;
  f64.fill(0, o, o + OPT_FIELDS);
  f64[o + OPT.kind] = OPT_KINDS[opt.name];
  f64[o + OPT.momentum] = opt.momentum;
  f64[o + OPT.dampening] = opt.dampening;
  f64[o + OPT.nesterov] = opt.nesterov ? 1 : 0;
  f64[o + OPT.weightDecay] = opt.weightDecay;
  f64[o + OPT.beta1] = opt.betas[0];
  f64[o + OPT.beta2] = opt.betas[1];
  f64[o + OPT.eps] = opt.eps;
  f64[o + OPT.amsgrad] = opt.amsgrad ? 1 : 0;
  f64[o + OPT.alpha] = opt.alpha;
  f64[o + OPT.centered] = opt.centered ? 1 : 0;
  f64[o + OPT.lrDecay] = opt.lrDecay;
  // The reference decides how state starts (e.g. Adagrad's initial accumulator).
  const { slots } = createOptimizerState(opt, count);
  const f32 = rt.f32;
  for (let s = 0; s < SLOTS; s++) {
    const at = (slotsPtr >>> 2) + s * stride;
    f32.fill(0, at, at + stride);
    f32.set(slots[s], at);
  }
}
