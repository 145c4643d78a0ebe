// fit() options: defaults and validation, done before any data reaches an engine.
import { resolveOptimizer, type OptimizerName, type OptimizerOptions, type ResolvedOptimizer } from '../optim/optimizers.js';
import { ValidationError } from '../errors.js';
import { knownKeys, optionsObject, positiveFinite, positiveInteger, show } from '../validate.js';

/** Options for fit(). */
export interface FitOptions {
  /** Passes over the data (default 100). */
  epochs?: number;
  /** Rows per update: 1 = stochastic, 'full' = batch gradient descent (default 32, capped at the row count). */
  batchSize?: number | 'full';
  /** Step size (default 0.01). */
  learningRate?: number;
  /** Optimizer name or options (default 'sgd'). */
  optimizer?: OptimizerName | OptimizerOptions;
  /** Visit rows in a fresh uniform random order each epoch (default true). */
  shuffle?: boolean;
  /** Reseeds the model's random stream before this fit (default: continue the model's stream). */
  seed?: number;
}

/** FitOptions with defaults applied and every value checked. */
export interface ResolvedFitOptions {
  epochs: number;
  batchSize: number | 'full';
  learningRate: number;
  optimizer: ResolvedOptimizer;
  shuffle: boolean;
  seed: number | undefined;
}

const KEYS = ['epochs', 'batchSize', 'learningRate', 'optimizer', 'shuffle', 'seed'] as const;

/** Applies defaults and validates every option. */
export function resolveFitOptions(options: unknown): ResolvedFitOptions {
  const o = optionsObject('fit options', options) as FitOptions;
  knownKeys('fit option', o, KEYS);
  const batchSize = o.batchSize ?? 32;
  if (batchSize !== 'full') {
    if (typeof batchSize !== 'number' || !Number.isInteger(batchSize) || batchSize < 1) {
      throw new ValidationError(`batchSize must be a positive integer or 'full', got ${show(batchSize)}`);
    }
  }
  if (o.shuffle !== undefined && typeof o.shuffle !== 'boolean') {
    throw new ValidationError(`shuffle must be true or false, got ${show(o.shuffle)}`);
  }
  if (o.seed !== undefined && (typeof o.seed !== 'number' || !Number.isInteger(o.seed))) {
    throw new ValidationError(`seed must be an integer, got ${show(o.seed)}`);
  }
  return {
    epochs: positiveInteger('epochs', o.epochs ?? 100),
    batchSize,
    learningRate: positiveFinite('learningRate', o.learningRate ?? 0.01),
    optimizer: resolveOptimizer(o.optimizer),
    shuffle: o.shuffle ?? true,
    seed: o.seed,
  };
}

/** The batch size in rows; an explicit size larger than the data is an error. */
export function batchRows(batchSize: number | 'full', rows: number): number {
  if (batchSize === 'full') return rows;
  if (batchSize > rows) {
    throw new ValidationError(`batchSize ${batchSize} is larger than the number of rows (${rows}); use 'full' for batch gradient descent`);
  }
  return batchSize;
}
