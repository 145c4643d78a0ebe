// Learning-rate schedules with torch.optim.lr_scheduler's semantics and defaults,
// written as closed forms of the epoch (plus the step within the epoch for the
// per-step ones) so any epoch's lr can be asked for without replaying history.
// Only reduce-on-plateau has state, because it depends on the observed losses.

import { ValidationError } from '../errors.js';
import { show } from '../validate.js';

/** How the learning rate changes over epochs; PyTorch's schedulers with camelCased options, or a function of the 0-based epoch. */
export type ScheduleOptions =
  | 'constant'
  | { type: 'constant' }
  | { type: 'step'; stepSize: number; gamma?: number }
  | { type: 'exponential'; gamma: number }
  | { type: 'linear'; startFactor?: number; endFactor?: number; totalIters?: number }
  | { type: 'cosine'; tMax: number; etaMin?: number; restarts?: boolean | { tMult?: number } }
  | {
      type: 'plateau';
      factor?: number;
      patience?: number;
      threshold?: number;
      thresholdMode?: 'rel' | 'abs';
      mode?: 'min';
      cooldown?: number;
      minLr?: number;
    }
  | ((epoch: number) => number);

/** Linear warmup from startFactor * lr to the scheduled lr over `epochs` (per step); the schedule's epoch 0 follows it. */
export interface WarmupOptions {
  epochs: number;
  startFactor?: number;
}

/** A learning-rate schedule; `lrAt` is the lr for batch `step` of epoch `epoch` (both 0-based). */
export interface Schedule {
  /** True if the lr can change within an epoch (warm restarts, warmup). */
  readonly perStep: boolean;
  /** The learning rate for batch `step` of epoch `epoch`. */
  lrAt(epoch: number, step: number, stepsPerEpoch: number): number;
  /** Feeds an epoch's loss to reduce-on-plateau; a no-op for the other schedules. */
  observe(epoch: number, loss: number): void;
  /** A JSON-able snapshot of the resolved options and any mutable state. */
  state(): unknown;
}

const TYPES = ['constant', 'step', 'exponential', 'linear', 'cosine', 'plateau'] as const;

const KEYS: Record<(typeof TYPES)[number], readonly string[]> = {
  constant: [],
  step: ['stepSize', 'gamma'],
  exponential: ['gamma'],
  linear: ['startFactor', 'endFactor', 'totalIters'],
  cosine: ['tMax', 'etaMin', 'restarts'],
  plateau: ['factor', 'patience', 'threshold', 'thresholdMode', 'mode', 'cooldown', 'minLr'],
};

// ReduceLROnPlateau's eps: reductions smaller than this are skipped.
const PLATEAU_EPS = 1e-8;

/** Builds a schedule for `baseLr`, validating every option (messages name the option and value). */
export function createSchedule(opts: ScheduleOptions | undefined, baseLr: number, warmup?: WarmupOptions): Schedule {
  if (typeof baseLr !== 'number' || !(Number.isFinite(baseLr) && baseLr > 0)) {
    fail('learningRate', baseLr, 'a finite number > 0');
  }
  const inner = createInner(opts ?? 'constant', baseLr);
  return warmup === undefined ? inner : withWarmup(inner, warmup);
}

function createInner(opts: ScheduleOptions, base: number): Schedule {
  if (typeof opts === 'function') return userFunction(opts);
  if (opts === 'constant') return epochwise({ type: 'constant' }, () => base);
  if (typeof opts === 'string') {
    throw new ValidationError(`unknown schedule '${opts}' (expected 'constant', an options object or a function)`);
  }
  if (opts === null || typeof opts !== 'object' || Array.isArray(opts)) {
    throw new ValidationError(`schedule must be 'constant', an options object or a function, got ${show(opts)}`);
  }
  const type = (opts as { type: unknown }).type;
  if (!TYPES.includes(type as never)) {
    throw new ValidationError(`unknown schedule type ${show(type)} (expected one of ${TYPES.join(', ')})`);
  }
  const o = opts as Record<string, unknown>;
  checkKeys(o, KEYS[type as (typeof TYPES)[number]], 'schedule');

  switch (type as (typeof TYPES)[number]) {
    case 'constant':
      return epochwise({ type }, () => base);
    case 'step': {
      // StepLR: lr * gamma^floor(epoch / step_size)
      const stepSize = integer(o, 'stepSize', 1, undefined);
      const gamma = positive(o, 'gamma', 0.1);
      return epochwise({ type, stepSize, gamma }, (e) => base * gamma ** Math.floor(e / stepSize));
    }
    case 'exponential': {
      // ExponentialLR: lr * gamma^epoch
      const gamma = positive(o, 'gamma', undefined);
      return epochwise({ type, gamma }, (e) => base * gamma ** e);
    }
    case 'linear': {
      // LinearLR: lr * (start + (end - start) * min(epoch, total_iters) / total_iters)
      const startFactor = inRange(o, 'startFactor', 1 / 3, (v) => v > 0 && v <= 1, 'in (0, 1]');
      const endFactor = inRange(o, 'endFactor', 1, (v) => v >= 0 && v <= 1, 'in [0, 1]');
      const totalIters = integer(o, 'totalIters', 1, 5);
      return epochwise({ type, startFactor, endFactor, totalIters }, (e) =>
        base * (startFactor + ((endFactor - startFactor) * Math.min(e, totalIters)) / totalIters));
    }
    case 'cosine':
      return cosine(o, base);
    case 'plateau':
      return plateau(o, base);
  }
}

