// Binary logistic regression trained by gradient descent on cross-entropy from logits.
import { LOSS_BCE, bceLoss } from '../reference/losses.js';
import { sigmoid } from '../reference/sigmoid.js';
import type { MatrixInput, TargetInput } from '../validate.js';
import { LinearModel, checkJSON, type FromJSONOptions, type ModelOptions } from './linearModel.js';

/** evaluate() of a classifier. */
export interface ClassificationMetrics {
  /** Mean binary cross-entropy. */
  loss: number;
  /** Fraction of rows whose predicted label equals the target. */
  accuracy: number;
}

/** P(y = 1 | x) = sigmoid(w.x + b), labels 0 and 1. */
export class LogisticRegression extends LinearModel {
  constructor(options: ModelOptions) {
    super(options, { loss: LOSS_BCE, name: 'LogisticRegression', binary: true });
  }

  /** Predicted labels (0 or 1), one per row: 1 where P(y = 1) >= 0.5. */
  predict(X: MatrixInput): Float32Array {
    return Float32Array.from(this.logits(X), (z) => (z >= 0 ? 1 : 0));
  }

  /** P(y = 1) for each row. */
  predictProba(X: MatrixInput): Float32Array {
    return Float32Array.from(this.logits(X), sigmoid);
  }

  /** Mean cross-entropy and accuracy on (X, y). */
  evaluate(X: MatrixInput, y: TargetInput): ClassificationMetrics {
    const { z, t } = this.logitsAndTargets(X, y);
    let loss = 0;
    let correct = 0;
    for (let i = 0; i < t.length; i++) {
      loss += bceLoss(z[i], t[i]);
      if ((z[i] >= 0 ? 1 : 0) === t[i]) correct++;
    }
    return { loss: loss / t.length, accuracy: correct / t.length };
  }

  /** Rebuilds a model from toJSON() output or its JSON text; a bad file or option throws ValidationError. */
  static fromJSON(json: unknown, options: FromJSONOptions = {}): LogisticRegression {
    const { file, engine } = checkJSON(json, 'LogisticRegression', options);
    return new LogisticRegression({ features: file.features, engine, init: { weights: file.weights, bias: file.bias } });
  }
}
