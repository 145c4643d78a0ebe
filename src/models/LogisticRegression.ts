// Binary logistic regression trained by gradient descent on cross-entropy from logits:
// the network with one output and no hidden layer, and a sigmoid head.
import { knownKeys, optionsObject, positiveInteger, type MatrixInput, type TargetInput } from '../validate.js';
import { COMMON_KEYS, Model, readModelJSON, type ModelOptions } from './model.js';
import { classificationMetrics, sigmoidProba, thresholded, type ClassificationMetrics } from './metrics.js';
import type { EngineOption } from '../engines/engine.js';
import { fromJSONOptions } from './fromJSONOptions.js';
import type { RawRows } from '../preprocess/Preprocessor.js';

export type { ClassificationMetrics };

/**
 * P(y = 1 | x) = sigmoid(w.x + b). Labels are 0 and 1, or two strings (the
 * first in sorted order is class 0). fit needs both classes unless it continues
 * an already-trained model; partialFit accepts batches of one class.
 */
export class LogisticRegression extends Model {
  constructor(options: ModelOptions) {
    const o = optionsObject('model options', options);
    knownKeys('model option', o, ['features', ...COMMON_KEYS]);
    const features = positiveInteger('features', o.features);
    super(o, {
      name: 'LogisticRegression',
      shape: { inputs: features, layers: [{ units: 1, activation: 'identity' }], head: 'sigmoid' },
      targets: { kind: 'binary' },
    });
  }

  /** A copy of the weights (one per feature). */
  get weights(): Float64Array {
    return this.layers[0].weights;
  }

  /** The bias (intercept). */
  get bias(): number {
    return this.layers[0].bias[0];
  }

  /** Predicted labels (0 or 1), one per row: 1 where P(y = 1) >= 0.5. */
  predict(X: MatrixInput | RawRows): Float32Array {
    return thresholded(this.rawOutputs(X).z);
  }

  /** Predicted labels as trained: the class names for string labels, else 0 and 1. */
  predictLabels(X: MatrixInput | RawRows): (string | number)[] {
    return this.labelsOf(this.predict(X));
  }

  /** P(y = 1) for each row. */
  predictProba(X: MatrixInput | RawRows): Float32Array {
    return sigmoidProba(this.rawOutputs(X).z);
  }

  /** Mean cross-entropy and accuracy on (X, y). */
  evaluate(X: MatrixInput | RawRows, y: TargetInput | readonly string[]): ClassificationMetrics {
    const { z, t, rows } = this.outputsAndTargets(X, y);
    return classificationMetrics(this.shape, z, t, rows, thresholded(z));
  }

  /** Rebuilds a model from toJSON() output (file format version 1, 2 or 3), or its JSON text. */
  static fromJSON(json: unknown, options: { engine?: EngineOption } = {}): LogisticRegression {
    const j = readModelJSON(json, 'LogisticRegression');
    return new LogisticRegression({ features: j.shape.inputs, engine: fromJSONOptions(options).engine }).load(j);
  }
}
