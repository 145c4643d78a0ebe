// A multilayer perceptron: dense hidden layers with a nonlinearity, a dense output
// layer, and a head (mse for regression, sigmoid for binary or multi-label, softmax
// for classes), trained by backpropagation on the same core as the linear models.
import { ValidationError } from '../errors.js';
import { knownKeys, optionsObject, positiveInteger, show, type MatrixInput, type TargetInput } from '../validate.js';
import type { ActivationName, HeadName } from '../engines/network.js';
import { COMMON_KEYS, Model, readModelJSON, type CommonOptions } from './model.js';
import {
  argmaxRows, classificationMetrics, regressionMetrics, sigmoidProba, softmaxRows, thresholded,
  type ClassificationMetrics, type RegressionMetrics,
} from './metrics.js';
import type { TargetKind } from './targets.js';
import type { EngineOption } from '../engines/engine.js';
import { fromJSONOptions } from './fromJSONOptions.js';
import type { RawRows } from '../preprocess/Preprocessor.js';

/** Nonlinearities of hidden layers. */
export type HiddenActivation = 'sigmoid' | 'tanh' | 'relu';

/** MLP's constructor options. */
export interface MLPOptions extends CommonOptions {
  /** Input width (columns of X). */
  inputs: number;
  /** Units of each hidden layer, e.g. [64] or [64, 32]. */
  hidden: readonly number[];
  /** Output units. */
  outputs: number;
  /** Hidden layers' activation, one for all or one per layer (default 'sigmoid', the textbook network). */
  activation?: HiddenActivation | readonly HiddenActivation[];
  /** The loss on the outputs: 'mse' (regression), 'sigmoid' (binary cross-entropy per output) or 'softmax' (classes); default 'sigmoid' for one output, else 'softmax'. */
  head?: HeadName;
}

const HIDDEN: readonly HiddenActivation[] = ['sigmoid', 'tanh', 'relu'];

/**
 * A multilayer perceptron trained by backpropagation. With a 'sigmoid' head of one output or a
 * 'softmax' head, fit needs at least two classes unless it continues an already-trained model.
 */
export class MLP extends Model {
  /** Units of each hidden layer. */
  readonly hidden: readonly number[];
  /** Output units. */
  readonly outputs: number;
  /** The head: the loss on the outputs. */
  readonly head: HeadName;

  constructor(options: MLPOptions) {
    const o = optionsObject('model options', options);
    knownKeys('model option', o, ['inputs', 'hidden', 'outputs', 'activation', 'head', ...COMMON_KEYS]);
    const inputs = positiveInteger('inputs', o.inputs);
    if (!Array.isArray(o.hidden)) throw new ValidationError(`hidden must be an array of layer sizes, e.g. [64], got ${show(o.hidden)}`);
    const hidden = o.hidden.map((u: unknown, i: number) => positiveInteger(`hidden[${i}]`, u));
    const outputs = positiveInteger('outputs', o.outputs);
    const acts = activations(o.activation, hidden.length);
    const head = o.head ?? (outputs === 1 ? 'sigmoid' : 'softmax');
    if (head !== 'mse' && head !== 'sigmoid' && head !== 'softmax') {
      throw new ValidationError(`head must be 'mse', 'sigmoid' or 'softmax', got ${show(head)}`);
    }
    if (head === 'softmax' && outputs < 2) throw new ValidationError(`head 'softmax' needs outputs >= 2 (one per class), got ${outputs}`);
    const targets: TargetKind =
      head === 'mse' ? { kind: 'values', width: outputs }
        : head === 'softmax' ? { kind: 'classes', count: outputs }
        : outputs === 1 ? { kind: 'binary' } : { kind: 'multilabel', width: outputs };
    super(o, {
      name: 'MLP',
      shape: {
        inputs,
        layers: [...hidden.map((units, i) => ({ units, activation: acts[i] as ActivationName })), { units: outputs, activation: 'identity' }],
        head,
      },
      targets,
      networkInit: true,
    });
    this.hidden = Object.freeze(hidden);
    this.outputs = outputs;
    this.head = head;
  }

