// A generic gradient-descent minimizer for any differentiable f(x), built from the
// same optimizers and schedules the models use, plus the teaching companions:
// finite-difference gradients, a gradient check and random search.

import { DivergenceError, ValidationError } from '../errors.js';
import { show } from '../validate.js';
import { createOptimizerState, defaultLearningRate, optimizerStep, resolveOptimizer } from '../optim/optimizers.js';
import { toEvaluationPoint } from '../optim/lrFree.js';
import type { OptimizerName, OptimizerOptions } from '../optim/optimizers.js';
import { createSchedule } from '../optim/schedules.js';
import type { ScheduleOptions, WarmupOptions } from '../optim/schedules.js';
import { seedState, uniform } from '../reference/random.js';

/** What `onIteration` sees after each evaluated iterate. */
export interface IterationInfo {
  /** Steps taken so far; iterate 0 is x0. */
  iteration: number;
  /** A copy of the current iterate. */
  x: Float64Array;
  loss: number;
  gradNorm: number;
  /** The learning rate the next step will use. */
  lr: number;
  elapsedMs: number;
}

/** Options for `minimize`; every stopping rule except maxIterations is off unless set. */
export interface MinimizeOptions {
  /** Analytic gradient; central finite differences when omitted. f and grad get the live iterate: do not modify it. */
  grad?: (x: Float64Array) => ArrayLike<number>;
  learningRate?: number;
  optimizer?: OptimizerName | OptimizerOptions;
  /** One schedule epoch per iteration. */
  schedule?: ScheduleOptions;
  warmup?: WarmupOptions;
  maxIterations?: number;
  /** Stop when the gradient's L2 norm is <= gradTol. */
  gradTol?: number;
  /** scikit-learn's rule: stop when loss > bestLoss - tol for nIterNoChange consecutive iterations. */
  tol?: number;
  nIterNoChange?: number;
  /** Stop when no parameter moved by more than paramTol in the last step. */
  paramTol?: number;
  /** Stop when loss <= targetLoss. */
  targetLoss?: number;
  timeLimitMs?: number;
  /** Relative finite-difference step (see finiteDifferenceGradient). */
  fdStep?: number;
  /** Called for every iterate; return false to stop. */
  onIteration?: (info: IterationInfo) => boolean | void;
}

/** Which rule stopped `minimize`, at which iteration, in words. */
export interface StopReason {
  rule: 'maxIterations' | 'gradTol' | 'tol' | 'paramTol' | 'targetLoss' | 'timeLimit' | 'callback';
  iteration: number;
  message: string;
}

/** The final iterate and the trace: loss[k], gradNorm[k], x[k] describe iterate k; lr[k] is the step from x[k] to x[k+1]. */
export interface MinimizeResult {
  x: Float64Array;
  loss: number;
  /** Steps taken. */
  iterations: number;
  stopReason: StopReason;
  history: { loss: number[]; gradNorm: number[]; lr: number[]; x: Float64Array[] };
}

const OPTION_KEYS = [
  'grad', 'learningRate', 'optimizer', 'schedule', 'warmup', 'maxIterations', 'gradTol', 'tol',
  'nIterNoChange', 'paramTol', 'targetLoss', 'timeLimitMs', 'fdStep', 'onIteration',
];

/**
 * Minimizes f from x0 by gradient descent. Each iteration evaluates f and its gradient
 * at the current iterate, checks the stopping rules (in the order targetLoss, gradTol,
 * paramTol, tol, callback, timeLimit, maxIterations) and otherwise takes one optimizer step.
 * Throws DivergenceError when the loss or gradient stops being finite.
 */
