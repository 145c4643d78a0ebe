// crossValidate: k-fold cross-validation like scikit-learn's cross_validate. Each fold
// trains its own copy of the model on the other folds' rows and scores it with evaluate
// on its own rows; the caller's model is only read. Where the engine has a thread pool, folds
// run side by side, one per thread (src/threads/sideBySide.ts), with the bits of one after another.
import { ValidationError } from '../errors.js';
import type { FitAsyncOptions } from '../models/fitOptions.js';
import { resolveFitOptions } from '../models/fitOptions.js';
import type { History } from '../models/history.js';
import { loadModel, type AnyModel } from '../models/loadModel.js';
import type { ClassificationMetrics, RegressionMetrics } from '../models/metrics.js';
import { Model, type Targets } from '../models/model.js';
import { encodeTargets, type TargetKind } from '../models/targets.js';
import type { NetworkShape } from '../engines/network.js';
import { seedState } from '../reference/random.js';
import { takeRows } from '../data/rows.js';
import { matrixSource, optionsObject, show, toMatrix, toTargets, valueError, type MatrixInput } from '../validate.js';
import { complement, explicitFolds, foldIndices } from './folds.js';
import { runAsync } from '../models/trainLoop.js';
import type { Step } from '../models/trainLoop.js';
import { getRuntime } from '../wasm/runtime.js';
import { getPool } from '../threads/access.js';

/** crossValidate's options: the folds, and fitAsync's options for every fold's fit. */
export interface CrossValidateOptions extends FitAsyncOptions {
  /** How many folds (default 5; 2 to the number of rows), or explicit folds: each a list of test rows, the other rows train. */
  folds?: number | readonly ArrayLike<number>[];
}

/** One fold's outcome. */
export interface FoldResult<M> {
  /** The fold's test rows (ascending); every other row trained its model. */
  test: Uint32Array;
  /** evaluate() of the fold's model on its test rows. */
  metrics: M;
  /** Time to fit the fold's model, and to evaluate it, in milliseconds. */
  fitTimeMs: number;
  scoreTimeMs: number;
  /** The fold's fit history. */
  history: History;
}

/** Every metric, with the times. */
export type FoldScores<M> = { [K in keyof M]: number } & { fitTimeMs: number; scoreTimeMs: number };

/** What crossValidate returns. */
export interface CrossValidation<M> {
  folds: FoldResult<M>[];
  /** The mean over folds of each metric and time. */
  mean: FoldScores<M>;
  /** The standard deviation over folds (population, ddof 0: NumPy's std of scikit-learn's score arrays). */
  std: FoldScores<M>;
  /** Whether the folds were stratified by class (drawn folds of a classifier with one label per row). */
  stratified: boolean;
}

/** The metrics evaluate() returns for a model type. */
export type MetricsOf<T> = T extends { evaluate(...args: never[]): infer R } ? R : RegressionMetrics | ClassificationMetrics;

/**
 * k-fold cross-validation: for each fold, a copy of model as it is now (weights, random
 * stream, optimizer state, class names; a model that has not trained is a fresh model)
 * is fitted with options on the rows outside the fold and evaluated on the fold. Folds
 * come from a seeded shuffle (options.seed, else the model's random stream, which is not
 * advanced), stratified by class for classifiers with one label per row. The result of
 * each fold is the one `copy.fit(trainRows, options)` gives. X is the feature matrix
 * (as fit takes it), also for a model with preprocessing.
 */
export async function crossValidate<T extends AnyModel>(
  model: T, X: MatrixInput, y: Targets, options: CrossValidateOptions = {},
): Promise<CrossValidation<MetricsOf<T>>> {
  const cv = prepareFolds(model, X, y, options, 'crossValidate options');
  const { tests, opts } = cv;
  // The pool, where the engine has one (the SIMD engine's threaded build): folds side by side, one per thread.
  const rt = model.engine === 'wasm-simd' && !opts.onProgress ? getRuntime(true) : null;
  const pool = rt && getPool(rt, opts.threads);
  const width = pool ? Math.min(pool.threads(opts.threads), tests.length) : 1;
  // Each copy serves fold after fold on its slot (reset to the caller's state before each).
  const copies = Array.from({ length: width }, () => loadModel(cv.json, { engine: model.engine }));
  let results: FoldResult<MetricsOf<T>>[];
  try {
    for (const c of copies) c.preprocessing = null; // evaluate takes the feature matrix, as fit does
    if (pool) {
      results = await runAsync(
        rt!.threaded!.sideBySide(tests.length, width, (i, slot) => foldFit(cv, copies[slot], tests[i], true), rt!, pool),
        opts.yieldEveryMs, undefined, opts.signal, undefined, 'crossValidate',
      ) as FoldResult<MetricsOf<T>>[];
    } else {
      results = [];
      for (const test of tests) results.push(await foldFitAsync(cv, copies[0], test) as FoldResult<MetricsOf<T>>);
    }
  } finally {
    for (const c of copies) c.dispose();
  }
  return { folds: results, ...summary(results), stratified: cv.stratified };
}