// CosineAnnealingLR (closed form; past tMax it rises again, as PyTorch's does):
//   eta_min + (lr - eta_min) * (1 + cos(pi * epoch / T_max)) / 2
// CosineAnnealingWarmRestarts (T_0 = tMax), stepped per batch with epoch + step / stepsPerEpoch:
//   eta_min + (lr - eta_min) * (1 + cos(pi * T_cur / T_i)) / 2, T_i = T_0 * T_mult^cycle
function cosine(o: Record<string, unknown>, base: number): Schedule {
  const tMax = integer(o, 'tMax', 1, undefined);
  const etaMin = inRange(o, 'etaMin', 0, (v) => Number.isFinite(v) && v >= 0, 'a finite number >= 0');
  const curve = (tCur: number, tI: number) => etaMin + ((base - etaMin) * (1 + Math.cos((Math.PI * tCur) / tI))) / 2;
  const r = o.restarts;
  if (r === undefined || r === false) {
    return epochwise({ type: 'cosine', tMax, etaMin }, (e) => curve(e, tMax));
  }
  let tMult = 1;
  if (typeof r === 'object' && r !== null && !Array.isArray(r)) {
    const ro = r as Record<string, unknown>;
    checkKeys(ro, ['tMult'], 'schedule.restarts');
    tMult = integer(ro, 'tMult', 1, 1, 'schedule.restarts');
  } else if (r !== true) {
    throw new ValidationError(`schedule.restarts must be a boolean or { tMult }, got ${show(r)}`);
  }
  return {
    perStep: true,
    lrAt(epoch, step, stepsPerEpoch) {
      checkPosition(epoch, step, stepsPerEpoch);
      // Find the cycle from the integer epoch (cycles start at whole epochs), so
      // restarts land exactly where PyTorch's log-based formula intends them.
      let start = 0;
      let tI = tMax;
      if (tMult === 1) start = epoch - (epoch % tMax);
      else while (epoch >= start + tI) { start += tI; tI *= tMult; }
      return curve(epoch - start + step / stepsPerEpoch, tI);
    },
    observe() {},
    state: () => ({ type: 'cosine', tMax, etaMin, restarts: { tMult } }),
  };
}

// ReduceLROnPlateau (mode 'min'): an epoch is better if loss < best * (1 - threshold) ('rel')
// or loss < best - threshold ('abs'); after more than `patience` bad epochs outside cooldown,
// lr <- max(lr * factor, min_lr) unless that changes it by less than eps = 1e-8.
function plateau(o: Record<string, unknown>, base: number): Schedule {
  const factor = inRange(o, 'factor', 0.1, (v) => v > 0 && v < 1, 'in (0, 1)');
  const patience = integer(o, 'patience', 0, 10);
  const threshold = inRange(o, 'threshold', 1e-4, (v) => Number.isFinite(v) && v >= 0, 'a finite number >= 0');
  const thresholdMode = o.thresholdMode ?? 'rel';
  if (thresholdMode !== 'rel' && thresholdMode !== 'abs') {
    fail('schedule.thresholdMode', thresholdMode, "'rel' or 'abs'");
  }
  if ((o.mode ?? 'min') !== 'min') fail('schedule.mode', o.mode, "'min'");
  const cooldown = integer(o, 'cooldown', 0, 0);
  const minLr = inRange(o, 'minLr', 0, (v) => Number.isFinite(v) && v >= 0, 'a finite number >= 0');

  let lr = base;
  let best = Infinity;
  let numBadEpochs = 0;
  let cooldownCounter = 0;
  const isBetter = (loss: number) =>
    thresholdMode === 'rel' ? loss < best * (1 - threshold) : loss < best - threshold;
  return {
    perStep: false,
    lrAt(epoch, step, stepsPerEpoch) {
      checkPosition(epoch, step, stepsPerEpoch);
      return lr;
    },
    observe(_epoch, loss) {
      if (isBetter(loss)) {
        best = loss;
        numBadEpochs = 0;
      } else {
        numBadEpochs += 1;
      }
      if (cooldownCounter > 0) {
        cooldownCounter -= 1;
        numBadEpochs = 0; // bad epochs during cooldown do not count
      }
      if (numBadEpochs > patience) {
        const next = Math.max(lr * factor, minLr);
        if (lr - next > PLATEAU_EPS) lr = next;
        cooldownCounter = cooldown;
        numBadEpochs = 0;
      }
    },
    state: () => ({
      type: 'plateau', factor, patience, threshold, thresholdMode, mode: 'min', cooldown, minLr,
      lr, best, numBadEpochs, cooldownCounter,
    }),
  };
}

