// randomizedSearchCV: a seeded random search over hyperparameters, scored by cross-validation,
// like scikit-learn's RandomizedSearchCV. (steepest/minimize's randomSearch minimizes a function
// of numbers; this one searches a model's settings.) Every candidate's folds are the same rows;
// every (candidate, fold) fit runs side by side on the pool where the engine has one, with the
// bits of one after another (src/threads/sideBySide.ts).
import { ValidationError } from '../errors.js';
import { KEYS as FIT_KEYS } from '../models/fitOptions.js';
import { loadModel, type AnyModel } from '../models/loadModel.js';
import { Model, type Targets } from '../models/model.js';
import { runAsync } from '../models/trainLoop.js';
import { below, seedState, uniform, type RngState } from '../reference/random.js';
import { getPool } from '../threads/access.js';
import { optionsObject, show, type MatrixInput } from '../validate.js';
import { getRuntime } from '../wasm/runtime.js';
import {
  foldFit, foldFitAsync, prepareFolds, summary, type CrossValidateOptions, type CrossValidation, type FoldResult, type Folds, type MetricsOf,
} from './crossValidate.js';

/** Where a parameter's values come from: a list (each equally likely) or a range. */
export type Distribution =
  | readonly unknown[]
  | { uniform: readonly [number, number] }
  | { logUniform: readonly [number, number] }
  | { integers: readonly [number, number] };

/** randomizedSearchCV's options: the search's, then crossValidate's (folds and every fit option). */
export interface RandomizedSearchOptions extends CrossValidateOptions {
  /** Parameter name -> its distribution. Fit options' names go to each fit; any other name to the model factory. */
  distributions: Record<string, Distribution>;
  /** How many candidates to draw (default 10). */
  candidates?: number;
  /**
   * Score on one held-out part instead of k folds: a fraction from 0.05 to 0.5; the held-out
   * rows are the first of round(1 / holdout) folds (stratified for classifiers), so 0.2 holds out a fifth.
   */
  holdout?: number;
  /** The metric of evaluate() that ranks candidates (default: 'accuracy' for classifiers, 'r2' for regression); 'loss', 'mse' and 'mae' rank lower first. */
  scoring?: string;
}

/** One candidate: its parameters and its cross-validation. */
export interface Candidate<M> {
  params: Record<string, unknown>;
  /** Its folds' results, mean and std (as crossValidate returns). */
  cv: CrossValidation<M>;
  /** The mean over folds of the scoring metric. */
  score: number;
  /** 1 for the best (ties: the earlier candidate), as scikit-learn's rank_test_score. */
  rank: number;
}

/** What randomizedSearchCV returns. */
export interface RandomizedSearch<M> {
  /** The candidates in the order they were drawn. */
  candidates: Candidate<M>[];
  /** The same, best first. */
  ranked: Candidate<M>[];
  best: Candidate<M>;
  scoring: string;
}

const LOWER_IS_BETTER = new Set(['loss', 'mse', 'mae']);

/**
 * Draws options.candidates parameter sets from options.distributions (seeded by options.seed,
 * default 0) and scores each by cross-validation: model is a steepest model (then every
 * parameter must be a fit option) or a function from the non-fit parameters to a new model
 * (it may also read the fit ones). The models made are disposed; the caller's model is only read.
 */
