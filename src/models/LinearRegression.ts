// Least-squares linear regression trained by gradient descent on the mean squared error.
import { LOSS_MSE } from '../reference/losses.js';
import { toMatrix, toTargets, type MatrixInput, type TargetInput } from '../validate.js';
import { leastSquares } from '../leastSquares.js';
import { LinearModel, checkJSON, type FromJSONOptions, type ModelOptions } from './linearModel.js';

/** evaluate() of a regression model. */
export interface RegressionMetrics {
  /** The training loss: mean squared error. */
  loss: number;
  mse: number;
  /** Coefficient of determination (1 is perfect; 0 is no better than the mean). */
  r2: number;
}

/** y ~ w.x + b, fit by minimizing mean((w.x + b - y)^2). */
export class LinearRegression extends LinearModel {
  constructor(options: ModelOptions) {
    super(options, { loss: LOSS_MSE, name: 'LinearRegression', binary: false });
  }

  /**
   * Sets the weights to the closed-form least-squares solution (normal
   * equations in float64, l2 on the weights only): the exact optimum that
   * gradient descent approaches, as a reference or a starting point.
   */
  fitLeastSquares(X: MatrixInput, y: TargetInput, options: { l2?: number } = {}): this {
    const { data, rows } = toMatrix(X, this.features);
    const t = toTargets(y, rows, null);
    const { weights, bias } = leastSquares(data, rows, this.features, t, { l2: options.l2 ?? 0 });
    const params = new Float64Array(this.features + 1);
    params.set(weights);
    params[this.features] = bias;
    this.setParams(params);
    return this;
  }

  /** Predicted values, one per row. */
  predict(X: MatrixInput): Float32Array {
    return Float32Array.from(this.logits(X));
  }

  /** Mean squared error and R^2 on (X, y). */
  evaluate(X: MatrixInput, y: TargetInput): RegressionMetrics {
    const { z, t } = this.logitsAndTargets(X, y);
    let mean = 0;
    for (let i = 0; i < t.length; i++) mean += t[i];
    mean /= t.length;
    let ssRes = 0;
    let ssTot = 0;
    for (let i = 0; i < t.length; i++) {
      ssRes += (z[i] - t[i]) ** 2;
      ssTot += (t[i] - mean) ** 2;
    }
    const mse = ssRes / t.length;
    // scikit-learn's convention for constant targets: 1 if perfect, else 0.
    const r2 = ssTot === 0 ? (ssRes === 0 ? 1 : 0) : 1 - ssRes / ssTot;
    return { loss: mse, mse, r2 };
  }

  /** Rebuilds a model from toJSON() output or its JSON text; a bad file or option throws ValidationError. */
  static fromJSON(json: unknown, options: FromJSONOptions = {}): LinearRegression {
    const { file, engine } = checkJSON(json, 'LinearRegression', options);
    return new LinearRegression({ features: file.features, engine, init: { weights: file.weights, bias: file.bias } });
  }
}
