// An ONNX file written by toONNX back into a model: the graph is read node by node in the
// order toONNX writes it (preprocessing, a Gemm and activation per layer, the head), its
// initializers become the model file's layers, preprocessing and classes, and the model is
// built through loadModel, as from its JSON. Any other graph is an error naming the first node
// or structure this reader does not know.
import { ValidationError } from '../errors.js';
import { loadModel, type AnyModel } from '../models/loadModel.js';
import type { FromJSONOptions } from '../models/fromJSONOptions.js';
import type { ModelJSON } from '../models/serialize.js';
import type { PreprocessorColumn } from '../preprocess/Preprocessor.js';
import { show } from '../validate.js';
import { version } from '../version.js';
import { DOUBLE, FLOAT, INT64, STRING, decodeModel, type Graph, type Model, type Node, type Tensor } from './proto.js';
import { META, float32Text } from './toONNX.js';

type Activation = 'identity' | 'sigmoid' | 'tanh' | 'relu';
type Head = 'mse' | 'sigmoid' | 'softmax';

const ACTIVATIONS: Record<string, Activation> = { Sigmoid: 'sigmoid', Tanh: 'tanh', Relu: 'relu' };
const MODELS = ['LinearRegression', 'LogisticRegression', 'SoftmaxRegression', 'MLP'];

/** A dense layer as read from the graph. */
interface Layer {
  units: number;
  activation: Activation;
  weights: number[];
  bias: number[];
}

/**
 * The model an ONNX file written by toONNX holds (bytes: the file's contents), predicting as
 * the exported model did and ready to train further. options.engine as for loadModel.
 */
export function fromONNX(bytes: Uint8Array | ArrayBuffer, options: FromJSONOptions = {}): AnyModel {
  return loadModel(readONNX(bytes), options);
}

/** The model file (toJSON()'s form) of an ONNX file written by toONNX. */
export function readONNX(bytes: Uint8Array | ArrayBuffer): ModelJSON {
  const data = bytes instanceof ArrayBuffer ? new Uint8Array(bytes) : bytes;
  if (!(data instanceof Uint8Array)) throw new ValidationError(`bytes must be a Uint8Array or an ArrayBuffer (an ONNX file's contents), got ${show(bytes)}`);
  let model: Model;
  try {
    model = decodeModel(data);
  } catch (err) {
    if (!(err instanceof RangeError)) throw err;
    throw new ValidationError(`bytes is not an ONNX model: ${err.message}`);
  }
  if (!model.opsets.some((o) => o.domain === '' || o.domain === 'ai.onnx')) {
    throw new ValidationError(`bytes is not an ONNX model this reader knows: it imports no standard operator set (opset_import: ${show(model.opsets.map((o) => o.domain))})`);
  }
  return new Reader(model.graph).read(model);
}

/** Reads the nodes in order; each step names what toONNX writes there. */
class Reader {
  private at = 0;
  private readonly consts: Map<string, Tensor>;
  private readonly outputNames: Set<string>;

  constructor(private readonly g: Graph) {
    this.consts = new Map(g.initializers.map((t) => [t.name, t]));
    this.outputNames = new Set(g.outputs.map((o) => o.name));
  }

