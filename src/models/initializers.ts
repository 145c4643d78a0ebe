// Initial parameters. All random schemes draw from the model's seeded stream,
// so the same seed gives the same starting weights in every engine.
import { ValidationError } from '../errors.js';
import { normal, uniform, type RngState } from '../reference/random.js';
import { finite, knownKeys, optionsObject, show } from '../validate.js';

/** How to initialize: a scheme name, a scheme with parameters, or explicit weights. */
export type InitOption =
  | 'zeros' | 'random' | 'xavier' | 'he'
  | { type: 'constant'; value: number }
  | { type: 'uniform'; low?: number; high?: number }
  | { type: 'normal'; mean?: number; std?: number }
  | { type: 'xavier' | 'he'; distribution?: 'uniform' | 'normal' }
  | { weights: ArrayLike<number>; bias?: number };

/**
 * Draws [w (features), bias]. 'random' is PyTorch nn.Linear's default
 * (weights and bias uniform in +-1/sqrt(features)); 'xavier' (Glorot, uniform
 * by default) and 'he' (normal by default) use fan_in = features, fan_out = 1
 * and a zero bias; 'uniform', 'normal' and 'constant' set the weights and leave the bias 0.
 */
export function initialParams(init: InitOption | undefined, features: number, rng: RngState): Float64Array {
  const p = new Float64Array(features + 1);
  const w = (draw: () => number) => {
    for (let i = 0; i < features; i++) p[i] = draw();
  };
  if (init === undefined || init === 'zeros') return p;
  if (init === 'random') {
    const bound = 1 / Math.sqrt(features);
    for (let i = 0; i <= features; i++) p[i] = (2 * uniform(rng) - 1) * bound;
    return p;
  }
  if (init === 'xavier' || init === 'he') return initialParams({ type: init }, features, rng);
  if (typeof init !== 'object' || init === null || Array.isArray(init)) throw badInit(init);
  const o = optionsObject('init', init);
  if ('weights' in o) return explicit(o, features);
  switch (o.type) {
    case 'constant':
      knownKeys('init option', o, ['type', 'value']);
      w(() => finite('init.value', o.value));
      return p;
    case 'uniform': {
      knownKeys('init option', o, ['type', 'low', 'high']);
      const low = finite('init.low', o.low ?? -0.05);
      const high = finite('init.high', o.high ?? 0.05);
      if (!(high > low)) throw new ValidationError(`init.high must be greater than init.low, got ${high} <= ${low}`);
      w(() => low + (high - low) * uniform(rng));
      return p;
    }
    case 'normal': {
      knownKeys('init option', o, ['type', 'mean', 'std']);
      const mean = finite('init.mean', o.mean ?? 0);
      const std = finite('init.std', o.std ?? 0.01);
      if (std < 0) throw new ValidationError(`init.std must be >= 0, got ${std}`);
      w(() => mean + std * normal(rng));
      return p;
    }
    case 'xavier':
    case 'he': {
      knownKeys('init option', o, ['type', 'distribution']);
      const dist = o.distribution ?? (o.type === 'xavier' ? 'uniform' : 'normal');
      if (dist !== 'uniform' && dist !== 'normal') {
        throw new ValidationError(`init.distribution must be 'uniform' or 'normal', got ${show(dist)}`);
      }
      // Variance 2 / (fan_in + fan_out) for Glorot, 2 / fan_in for He.
      const variance = o.type === 'xavier' ? 2 / (features + 1) : 2 / features;
      const bound = Math.sqrt(3 * variance);
      const std = Math.sqrt(variance);
      w(dist === 'uniform' ? () => (2 * uniform(rng) - 1) * bound : () => std * normal(rng));
      return p;
    }
    default:
      throw badInit(init);
  }
}

function badInit(init: unknown): ValidationError {
  return new ValidationError(
    `init must be 'zeros', 'random', 'xavier', 'he', { type: 'constant' | 'uniform' | 'normal' | 'xavier' | 'he', ... } or { weights, bias }, got ${show(init)}`,
  );
}

function explicit(o: Record<string, unknown>, features: number): Float64Array {
  knownKeys('init option', o, ['weights', 'bias']);
  const w = o.weights as ArrayLike<unknown> | undefined;
  if (!w || typeof w !== 'object' || typeof w.length !== 'number') {
    throw new ValidationError(`init.weights must be an array of ${features} numbers, got ${show(w)}`);
  }
  if (w.length !== features) throw new ValidationError(`init.weights has ${w.length} values, expected ${features}`);
  const p = new Float64Array(features + 1);
  for (let i = 0; i < features; i++) {
    const v = w[i];
    if (typeof v !== 'number' || !Number.isFinite(Math.fround(v))) {
      throw new ValidationError(`init.weights contains ${show(v)} at index ${i}`);
    }
    p[i] = v;
  }
  p[features] = finite('init.bias', o.bias ?? 0);
  return p;
}
