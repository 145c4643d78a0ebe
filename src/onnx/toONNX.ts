// A model as an ONNX file, built from its saved form (toJSON()), with standard operators only,
// so ONNX Runtime in any language serves it: the stored preprocessing (standardization in
// float64, as the model computes it; one-hot of numeric category codes), a Gemm per dense layer
// with its activation, and the head as skl2onnx writes it: outputs `label` and `probabilities`
// for classifiers, `variable` for regressors. No ZipMap (ONNX Runtime's JavaScript bindings
// cannot read a sequence of maps).
import { ValidationError } from '../errors.js';
import type { ModelJSON } from '../models/serialize.js';
import type { PreprocessorColumn } from '../preprocess/Preprocessor.js';
import { knownKeys, optionsObject, show } from '../validate.js';
import { version } from '../version.js';
import { DOUBLE, FLOAT, INT64, STRING, encodeModel, type AttributeValue, type Node, type Tensor, type ValueInfo } from './proto.js';

/** toONNX's options. */
export interface ToONNXOptions {
  /** The ONNX operator set version (default 13; 13 to 21). */
  opset?: number;
  /** The input's name (default 'X'). */
  inputName?: string;
}

/** The operator set versions toONNX writes (the graph is the same in each). */
export const OPSETS = { min: 13, max: 21, default: 13 } as const;

/** The rows dimension's symbolic name. */
export const ROWS = 'N';

/** Metadata keys (ModelProto.metadata_props) that toONNX writes and fromONNX reads. */
export const META = { library: 'library', model: 'model', training: 'training', columns: 'columns', target: 'target' } as const;

const ACTIVATION_OPS: Record<string, string | null> = { identity: null, sigmoid: 'Sigmoid', tanh: 'Tanh', relu: 'Relu' };

/**
 * The ONNX file (ModelProto bytes) of a LinearRegression, LogisticRegression,
 * SoftmaxRegression or MLP: one float32 input, rows x features (the raw columns when the
 * model has preprocessing); outputs `label` (the model's labels: strings where it was
 * trained on strings, else int64) and `probabilities` for classifiers, `variable` for
 * regressors.
 */
export function toONNX(model: { toJSON(): ModelJSON }, options: ToONNXOptions = {}): Uint8Array {
  if (model === null || typeof model !== 'object' || typeof (model as { toJSON?: unknown }).toJSON !== 'function') {
    throw new ValidationError(`model must be a steepest model (LinearRegression, LogisticRegression, SoftmaxRegression or MLP), got ${show(model)}`);
  }
  const o = optionsObject('toONNX options', options);
  knownKeys('toONNX option', o, ['opset', 'inputName']);
  const opset = o.opset ?? OPSETS.default;
  if (typeof opset !== 'number' || !Number.isInteger(opset) || opset < OPSETS.min || opset > OPSETS.max) {
    throw new ValidationError(`opset must be an integer from ${OPSETS.min} to ${OPSETS.max}, got ${show(opset)}`);
  }
  const inputName = o.inputName ?? 'X';
  if (typeof inputName !== 'string' || inputName === '') throw new ValidationError(`inputName must be a non-empty string, got ${show(inputName)}`);
  const json = model.toJSON();
  const g = new GraphBuilder();
  const columns = json.preprocessing?.columns ?? null;
  const features = columns ? preprocess(g, inputName, columns) : inputName;
  let a = features;
  json.layers.forEach((layer, l) => {
    const { units, activation } = json.shape.layers[l];
    const inputs = l === 0 ? json.shape.inputs : json.shape.layers[l - 1].units;
    const W = g.constant(`layers.${l}.weights`, FLOAT, [units, inputs], layer.weights);
    const b = g.constant(`layers.${l}.bias`, FLOAT, [units], layer.bias);
    a = g.op('Gemm', [a, W, b], { transB: 1 }, `layers.${l}.z`);
    const op = ACTIVATION_OPS[activation];
    if (op) a = g.op(op, [a], {}, `layers.${l}.a`);
  });
  const outputs = head(g, json, a);
  const inputDoc = columns ? `raw columns: ${columns.map(describe).join(', ')}` : `${json.shape.inputs} features`;
  const metadata: Record<string, string> = { [META.library]: `steepest ${version}`, [META.model]: json.model };
  if (json.training) metadata[META.training] = JSON.stringify(json.training);
  if (columns) metadata[META.columns] = JSON.stringify(columns.map((c) => c.name));
  if (json.preprocessing?.target !== undefined) metadata[META.target] = json.preprocessing.target;
  return encodeModel({
    irVersion: irVersion(opset),
    opsets: [{ domain: '', version: opset }],
    producerName: 'steepest',
    producerVersion: version,
    doc: `${json.model} trained with steepest ${json.library}`,
    metadata,
    graph: {
      name: json.model,
      nodes: g.nodes,
      initializers: g.initializers,
      inputs: [{ name: inputName, type: FLOAT, dims: [ROWS, columns ? columns.length : json.shape.inputs], doc: inputDoc }],
      outputs,
    },
  });
}

