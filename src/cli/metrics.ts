// The numbers the summary reports for a model on some rows: evaluate()'s.
import type { AnyModel } from '../models/loadModel.js';
import type { CSR } from '../data/csr.js';

/** A model's metrics on one set of rows: loss and accuracy (classifiers) or MSE, MAE and R^2 (regression). */
export interface Metrics {
  rows: number;
  loss: number;
  accuracy?: number;
  mse?: number;
  mae?: number;
  r2?: number;
}

/** evaluate() on the feature matrix X (rows x features, or CSR) and targets y. */
export function modelMetrics(model: AnyModel, X: Float32Array | CSR, y: Float32Array | string[]): Metrics {
  const rows = X instanceof Float32Array ? X.length / model.features : X.shape[0];
  return { rows, ...(model.evaluate(X, y as Float32Array) as Omit<Metrics, 'rows'>) };
}