export function minimize(f: (x: Float64Array) => number, x0: ArrayLike<number>, options: MinimizeOptions = {}): MinimizeResult {
  if (typeof f !== 'function') throw new TypeError(`f must be a function, got ${show(f)}`);
  const x = toVector(x0, 'x0');
  if (options === null || typeof options !== 'object') throw new TypeError(`options must be an object, got ${show(options)}`);
  for (const key of Object.keys(options)) {
    if (!OPTION_KEYS.includes(key)) throw new ValidationError(`unknown option ${key}`);
  }
  const o = options;
  const lr0 = num(o.learningRate, 'learningRate', (v) => v > 0, 'a finite number > 0') ?? defaultLearningRate(resolveOptimizer(o.optimizer).name);
  const maxIterations = int(o.maxIterations, 'maxIterations', 1000, 0);
  const gradTol = num(o.gradTol, 'gradTol', (v) => v >= 0, 'a finite number >= 0');
  const tol = num(o.tol, 'tol', (v) => v >= 0, 'a finite number >= 0');
  const nIterNoChange = int(o.nIterNoChange, 'nIterNoChange', 5, 1);
  const paramTol = num(o.paramTol, 'paramTol', (v) => v >= 0, 'a finite number >= 0');
  const targetLoss = num(o.targetLoss, 'targetLoss', () => true, 'a finite number');
  const timeLimitMs = num(o.timeLimitMs, 'timeLimitMs', (v) => v >= 0, 'a finite number >= 0');
  const fdStep = num(o.fdStep, 'fdStep', (v) => v > 0, 'a finite number > 0') ?? 1e-6;
  if (o.grad !== undefined && typeof o.grad !== 'function') throw new TypeError(`grad must be a function, got ${show(o.grad)}`);
  if (o.onIteration !== undefined && typeof o.onIteration !== 'function') {
    throw new TypeError(`onIteration must be a function, got ${show(o.onIteration)}`);
  }
  const opt = resolveOptimizer(o.optimizer);
  const schedule = createSchedule(o.schedule, lr0, o.warmup);
  const state = createOptimizerState(opt, x.length);
  const gradient = o.grad ?? ((p: Float64Array) => finiteDifferenceGradient(f, p, fdStep));

  const history: MinimizeResult['history'] = { loss: [], gradNorm: [], lr: [], x: [] };
  const start = performance.now();
  let best = Infinity;
  let noChange = 0;
  let lastChange = Infinity;

  for (let k = 0; ; k++) {
    const loss = f(x);
    if (!Number.isFinite(loss)) {
      throw new DivergenceError(`loss is ${loss} at iteration ${k}; try a smaller learningRate (currently ${lr0})`, k);
    }
    const g = toGradient(gradient(x), x.length, k, lr0);
    let sumSq = 0;
    for (let i = 0; i < g.length; i++) sumSq += g[i] * g[i];
    const gradNorm = Math.sqrt(sumSq);
    history.loss.push(loss);
    history.gradNorm.push(gradNorm);
    history.x.push(x.slice());

    // scikit-learn's no-improvement counter (sgd_fast: sumloss > best_loss - tol).
    if (tol !== undefined) {
      noChange = loss > best - tol ? noChange + 1 : 0;
      if (loss < best) best = loss;
    }
    const lr = schedule.lrAt(k, 0, 1);
    const elapsedMs = performance.now() - start;
    const keepGoing = o.onIteration?.({ iteration: k, x: x.slice(), loss, gradNorm, lr, elapsedMs });

    // Schedule-Free's answer is its averaged point, not the point its last gradient was taken at.
    const stop = (rule: StopReason['rule'], message: string): MinimizeResult => {
      const at = x.slice();
      toEvaluationPoint(opt, state, at);
      const same = at.every((v, i) => v === x[i]);
      return { x: same ? x : at, loss: same ? loss : f(at), iterations: k, stopReason: { rule, iteration: k, message }, history };
    };
    if (targetLoss !== undefined && loss <= targetLoss) {
      return stop('targetLoss', `loss ${loss} <= targetLoss ${targetLoss} at iteration ${k}`);
    }
    if (gradTol !== undefined && gradNorm <= gradTol) {
      return stop('gradTol', `gradient norm ${gradNorm} <= gradTol ${gradTol} at iteration ${k}`);
    }
    if (paramTol !== undefined && lastChange <= paramTol) {
      return stop('paramTol', `largest parameter change ${lastChange} <= paramTol ${paramTol} at iteration ${k}`);
    }
    if (tol !== undefined && noChange >= nIterNoChange) {
      return stop('tol', `loss did not improve by more than tol ${tol} for ${nIterNoChange} consecutive iterations (best ${best}) at iteration ${k}`);
    }
    if (keepGoing === false) return stop('callback', `onIteration returned false at iteration ${k}`);
    if (timeLimitMs !== undefined && elapsedMs >= timeLimitMs) {
      return stop('timeLimit', `time limit of ${timeLimitMs} ms reached at iteration ${k}`);
    }
    if (k >= maxIterations) return stop('maxIterations', `reached maxIterations ${maxIterations}`);

    history.lr.push(lr);
    lastChange = optimizerStep(opt, state, x, g, lr).maxChange;
    schedule.observe(k, loss);
  }
}

/**
 * Central differences (f(x + h_i e_i) - f(x - h_i e_i)) / (2 h_i) with h_i = h * max(1, |x_i|).
 * Error is O(h_i^2 |f'''|) truncation plus about eps * |f| / h_i rounding: near 1e-10 relative at h = 1e-6.
 */
export function finiteDifferenceGradient(f: (x: Float64Array) => number, x: ArrayLike<number>, h = 1e-6): Float64Array {
  if (!(Number.isFinite(h) && h > 0)) throw new ValidationError(`h must be a finite number > 0, got ${show(h)}`);
  const p = toVector(x, 'x');
  const g = new Float64Array(p.length);
  for (let i = 0; i < p.length; i++) {
    const xi = p[i];
    const hi = h * Math.max(1, Math.abs(xi));
    p[i] = xi + hi;
    const up = f(p);
    p[i] = xi - hi;
    const down = f(p);
    // Dividing by the representable difference, not 2 * hi, removes the rounding of xi +- hi.
    g[i] = (up - down) / ((xi + hi) - (xi - hi));
    p[i] = xi;
  }
  return g;
}

/**
 * Compares an analytic gradient with central finite differences. ok when every component has
 * |analytic - numeric| <= atol + rtol * |numeric| (torch.autograd.gradcheck's defaults: rtol 1e-3, atol 1e-5).
 * maxRelError is max |a - n| / max(|a|, |n|) over components (0 where both are 0).
 */
