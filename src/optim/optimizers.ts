// Optimizers in plain float64 TypeScript: PyTorch-compatible ones, and learning-rate-free
// ones from their papers' algorithm boxes (lrFree.ts). This is the reference the WASM
// optimizer kernels are held to, so each update is one small loop that follows torch.optim's
// single-tensor code path (or the paper's box) line by line.

import { ValidationError } from '../errors.js';
import { show } from '../validate.js';
import { SLOTS } from '../wasm/abi.js';
import { isLrFree, LR_FREE, LR_FREE_DEFAULTS, LR_FREE_RATE, LR_FREE_SLOTS, lrFreeStep, type LrFreeName } from './lrFree.js';

/** Names of the supported optimizers (torch.optim.SGD, Adam, AdamW, RMSprop, Adagrad; the learning-rate-free ones of lrFree.ts). */
export type OptimizerName = 'sgd' | 'adam' | 'adamw' | 'rmsprop' | 'adagrad' | LrFreeName;

/** Optimizer options: PyTorch's keyword arguments, camelCased; omitted ones take PyTorch's defaults. */
export interface OptimizerOptions {
  name: OptimizerName;
  momentum?: number;
  dampening?: number;
  nesterov?: boolean;
  weightDecay?: number;
  betas?: [number, number];
  eps?: number;
  amsgrad?: boolean;
  alpha?: number;
  centered?: boolean;
  lrDecay?: number;
  initialAccumulatorValue?: number;
  /** prodigy, dadapt-*: the initial estimate of the distance to the solution. */
  d0?: number;
  /** prodigy, dadapt-*: the largest factor the estimate may grow by in one step (default Infinity). */
  growthRate?: number;
}

/** Every option filled in; options that do not apply to `name` are 0 (false), so the record has one fixed shape. */
export interface ResolvedOptimizer {
  readonly name: OptimizerName;
  readonly momentum: number;
  readonly dampening: number;
  readonly nesterov: boolean;
  readonly weightDecay: number;
  readonly betas: readonly [number, number];
  readonly eps: number;
  readonly amsgrad: boolean;
  readonly alpha: number;
  readonly centered: boolean;
  readonly lrDecay: number;
  readonly initialAccumulatorValue: number;
  readonly d0: number;
  readonly growthRate: number;
}

/**
 * Optimizer state. `step` counts completed steps. `slots` holds slotCount(name) vectors of
 * length n (the layout of the WASM twin); unused ones stay zero:
 *   sgd:     [momentum_buffer, -, -]
 *   adam(w): [exp_avg, exp_avg_sq, max_exp_avg_sq]
 *   rmsprop: [square_avg, momentum_buffer, grad_avg]
 *   adagrad: [state_sum, -, -]
 *   the learning-rate-free ones: see lrFree.ts, which also uses `scalars` (the block's OPT_D, OPT_SUM, OPT_AUX).
 */
export interface OptimizerState {
  step: number;
  slots: Float64Array[];
  scalars: Float64Array;
}

type Key = Exclude<keyof OptimizerOptions, 'name'>;

const NAMES: readonly OptimizerName[] = ['sgd', 'adam', 'adamw', 'rmsprop', 'adagrad', ...LR_FREE];

// PyTorch's defaults, per optimizer; the keys listed are the only ones each accepts.
const DEFAULTS: Record<OptimizerName, Partial<Record<Key, number | boolean | [number, number]>>> = {
  ...LR_FREE_DEFAULTS,
  sgd: { momentum: 0, dampening: 0, nesterov: false, weightDecay: 0 },
  adam: { betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false },
  adamw: { betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0.01, amsgrad: false },
  rmsprop: { alpha: 0.99, eps: 1e-8, momentum: 0, centered: false, weightDecay: 0 },
  adagrad: { lrDecay: 0, weightDecay: 0, initialAccumulatorValue: 0, eps: 1e-10 },
};

const ALL_KEYS: readonly Key[] = [
  'momentum', 'dampening', 'nesterov', 'weightDecay', 'betas', 'eps',
  'amsgrad', 'alpha', 'centered', 'lrDecay', 'initialAccumulatorValue', 'd0', 'growthRate',
];

