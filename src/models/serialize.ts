// The model file format. Version 3 (every model type): the network's shape, each
// layer's weights and biases, class names, the training options used, and the
// preprocessing that turns raw feature values into the model's features.
// Version 2 (the same without preprocessing) and version 1 (LinearRegression and
// LogisticRegression files written before networks existed) still load. Every field is checked, and an error names it
// as the file spells it (weights[3], layers[1].bias, shape.layers[0].units).
import { ValidationError } from '../errors.js';
import { ACTIVATIONS, HEADS, networkLayout, type ActivationName, type HeadName, type NetworkShape } from '../engines/network.js';
import { article, show } from '../validate.js';
import { version } from '../version.js';
import { jsonCopy, jsonObject as object, jsonRoot, knownFields as known } from '../jsonFields.js';

export { jsonCopy };
import { Preprocessor, type PreprocessorJSON } from '../preprocess/Preprocessor.js';

/** The current file format version. */
export const FORMAT_VERSION = 3;

/** A saved model (toJSON's result): plain JSON data. */
export interface ModelJSON {
  format: 'steepest';
  version: 3;
  /** The library version that wrote it. */
  library: string;
  /** The model class: LinearRegression, LogisticRegression, SoftmaxRegression or MLP. */
  model: string;
  shape: { inputs: number; layers: { units: number; activation: ActivationName }[]; head: HeadName };
  /** Per layer: W (units x inputs, row-major) and b. */
  layers: { weights: number[]; bias: number[] }[];
  /** Class names of a model trained on string labels (index = class). */
  classes?: string[];
  /** The settings of the last training call (JSON-safe: a function schedule is recorded as 'function'; no data or callbacks). */
  training?: Record<string, unknown>;
  /** What turns raw feature values into the model's features (numeric columns standardized, categorical ones one-hot). */
  preprocessing?: PreprocessorJSON;
}

/** What readModelJSON found in a file. */
export interface ReadJSON {
  model: string;
  shape: NetworkShape;
  params: Float64Array;
  classes: string[] | null;
  training: Record<string, unknown> | null;
  preprocessing: Preprocessor | null;
}

/** The file for a model. */
export function writeModelJSON(
  model: string, shape: NetworkShape, params: Float64Array, classes: readonly string[] | null,
  training: Record<string, unknown> | null, preprocessing: Preprocessor | null = null,
): ModelJSON {
  const json: ModelJSON = {
    format: 'steepest',
    version: FORMAT_VERSION,
    library: version,
    model,
    shape: { inputs: shape.inputs, layers: shape.layers.map((l) => ({ units: l.units, activation: l.activation })), head: shape.head },
    layers: networkLayout(shape).layers.map((l) => ({
      weights: Array.from(params.subarray(l.weights, l.weights + l.units * l.inputs)),
      bias: Array.from(params.subarray(l.bias, l.bias + l.units)),
    })),
  };
  if (classes) json.classes = [...classes];
  if (training) json.training = jsonCopy('training', training) as Record<string, unknown>; // the caller may change the file
  if (preprocessing) json.preprocessing = preprocessing.toJSON();
  return json;
}


const MODELS = ['LinearRegression', 'LogisticRegression', 'SoftmaxRegression', 'MLP'];
const V1_FIELDS = ['format', 'version', 'model', 'features', 'weights', 'bias'];
const V2_FIELDS = ['format', 'version', 'library', 'model', 'shape', 'layers', 'classes', 'training'];
const V3_FIELDS = [...V2_FIELDS, 'preprocessing'];
const FLOAT32_LIMIT = 'largest magnitude is 3.4028234663852886e+38';

/**
 * Checks a saved model (toJSON()'s object, or its JSON text) and returns its contents.
 * expected: the class that is loading it (null: any, as loadModel does).
 */