export async function randomizedSearchCV<T extends AnyModel>(
  model: T | ((params: Record<string, unknown>) => T), X: MatrixInput, y: Targets, options: RandomizedSearchOptions,
): Promise<RandomizedSearch<MetricsOf<T>>> {
  const o = optionsObject('randomizedSearchCV options', options) as unknown as RandomizedSearchOptions;
  const { distributions, candidates = 10, holdout, scoring: scoringOption, ...cvOptions } = o;
  const names = checkDistributions(distributions);
  if (!Number.isInteger(candidates) || candidates < 1) throw new ValidationError(`candidates must be an integer >= 1, got ${show(candidates)}`);
  if (holdout !== undefined) {
    if (typeof holdout !== 'number' || !(holdout >= 0.05 && holdout <= 0.5)) throw new ValidationError(`holdout must be a number from 0.05 to 0.5, got ${show(holdout)}`);
    if (cvOptions.folds !== undefined) throw new ValidationError('holdout and folds cannot both be given (holdout scores on one part instead of folds)');
  }
  const factory = typeof model === 'function' ? model : null;
  if (!factory) {
    const other = names.find((n) => !(FIT_KEYS as readonly string[]).includes(n));
    if (other) throw new ValidationError(`distributions.${other} is not a fit option; to vary the model itself pass a function from parameters to a new model`);
  }
  const rng = seedState(cvOptions.seed ?? 0);
  const drawn = Array.from({ length: candidates }, () => Object.fromEntries(names.map((n) => [n, draw(distributions[n], rng)])));
  // Each candidate's model as the factory makes it (or the caller's), validated with its fit options before any fold trains.
  const made: AnyModel[] = [];
  const cvs: Folds[] = [];
  try {
    for (const params of drawn) {
      const fitParams = Object.fromEntries(Object.entries(params).filter(([n]) => (FIT_KEYS as readonly string[]).includes(n)));
      const m = factory ? factory(Object.fromEntries(Object.entries(params).filter(([n]) => !(n in fitParams)))) : model as T;
      if (factory) made.push(m);
      if (!(m instanceof Model)) throw new ValidationError(`the model factory must return a steepest model, got ${show(m)}`);
      const first = cvs[0];
      // Every candidate is scored on the same rows: the first candidate's folds, given to the others.
      const folds = first ? first.tests : holdout !== undefined ? Math.round(1 / holdout) : cvOptions.folds;
      const cv = prepareFolds(m, first ? first.x32 : X, y, { ...cvOptions, ...fitParams, folds } as CrossValidateOptions, 'randomizedSearchCV options');
      if (!first && holdout !== undefined) cv.tests = cv.tests.slice(0, 1);
      if (first) Object.assign(cv, { tests: first.tests, stratified: first.stratified, trainX: first.trainX, testX: first.testX });
      cvs.push(cv);
    }
    const classifier = cvs[0].json.shape.head !== 'mse';
    const scoring = scoringOption ?? (classifier ? 'accuracy' : 'r2');
    const metricNames = classifier ? ['loss', 'accuracy'] : ['loss', 'mse', 'mae', 'r2'];
    if (!metricNames.includes(scoring)) throw new ValidationError(`scoring must be one of ${metricNames.join(', ')} for this model, got ${show(scoring)}`);
    const results = await allFolds<MetricsOf<T>>(cvs, made.length ? made[0].engine : (model as T).engine);
    const K = cvs[0].tests.length;
    const list: Candidate<MetricsOf<T>>[] = drawn.map((params, c) => {
      const folds = results.slice(c * K, (c + 1) * K);
      const cv = { folds, ...summary(folds), stratified: cvs[c].stratified };
      return { params, cv, score: (cv.mean as Record<string, number>)[scoring], rank: 0 };
    });
    const sign = LOWER_IS_BETTER.has(scoring) ? 1 : -1;
    const ranked = list.map((c, i) => ({ c, i })).sort((a, b) => order(a.c.score, b.c.score, sign) || a.i - b.i).map(({ c }) => c);
    ranked.forEach((c, r) => (c.rank = r + 1));
    return { candidates: list, ranked, best: ranked[0], scoring };
  } finally {
    for (const m of made) m.dispose();
  }
}