  read(model: Model): ModelJSON {
    const inputs = this.g.inputs.filter((v) => !this.consts.has(v.name)); // IR < 4 lists initializers as inputs too
    if (inputs.length !== 1) throw this.structure(`it has ${inputs.length} inputs; toONNX writes one (a float32 matrix, rows x features)`);
    const input = inputs[0];
    const width = input.dims[1];
    if (input.type !== FLOAT || input.dims.length !== 2 || typeof width !== 'number' || width < 1) {
      throw this.structure(`its input '${input.name}' is not a float32 matrix with a fixed number of columns (type ${input.type}, dims ${show(input.dims)})`);
    }
    const meta = model.metadata;
    const names = meta[META.columns] === undefined ? null : this.json(META.columns, meta[META.columns]);
    let columns: PreprocessorColumn[] | null = null;
    let x = input.name;
    if (this.peek()?.inputs[0] === input.name && (this.peek()?.op === 'Gather' || this.peek()?.op === 'Cast')) {
      ({ columns, features: x } = this.preprocessing(input.name, width, names));
    }
    const features = columns ? columns.reduce((n, c) => n + (c.kind === 'numeric' ? 1 : c.categories.length), 0) : width;
    const { layers, z } = this.dense(x, features);
    const { head, classes } = this.head(z, layers[layers.length - 1].units);
    const last = this.peek();
    if (last) this.fail(last, 'toONNX writes nothing after the head');
    const made = new Set(this.g.nodes.flatMap((n) => n.outputs));
    for (const o of this.g.outputs) if (!made.has(o.name)) throw this.structure(`no node writes its output '${o.name}'`);
    const json: ModelJSON = {
      format: 'steepest', version: 3,
      library: model.producerName === 'steepest' && model.producerVersion ? model.producerVersion : version,
      model: this.modelType(meta[META.model], layers, head),
      shape: { inputs: features, layers: layers.map((l) => ({ units: l.units, activation: l.activation })), head },
      layers: layers.map((l) => ({ weights: l.weights, bias: l.bias })),
    };
    if (classes) json.classes = classes;
    if (meta[META.training] !== undefined) json.training = this.json(META.training, meta[META.training]) as Record<string, unknown>;
    if (columns) {
      json.preprocessing = { columns };
      if (meta[META.target] !== undefined) json.preprocessing.target = meta[META.target];
    }
    return json;
  }

  // Dense layers: Gemm (transB = 1), then the activation unless it is the output layer (identity).
  private dense(x: string, width: number): { layers: Layer[]; z: string } {
    const layers: Layer[] = [];
    for (;;) {
      const gemm = this.next('Gemm', x, 'a Gemm (a dense layer)');
      this.attributes(gemm, { transB: 1 }, { transA: 0, alpha: 1, beta: 1 });
      const W = this.tensor(gemm, 1, FLOAT);
      const units = W.dims[0];
      if (W.dims.length !== 2 || W.dims[1] !== width) this.fail(gemm, `its weights '${W.name}' are ${show(W.dims)}, not [units, ${width}]`);
      const b = this.tensor(gemm, 2, FLOAT);
      if (b.dims.length !== 1 || b.dims[0] !== units) this.fail(gemm, `its bias '${b.name}' is ${show(b.dims)}, not [${units}]`);
      const z = gemm.outputs[0];
      const act = this.peek();
      // A hidden layer's activation: its output is not a graph output (the head's Sigmoid writes 'probabilities').
      const hidden = act && act.op in ACTIVATIONS && !this.outputNames.has(act.outputs[0]);
      layers.push({ units, activation: hidden ? ACTIVATIONS[act.op] : 'identity', weights: Array.from(W.values!), bias: Array.from(b.values!) });
      if (!hidden) return { layers, z };
      x = this.next(act.op, z, `a ${act.op} (the layer's activation)`).outputs[0];
      width = units;
    }
  }

