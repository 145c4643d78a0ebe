// Multinomial logistic (softmax) regression: one dense layer of `classes` outputs and a
// softmax cross-entropy head, computed through log-sum-exp.
import { knownKeys, optionsObject, positiveInteger, type MatrixInput, type TargetInput } from '../validate.js';
import { ValidationError } from '../errors.js';
import { COMMON_KEYS, Model, readModelJSON, type CommonOptions } from './model.js';
import { argmaxRows, classificationMetrics, softmaxRows, type ClassificationMetrics } from './metrics.js';
import type { EngineOption } from '../engines/engine.js';
import { fromJSONOptions } from './fromJSONOptions.js';
import type { RawRows } from '../preprocess/Preprocessor.js';

/** SoftmaxRegression's constructor options. */
export interface SoftmaxOptions extends CommonOptions {
  /** Number of input features (columns of X). */
  features: number;
  /** Number of classes (at least 2). */
  classes: number;
}

/**
 * P(y = k | x) = softmax(W x + b)_k. Labels are integers 0..classes-1, or
 * strings, which map to classes in sorted order (kept in the model, returned by predictLabels).
 * fit needs at least two classes unless it continues an already-trained model; partialFit
 * accepts batches of one class.
 */
export class SoftmaxRegression extends Model {
  /** Number of classes. */
  readonly classCount: number;

  constructor(options: SoftmaxOptions) {
    const o = optionsObject('model options', options);
    knownKeys('model option', o, ['features', 'classes', ...COMMON_KEYS]);
    const features = positiveInteger('features', o.features);
    const classes = positiveInteger('classes', o.classes);
    if (classes < 2) throw new ValidationError(`classes must be at least 2, got ${classes}`);
    super(o, {
      name: 'SoftmaxRegression',
      shape: { inputs: features, layers: [{ units: classes, activation: 'identity' }], head: 'softmax' },
      targets: { kind: 'classes', count: classes },
    });
    this.classCount = classes;
  }

  /** A copy of the weights: classes x features, row-major (row k scores class k). */
  get weights(): Float64Array {
    return this.layers[0].weights;
  }

  /** A copy of the biases, one per class. */
  get bias(): Float64Array {
    return this.layers[0].bias;
  }

  /** The predicted class index of each row (the most probable class). */
  predict(X: MatrixInput | RawRows): Float32Array {
    const { z, rows } = this.rawOutputs(X);
    return argmaxRows(z, rows, this.classCount);
  }

  /** Predicted labels as trained: the class names for string labels, else class indices. */
  predictLabels(X: MatrixInput | RawRows): (string | number)[] {
    return this.labelsOf(this.predict(X));
  }

  /** Class probabilities, rows x classes (each row sums to 1). */
  predictProba(X: MatrixInput | RawRows): Float32Array {
    const { z, rows } = this.rawOutputs(X);
    return softmaxRows(z, rows, this.classCount);
  }

  /** Mean cross-entropy and accuracy on (X, y). */
  evaluate(X: MatrixInput | RawRows, y: TargetInput | readonly string[]): ClassificationMetrics {
    const { z, t, rows } = this.outputsAndTargets(X, y);
    return classificationMetrics(this.shape, z, t, rows, argmaxRows(z, rows, this.classCount));
  }

  /** Rebuilds a model from toJSON() output, or its JSON text. */
  static fromJSON(json: unknown, options: { engine?: EngineOption } = {}): SoftmaxRegression {
    const j = readModelJSON(json, 'SoftmaxRegression');
    const classes = j.shape.layers[0].units;
    if (j.shape.layers.length !== 1 || j.shape.head !== 'softmax' || classes < 2) {
      throw new ValidationError('shape must be one dense layer of at least 2 units with a softmax head for a SoftmaxRegression');
    }
    return new SoftmaxRegression({ features: j.shape.inputs, classes, engine: fromJSONOptions(options).engine }).load(j);
  }
}