export function gradientCheck(
  f: (x: Float64Array) => number,
  grad: (x: Float64Array) => ArrayLike<number>,
  x: ArrayLike<number>,
  { h = 1e-6, rtol = 1e-3, atol = 1e-5 }: { h?: number; rtol?: number; atol?: number } = {},
): { ok: boolean; maxRelError: number; analytic: Float64Array; numeric: Float64Array } {
  const p = toVector(x, 'x');
  const analytic = Float64Array.from(grad(p.slice()));
  if (analytic.length !== p.length) {
    throw new ValidationError(`grad returned ${analytic.length} values for ${p.length} parameters`);
  }
  const numeric = finiteDifferenceGradient(f, p, h);
  let ok = true;
  let maxRelError = 0;
  for (let i = 0; i < p.length; i++) {
    const diff = Math.abs(analytic[i] - numeric[i]);
    if (!(diff <= atol + rtol * Math.abs(numeric[i]))) ok = false;
    const scale = Math.max(Math.abs(analytic[i]), Math.abs(numeric[i]));
    const rel = scale === 0 ? 0 : diff / scale;
    if (!(rel <= maxRelError)) maxRelError = rel; // also propagates NaN
  }
  return { ok, maxRelError, analytic, numeric };
}

/** Samples `samples` points uniformly in the box [lower, upper] with the seeded PRNG and keeps the best. */
export function randomSearch(
  f: (x: Float64Array) => number,
  { lower, upper, samples, seed = 0 }: { lower: ArrayLike<number>; upper: ArrayLike<number>; samples: number; seed?: number },
): { x: Float64Array; loss: number; history: { loss: number[]; best: number[] } } {
  const lo = toVector(lower, 'lower');
  const hi = toVector(upper, 'upper');
  if (hi.length !== lo.length) throw new ValidationError(`upper has length ${hi.length} but lower has length ${lo.length}`);
  for (let i = 0; i < lo.length; i++) {
    if (!(lo[i] <= hi[i])) throw new ValidationError(`lower[${i}] = ${lo[i]} is greater than upper[${i}] = ${hi[i]}`);
  }
  if (!Number.isInteger(samples) || samples < 1) throw new ValidationError(`samples must be an integer >= 1, got ${show(samples)}`);
  const rng = seedState(seed);
  const history = { loss: [] as number[], best: [] as number[] };
  let bestX = lo;
  let bestLoss = NaN;
  const p = new Float64Array(lo.length);
  for (let s = 0; s < samples; s++) {
    for (let i = 0; i < p.length; i++) p[i] = lo[i] + (hi[i] - lo[i]) * uniform(rng);
    const loss = f(p);
    // The first sample is the best so far; later ones win only if strictly lower (NaN never wins).
    if (s === 0 || loss < bestLoss || (Number.isNaN(bestLoss) && !Number.isNaN(loss))) {
      bestLoss = loss;
      bestX = p.slice();
    }
    history.loss.push(loss);
    history.best.push(bestLoss);
  }
  return { x: bestX, loss: bestLoss, history };
}

function toGradient(raw: ArrayLike<number>, n: number, k: number, lr0: number): Float64Array {
  if (raw === null || typeof raw !== 'object' || typeof raw.length !== 'number') {
    throw new TypeError(`grad must return an array of numbers, got ${show(raw)}`);
  }
  if (raw.length !== n) throw new ValidationError(`grad returned ${raw.length} values for ${n} parameters`);
  const g = Float64Array.from(raw);
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(g[i])) {
      throw new DivergenceError(`gradient[${i}] is ${g[i]} at iteration ${k}; try a smaller learningRate (currently ${lr0})`, k);
    }
  }
  return g;
}

function toVector(v: ArrayLike<number>, name: string): Float64Array {
  if (v === null || typeof v !== 'object' || typeof v.length !== 'number') {
    throw new TypeError(`${name} must be an array of numbers, got ${show(v)}`);
  }
  if (v.length === 0) throw new ValidationError(`${name} must not be empty`);
  const out = new Float64Array(v.length);
  for (let i = 0; i < v.length; i++) {
    const value = v[i];
    if (typeof value !== 'number') throw new TypeError(`${name}[${i}] must be a number, got ${show(value)}`);
    if (!Number.isFinite(value)) throw new ValidationError(`${name} contains ${value} at index ${i}`);
    out[i] = value;
  }
  return out;
}

function num(v: unknown, name: string, ok: (v: number) => boolean, rule: string): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'number') throw new TypeError(`${name} must be ${rule}, got ${show(v)}`);
  if (!Number.isFinite(v) || !ok(v)) throw new ValidationError(`${name} must be ${rule}, got ${show(v)}`);
  return v;
}

function int(v: unknown, name: string, dflt: number, min: number): number {
  if (v === undefined) return dflt;
  const rule = `an integer >= ${min}`;
  if (typeof v !== 'number') throw new TypeError(`${name} must be ${rule}, got ${show(v)}`);
  if (!Number.isInteger(v) || v < min) throw new ValidationError(`${name} must be ${rule}, got ${show(v)}`);
  return v;
}