/** @internal A call's validated data, folds and options, shared by its fold fits (crossValidate, randomizedSearchCV). */
export interface Folds {
  F: number;
  rows: number;
  /** X as float32, checked (a typed Float32Array X is not copied). */
  x32: Float32Array;
  y: Targets;
  sw: Float32Array | null;
  tests: Uint32Array[];
  stratified: boolean;
  /** The caller's model's training state and file (each fold's copy starts from them). */
  state: ReturnType<Model['exportTraining']>;
  json: ReturnType<Model['toJSON']>;
  opts: ReturnType<typeof resolveFitOptions>;
  /** The fit options as given, without the async ones (fitSteps takes them). */
  syncOptions: FitAsyncOptions;
  fitOptions: FitAsyncOptions;
  /** Buffers every fold's rows are gathered into, reused fold after fold (fresh memory costs more to touch than to reuse). */
  trainX: Float32Array;
  testX: Float32Array;
}

/** @internal Validates crossValidate's arguments (what names the options object in errors: `what`) and draws the folds. */
export function prepareFolds(model: AnyModel, X: MatrixInput, y: Targets, options: CrossValidateOptions, what: string): Folds {
  if (!(model instanceof Model)) throw new ValidationError(`model must be a steepest model (LinearRegression, LogisticRegression, SoftmaxRegression or MLP), got ${show(model)}`);
  const { folds: foldOption, ...fitOptions } = optionsObject(what, options) as CrossValidateOptions;
  const opts = resolveFitOptions(fitOptions); // fit's checks and messages, before any fold trains
  const state = model.exportTraining(); // DisposedError or BusyError first
  const json = model.toJSON();
  const F = model.features;
  const src = matrixSource(X, F);
  const rows = src.rows;
  const x32 = src.X instanceof Float32Array ? checked(src.X, src) : toMatrix(X, F).data;
  const kind = targetKind(model.shape);
  const labels = encodeTargets(y, rows, kind, model.classes, json.model).y;
  const sw = opts.sampleWeight === undefined ? null : toTargets(opts.sampleWeight, rows, null, 'sampleWeight');
  const stratified = kind.kind === 'binary' || kind.kind === 'classes';
  let tests: Uint32Array[];
  if (Array.isArray(foldOption)) {
    tests = explicitFolds(foldOption, rows);
  } else {
    const k = foldOption ?? 5;
    if (!Number.isInteger(k) || (k as number) < 2 || (k as number) > rows) {
      throw new ValidationError(`folds must be an integer from 2 to the number of rows (${rows}), or a list of folds, got ${show(foldOption)}`);
    }
    tests = foldIndices(rows, k as number, opts.seed === undefined ? state.rng.slice() : seedState(opts.seed), stratified ? labels : null);
  }
  const { yieldEveryMs: _y, signal: _s, onProgress: _p, ...syncOptions } = fitOptions;
  const most = Math.max(...tests.map((t) => t.length));
  return {
    F, rows, x32, y, sw, tests, stratified: stratified && !Array.isArray(foldOption), state, json, opts, syncOptions, fitOptions,
    trainX: new Float32Array((rows - Math.min(...tests.map((t) => t.length))) * F), testX: new Float32Array(most * F),
  };
}

/**
 * @internal Fold test's fit on copy c (reset to the caller's state first) and its score, as
 * steps (offload: its export calls, for sideBySide). The fit reads its rows before its first
 * step and the score is taken in the step that ends it, so the shared row buffers serve every fold.
 */
