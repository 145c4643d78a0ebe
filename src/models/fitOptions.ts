// fit() options: defaults and validation, done before any data reaches an engine.
import { isLrFree } from '../optim/lrFree.js';
import { defaultLearningRate, resolveOptimizer, type OptimizerName, type OptimizerOptions, type ResolvedOptimizer } from '../optim/optimizers.js';
import type { ScheduleOptions, WarmupOptions } from '../optim/schedules.js';
import { ValidationError } from '../errors.js';
import { finite, knownKeys, optionsObject, positiveFinite, positiveInteger, show, type MatrixInput, type TargetInput } from '../validate.js';
import type { EpochRecord } from './history.js';
import { jsonCopy } from '../jsonFields.js';
import type { NetworkShape } from '../engines/network.js';

/** What onBatchEnd receives. */
export interface BatchInfo {
  /** 1-based epoch. */
  epoch: number;
  /** Batches done in this epoch. */
  batch: number;
  /** Batches per epoch. */
  batches: number;
  /** Mean training loss over the rows seen so far this epoch. */
  loss: number;
}

/** What fitAsync's onProgress receives. */
export interface Progress extends BatchInfo {
  /** Epochs requested. */
  epochs: number;
}

/** Options for fit(), fitAsync() and (a subset) partialFit(). */
export interface FitOptions {
  /** Maximum passes over the data (default 100). */
  epochs?: number;
  /** Rows per update: 1 = stochastic, 'full' = batch gradient descent (default 32, capped at the row count). */
  batchSize?: number | 'full';
  /**
   * Base step size, or 'auto': a short seeded search on a sample of the data picks it (docs/learning-rate.md).
   * Default 'auto'; for the learning-rate-free optimizers a multiplier, default 1 (Schedule-Free: its step size; docs/optimizers.md).
   */
  learningRate?: number | 'auto';
  /** Optimizer name or options with PyTorch's names (default: defaultOptimizer(shape) without a learning rate, 'sgd' with one). */
  optimizer?: OptimizerName | OptimizerOptions;
  /** Learning-rate schedule (default constant). */
  schedule?: ScheduleOptions;
  /** Linear warmup before the schedule. */
  warmup?: WarmupOptions;
  /** Visit rows in a fresh uniform random order each epoch (default true). */
  shuffle?: boolean;
  /** Reseeds the model's random stream before this fit (default: continue the model's stream). */
  seed?: number;
  /** L2 penalty l2/2 ||w||^2 on the weights, not the bias (default 0). */
  l2?: number;
  /** L1 penalty l1 ||w||_1 on the weights, not the bias (default 0). */
  l1?: number;
  /** scikit-learn's elastic net: l1 = alpha * l1Ratio, l2 = alpha * (1 - l1Ratio). */
  elasticNet?: { alpha: number; l1Ratio?: number };
  /** Per-row weights multiplying each row's loss (default all 1). */
  sampleWeight?: TargetInput;
  /** Classifiers: 'balanced' (n / (classes * count)) or a weight per label. */
  classWeight?: 'balanced' | Record<number, number>;
  /** Stop when the epoch's gradient L2 norm is <= gradTol. */
  gradTol?: number;
  /** Stop when the loss has not improved by tol for nIterNoChange epochs (scikit-learn semantics). */
  tol?: number;
  /** Epochs without improvement allowed by tol / early stopping (default 5). */
  nIterNoChange?: number;
  /** Stop when no parameter changed by more than paramTol over an epoch. */
  paramTol?: number;
  /** Stop after this many milliseconds (checked after each epoch). */
  timeLimitMs?: number;
  /** Stop once the monitored loss is <= targetLoss. */
  targetLoss?: number;
  /** Hold out this fraction of rows (seeded; stratified for classifiers) as validation data. */
  validationFraction?: number;
  /** Explicit validation data. */
  validationData?: { X: MatrixInput; y: TargetInput | readonly string[] | readonly (readonly number[])[] };
  /** Stop on validation loss (tol, nIterNoChange); holds out 10% when no validation data is given. */
  earlyStopping?: boolean;
  /** With early stopping, end with the weights of the best validation epoch (default true). */
  restoreBestWeights?: boolean;
  /** Called after each epoch; returning false stops training. */
  onEpochEnd?: (record: EpochRecord) => boolean | void;
  /** Called every batchCallbackEvery batches; returning false stops training. */
  onBatchEnd?: (info: BatchInfo) => boolean | void;
  /** How many batches between onBatchEnd calls (default 1). */
  batchCallbackEvery?: number;
  /** false: reinitialize weights and optimizer state before training (default true: continue). */
  warmStart?: boolean;
  /** Train from this many seeds and keep the best by final (validation) loss (default 1). */
  restarts?: number;
  /** At most this many threads of the engine's pool for this call (default: the pool, where it measured faster; docs/threads.md). Results do not depend on it. */
  threads?: number;
}