/** Fills in PyTorch's defaults and validates every option; throws a ValidationError naming the option and value. */
export function resolveOptimizer(opt: OptimizerName | OptimizerOptions | undefined): ResolvedOptimizer {
  if (opt === undefined) opt = 'sgd';
  if (typeof opt === 'string') opt = { name: opt };
  if (opt === null || typeof opt !== 'object' || Array.isArray(opt)) {
    throw new ValidationError(`optimizer must be an optimizer name or an options object, got ${show(opt)}`);
  }
  const name = opt.name;
  if (!NAMES.includes(name)) {
    if (typeof name !== 'string') throw new ValidationError(`optimizer.name must be one of ${NAMES.join(', ')}, got ${show(name)}`);
    throw new ValidationError(`unknown optimizer ${show(name)} (expected one of ${NAMES.join(', ')})`);
  }
  const defaults = DEFAULTS[name];
  const given = opt as unknown as Record<string, unknown>;
  for (const key of Object.keys(given)) {
    if (key === 'name') continue;
    if (!(ALL_KEYS as readonly string[]).includes(key)) throw new ValidationError(`unknown option optimizer.${key}`);
    // Rejected rather than ignored: { name: 'adam', momentum: 0.9 } is a misunderstanding worth reporting.
    if (!(key in defaults) && given[key] !== undefined) {
      throw new ValidationError(`optimizer.${key} does not apply to '${name}' (its options are ${Object.keys(defaults).join(', ')})`);
    }
  }
  const pick = (key: Key): unknown => (given[key] === undefined ? defaults[key] : given[key]);
  const applies = (key: Key): boolean => key in defaults;

  const num = (key: Key, check: (v: number) => boolean, rule: string): number => {
    if (!applies(key)) return 0;
    const v = pick(key);
    if (typeof v !== 'number' || !check(v)) throw new ValidationError(`optimizer.${key} must be ${rule}, got ${show(v)}`);
    return v;
  };
  const bool = (key: Key): boolean => {
    if (!applies(key)) return false;
    const v = pick(key);
    if (typeof v !== 'boolean') throw new ValidationError(`optimizer.${key} must be a boolean, got ${show(v)}`);
    return v;
  };
  const nonNegative = (v: number) => Number.isFinite(v) && v >= 0;
  const NON_NEGATIVE = 'a finite number >= 0';

  // Averaging weights (dadapt-sgd, schedule-free-sgd) must be below 1.
  const momentum = isLrFree(name) ? num('momentum', (v) => v >= 0 && v < 1, 'in [0, 1)') : num('momentum', nonNegative, NON_NEGATIVE);
  const dampening = num('dampening', (v) => v >= 0 && v <= 1, 'in [0, 1]');
  const nesterov = bool('nesterov');
  if (nesterov && (momentum <= 0 || dampening !== 0)) {
    throw new ValidationError('optimizer.nesterov requires momentum > 0 and dampening = 0');
  }
  let betas: [number, number] = [0, 0];
  if (applies('betas')) {
    const b = pick('betas');
    if (!Array.isArray(b) || b.length !== 2) {
      throw new ValidationError(`optimizer.betas must be an array of two numbers, got ${show(b)}`);
    }
    for (let i = 0; i < 2; i++) { // not forEach: it skips the holes of a sparse array
      const v: unknown = b[i];
      if (typeof v !== 'number' || !(v >= 0 && v < 1)) throw new ValidationError(`optimizer.betas[${i}] must be in [0, 1), got ${show(v)}`);
    }
    betas = [b[0], b[1]];
  }
  return {
    name,
    momentum,
    dampening,
    nesterov,
    weightDecay: num('weightDecay', nonNegative, NON_NEGATIVE),
    betas,
    eps: num('eps', nonNegative, NON_NEGATIVE),
    amsgrad: bool('amsgrad'),
    alpha: num('alpha', (v) => v >= 0 && v <= 1, 'in [0, 1]'),
    centered: bool('centered'),
    lrDecay: num('lrDecay', nonNegative, NON_NEGATIVE),
    initialAccumulatorValue: num('initialAccumulatorValue', nonNegative, NON_NEGATIVE),
    d0: num('d0', (v) => Number.isFinite(v) && v > 0, 'a finite number > 0'),
    growthRate: num('growthRate', (v) => v >= 1, 'a number >= 1 (Infinity: no limit)'),
  };
}