/** Every (candidate, fold) fit in order: side by side on the pool where there is one, else one after another with fitAsync. */
async function allFolds<M>(cvs: Folds[], engine: string): Promise<FoldResult<M>[]> {
  const K = cvs[0].tests.length;
  const count = cvs.length * K;
  const opts = cvs[0].opts;
  const rt = engine === 'wasm-simd' && !opts.onProgress ? getRuntime(true) : null;
  const pool = rt && getPool(rt, opts.threads);
  const width = pool ? Math.min(pool.threads(opts.threads), count) : 1;
  // A copy per slot, remade when its slot moves on to another candidate's folds.
  const copies: { c: number; m: AnyModel }[] = [];
  const copyFor = (slot: number, c: number): AnyModel => {
    if (copies[slot]?.c !== c) {
      copies[slot]?.m.dispose();
      const m = loadModel(cvs[c].json, { engine: engine as AnyModel['engine'] });
      m.preprocessing = null; // evaluate takes the feature matrix, as fit does
      copies[slot] = { c, m };
    }
    return copies[slot].m;
  };
  try {
    if (pool) {
      return await runAsync(
        rt!.threaded!.sideBySide(count, width, (i, slot) => foldFit<M>(cvs[Math.floor(i / K)], copyFor(slot, Math.floor(i / K)), cvs[0].tests[i % K], true), rt!, pool),
        opts.yieldEveryMs, undefined, opts.signal, undefined, 'randomizedSearchCV',
      );
    }
    const out: FoldResult<M>[] = [];
    for (let i = 0; i < count; i++) out.push(await foldFitAsync<M>(cvs[Math.floor(i / K)], copyFor(0, Math.floor(i / K)), cvs[0].tests[i % K]));
    return out;
  } finally {
    for (const c of copies) c?.m.dispose();
  }
}

/** Better first (sign 1: lower first; -1: higher first); a NaN score last. */
function order(a: number, b: number, sign: number): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) ? (Number.isNaN(b) ? 0 : 1) : -1;
  return sign * (a - b);
}

/** Checks distributions; returns its names in order. */
function checkDistributions(d: unknown): string[] {
  if (d === null || typeof d !== 'object' || Array.isArray(d)) throw new ValidationError(`distributions must be an object of parameter name -> distribution, got ${show(d)}`);
  const names = Object.keys(d);
  if (names.length === 0) throw new ValidationError('distributions must name at least one parameter, got {}');
  for (const n of names) {
    const v = (d as Record<string, unknown>)[n];
    const where = `distributions.${n}`;
    if (Array.isArray(v)) {
      if (v.length === 0) throw new ValidationError(`${where} must list at least one value, got []`);
      continue;
    }
    const keys = v !== null && typeof v === 'object' ? Object.keys(v) : [];
    const kind = keys.length === 1 && ['uniform', 'logUniform', 'integers'].includes(keys[0]) ? keys[0] : null;
    const range = kind ? (v as Record<string, unknown>)[kind] : null;
    if (!kind || !Array.isArray(range) || range.length !== 2 || !range.every((x) => typeof x === 'number' && Number.isFinite(x)) || !(range[0] <= range[1])) {
      throw new ValidationError(`${where} must be a list of values or { uniform | logUniform | integers: [low, high] } with finite low <= high, got ${show(v)}`);
    }
    if (kind === 'logUniform' && !(range[0] > 0)) throw new ValidationError(`${where}.logUniform's low must be > 0, got ${show(range[0])}`);
    if (kind === 'integers' && !range.every(Number.isInteger)) throw new ValidationError(`${where}.integers must be two integers, got ${show(range)}`);
  }
  return names;
}

/** One value of a distribution (checked), from rng. */
function draw(d: Distribution, rng: RngState): unknown {
  if (Array.isArray(d)) return d[below(rng, d.length)];
  const r = d as Record<string, readonly [number, number]>;
  if (r.uniform) return r.uniform[0] + (r.uniform[1] - r.uniform[0]) * uniform(rng);
  if (r.logUniform) return Math.exp(Math.log(r.logUniform[0]) + (Math.log(r.logUniform[1]) - Math.log(r.logUniform[0])) * uniform(rng));
  return r.integers[0] + below(rng, r.integers[1] - r.integers[0] + 1);
}