/** fitAsync() options: fit's plus yielding, progress and cancellation. */
export interface FitAsyncOptions extends FitOptions {
  /** Yield to the event loop at least this often, in milliseconds (default 16). */
  yieldEveryMs?: number;
  /** Called at each yield. */
  onProgress?: (progress: Progress) => void;
  /** Aborting rejects the promise with an AbortError; the model keeps the last completed epoch's weights. */
  signal?: AbortSignal;
}

/** FitOptions with defaults applied and every value checked. */
export interface ResolvedFitOptions {
  epochs: number;
  /** undefined: the default, 32 capped at the row count. */
  batchSize: number | 'full' | undefined;
  learningRate: number | 'auto';
  optimizer: ResolvedOptimizer;
  schedule: ScheduleOptions | undefined;
  warmup: WarmupOptions | undefined;
  shuffle: boolean;
  seed: number | undefined;
  l1: number;
  l2: number;
  sampleWeight: TargetInput | undefined;
  classWeight: 'balanced' | Record<number, number> | undefined;
  gradTol: number | undefined;
  tol: number | undefined;
  nIterNoChange: number;
  paramTol: number | undefined;
  timeLimitMs: number | undefined;
  targetLoss: number | undefined;
  validationFraction: number | undefined;
  validationData: { X: MatrixInput; y: TargetInput | readonly string[] | readonly (readonly number[])[] } | undefined;
  earlyStopping: boolean;
  restoreBestWeights: boolean;
  onEpochEnd: FitOptions['onEpochEnd'];
  onBatchEnd: FitOptions['onBatchEnd'];
  batchCallbackEvery: number;
  warmStart: boolean;
  restarts: number;
  /** undefined: the pool's size. */
  threads: number | undefined;
  yieldEveryMs: number;
  onProgress: FitAsyncOptions['onProgress'];
  signal: AbortSignal | undefined;
}

/**
 * The optimizer fit uses when given neither an optimizer nor a learning rate (its rate is then
 * 'auto'), chosen by `npm run bench -- autolr` (docs/learning-rate.md): Schedule-Free AdamW, for
 * every model type (the shape is the argument so that a type could have its own).
 */
export function defaultOptimizer(_shape: NetworkShape): OptimizerOptions {
  return { name: 'schedule-free-adamw' };
}

/** Every key fit options may have (randomizedSearchCV tells fit parameters from model ones by it). */
export const KEYS = [
  'epochs', 'batchSize', 'learningRate', 'optimizer', 'schedule', 'warmup', 'shuffle', 'seed', 'l2', 'l1',
  'elasticNet', 'sampleWeight', 'classWeight', 'gradTol', 'tol', 'nIterNoChange', 'paramTol', 'timeLimitMs',
  'targetLoss', 'validationFraction', 'validationData', 'earlyStopping', 'restoreBestWeights', 'onEpochEnd',
  'onBatchEnd', 'batchCallbackEvery', 'warmStart', 'restarts', 'threads', 'yieldEveryMs', 'onProgress', 'signal',
] as const;

function nonNegative(name: string, v: unknown): number {
  const x = finite(name, v);
  if (x < 0) throw new ValidationError(`${name} must be a finite number >= 0, got ${show(v)}`);
  return x;
}

function optional<T>(v: unknown, check: (v: unknown) => T): T | undefined {
  return v === undefined ? undefined : check(v);
}

function callback<T>(name: string, v: unknown): T | undefined {
  if (v !== undefined && typeof v !== 'function') throw new ValidationError(`${name} must be a function, got ${show(v)}`);
  return v as T | undefined;
}

function bool(name: string, v: unknown, fallback: boolean): boolean {
  if (v === undefined) return fallback;
  if (typeof v !== 'boolean') throw new ValidationError(`${name} must be true or false, got ${show(v)}`);
  return v;
}

const ASYNC_ONLY = ['yieldEveryMs', 'onProgress', 'signal'] as const;

/** Throws if options for a synchronous call (fit, partialFit) hold fitAsync's options, which it would ignore. */
export function rejectAsyncOnly(options: Record<string, unknown>, method: string): void {
  for (const key of ASYNC_ONLY) {
    if (options[key] !== undefined) throw new ValidationError(`${key} applies to fitAsync only; ${method} runs synchronously`);
  }
}

