// Building models by kind and engine, and reading out their parameters.
import { LinearRegression, LogisticRegression, type FitOptions, type History, type InitOption } from '../../src/index.js';
import { LOSS_BCE, LOSS_MSE, type LossKind } from '../../src/reference/losses.js';
import type { TestEngine } from './engines.js';

export type ModelKind = 'linear' | 'logistic';
export const MODEL_KINDS: readonly ModelKind[] = ['linear', 'logistic'];

export const LOSS_OF: Record<ModelKind, LossKind> = { linear: LOSS_MSE, logistic: LOSS_BCE };

export type AnyModel = LinearRegression | LogisticRegression;

export interface MakeOptions {
  init?: InitOption;
  seed?: number;
}

export function makeModel(kind: ModelKind, engine: TestEngine, features: number, o: MakeOptions = {}): AnyModel {
  const options = { features, engine, ...o };
  return kind === 'linear' ? new LinearRegression(options) : new LogisticRegression(options);
}

/** [w..., b] of a model, as float64. */
export function paramsOf(m: AnyModel): Float64Array {
  return Float64Array.from([...m.weights, m.bias]);
}

/** Fits a fresh model and returns its parameters and history; the model is disposed. */
export function trainFresh(
  kind: ModelKind, engine: TestEngine, X: Float32Array | Float64Array | number[][], y: ArrayLike<number>,
  features: number, fit: FitOptions, o: MakeOptions = {},
): { params: Float64Array; history: History } {
  const m = makeModel(kind, engine, features, o);
  try {
    const history = m.fit(X, y as Float32Array, fit);
    return { params: paramsOf(m), history };
  } finally {
    m.dispose();
  }
}
