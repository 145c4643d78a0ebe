// The numbers the summary reports for a model on some rows: evaluate()'s.
import type { AnyModel } from '../models/loadModel.js';

/** A model's metrics on one set of rows: loss and accuracy (classifiers) or MSE, MAE and R^2 (regression). */
export interface Metrics {
  rows: number;
  loss: number;
  accuracy?: number;
  mse?: number;
  mae?: number;
  r2?: number;
}

/** evaluate() on the feature matrix X (rows x features) and targets y. */
export function modelMetrics(model: AnyModel, X: Float32Array, y: Float32Array | string[]): Metrics {
  return { rows: X.length / model.features, ...(model.evaluate(X, y as Float32Array) as Omit<Metrics, 'rows'>) };
}