  /** Input width. */
  get inputs(): number {
    return this.features;
  }

  /** Hidden layers' activations. */
  get activation(): HiddenActivation[] {
    return this.shape.layers.slice(0, -1).map((l) => l.activation as HiddenActivation);
  }

  /**
   * Predictions: values, rows x outputs ('mse'); 0/1 per output ('sigmoid'); the
   * class index of each row ('softmax').
   */
  predict(X: MatrixInput | RawRows): Float32Array {
    const { z, rows } = this.rawOutputs(X);
    if (this.head === 'mse') return Float32Array.from(z);
    return this.head === 'sigmoid' ? thresholded(z) : argmaxRows(z, rows, this.outputs);
  }

  /** Probabilities: P(1) per output ('sigmoid'), or each row's class probabilities ('softmax'), rows x outputs. */
  predictProba(X: MatrixInput | RawRows): Float32Array {
    if (this.head === 'mse') throw new ValidationError("predictProba needs a 'sigmoid' or 'softmax' head; this MLP's head is 'mse' (use predict)");
    const { z, rows } = this.rawOutputs(X);
    return this.head === 'sigmoid' ? sigmoidProba(z) : softmaxRows(z, rows, this.outputs);
  }

  /** Predicted labels as trained (class names for string labels, else indices): 'softmax', or 'sigmoid' with one output. */
  predictLabels(X: MatrixInput | RawRows): (string | number)[] {
    if (this.head === 'mse' || (this.head === 'sigmoid' && this.outputs > 1)) {
      throw new ValidationError("predictLabels needs a classifier: head 'softmax', or 'sigmoid' with one output");
    }
    return this.labelsOf(this.predict(X));
  }

  /** { loss, mse, mae, r2 } for the 'mse' head; { loss, accuracy } for the others. */
  evaluate(X: MatrixInput | RawRows, y: TargetInput | readonly string[] | readonly (readonly number[])[]): RegressionMetrics | ClassificationMetrics {
    const { z, t, rows } = this.outputsAndTargets(X, y as TargetInput);
    if (this.head === 'mse') return regressionMetrics(this.shape, z, t, rows, this.outputs);
    const predicted = this.head === 'sigmoid' ? thresholded(z) : argmaxRows(z, rows, this.outputs);
    return classificationMetrics(this.shape, z, t, rows, predicted);
  }

  /** Rebuilds a model from toJSON() output, or its JSON text. */
  static fromJSON(json: unknown, options: { engine?: EngineOption } = {}): MLP {
    const j = readModelJSON(json, 'MLP');
    const layers = j.shape.layers;
    const hidden = layers.slice(0, -1);
    if (hidden.some((l) => !HIDDEN.includes(l.activation as HiddenActivation)) || layers[layers.length - 1].activation !== 'identity') {
      throw new ValidationError("shape.layers must be hidden layers with sigmoid, tanh or relu, then an output layer with 'identity', for an MLP");
    }
    return new MLP({
      inputs: j.shape.inputs, hidden: hidden.map((l) => l.units), outputs: layers[layers.length - 1].units,
      activation: hidden.map((l) => l.activation as HiddenActivation), head: j.shape.head, engine: fromJSONOptions(options).engine,
    }).load(j);
  }
}

function activations(v: unknown, layers: number): HiddenActivation[] {
  if (v === undefined) return Array(layers).fill('sigmoid');
  if (typeof v === 'string') {
    if (!HIDDEN.includes(v as HiddenActivation)) throw new ValidationError(`activation must be 'sigmoid', 'tanh' or 'relu', got ${show(v)}`);
    return Array(layers).fill(v);
  }
  if (!Array.isArray(v) || v.length !== layers) {
    throw new ValidationError(`activation must be one name or an array of ${layers} (one per hidden layer), got ${show(v)}`);
  }
  return v.map((a, i) => {
    if (!HIDDEN.includes(a)) throw new ValidationError(`activation[${i}] must be 'sigmoid', 'tanh' or 'relu', got ${show(a)}`);
    return a as HiddenActivation;
  });
}
