// Reading a model file for predict and eval, with one-line messages for a file that
// is missing, unreadable, truncated, or not a model this version can load.
import { readFile } from 'node:fs/promises';
import { loadModel, type AnyModel } from '../models/loadModel.js';
import { LinearRegression } from '../models/LinearRegression.js';
import { MLP } from '../models/MLP.js';
import type { Preprocessor } from '../preprocess/Preprocessor.js';
import { CliError } from './errors.js';
import { inputSpecOf, type InputSpec } from './input.js';

/** A loaded model with the preprocessing steepest train stored in it. */
export interface LoadedModel {
  model: AnyModel;
  /** Its CSV columns (null for an svmlight or text model: see input). */
  prep: Preprocessor | null;
  /** How an svmlight or hashed-text model reads its data, or null. */
  input: InputSpec | null;
  /** True for models that predict classes. */
  classifier: boolean;
  /** The model type in words. */
  kind: string;
}

/** Loads the model file at path; every way it can fail is a CliError naming the file. */
export async function readModelFile(path: string): Promise<LoadedModel> {
  let input: InputSpec | null = null;
  const model = await loadModelFile(path, (json) => (input = inputSpecOf(json)));
  const prep = model.preprocessing;
  if (!prep && !input) {
    model.dispose();
    throw new CliError(`model file '${path}' has no preprocessing (its input column names); steepest predict and eval read models saved by steepest train, or by the API with model.preprocessing set`);
  }
  const classifier = !(model instanceof LinearRegression) && !(model instanceof MLP && model.head === 'mse');
  return { model, prep, input, classifier, kind: kindOf(model) };
}

/** The model in the file at path, with or without preprocessing (steepest export takes either). */
export async function loadModelFile(path: string, read?: (json: unknown) => void): Promise<AnyModel> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (err as Error).message;
    throw new CliError(`cannot read model file '${path}': ${why}`);
  }
  if (text.trim() === '') throw new CliError(`model file '${path}' is empty`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new CliError(`model file '${path}' is not valid JSON (truncated?): ${(err as Error).message}`);
  }
  read?.(json);
  try {
    return loadModel(json);
  } catch (err) {
    throw new CliError(`model file '${path}' cannot be loaded: ${(err as Error).message}`);
  }
}

function kindOf(model: AnyModel): string {
  if (model instanceof MLP) return `MLP (hidden ${model.hidden.join(',')}, head ${model.head})`;
  return { LinearRegression: 'linear regression', LogisticRegression: 'logistic regression', SoftmaxRegression: 'softmax regression' }[model.constructor.name] ?? model.constructor.name;
}
