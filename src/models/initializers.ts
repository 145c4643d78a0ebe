// Initial parameters. All random schemes draw from the model's seeded stream,
// so the same seed gives the same starting weights in every engine. A network's
// parameters are drawn layer by layer, W (units x inputs, row-major) then b, the
// order of the flat parameter vector.
import { ValidationError } from '../errors.js';
import { normal, uniform, type RngState } from '../reference/random.js';
import { networkLayout, type NetworkShape } from '../engines/network.js';
import { finite, knownKeys, optionsObject, show } from '../validate.js';

/** How to initialize: a scheme name, a scheme with parameters, or explicit weights. */
export type InitOption =
  | 'zeros' | 'random' | 'xavier' | 'he'
  | { type: 'constant'; value: number }
  | { type: 'uniform'; low?: number; high?: number }
  | { type: 'normal'; mean?: number; std?: number }
  | { type: 'xavier' | 'he'; distribution?: 'uniform' | 'normal' }
  | { weights: ArrayLike<number>; bias?: number }
  | { layers: readonly { weights: ArrayLike<number>; bias: ArrayLike<number> }[] };

/**
 * Draws the flat parameter vector of shape. Without init: zeros, or for
 * networkDefault (MLP) Xavier per layer, He for a relu layer. 'random' is PyTorch
 * nn.Linear's default (W and b uniform in +-1/sqrt(fan_in)); 'xavier' (Glorot,
 * uniform by default) and 'he' (normal by default) use each layer's fan_in and
 * fan_out and a zero bias; 'uniform', 'normal' and 'constant' set the weights and
 * leave the biases 0. { weights, bias } gives a one-output single-layer model's
 * parameters; { layers: [{ weights, bias }, ...] } any model's.
 */
export function initialParams(init: InitOption | undefined, shape: NetworkShape, rng: RngState, networkDefault = false): Float64Array {
  const { layers, count } = networkLayout(shape);
  const p = new Float64Array(count);
  if (init === undefined && networkDefault) {
    for (const [l, layer] of layers.entries()) {
      const act = shape.layers[l].activation;
      fillLayer(p, { type: act === 'relu' ? 'he' : 'xavier', distribution: 'uniform' }, layer, rng);
    }
    return p;
  }
  if (init === undefined || init === 'zeros') return p;
  if (typeof init === 'object' && init !== null && !Array.isArray(init)) {
    const o = optionsObject('init', init);
    if ('layers' in o) return explicitLayers(o, shape);
    if ('weights' in o) return explicitSingle(o, shape);
  }
  for (const layer of layers) fillLayer(p, init, layer, rng);
  return p;
}

interface Layer {
  inputs: number;
  units: number;
  weights: number;
  bias: number;
}