export function readModelJSON(json: unknown, expected: string | null): ReadJSON {
  const o = jsonRoot(json);
  if (o.format !== 'steepest') throw new ValidationError(`json is not a steepest model (format ${show(o.format)}, version ${show(o.version)})`);
  if (o.version === 1) return readV1(o, expected);
  if (o.version !== 2 && o.version !== FORMAT_VERSION) {
    const newer = typeof o.version === 'number' && Number.isInteger(o.version) && o.version > FORMAT_VERSION;
    throw new ValidationError(
      `json has file format version ${show(o.version)}; this version of steepest reads versions 1, 2 and ${FORMAT_VERSION}` +
        (newer ? ` (the file was written by ${typeof o.library === 'string' ? `steepest ${show(o.library)}` : 'a newer steepest'}: upgrade steepest to load it)` : ''),
    );
  }
  known(o, o.version === 2 ? V2_FIELDS : V3_FIELDS, '');
  const model = modelName(o.model, expected);
  const shape = readShape(o.shape);
  const layout = networkLayout(shape);
  const fileLayers = o.layers;
  if (!Array.isArray(fileLayers)) throw new ValidationError(`layers must be an array of ${layout.layers.length} layers, got ${show(fileLayers)}`);
  if (fileLayers.length !== layout.layers.length) {
    throw new ValidationError(`layers has ${count(fileLayers.length, 'entry', 'entries')} but shape.layers has ${layout.layers.length}`);
  }
  // Every length is checked before the parameter vector is allocated: a huge shape is an error about the file.
  const checked = layout.layers.map((l, i) => {
    const layer = object(`layers[${i}]`, fileLayers[i]);
    known(layer, ['weights', 'bias'], `layers[${i}].`);
    const weights = array(`layers[${i}].weights`, layer.weights, l.units * l.inputs, `the shape needs ${l.units * l.inputs} (${l.units} units x ${l.inputs} inputs)`);
    const bias = array(`layers[${i}].bias`, layer.bias, l.units, `the shape needs ${l.units} (one per unit)`);
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
  // A copy: the caller may change the object it loaded from.
  const training = o.training === undefined ? null : (jsonCopy('training', o.training) as Record<string, unknown>);
  let preprocessing: Preprocessor | null = null;
  if (o.preprocessing !== undefined) {
    preprocessing = Preprocessor.read(object('preprocessing', o.preprocessing), 'preprocessing.');
    if (preprocessing.features !== shape.inputs) {
      throw new ValidationError(`preprocessing produces ${preprocessing.features} features but shape.inputs is ${shape.inputs}`);
    }
  }
  return { model, shape, params, classes, training, preprocessing };
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
  return { model, shape: { inputs: features, layers: [{ units: 1, activation: 'identity' }], head }, params, classes: null, training: null, preprocessing: null };
}

function modelName(v: unknown, expected: string | null): string {
  if (typeof v !== 'string') throw new ValidationError(`model must be a string, got ${show(v)}`);
  if (!MODELS.includes(v)) throw new ValidationError(`model must be one of ${MODELS.join(', ')}, got ${show(v)}`);
  if (expected && v !== expected) throw new ValidationError(`json holds ${article(v)} ${v}, not ${article(expected)} ${expected} (load it with ${v}.fromJSON or loadModel)`);
  return v;
}

function readShape(v: unknown): NetworkShape {
  const s = object('shape', v);
  known(s, ['inputs', 'layers', 'head'], 'shape.');
  const inputs = positive('shape.inputs', s.inputs);
  if (!Array.isArray(s.layers) || s.layers.length === 0) {
    throw new ValidationError(`shape.layers must be a non-empty array of { units, activation }, got ${show(s.layers)}`);
  }
  // Array.from, not map: map skips the holes of a sparse array (an object, not JSON text, can hold one).
  const layers = Array.from(s.layers as unknown[], (l, i) => {
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
  const last = layers.length - 1;
  if (s.head === 'softmax' && layers[last].units < 2) {
    throw new ValidationError(`shape.layers[${last}].units must be at least 2 for the softmax head (one per class), got ${layers[last].units}`);
  }
  return { inputs, layers, head: s.head as HeadName };
}

function readClasses(v: unknown, shape: NetworkShape): string[] {
  const outputs = shape.layers[shape.layers.length - 1].units;
  if (shape.head === 'mse') throw new ValidationError(`classes must be absent for a model whose head is 'mse' (it predicts values, not classes), got ${show(v)}`);
  if (shape.head === 'sigmoid' && outputs !== 1) {
    throw new ValidationError(
      `classes must be absent for a model whose head is 'sigmoid' with ${outputs} outputs (it predicts 0 or 1 per output, not classes), got ${show(v)}`,
    );
  }
  const n = shape.head === 'softmax' ? outputs : 2;
  if (!Array.isArray(v) || v.length !== n) throw new ValidationError(`classes must be ${n} distinct strings for this model's head, got ${show(v)}`);
  for (let i = 0; i < v.length; i++) {
    if (typeof v[i] !== 'string') throw new ValidationError(`classes[${i}] must be a string, got ${show(v[i])}`); // holes too
  }
  if (new Set(v).size !== v.length) throw new ValidationError(`classes must be distinct, got ${show(v)}`);
  return [...v] as string[];
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
  if (v.length !== n) throw new ValidationError(`${name} has ${count(v.length, 'value', 'values')} but ${why}`);
  return v;
}

function numbers(name: string, v: ArrayLike<unknown>, out: Float64Array, at: number): void {
  for (let i = 0; i < v.length; i++) out[at + i] = number(`${name}[${i}]`, v[i]);
}

function count(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}