export function* foldFit<M>(cv: Folds, c: AnyModel, test: Uint32Array, offload: boolean): Generator<Step, FoldResult<M>, unknown> {
  const f = foldStart(cv, c, test);
  const history = yield* c.fitSteps(f.X, f.y, { ...cv.syncOptions, ...f.weights, ...(offload ? { threads: 1 } : {}) }, offload); // the pool's threads are the folds'
  return foldScore(cv, c, test, history, f.t0);
}

/** Fold test's fit on this thread with fitAsync (which yields to the event loop, reports progress, honours signal), and its score. */
export async function foldFitAsync<M>(cv: Folds, c: AnyModel, test: Uint32Array): Promise<FoldResult<M>> {
  const f = foldStart(cv, c, test);
  const history = await c.fitAsync(f.X, f.y, { ...cv.fitOptions, ...f.weights });
  return foldScore(cv, c, test, history, f.t0);
}

/** A fold's fit begins: copy c reset to the caller's state, the training rows (gathered into cv.trainX) and their weights. */
function foldStart(cv: Folds, c: AnyModel, test: Uint32Array) {
  const train = complement(test, cv.rows);
  c.importTraining(cv.state);
  return {
    X: gather(cv.x32, cv.F, train, cv.trainX), y: targetRows(cv.y, cv.rows, train),
    weights: cv.sw ? { sampleWeight: takeRows(cv.sw, 1, train) } : {}, t0: performance.now(),
  };
}

/** A fold's fit has ended (it began at t0): copy c scored on the fold's test rows. */
function foldScore<M>(cv: Folds, c: AnyModel, test: Uint32Array, history: History, t0: number): FoldResult<M> {
  const fitTimeMs = performance.now() - t0;
  const t1 = performance.now();
  const metrics = c.evaluate(gather(cv.x32, cv.F, test, cv.testX), targetRows(cv.y, cv.rows, test) as never) as M;
  return { test, metrics, history, fitTimeMs, scoreTimeMs: performance.now() - t1 };
}

/** The rows idx of X (rows x F) written into the front of buf; returns that part. */
function gather(X: Float32Array, F: number, idx: Uint32Array, buf: Float32Array): Float32Array {
  for (let k = 0; k < idx.length; k++) buf.set(X.subarray(idx[k] * F, (idx[k] + 1) * F), k * F);
  return buf.subarray(0, idx.length * F);
}

/** What y holds for a network shape: the model classes' own mapping (see each constructor). */
function targetKind(shape: NetworkShape): TargetKind {
  const outputs = shape.layers[shape.layers.length - 1].units;
  if (shape.head === 'mse') return { kind: 'values', width: outputs };
  if (shape.head === 'softmax') return { kind: 'classes', count: outputs };
  return outputs === 1 ? { kind: 'binary' } : { kind: 'multilabel', width: outputs };
}

/** X32 after fit's value check (the first non-finite value, named by row and column). */
function checked(x: Float32Array, src: ReturnType<typeof matrixSource>): Float32Array {
  for (let i = 0; i < x.length; i++) if (x[i] - x[i] !== 0) throw valueError(src, i);
  return x;
}

/** The rows idx of y, in y's own form (already validated for rows rows). */
function targetRows(y: Targets, rows: number, idx: Uint32Array): Targets {
  if (Array.isArray(y) && y.length === rows) return Array.from(idx, (r) => y[r]) as Targets;
  const width = (y as ArrayLike<number>).length / rows;
  if (Array.isArray(y)) return Array.from(takeRows(Float64Array.from(y as number[]), width, idx));
  return takeRows(y as Float32Array, width, idx);
}

/** @internal Mean and population standard deviation over folds of every numeric field. */
export function summary<M>(folds: FoldResult<M>[]): { mean: FoldScores<M>; std: FoldScores<M> } {
  const rows = folds.map((f) => ({ ...f.metrics, fitTimeMs: f.fitTimeMs, scoreTimeMs: f.scoreTimeMs }) as Record<string, number>);
  const mean: Record<string, number> = {};
  const std: Record<string, number> = {};
  for (const key of Object.keys(rows[0])) {
    const m = rows.reduce((s, r) => s + r[key], 0) / rows.length;
    mean[key] = m;
    std[key] = Math.sqrt(rows.reduce((s, r) => s + (r[key] - m) ** 2, 0) / rows.length);
  }
  return { mean: mean as FoldScores<M>, std: std as FoldScores<M> };
}