function userFunction(fn: (epoch: number) => number): Schedule {
  return {
    perStep: false,
    lrAt(epoch, step, stepsPerEpoch) {
      checkPosition(epoch, step, stepsPerEpoch);
      const lr = fn(epoch);
      if (typeof lr !== 'number' || !(Number.isFinite(lr) && lr > 0)) {
        throw new ValidationError(`schedule function returned ${show(lr)} at epoch ${epoch}; it must return a finite number > 0`);
      }
      return lr;
    },
    observe() {},
    state: () => ({ type: 'function' }),
  };
}

function withWarmup(inner: Schedule, warmup: WarmupOptions): Schedule {
  if (warmup === null || typeof warmup !== 'object' || Array.isArray(warmup)) {
    throw new ValidationError(`warmup must be an options object { epochs, startFactor }, got ${show(warmup)}`);
  }
  const w = warmup as unknown as Record<string, unknown>;
  checkKeys(w, ['epochs', 'startFactor'], 'warmup');
  const epochs = integer(w, 'epochs', 0, undefined, 'warmup');
  const startFactor = inRange(w, 'startFactor', 1 / 3, (v) => v > 0 && v <= 1, 'in (0, 1]', 'warmup');
  if (epochs === 0) return inner;
  return {
    perStep: true,
    lrAt(epoch, step, stepsPerEpoch) {
      checkPosition(epoch, step, stepsPerEpoch);
      if (epoch >= epochs) return inner.lrAt(epoch - epochs, step, stepsPerEpoch);
      // Per step: startFactor * target at the first batch, reaching target where the schedule starts.
      const progress = (epoch * stepsPerEpoch + step) / (epochs * stepsPerEpoch);
      return inner.lrAt(0, 0, stepsPerEpoch) * (startFactor + (1 - startFactor) * progress);
    },
    observe(epoch, loss) {
      if (epoch >= epochs) inner.observe(epoch - epochs, loss);
    },
    state: () => ({ warmup: { epochs, startFactor }, schedule: inner.state() }),
  };
}

function epochwise(description: object, lr: (epoch: number) => number): Schedule {
  return {
    perStep: false,
    lrAt(epoch, step, stepsPerEpoch) {
      checkPosition(epoch, step, stepsPerEpoch);
      return lr(epoch);
    },
    observe() {},
    state: () => ({ ...description }),
  };
}

function checkPosition(epoch: number, step: number, stepsPerEpoch: number): void {
  if (!Number.isInteger(epoch) || epoch < 0) fail('epoch', epoch, 'an integer >= 0');
  if (!Number.isInteger(stepsPerEpoch) || stepsPerEpoch < 1) fail('stepsPerEpoch', stepsPerEpoch, 'an integer >= 1');
  if (!Number.isInteger(step) || step < 0 || step >= stepsPerEpoch) {
    fail('step', step, `an integer in [0, ${stepsPerEpoch})`);
  }
}

function checkKeys(o: Record<string, unknown>, allowed: readonly string[], prefix: string): void {
  for (const key of Object.keys(o)) {
    if (key !== 'type' || prefix !== 'schedule') {
      if (!allowed.includes(key)) throw new ValidationError(`unknown option ${prefix}.${key}`);
    }
  }
}

function integer(o: Record<string, unknown>, key: string, min: number, dflt: number | undefined, prefix = 'schedule'): number {
  const v = o[key] ?? dflt;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) fail(`${prefix}.${key}`, v, `an integer >= ${min}`);
  return v;
}

function positive(o: Record<string, unknown>, key: string, dflt: number | undefined): number {
  return inRange(o, key, dflt, (v) => Number.isFinite(v) && v > 0, 'a finite number > 0');
}

function inRange(
  o: Record<string, unknown>, key: string, dflt: number | undefined,
  ok: (v: number) => boolean, rule: string, prefix = 'schedule',
): number {
  const v = o[key] ?? dflt;
  if (typeof v !== 'number' || !ok(v)) fail(`${prefix}.${key}`, v, rule);
  return v;
}

// Bad input of any kind (wrong type or out of range) is one error class, ValidationError.
function fail(name: string, value: unknown, rule: string): never {
  throw new ValidationError(`${name} must be ${rule}, got ${show(value)}`);
}