/** Applies defaults and validates every option; fallback: the optimizer when neither it nor a rate is given (defaultOptimizer). */
export function resolveFitOptions(options: unknown, fallback: OptimizerName | OptimizerOptions = 'sgd'): ResolvedFitOptions {
  const o = optionsObject('fit options', options) as FitAsyncOptions;
  knownKeys('fit option', o, KEYS);
  const batchSize = o.batchSize;
  if (batchSize !== 'full' && batchSize !== undefined) {
    if (typeof batchSize !== 'number' || !Number.isInteger(batchSize) || batchSize < 1) {
      throw new ValidationError(`batchSize must be a positive integer or 'full', got ${show(batchSize)}`);
    }
  }
  if (o.seed !== undefined && (typeof o.seed !== 'number' || !Number.isInteger(o.seed))) {
    throw new ValidationError(`seed must be an integer, got ${show(o.seed)}`);
  }
  let l1 = nonNegative('l1', o.l1 ?? 0);
  let l2 = nonNegative('l2', o.l2 ?? 0);
  if (o.elasticNet !== undefined) {
    const e = optionsObject('elasticNet', o.elasticNet);
    knownKeys('elasticNet option', e, ['alpha', 'l1Ratio']);
    const alpha = nonNegative('elasticNet.alpha', e.alpha);
    const ratio = nonNegative('elasticNet.l1Ratio', e.l1Ratio ?? 0.15); // scikit-learn's default
    if (ratio > 1) throw new ValidationError(`elasticNet.l1Ratio must be in [0, 1], got ${show(e.l1Ratio)}`);
    if (o.l1 !== undefined || o.l2 !== undefined) throw new ValidationError('give either elasticNet or l1/l2, not both');
    l1 = alpha * ratio;
    l2 = alpha * (1 - ratio);
  }
  if (o.classWeight !== undefined && o.classWeight !== 'balanced') {
    const cw: unknown = o.classWeight;
    if (cw === null || typeof cw !== 'object' || Array.isArray(cw) || ArrayBuffer.isView(cw)) {
      throw new ValidationError(`classWeight must be 'balanced' or an object of weights per class label, got ${show(cw)}`);
    }
    for (const [label, w] of Object.entries(cw)) {
      // A label is a number, and classWeight[label] finds only keys written as JavaScript writes numbers ({ 0: 1, 1: 5 }).
      if (String(Number(label)) !== label) {
        throw new ValidationError(`classWeight key ${show(label)} is not a class label (keys are labels written as numbers, e.g. { 0: 1, 1: 5 })`);
      }
      nonNegative(`classWeight[${label}]`, w);
    }
  }
  const fraction = optional(o.validationFraction, (v) => {
    const f = finite('validationFraction', v);
    if (f <= 0 || f >= 1) throw new ValidationError(`validationFraction must be in (0, 1), got ${show(v)}`);
    return f;
  });
  if (fraction !== undefined && o.validationData !== undefined) {
    throw new ValidationError('give either validationFraction or validationData, not both');
  }
  if (o.validationData !== undefined) {
    const vd = optionsObject('validationData', o.validationData);
    knownKeys('validationData option', vd, ['X', 'y']);
  }
  const earlyStopping = bool('earlyStopping', o.earlyStopping, false);
  if (o.signal !== undefined && !(typeof o.signal === 'object' && o.signal !== null && 'aborted' in o.signal)) {
    throw new ValidationError(`signal must be an AbortSignal, got ${show(o.signal)}`);
  }
  const optimizer = resolveOptimizer(o.optimizer ?? (o.learningRate === undefined || o.learningRate === 'auto' ? fallback : 'sgd'));
  return {
    epochs: positiveInteger('epochs', o.epochs ?? 100),
    batchSize,
    // No rate: 'auto' for the classic optimizers and the default one; a learning-rate-free one named without a rate
    // takes its own default (a multiplier, or Schedule-Free's step size).
    // An explicit rate keeps the old default optimizer, so results given a rate do not change.
    optimizer,
    learningRate: o.learningRate === 'auto' ? 'auto'
      : o.learningRate !== undefined ? positiveFinite('learningRate', o.learningRate)
      : isLrFree(optimizer.name) && o.optimizer !== undefined ? defaultLearningRate(optimizer.name) : 'auto',
    schedule: o.schedule,
    warmup: o.warmup,
    shuffle: bool('shuffle', o.shuffle, true),
    seed: o.seed,
    l1,
    l2,
    sampleWeight: o.sampleWeight,
    classWeight: o.classWeight,
    gradTol: optional(o.gradTol, (v) => nonNegative('gradTol', v)),
    tol: optional(o.tol, (v) => nonNegative('tol', v)) ?? (earlyStopping ? 0 : undefined),
    nIterNoChange: positiveInteger('nIterNoChange', o.nIterNoChange ?? 5),
    paramTol: optional(o.paramTol, (v) => nonNegative('paramTol', v)),
    timeLimitMs: optional(o.timeLimitMs, (v) => positiveFinite('timeLimitMs', v)),
    targetLoss: optional(o.targetLoss, (v) => finite('targetLoss', v)),
    validationFraction: fraction ?? (earlyStopping && o.validationData === undefined ? 0.1 : undefined),
    validationData: o.validationData,
    earlyStopping,
    restoreBestWeights: bool('restoreBestWeights', o.restoreBestWeights, earlyStopping),
    onEpochEnd: callback('onEpochEnd', o.onEpochEnd),
    onBatchEnd: callback('onBatchEnd', o.onBatchEnd),
    batchCallbackEvery: positiveInteger('batchCallbackEvery', o.batchCallbackEvery ?? 1),
    warmStart: bool('warmStart', o.warmStart, true),
    restarts: positiveInteger('restarts', o.restarts ?? 1),
    threads: optional(o.threads, (v) => positiveInteger('threads', v)),
    yieldEveryMs: positiveFinite('yieldEveryMs', o.yieldEveryMs ?? 16),
    onProgress: callback('onProgress', o.onProgress),
    signal: o.signal,
  };
}