  // Segments in column order (numeric runs: [Gather] Cast Sub Div Cast; a categorical column:
  // Gather Equal Cast), then Concat when there is more than one.
  private preprocessing(input: string, width: number, names: unknown): { columns: PreprocessorColumn[]; features: string } {
    if (names !== null && (!Array.isArray(names) || names.length !== width || names.some((n) => typeof n !== 'string'))) {
      throw this.structure(`its metadata '${META.columns}' is not ${width} column names: ${show(names)}`);
    }
    const name = (c: number) => (names ? (names as string[])[c] : `x${c}`);
    const columns: PreprocessorColumn[] = [];
    const segments: string[] = [];
    while (columns.length < width) {
      const first = this.peek();
      let x = input;
      let cols = Array.from({ length: width }, (_, c) => c);
      if (first?.op === 'Gather' && first.inputs[0] === input) {
        const gather = this.next('Gather', input, 'a Gather of input columns');
        this.attributes(gather, { axis: 1 }, {});
        const t = this.tensor(gather, 1, INT64);
        if (t.dims.length !== 1) this.fail(gather, `its column indices '${t.name}' are ${show(t.dims)}, not a list`);
        cols = Array.from(t.values!);
        x = gather.outputs[0];
      }
      if (cols.some((c, k) => c !== columns.length + k)) {
        throw this.structure(`its preprocessing takes columns ${show(cols)} after ${columns.length} columns; toONNX takes every column once, in order`);
      }
      if (this.peek()?.op === 'Equal' && cols.length === 1) {
        const equal = this.next('Equal', x, 'an Equal against category codes');
        const codes = this.tensor(equal, 1, FLOAT);
        if (codes.dims.length !== 1) this.fail(equal, `its category codes '${codes.name}' are ${show(codes.dims)}, not a list`);
        const cast = this.next('Cast', equal.outputs[0], 'a Cast of the one-hot columns to float');
        this.attributes(cast, { to: FLOAT }, {});
        columns.push({ name: name(cols[0]), kind: 'categorical', categories: Array.from(codes.values!, float32Text) });
        segments.push(cast.outputs[0]);
        continue;
      }
      const x64 = this.next('Cast', x, 'a Cast of numeric columns to double (standardization)');
      this.attributes(x64, { to: DOUBLE }, {});
      const sub = this.next('Sub', x64.outputs[0], 'a Sub of the columns\' means');
      const mean = this.tensor(sub, 1, DOUBLE, [cols.length]);
      const div = this.next('Div', sub.outputs[0], 'a Div by the columns\' scales');
      const scale = this.tensor(div, 1, DOUBLE, [cols.length]);
      const back = this.next('Cast', div.outputs[0], 'a Cast of the standardized columns to float');
      this.attributes(back, { to: FLOAT }, {});
      cols.forEach((c, k) => columns.push({ name: name(c), kind: 'numeric', mean: mean.values![k], scale: scale.values![k] }));
      segments.push(back.outputs[0]);
    }
    if (segments.length === 1) return { columns, features: segments[0] };
    const concat = this.next('Concat', segments[0], 'a Concat of the preprocessed columns');
    this.attributes(concat, { axis: 1 }, {});
    if (concat.inputs.join('\n') !== segments.join('\n')) this.fail(concat, `it joins ${show(concat.inputs)}, not the preprocessed columns ${show(segments)} in order`);
    return { columns, features: concat.outputs[0] };
  }

  // The head, from the graph's outputs: variable (mse); label and probabilities (sigmoid, softmax).
  private head(z: string, outputs: number): { head: Head; classes: string[] | null } {
    const names = this.g.outputs.map((o) => o.name).join(', ');
    if (names === 'variable') {
      if (z !== 'variable') throw this.structure(`its output 'variable' is not the last dense layer's output ('${z}')`);
      return { head: 'mse', classes: null };
    }
    if (names !== 'label, probabilities') throw this.structure(`its outputs are ${show(names.split(', '))}; toONNX writes ['label', 'probabilities'] or ['variable']`);
    const first = this.peek();
    let head: Head;
    let index: string;
    if (first?.op === 'Softmax') {
      head = 'softmax';
      this.attributes(this.next('Softmax', z, 'a Softmax'), { axis: 1 }, {});
      const argmax = this.next('ArgMax', z, 'an ArgMax of the logits');
      this.attributes(argmax, { axis: 1, keepdims: 0 }, { select_last_index: 0 });
      index = argmax.outputs[0];
    } else if (first?.op === 'Neg' && outputs === 1) {
      head = 'sigmoid';
      const neg = this.next('Neg', z, 'a Neg of the logit');
      const p0 = this.next('Sigmoid', neg.outputs[0], 'a Sigmoid (P of class 0)');
      const p1 = this.next('Sigmoid', z, 'a Sigmoid (P of class 1)');
      const concat = this.next('Concat', p0.outputs[0], 'a Concat of the two probabilities');
      this.attributes(concat, { axis: 1 }, {});
      if (concat.inputs[1] !== p1.outputs[0]) this.fail(concat, 'it does not join P(class 0) and P(class 1)');
      const squeeze = this.next('Squeeze', this.threshold(z).outputs[0], 'a Squeeze of the labels');
      this.tensor(squeeze, 1, INT64, [1]);
      if (this.tensor(squeeze, 1, INT64).values![0] !== 1) this.fail(squeeze, 'it does not squeeze axis 1');
      index = this.labelCast(squeeze.outputs[0]);
    } else {
      head = 'sigmoid';
      this.next('Sigmoid', z, 'a Softmax, or a Sigmoid of the logits');
      index = this.labelCast(this.threshold(z).outputs[0]);
    }
    if (index === 'label') return { head, classes: null };
    const gather = this.next('Gather', '', 'a Gather of the class names');
    this.attributes(gather, { axis: 0 }, {});
    const table = this.tensor(gather, 0, STRING, [head === 'softmax' ? outputs : 2]);
    if (gather.inputs[1] !== index || gather.outputs[0] !== 'label') this.fail(gather, `it does not map '${index}' to the output 'label'`);
    return { head, classes: table.strings! };
  }

