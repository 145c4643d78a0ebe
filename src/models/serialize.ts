// The model file format. Version 2 (every model type): the network's shape, each
// layer's weights and biases, class names and the training options used.
// Version 1 (LinearRegression and LogisticRegression files written before
// networks existed) still loads. Every field is checked, and an error names it
// as the file spells it (weights[3], layers[1].bias, shape.layers[0].units).
import { ValidationError } from '../errors.js';
import { ACTIVATIONS, HEADS, networkLayout, type ActivationName, type HeadName, type NetworkShape } from '../reference/network.js';
import { show } from '../validate.js';
import { version } from '../version.js';

/** The current file format version. */
export const FORMAT_VERSION = 2;

/** A saved model (toJSON's result): plain JSON data. */
export interface ModelJSON {
  format: 'steepest';
  version: 2;
  /** The library version that wrote it. */
  library: string;
  /** The model class: LinearRegression, LogisticRegression, SoftmaxRegression or MLP. */
  model: string;
  shape: { inputs: number; layers: { units: number; activation: ActivationName }[]; head: HeadName };
  /** Per layer: W (units x inputs, row-major) and b. */
  layers: { weights: number[]; bias: number[] }[];
  /** Class names of a model trained on string labels (index = class). */
  classes?: string[];
  /** The options of the last training call (JSON-safe: a function schedule is recorded as 'function'). */
  training?: Record<string, unknown>;
}

/** What readModelJSON found in a file. */
export interface ReadJSON {
  model: string;
  shape: NetworkShape;
  params: Float64Array;
  classes: string[] | null;
  training: Record<string, unknown> | null;
}

/** The file for a model. */
export function writeModelJSON(
  model: string, shape: NetworkShape, params: Float64Array, classes: readonly string[] | null,
  training: Record<string, unknown> | null,
): ModelJSON {
  const json: ModelJSON = {
    format: 'steepest',
    version: 2,
    library: version,
    model,
    shape: { inputs: shape.inputs, layers: shape.layers.map((l) => ({ units: l.units, activation: l.activation })), head: shape.head },
    layers: networkLayout(shape).layers.map((l) => ({
      weights: Array.from(params.subarray(l.weights, l.weights + l.units * l.inputs)),
      bias: Array.from(params.subarray(l.bias, l.bias + l.units)),
    })),
  };
  if (classes) json.classes = [...classes];
  if (training) json.training = training;
  return json;
}

const MODELS = ['LinearRegression', 'LogisticRegression', 'SoftmaxRegression', 'MLP'];

/**
 * Checks a saved model (an object, or its JSON text) and returns its contents.
 * expected: the class that is loading it (null: any, as loadModel does).
 */
export function readModelJSON(json: unknown, expected: string | null): ReadJSON {
  if (typeof json === 'string') {
    try {
      json = JSON.parse(json);
    } catch (err) {
      throw new ValidationError(`the model file is not valid JSON (${(err as Error).message}); it may be truncated`);
    }
  }
  const o = object('the model file', json);
  if (o.format !== 'steepest') throw new ValidationError(`the model file's format must be 'steepest', got ${show(o.format)}`);
  if (o.version === 1) return readV1(o, expected);
  if (typeof o.version === 'number' && Number.isInteger(o.version) && o.version > FORMAT_VERSION) {
    throw new ValidationError(
      `the model file is version ${o.version}, newer than this library reads (${FORMAT_VERSION}); it was written by steepest ${show(o.library)}: upgrade steepest`,
    );
  }
  if (o.version !== FORMAT_VERSION) throw new ValidationError(`the model file's version must be 1 or 2, got ${show(o.version)}`);
  known(o, ['format', 'version', 'library', 'model', 'shape', 'layers', 'classes', 'training'], '');
  const model = modelName(o.model, expected);
  const shape = readShape(o.shape);
  const layout = networkLayout(shape);
  const fileLayers = o.layers;
  if (!Array.isArray(fileLayers)) throw new ValidationError(`layers must be an array of ${layout.layers.length} layers, got ${show(fileLayers)}`);
  if (fileLayers.length !== layout.layers.length) {
    throw new ValidationError(`layers has ${fileLayers.length} entries but shape.layers has ${layout.layers.length}`);
  }
  const params = new Float64Array(layout.count);
  layout.layers.forEach((l, i) => {
    const layer = object(`layers[${i}]`, fileLayers[i]);
    known(layer, ['weights', 'bias'], `layers[${i}].`);
    values(`layers[${i}].weights`, layer.weights, l.units * l.inputs, params, l.weights, `${l.units} x ${l.inputs}`);
    values(`layers[${i}].bias`, layer.bias, l.units, params, l.bias, `${l.units}`);
  });
  const classes = o.classes === undefined ? null : readClasses(o.classes, shape);
  if (o.training !== undefined && (o.training === null || typeof o.training !== 'object' || Array.isArray(o.training))) {
    throw new ValidationError(`training must be an object, got ${show(o.training)}`);
  }
  return { model, shape, params, classes, training: (o.training as Record<string, unknown>) ?? null };
}

