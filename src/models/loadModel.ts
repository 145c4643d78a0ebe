// Loading a saved model of any type: the file names its class.
import { readModelJSON } from './serialize.js';
import { LinearRegression } from './LinearRegression.js';
import { LogisticRegression } from './LogisticRegression.js';
import { SoftmaxRegression } from './SoftmaxRegression.js';
import { MLP } from './MLP.js';
import type { FromJSONOptions } from './fromJSONOptions.js';

/** Any model class's instance. */
export type AnyModel = LinearRegression | LogisticRegression | SoftmaxRegression | MLP;

const CLASSES = { LinearRegression, LogisticRegression, SoftmaxRegression, MLP } as const;

/** Rebuilds a model of whatever type the file (toJSON's result, or its JSON text) holds. */
export function loadModel(json: unknown, options: FromJSONOptions = {}): AnyModel {
  // The file names its class; that class's fromJSON (which takes the text too) reads it again into a model.
  const { model } = readModelJSON(json, null);
  return CLASSES[model as keyof typeof CLASSES].fromJSON(json, options);
}
