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
const V1_FIELDS = ['format', 'version', 'model', 'features', 'weights', 'bias'];
const V2_FIELDS = ['format', 'version', 'library', 'model', 'shape', 'layers', 'classes', 'training'];
const FLOAT32_LIMIT = 'largest magnitude is 3.4028234663852886e+38';

/**
 * Checks a saved model (toJSON()'s object, or its JSON text) and returns its contents.
 * expected: the class that is loading it (null: any, as loadModel does).
 */
export function readModelJSON(json: unknown, expected: string | null): ReadJSON {
  if (typeof json === 'string') {
    try {
      json = JSON.parse(json);
    } catch (err) {
      throw new ValidationError(`json is not valid JSON: ${(err as Error).message}`, { cause: err });
    }
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json) || ArrayBuffer.isView(json)) {
    throw new ValidationError(`json must be toJSON() output (an object) or its JSON text, got ${show(json)}`);
  }
  const o = json as Record<string, unknown>;
  if (o.format !== 'steepest') throw new ValidationError(`json is not a steepest model (format ${show(o.format)}, version ${show(o.version)})`);
  if (o.version === 1) return readV1(o, expected);
  if (o.version !== FORMAT_VERSION) {
    const newer = typeof o.version === 'number' && Number.isInteger(o.version) && o.version > FORMAT_VERSION;
    throw new ValidationError(
      `json has file format version ${show(o.version)}; this version of steepest reads versions 1 and ${FORMAT_VERSION}` +
        (newer ? ` (the file was written by steepest ${show(o.library)}: upgrade steepest to load it)` : ''),
    );
  }
  known(o, V2_FIELDS, '');
  const model = modelName(o.model, expected);
  const shape = readShape(o.shape);
  const layout = networkLayout(shape);
  const fileLayers = o.layers;
  if (!Array.isArray(fileLayers)) throw new ValidationError(`layers must be an array of ${layout.layers.length} layers, got ${show(fileLayers)}`);
  if (fileLayers.length !== layout.layers.length) {
    throw new ValidationError(`layers has ${fileLayers.length} entries but shape.layers has ${layout.layers.length}`);
  }
  // Every length is checked before the parameter vector is allocated: a huge shape is an error about the file.
  const checked = layout.layers.map((l, i) => {
    const layer = object(`layers[${i}]`, fileLayers[i]);
    known(layer, ['weights', 'bias'], `layers[${i}].`);
    const weights = array(`layers[${i}].weights`, layer.weights, l.units * l.inputs, `the shape needs ${l.units * l.inputs} (${l.units} x ${l.inputs})`);
    const bias = array(`layers[${i}].bias`, layer.bias, l.units, `the shape needs ${l.units}`);
    return { weights, bias };
  });
  const params = new Float64Array(layout.count);
  layout.layers.forEach((l, i) => {
    numbers(`layers[${i}].weights`, checked[i].weights, params, l.weights);
    numbers(`layers[${i}].bias`, checked[i].bias, params, l.bias);
  });
  const classes = o.classes === undefined ? null : readClasses(o.classes, shape);
  if (o.training !== undefined && (o.training === null || typeof o.training !== 'object' || Array.isArray(o.training))) {
    throw new ValidationError(`training must be an object, got ${show(o.training)}`);
  }
  return { model, shape, params, classes, training: (o.training as Record<string, unknown>) ?? null };
}

// Version 1: { format, version: 1, model, features, weights, bias } for the two one-layer models.
function readV1(o: Record<string, unknown>, expected: string | null): ReadJSON {
  known(o, V1_FIELDS, '');
  const model = modelName(o.model, expected);
  if (model !== 'LinearRegression' && model !== 'LogisticRegression') {
    throw new ValidationError(`model must be LinearRegression or LogisticRegression in a version 1 file, got ${show(o.model)}`);
  }
  const features = positive('features', o.features);
  const weights = array('weights', o.weights, features, `features is ${features}`);
  const params = new Float64Array(features + 1);
  numbers('weights', weights, params, 0);
  params[features] = number('bias', o.bias);
  const head = model === 'LinearRegression' ? 'mse' : 'sigmoid';
  return { model, shape: { inputs: features, layers: [{ units: 1, activation: 'identity' }], head }, params, classes: null, training: null };
}

function modelName(v: unknown, expected: string | null): string {
  if (typeof v !== 'string') throw new ValidationError(`model must be a string, got ${show(v)}`);
  if (!MODELS.includes(v)) throw new ValidationError(`model must be one of ${MODELS.join(', ')}, got ${show(v)}`);
  if (expected && v !== expected) throw new ValidationError(`json holds a ${v}, not a ${expected} (load it with ${v}.fromJSON or loadModel)`);
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
  if (shape.head === 'mse' || (shape.head === 'sigmoid' && outputs !== 1)) {
    throw new ValidationError(`classes is only for classifiers (a softmax head, or a sigmoid head with one output), got ${show(v)}`);
  }
  if (!Array.isArray(v) || v.length !== count) throw new ValidationError(`classes must be an array of ${count} distinct strings, got ${show(v)}`);
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
    if (!keys.includes(k)) throw new ValidationError(`unknown json field '${prefix}${k}' (expected one of ${keys.join(', ')})`);
  }
}

function positive(name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new ValidationError(`${name} must be a positive integer, got ${show(v)}`);
  return v;
}

function number(name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new ValidationError(`${name} must be a finite number, got ${show(v)}`);
  if (!Number.isFinite(Math.fround(v))) throw new ValidationError(`${name} value ${show(v)} is too large for float32 (${FLOAT32_LIMIT})`);
  return v;
}

// An array (or Float32Array / Float64Array) of exactly n entries; why: what n comes from, for the message.
function array(name: string, v: unknown, n: number, why: string): ArrayLike<unknown> {
  if (!Array.isArray(v) && !(v instanceof Float32Array) && !(v instanceof Float64Array)) {
    throw new ValidationError(`${name} must be an array of ${n} numbers, got ${show(v)}`);
  }
  if (v.length !== n) throw new ValidationError(`${name} has ${v.length} values but ${why}`);
  return v;
}

function numbers(name: string, v: ArrayLike<unknown>, out: Float64Array, at: number): void {
  for (let i = 0; i < v.length; i++) out[at + i] = number(`${name}[${i}]`, v[i]);
}