/** The lowest IR version that carries an operator set version (onnx/helper.py's VERSION_TABLE). */
export function irVersion(opset: number): number {
  return opset <= 14 ? 7 : opset <= 18 ? 8 : opset <= 20 ? 9 : 10;
}

/** Nodes and initializers in the order added (a topological order). */
class GraphBuilder {
  nodes: Node[] = [];
  initializers: Tensor[] = [];

  constant(name: string, type: number, dims: number[], values: ArrayLike<number> | string[]): string {
    this.initializers.push(type === STRING ? { name, type, dims, strings: values as string[] } : { name, type, dims, values: values as ArrayLike<number> });
    return name;
  }

  op(op: string, inputs: string[], attributes: Record<string, AttributeValue>, output: string): string {
    this.nodes.push({ op, name: `${output}:${op}`, inputs, outputs: [output], attributes });
    return output;
  }
}

// Raw columns to the model's features: runs of numeric columns standardized in float64 (as the
// model does), each categorical column one-hot by Equal against its codes; Concat in column order.
function preprocess(g: GraphBuilder, input: string, columns: readonly PreprocessorColumn[]): string {
  const segments: string[] = [];
  for (let c = 0; c < columns.length; ) {
    const col = columns[c];
    const at = `preprocess.${segments.length}`;
    if (col.kind === 'categorical') {
      const codes = col.categories.map((_, k) => categoryCode(col, c, k));
      const x = g.op('Gather', [input, g.constant(`${at}.columns`, INT64, [1], [c])], { axis: 1 }, `${at}.x`);
      const hot = g.op('Equal', [x, g.constant(`${at}.categories`, FLOAT, [codes.length], codes)], {}, `${at}.equal`);
      segments.push(g.op('Cast', [hot], { to: FLOAT }, `${at}.onehot`));
      c++;
      continue;
    }
    let end = c;
    while (end < columns.length && columns[end].kind === 'numeric') end++;
    const run = columns.slice(c, end) as Extract<PreprocessorColumn, { kind: 'numeric' }>[];
    const whole = c === 0 && end === columns.length;
    const x = whole ? input : g.op('Gather', [input, g.constant(`${at}.columns`, INT64, [run.length], run.map((_, k) => c + k))], { axis: 1 }, `${at}.x`);
    const x64 = g.op('Cast', [x], { to: DOUBLE }, `${at}.x64`);
    const centered = g.op('Sub', [x64, g.constant(`${at}.mean`, DOUBLE, [run.length], run.map((r) => r.mean))], {}, `${at}.centered`);
    const scaled = g.op('Div', [centered, g.constant(`${at}.scale`, DOUBLE, [run.length], run.map((r) => r.scale))], {}, `${at}.scaled`);
    segments.push(g.op('Cast', [scaled], { to: FLOAT }, `${at}.standardized`));
    c = end;
  }
  return segments.length === 1 ? segments[0] : g.op('Concat', segments, { axis: 1 }, 'features');
}

