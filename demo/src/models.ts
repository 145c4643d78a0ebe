// Builds the model a ModelSpec names, and reads it the way the plots need.
import { LinearRegression, LogisticRegression, MLP, SoftmaxRegression, type EngineOption } from 'steepest';
import type { ModelSpec } from './protocol.js';

export type DemoModel = LinearRegression | LogisticRegression | SoftmaxRegression | MLP;

/** A fresh model for spec on engine. */
export function makeModel(spec: ModelSpec, engine: EngineOption = spec.engine): DemoModel {
  const { inputs, seed } = spec;
  switch (spec.kind) {
    case 'linear': return new LinearRegression({ features: inputs, engine, seed });
    case 'logistic': return new LogisticRegression({ features: inputs, engine, seed });
    case 'softmax': return new SoftmaxRegression({ features: inputs, classes: spec.task === 'binary' ? 2 : spec.classes, engine, seed });
    case 'mlp': {
      const head = spec.task === 'regression' ? 'mse' : spec.task === 'binary' ? 'sigmoid' : 'softmax';
      const outputs = spec.task === 'multiclass' ? spec.classes : 1;
      return new MLP({ inputs, hidden: spec.hidden, outputs, activation: spec.activation, head, engine, seed });
    }
  }
}

/** One number per row: the prediction (regression) or P(class 1) (two classes). */
export function scoreRows(model: DemoModel, X: Float32Array): Float32Array {
  if (model instanceof LinearRegression || (model instanceof MLP && model.head === 'mse')) return model.predict(X);
  const p = model.predictProba(X);
  const rows = X.length / model.features;
  if (p.length === rows) return p;
  // Softmax over two classes: rows x 2, keep column 1.
  const out = new Float32Array(rows);
  for (let r = 0; r < rows; r++) out[r] = p[r * 2 + 1];
  return out;
}

/** (bias, weight) of a one-feature, one-output model without hidden layers, else null. */
export function twoParams(model: DemoModel): [number, number] | null {
  if (model.parameterCount !== 2) return null;
  const [layer] = model.layers;
  return [layer.bias[0], layer.weights[0]];
}