// Draws one layer's W (and b for 'random') into p by a named scheme.
function fillLayer(p: Float64Array, init: unknown, layer: Layer, rng: RngState): void {
  const { inputs, units } = layer;
  const w = (draw: () => number) => {
    for (let i = layer.weights; i < layer.weights + inputs * units; i++) p[i] = draw();
  };
  if (init === 'zeros') return;
  if (init === 'random') {
    const bound = 1 / Math.sqrt(inputs);
    for (let i = layer.weights; i < layer.bias + units; i++) p[i] = (2 * uniform(rng) - 1) * bound;
    return;
  }
  if (init === 'xavier' || init === 'he') return fillLayer(p, { type: init }, layer, rng);
  if (typeof init !== 'object' || init === null || Array.isArray(init)) throw badInit(init);
  const o = optionsObject('init', init);
  switch (o.type) {
    case 'constant':
      knownKeys('init option', o, ['type', 'value']);
      w(() => finite('init.value', o.value));
      return;
    case 'uniform': {
      knownKeys('init option', o, ['type', 'low', 'high']);
      const low = finite('init.low', o.low ?? -0.05);
      const high = finite('init.high', o.high ?? 0.05);
      if (!(high > low)) throw new ValidationError(`init.high must be greater than init.low, got ${high} <= ${low}`);
      w(() => low + (high - low) * uniform(rng));
      return;
    }
    case 'normal': {
      knownKeys('init option', o, ['type', 'mean', 'std']);
      const mean = finite('init.mean', o.mean ?? 0);
      const std = finite('init.std', o.std ?? 0.01);
      if (std < 0) throw new ValidationError(`init.std must be >= 0, got ${std}`);
      w(() => mean + std * normal(rng));
      return;
    }
    case 'xavier':
    case 'he': {
      knownKeys('init option', o, ['type', 'distribution']);
      const dist = o.distribution ?? (o.type === 'xavier' ? 'uniform' : 'normal');
      if (dist !== 'uniform' && dist !== 'normal') {
        throw new ValidationError(`init.distribution must be 'uniform' or 'normal', got ${show(dist)}`);
      }
      // Variance 2 / (fan_in + fan_out) for Glorot, 2 / fan_in for He.
      const variance = o.type === 'xavier' ? 2 / (inputs + units) : 2 / inputs;
      const bound = Math.sqrt(3 * variance);
      const std = Math.sqrt(variance);
      w(dist === 'uniform' ? () => (2 * uniform(rng) - 1) * bound : () => std * normal(rng));
      return;
    }
    default:
      throw badInit(init);
  }
}

function badInit(init: unknown): ValidationError {
  return new ValidationError(
    `init must be 'zeros', 'random', 'xavier', 'he', { type: 'constant' | 'uniform' | 'normal' | 'xavier' | 'he', ... }, ` +
      `{ weights, bias } or { layers: [{ weights, bias }, ...] }, got ${show(init)}`,
  );
}

// One value that float32 can hold, or an error naming where it came from.
function storable(name: string, i: number, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(Math.fround(v))) throw new ValidationError(`${name} contains ${show(v)} at index ${i}`);
  return v;
}

function numbers(name: string, v: unknown, n: number, p: Float64Array, at: number): void {
  if (!v || typeof v !== 'object' || typeof (v as ArrayLike<unknown>).length !== 'number') {
    throw new ValidationError(`${name} must be an array of ${n} numbers, got ${show(v)}`);
  }
  const a = v as ArrayLike<unknown>;
  if (a.length !== n) throw new ValidationError(`${name} has ${a.length} values, expected ${n}`);
  for (let i = 0; i < n; i++) p[at + i] = storable(name, i, a[i]);
}

function explicitSingle(o: Record<string, unknown>, shape: NetworkShape): Float64Array {
  knownKeys('init option', o, ['weights', 'bias']);
  const { layers, count } = networkLayout(shape);
  if (layers.length !== 1 || layers[0].units !== 1) {
    throw new ValidationError(`init { weights, bias } is for one-output models; give { layers: [{ weights, bias }, ...] }`);
  }
  const p = new Float64Array(count);
  numbers('init.weights', o.weights, shape.inputs, p, 0);
  p[shape.inputs] = finite('init.bias', o.bias ?? 0);
  return p;
}

function explicitLayers(o: Record<string, unknown>, shape: NetworkShape): Float64Array {
  knownKeys('init option', o, ['layers']);
  const { layers, count } = networkLayout(shape);
  const given = o.layers;
  if (!Array.isArray(given) || given.length !== layers.length) {
    throw new ValidationError(`init.layers must be an array of ${layers.length} layers, got ${show(given)}`);
  }
  const p = new Float64Array(count);
  layers.forEach((layer, l) => {
    const g = optionsObject(`init.layers[${l}]`, given[l]);
    knownKeys(`init.layers[${l}] option`, g, ['weights', 'bias']);
    numbers(`init.layers[${l}].weights`, g.weights, layer.units * layer.inputs, p, layer.weights);
    numbers(`init.layers[${l}].bias`, g.bias, layer.units, p, layer.bias);
  });
  return p;
}