/** Per-parameter state vectors of an optimizer: 3 for the classic ones (a fixed layout), the learning-rate-free ones their own. */
export function slotCount(name: OptimizerName): number {
  return isLrFree(name) ? LR_FREE_SLOTS[name] : SLOTS;
}

/**
 * Fresh state for n parameters: step 0 and slotCount zeroed slots (adagrad's state_sum starts at
 * initialAccumulatorValue; prodigy's and dadapt's d at d0).
 */
export function createOptimizerState(opt: ResolvedOptimizer, n: number): OptimizerState {
  if (!Number.isInteger(n) || n < 0) throw new ValidationError(`n must be an integer >= 0, got ${show(n)}`);
  const slots = Array.from({ length: slotCount(opt.name) }, () => new Float64Array(n));
  if (opt.name === 'adagrad') slots[0].fill(opt.initialAccumulatorValue);
  return { step: 0, slots, scalars: Float64Array.of(opt.d0, 0, 0) };
}

/**
 * One optimizer step with PyTorch's semantics: updates `params` and `state` in place,
 * never modifies `grad`. Returns the largest |change| of any parameter and the L2 norm
 * of `grad` as passed in (before weight decay).
 */
export function optimizerStep(
  opt: ResolvedOptimizer,
  state: OptimizerState,
  params: Float64Array,
  grad: Float64Array,
  lr: number,
): { maxChange: number; gradNorm: number } {
  const n = params.length;
  if (grad.length !== n) throw new ValidationError(`grad has length ${grad.length} but params has length ${n}`);
  const count = slotCount(opt.name);
  if (state.slots.length !== count || state.slots.some((s) => s.length !== n)) {
    throw new ValidationError(`optimizer state was created for a different number of parameters (expected ${count} slots of length ${n})`);
  }
  if (!(Number.isFinite(lr) && lr >= 0)) throw new ValidationError(`lr must be a finite number >= 0, got ${show(lr)}`);

  let sumSq = 0;
  for (let i = 0; i < n; i++) sumSq += grad[i] * grad[i];
  const before = params.slice();

  state.step += 1;
  switch (opt.name) {
    case 'sgd': sgd(opt, state, params, grad, lr); break;
    case 'adam': adam(opt, state, params, grad, lr, false); break;
    case 'adamw': adam(opt, state, params, grad, lr, true); break;
    case 'rmsprop': rmsprop(opt, state, params, grad, lr); break;
    case 'adagrad': adagrad(opt, state, params, grad, lr); break;
    default: lrFreeStep(opt, state, params, grad, lr);
  }

  let maxChange = 0;
  for (let i = 0; i < n; i++) maxChange = Math.max(maxChange, Math.abs(params[i] - before[i]));
  return { maxChange, gradNorm: Math.sqrt(sumSq) };
}

/*
 * torch.optim.SGD:
 *   g <- g + weight_decay * p
 *   if momentum != 0:
 *     b <- g                                   (t = 1)
 *     b <- momentum * b + (1 - dampening) * g  (t > 1)
 *     g <- g + momentum * b  if nesterov, else  g <- b
 *   p <- p - lr * g
 */
function sgd(o: ResolvedOptimizer, s: OptimizerState, p: Float64Array, grad: Float64Array, lr: number): void {
  const buf = s.slots[0];
  for (let i = 0; i < p.length; i++) {
    let g = decayed(grad[i], p[i], o.weightDecay);
    if (o.momentum !== 0) {
      buf[i] = s.step === 1 ? g : o.momentum * buf[i] + (1 - o.dampening) * g;
      g = o.nesterov ? g + o.momentum * buf[i] : buf[i];
    }
    p[i] -= lr * g;
  }
}

