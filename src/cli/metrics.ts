// The numbers the summary and `steepest eval` report for a model on some rows.
import type { AnyModel } from '../models/loadModel.js';
import { mae } from '../metrics/regression.js';

/** A model's metrics on one set of rows: loss and accuracy (classifiers) or MSE, MAE and R^2 (regression). */
export interface Metrics {
  rows: number;
  loss: number;
  accuracy?: number;
  mse?: number;
  mae?: number;
  r2?: number;
}

/** evaluate() on the feature matrix X (rows x features) and targets y, plus the MAE for regression. */
export function modelMetrics(model: AnyModel, X: Float32Array, y: Float32Array | string[]): Metrics {
  const rows = X.length / model.features;
  const e = model.evaluate(X, y as Float32Array) as { loss: number; accuracy?: number; mse?: number; r2?: number };
  if (e.accuracy !== undefined) return { rows, loss: e.loss, accuracy: e.accuracy };
  return { rows, loss: e.loss, mse: e.mse, mae: mae(y as Float32Array, model.predict(X)), r2: e.r2 };
}