/** The base rate: the given one, or the search's ('auto' before a search: 1, which validates a schedule's options). */
export function baseRate(o: ResolvedFitOptions, search: { rate: number } | null): number {
  return o.learningRate === 'auto' ? (search?.rate ?? 1) : o.learningRate;
}

/**
 * fitStream's options: as fit's, except that a learning-rate-free optimizer (the default) without a rate
 * takes its own rate rather than searching: the search's sample is the start of the stream, not a sample
 * of all of it. A classic optimizer keeps 'auto' (given, or implied by no rate), searched on that start.
 */
export function streamFitOptions(options: unknown, shape: NetworkShape): ResolvedFitOptions {
  const o = resolveFitOptions(options, defaultOptimizer(shape));
  if (o.learningRate !== 'auto' || !isLrFree(o.optimizer.name)) return o;
  return { ...o, learningRate: defaultLearningRate(o.optimizer.name) };
}

/** The batch size in rows: the default is 32 capped at the row count; an explicit size larger than the data is an error. */
export function batchRows(batchSize: number | 'full' | undefined, rows: number): number {
  if (batchSize === undefined) return Math.min(32, rows);
  if (batchSize === 'full') return rows;
  if (batchSize > rows) {
    throw new ValidationError(`batchSize ${batchSize} is larger than the number of rows (${rows}); use 'full' for batch gradient descent`);
  }
  return batchSize;
}

/**
 * The call's settings, stored in the model file as the training options used (an unset option is null).
 * Data (sampleWeight, validationData) and callbacks are not settings and are not recorded.
 */
export function trainingRecord(o: ResolvedFitOptions): Record<string, unknown> {
  const { name, ...settings } = o.optimizer;
  // A copy as the file holds it, taken before training: the caller's schedule, warmup and classWeight objects may change later.
  return jsonCopy('training', {
    epochs: o.epochs, batchSize: o.batchSize ?? null, learningRate: o.learningRate, optimizer: { name, ...settings },
    schedule: typeof o.schedule === 'function' ? 'function' : (o.schedule ?? 'constant'), warmup: o.warmup ?? null,
    shuffle: o.shuffle, seed: o.seed ?? null, l1: o.l1, l2: o.l2, classWeight: o.classWeight ?? null,
    gradTol: o.gradTol ?? null, tol: o.tol ?? null, nIterNoChange: o.nIterNoChange, paramTol: o.paramTol ?? null,
    timeLimitMs: o.timeLimitMs ?? null, targetLoss: o.targetLoss ?? null, validationFraction: o.validationFraction ?? null,
    earlyStopping: o.earlyStopping, restoreBestWeights: o.restoreBestWeights, warmStart: o.warmStart, restarts: o.restarts,
  }) as Record<string, unknown>;
}