  private labelCast(x: string): string {
    const cast = this.next('Cast', x, 'a Cast of the labels to int64');
    this.attributes(cast, { to: INT64 }, {});
    return cast.outputs[0];
  }

  private threshold(z: string): Node {
    const ge = this.next('GreaterOrEqual', z, 'a GreaterOrEqual of the logits and 0');
    const zero = this.tensor(ge, 1, FLOAT);
    if (zero.values!.length !== 1 || zero.values![0] !== 0) this.fail(ge, `it compares with ${show(Array.from(zero.values!))}, not 0`);
    return ge;
  }

  private modelType(name: string | undefined, layers: Layer[], head: Head): string {
    if (name !== undefined) {
      if (!MODELS.includes(name)) throw this.structure(`its metadata '${META.model}' is ${show(name)}, not one of ${MODELS.join(', ')}`);
      return name;
    }
    if (layers.length > 1 || layers[0].activation !== 'identity') return 'MLP';
    if (head === 'softmax') return 'SoftmaxRegression';
    return layers[0].units > 1 ? 'MLP' : head === 'mse' ? 'LinearRegression' : 'LogisticRegression';
  }

  private peek(): Node | undefined {
    return this.g.nodes[this.at];
  }

  /** The next node: op, taking input first (any first input when input is ''). */
  private next(op: string, input: string, what: string): Node {
    const n = this.peek();
    if (!n) throw this.structure(`it ends after ${this.at} nodes where toONNX writes ${what}`);
    if (n.op !== op) this.fail(n, `toONNX writes ${what} here`);
    if (input !== '' && n.inputs[0] !== input) this.fail(n, `it takes '${n.inputs[0]}' where toONNX writes ${what} of '${input}'`);
    if (n.outputs.length !== 1) this.fail(n, `it has ${n.outputs.length} outputs`);
    this.at++;
    return n;
  }

  /** The node's input i, an initializer of type type (and dims, if given). */
  private tensor(n: Node, i: number, type: number, dims?: number[]): Tensor {
    const t = this.consts.get(n.inputs[i]);
    if (!t) return this.fail(n, `its input ${i} ('${n.inputs[i]}') is not a constant`);
    const count = t.dims.reduce((a, b) => a * b, 1);
    const length = type === STRING ? t.strings!.length : t.values?.length;
    if (t.type !== type || length !== count || (dims && t.dims.join() !== dims.join())) {
      this.fail(n, `its constant '${t.name}' is not ${TYPE_NAMES[type]}${dims ? ` ${show(dims)}` : ''} (type ${t.type}, dims ${show(t.dims)}, ${length} values)`);
    }
    return t;
  }

  /** Checks attributes: required values, and optional ones that must have their default if present. */
  private attributes(n: Node, required: Record<string, number>, defaults: Record<string, number>): void {
    for (const [k, v] of Object.entries(n.attributes)) {
      const want = k in required ? required[k] : defaults[k];
      if (want === undefined || v !== want) this.fail(n, `its attribute ${k} = ${show(v)} is not one toONNX writes`);
    }
    for (const k of Object.keys(required)) if (!(k in n.attributes)) this.fail(n, `it has no attribute ${k} (toONNX writes ${k} = ${required[k]})`);
  }

  private json(key: string, text: string): unknown {
    try {
      return JSON.parse(text);
    } catch {
      throw this.structure(`its metadata '${key}' is not JSON: ${show(text.slice(0, 60))}`);
    }
  }

  private fail(n: Node, why: string): never {
    const i = this.g.nodes.indexOf(n);
    throw new ValidationError(`fromONNX cannot read node ${i} (${n.op}${n.name ? ` '${n.name}'` : ''}): ${why}; it reads the graphs toONNX writes`);
  }

  private structure(why: string): ValidationError {
    return new ValidationError(`fromONNX cannot read this graph: ${why}; it reads the graphs toONNX writes`);
  }
}

const TYPE_NAMES: Record<number, string> = { [FLOAT]: 'float32', [DOUBLE]: 'double', [INT64]: 'int64', [STRING]: 'strings' };
