// Least-squares linear regression trained by gradient descent on the mean squared error:
// the network with one output and no hidden layer, and an mse head.
import { ValidationError } from '../errors.js';
import { finite, knownKeys, optionsObject, positiveInteger, show, toMatrix, toTargets, type MatrixInput, type TargetInput } from '../validate.js';
import { leastSquares } from '../leastSquares.js';
import { COMMON_KEYS, Model, readModelJSON, type ModelOptions } from './model.js';
import { regressionMetrics, type RegressionMetrics } from './metrics.js';
import type { EngineOption } from '../engines/engine.js';
import { fromJSONOptions } from './fromJSONOptions.js';
import type { RawRows } from '../preprocess/Preprocessor.js';

export type { RegressionMetrics };

/** y ~ w.x + b, fit by minimizing mean((w.x + b - y)^2). */
export class LinearRegression extends Model {
  constructor(options: ModelOptions) {
    const o = optionsObject('model options', options);
    knownKeys('model option', o, ['features', ...COMMON_KEYS]);
    const features = positiveInteger('features', o.features);
    super(o, {
      name: 'LinearRegression',
      shape: { inputs: features, layers: [{ units: 1, activation: 'identity' }], head: 'mse' },
      targets: { kind: 'values', width: 1 },
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

  /**
   * Sets the weights to the closed-form least-squares solution (normal
   * equations in float64, l2 on the weights only): the exact optimum that
   * gradient descent approaches, as a reference or a starting point.
   */
  fitLeastSquares(X: MatrixInput, y: TargetInput, options: { l2?: number } = {}): this {
    const o = optionsObject('fitLeastSquares options', options);
    knownKeys('fitLeastSquares option', o, ['l2']);
    const l2 = finite('l2', o.l2 ?? 0);
    if (l2 < 0) throw new ValidationError(`l2 must be a finite number >= 0, got ${show(l2)}`);
    const { data, rows } = toMatrix(X, this.features);
    const t = toTargets(y, rows, null);
    const { weights, bias } = leastSquares(data, rows, this.features, t, { l2 });
    const params = new Float64Array(this.features + 1);
    params.set(weights);
    params[this.features] = bias;
    this.setParams(params);
    return this;
  }

  /** Predicted values, one per row. */
  predict(X: MatrixInput | RawRows): Float32Array {
    return Float32Array.from(this.rawOutputs(X).z);
  }

  /** Mean squared error and R^2 on (X, y). */
  evaluate(X: MatrixInput | RawRows, y: TargetInput): RegressionMetrics {
    const { z, t, rows } = this.outputsAndTargets(X, y);
    return regressionMetrics(this.shape, z, t, rows, 1);
  }

  /** Rebuilds a model from toJSON() output (file format version 1, 2 or 3), or its JSON text. */
  static fromJSON(json: unknown, options: { engine?: EngineOption } = {}): LinearRegression {
    const j = readModelJSON(json, 'LinearRegression');
    return new LinearRegression({ features: j.shape.inputs, engine: fromJSONOptions(options).engine }).load(j);
  }
}