// Version 1: { format, version: 1, model, features, weights, bias } for the two one-layer models.
function readV1(o: Record<string, unknown>, expected: string | null): ReadJSON {
  known(o, ['format', 'version', 'model', 'features', 'weights', 'bias'], '');
  const model = modelName(o.model, expected);
  if (model !== 'LinearRegression' && model !== 'LogisticRegression') {
    throw new ValidationError(`model must be LinearRegression or LogisticRegression in a version 1 file, got ${show(o.model)}`);
  }
  const features = positive('features', o.features);
  const params = new Float64Array(features + 1);
  values('weights', o.weights, features, params, 0, `${features} (features)`);
  params[features] = number('bias', o.bias);
  const head = model === 'LinearRegression' ? 'mse' : 'sigmoid';
  return { model, shape: { inputs: features, layers: [{ units: 1, activation: 'identity' }], head }, params, classes: null, training: null };
}

function modelName(v: unknown, expected: string | null): string {
  if (typeof v !== 'string' || !MODELS.includes(v)) throw new ValidationError(`model must be one of ${MODELS.join(', ')}, got ${show(v)}`);
  if (expected && v !== expected) throw new ValidationError(`the model file holds a ${v}, not a ${expected}; load it with ${v}.fromJSON or loadModel`);
  return v;
}

function readShape(v: unknown): NetworkShape {
  const s = object('shape', v);
  known(s, ['inputs', 'layers', 'head'], 'shape.');
  const inputs = positive('shape.inputs', s.inputs);
  if (!Array.isArray(s.layers) || s.layers.length === 0) {
    throw new ValidationError(`shape.layers must be a non-empty array of { units, activation }, got ${show(s.layers)}`);
  }
  const layers = s.layers.map((l: unknown, i: number) => {
    const layer = object(`shape.layers[${i}]`, l);
    known(layer, ['units', 'activation'], `shape.layers[${i}].`);
    const units = positive(`shape.layers[${i}].units`, layer.units);
    if (typeof layer.activation !== 'string' || !(layer.activation in ACTIVATIONS)) {
      throw new ValidationError(`shape.layers[${i}].activation must be one of ${Object.keys(ACTIVATIONS).join(', ')}, got ${show(layer.activation)}`);
    }
    return { units, activation: layer.activation as ActivationName };
  });
  if (typeof s.head !== 'string' || !(s.head in HEADS)) {
    throw new ValidationError(`shape.head must be one of ${Object.keys(HEADS).join(', ')}, got ${show(s.head)}`);
  }
  return { inputs, layers, head: s.head as HeadName };
}

function readClasses(v: unknown, shape: NetworkShape): string[] {
  const outputs = shape.layers[shape.layers.length - 1].units;
  const count = shape.head === 'softmax' ? outputs : 2;
  if (!Array.isArray(v) || v.length !== count || shape.head === 'mse' || (shape.head === 'sigmoid' && outputs !== 1)) {
    throw new ValidationError(`classes must be ${count} distinct strings for this model's head, got ${show(v)}`);
  }
  v.forEach((c, i) => {
    if (typeof c !== 'string') throw new ValidationError(`classes[${i}] must be a string, got ${show(c)}`);
  });
  if (new Set(v).size !== v.length) throw new ValidationError(`classes must be distinct, got ${show(v)}`);
  return [...v] as string[];
}

function object(name: string, v: unknown): Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new ValidationError(`${name} must be an object, got ${show(v)}`);
  return v as Record<string, unknown>;
}

function known(o: Record<string, unknown>, keys: readonly string[], prefix: string): void {
  for (const k of Object.keys(o)) {
    if (!keys.includes(k)) throw new ValidationError(`the model file has an unknown field ${prefix}${k} (expected ${keys.map((x) => prefix + x).join(', ')})`);
  }
}

function positive(name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new ValidationError(`${name} must be a positive integer, got ${show(v)}`);
  return v;
}

function number(name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(Math.fround(v))) {
    throw new ValidationError(`${name} must be a finite number within float32 range, got ${show(v)}`);
  }
  return v;
}

function values(name: string, v: unknown, n: number, out: Float64Array, at: number, what: string): void {
  if (!Array.isArray(v)) throw new ValidationError(`${name} must be an array of ${n} numbers, got ${show(v)}`);
  if (v.length !== n) throw new ValidationError(`${name} has ${v.length} values but the shape needs ${n} (${what})`);
  for (let i = 0; i < n; i++) out[at + i] = number(`${name}[${i}]`, v[i]);
}