/*
 * torch.optim.Adam / AdamW (AdamW: decoupled decay p <- p * (1 - lr * weight_decay) first,
 * and no decay term added to g):
 *   g <- g + weight_decay * p                       (Adam only)
 *   m <- beta1 * m + (1 - beta1) * g
 *   v <- beta2 * v + (1 - beta2) * g^2
 *   vmax <- max(vmax, v)                            (amsgrad; uncorrected v, as torch's code does)
 *   denom <- sqrt(amsgrad ? vmax : v) / sqrt(1 - beta2^t) + eps
 *   p <- p - lr / (1 - beta1^t) * m / denom
 */
function adam(o: ResolvedOptimizer, s: OptimizerState, p: Float64Array, grad: Float64Array, lr: number, decoupled: boolean): void {
  const [m, v, vmax] = s.slots;
  const [beta1, beta2] = o.betas;
  const stepSize = lr / (1 - beta1 ** s.step);
  const bc2Sqrt = Math.sqrt(1 - beta2 ** s.step);
  for (let i = 0; i < p.length; i++) {
    let g = grad[i];
    if (decoupled) p[i] *= 1 - lr * o.weightDecay;
    else g = decayed(g, p[i], o.weightDecay);
    m[i] = beta1 * m[i] + (1 - beta1) * g;
    v[i] = beta2 * v[i] + (1 - beta2) * g * g;
    let second = v[i];
    if (o.amsgrad) second = vmax[i] = Math.max(vmax[i], v[i]);
    const denom = Math.sqrt(second) / bc2Sqrt + o.eps;
    p[i] -= stepSize * (m[i] / denom);
  }
}

/*
 * torch.optim.RMSprop:
 *   g <- g + weight_decay * p
 *   sq <- alpha * sq + (1 - alpha) * g^2
 *   centered: ga <- alpha * ga + (1 - alpha) * g;  avg <- sqrt(sq - ga^2) + eps
 *   else:                                          avg <- sqrt(sq) + eps
 *   momentum > 0: b <- momentum * b + g / avg;  p <- p - lr * b     (b starts at 0)
 *   else:                                       p <- p - lr * g / avg
 */
function rmsprop(o: ResolvedOptimizer, s: OptimizerState, p: Float64Array, grad: Float64Array, lr: number): void {
  const [sq, buf, ga] = s.slots;
  for (let i = 0; i < p.length; i++) {
    const g = decayed(grad[i], p[i], o.weightDecay);
    sq[i] = o.alpha * sq[i] + (1 - o.alpha) * g * g;
    let avg: number;
    if (o.centered) {
      ga[i] = o.alpha * ga[i] + (1 - o.alpha) * g;
      avg = Math.sqrt(sq[i] - ga[i] * ga[i]) + o.eps;
    } else {
      avg = Math.sqrt(sq[i]) + o.eps;
    }
    if (o.momentum > 0) {
      buf[i] = o.momentum * buf[i] + g / avg;
      p[i] -= lr * buf[i];
    } else {
      p[i] -= lr * (g / avg);
    }
  }
}

/*
 * torch.optim.Adagrad:
 *   g <- g + weight_decay * p
 *   clr <- lr / (1 + (t - 1) * lr_decay)
 *   sum <- sum + g^2
 *   p <- p - clr * g / (sqrt(sum) + eps)
 */
function adagrad(o: ResolvedOptimizer, s: OptimizerState, p: Float64Array, grad: Float64Array, lr: number): void {
  const sum = s.slots[0];
  const clr = lr / (1 + (s.step - 1) * o.lrDecay);
  for (let i = 0; i < p.length; i++) {
    const g = decayed(grad[i], p[i], o.weightDecay);
    sum[i] += g * g;
    p[i] -= clr * (g / (Math.sqrt(sum[i]) + o.eps));
  }
}

// torch skips the term when weight_decay == 0 (so an infinite p cannot make 0 * p = NaN).
export function decayed(g: number, p: number, weightDecay: number): number {
  return weightDecay === 0 ? g : g + weightDecay * p;
}


/** The learning rate fit uses when none is given: 0.01 for the classic optimizers, the learning-rate-free ones' own (LR_FREE_RATE). */
export function defaultLearningRate(name: OptimizerName): number {
  return isLrFree(name) ? LR_FREE_RATE[name] : 0.01;
}
