// The optimizer block (f64 OPT_* fields of src/wasm/abi.ts at optPtr) that
// assembly/optimizers.ts reads, and the slot vectors that go with it.
import { createOptimizerState, type ResolvedOptimizer } from '../optim/optimizers.js';
import {
  OPT_ALPHA, OPT_AMSGRAD, OPT_BETA1, OPT_BETA2, OPT_CENTERED, OPT_D, OPT_DAMPENING, OPT_EPS, OPT_FIELDS, OPT_GROWTH_RATE,
  OPT_KIND, OPT_LR_DECAY, OPT_MOMENTUM, OPT_NESTEROV, OPT_WEIGHT_DECAY, OPTIMIZER_ADAGRAD, OPTIMIZER_ADAM, OPTIMIZER_ADAMW,
  OPTIMIZER_DADAPT_ADAM, OPTIMIZER_DADAPT_SGD, OPTIMIZER_DOG, OPTIMIZER_PRODIGY, OPTIMIZER_RMSPROP, OPTIMIZER_SF_ADAMW,
  OPTIMIZER_SF_SGD, OPTIMIZER_SGD,
} from './abi.js';
import type { WasmRuntime } from './runtime.js';

/** The optimizer codes by name. */
export const OPTIMIZERS = {
  sgd: OPTIMIZER_SGD, adam: OPTIMIZER_ADAM, adamw: OPTIMIZER_ADAMW, rmsprop: OPTIMIZER_RMSPROP, adagrad: OPTIMIZER_ADAGRAD,
  prodigy: OPTIMIZER_PRODIGY, 'dadapt-sgd': OPTIMIZER_DADAPT_SGD, 'dadapt-adam': OPTIMIZER_DADAPT_ADAM, dog: OPTIMIZER_DOG,
  'schedule-free-sgd': OPTIMIZER_SF_SGD, 'schedule-free-adamw': OPTIMIZER_SF_ADAMW,
} as const;

/**
 * Writes opt's hyperparameters to the block at optPtr with step 0, and the
 * optimizer's initial state for count parameters to its slotCount vectors of stride
 * entries (count <= stride; the padding is zeroed) at slotsPtr.
 */
export function writeOptimizerBlock(
  rt: WasmRuntime, optPtr: number, slotsPtr: number, stride: number, count: number, opt: ResolvedOptimizer,
): void {
  const f64 = rt.f64;
  const o = optPtr >>> 3;
  f64.fill(0, o, o + OPT_FIELDS);
  f64[o + OPT_KIND] = OPTIMIZERS[opt.name];
  f64[o + OPT_MOMENTUM] = opt.momentum;
  f64[o + OPT_DAMPENING] = opt.dampening;
  f64[o + OPT_NESTEROV] = opt.nesterov ? 1 : 0;
  f64[o + OPT_WEIGHT_DECAY] = opt.weightDecay;
  f64[o + OPT_BETA1] = opt.betas[0];
  f64[o + OPT_BETA2] = opt.betas[1];
  f64[o + OPT_EPS] = opt.eps;
  f64[o + OPT_AMSGRAD] = opt.amsgrad ? 1 : 0;
  f64[o + OPT_ALPHA] = opt.alpha;
  f64[o + OPT_CENTERED] = opt.centered ? 1 : 0;
  f64[o + OPT_LR_DECAY] = opt.lrDecay;
  f64[o + OPT_GROWTH_RATE] = opt.growthRate;
  // The reference decides how state starts (e.g. Adagrad's initial accumulator, Prodigy's d).
  const { slots, scalars } = createOptimizerState(opt, count);
  f64.set(scalars, o + OPT_D);
  const f32 = rt.f32;
  for (let s = 0; s < slots.length; s++) {
    const at = (slotsPtr >>> 2) + s * stride;
    f32.fill(0, at, at + stride);
    f32.set(slots[s], at);
  }
}