/**
 * A category's numeric code: the float32 value whose shortest decimal form the category is
 * (the input is float32, and the model matches a number by its decimal form).
 */
function categoryCode(col: Extract<PreprocessorColumn, { kind: 'categorical' }>, c: number, k: number): number {
  const name = col.categories[k];
  const code = Math.fround(Number(name));
  if (name.trim() !== '' && Number.isFinite(code) && float32Text(code) === name) return code;
  const form = Number.isFinite(code) && name.trim() !== '' ? ` (its float32 value is written ${show(float32Text(code))})` : '';
  throw new ValidationError(
    `toONNX cannot express categorical column '${col.name}' (column ${c}): its category ${show(name)} is not a number written as a float32 value${form}; ` +
      'the ONNX model takes one float32 matrix, so a categorical column must hold numeric codes such as 1, 2, 3 (encode string categories as codes before training)',
  );
}

/** The shortest decimal form that reads back as the float32 value x. */
export function float32Text(x: number): string {
  for (let p = 1; p < 9; p++) {
    const v = Number(x.toPrecision(p));
    if (Math.fround(v) === x) return String(v);
  }
  return String(Number(x.toPrecision(9)));
}

// skl2onnx's outputs: label (first) and probabilities for classifiers, variable for regressors.
function head(g: GraphBuilder, json: ModelJSON, z: string): ValueInfo[] {
  const k = json.shape.layers[json.shape.layers.length - 1].units;
  if (json.shape.head === 'mse') {
    g.nodes[g.nodes.length - 1].outputs = ['variable']; // the output layer (always identity) writes it
    return [{ name: 'variable', type: FLOAT, dims: [ROWS, k] }];
  }
  const classes = json.classes ?? null;
  const labels = (index: string) => (classes ? g.op('Gather', [g.constant('classes', STRING, [classes.length], classes), index], { axis: 0 }, 'label') : index);
  let label: ValueInfo;
  if (json.shape.head === 'softmax') {
    g.op('Softmax', [z], { axis: 1 }, 'probabilities');
    labels(g.op('ArgMax', [z], { axis: 1, keepdims: 0 }, classes ? 'class' : 'label'));
    label = { name: 'label', type: classes ? STRING : INT64, dims: [ROWS] };
  } else if (k === 1) {
    // Binary: P(class 0) and P(class 1), each from its own sigmoid (1 - p would lose P(0)'s precision).
    const p0 = g.op('Sigmoid', [g.op('Neg', [z], {}, 'minus_z')], {}, 'p0');
    g.op('Concat', [p0, g.op('Sigmoid', [z], {}, 'p1')], { axis: 1 }, 'probabilities');
    // The label as the model decides it: z >= 0 (not P(1) >= P(0), which ties at z = 0).
    const positive = g.op('GreaterOrEqual', [z, g.constant('zero', FLOAT, [1], [0])], {}, 'positive');
    const flat = g.op('Squeeze', [positive, g.constant('axes', INT64, [1], [1])], {}, 'positive_flat');
    labels(g.op('Cast', [flat], { to: INT64 }, classes ? 'class' : 'label'));
    label = { name: 'label', type: classes ? STRING : INT64, dims: [ROWS] };
  } else {
    // Several independent sigmoid outputs: 0/1 per output.
    g.op('Sigmoid', [z], {}, 'probabilities');
    const positive = g.op('GreaterOrEqual', [z, g.constant('zero', FLOAT, [1], [0])], {}, 'positive');
    g.op('Cast', [positive], { to: INT64 }, 'label');
    label = { name: 'label', type: INT64, dims: [ROWS, k] };
  }
  return [label, { name: 'probabilities', type: FLOAT, dims: [ROWS, k === 1 ? 2 : k] }];
}

function describe(c: PreprocessorColumn): string {
  return c.kind === 'numeric' ? c.name : `${c.name} (categorical: ${c.categories.join(', ')})`;
}
