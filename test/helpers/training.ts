// Helpers for the training-control tests (optimizers, schedules, regularization,
// stopping, divergence, control, init): small exact data sets, an independent
// float64 gradient-descent oracle with PyTorch's optimizer updates written out,
// a linear solver, and tolerance checks that say where they failed.
//
// Nothing here calls src/optim or src/reference/train: the oracle is written from
// the formulas (DESIGN.md's loss, torch.optim's documented updates), so it can
// catch a mistake that the reference engine and the WASM engines share.
import { expect } from 'vitest';
import { LinearRegression, LogisticRegression, type FitOptions, type History, type InitOption } from '../../src/index.js';
import { makeLrFreeOptimizer, type LrFreeOracleOptions, type OracleStep } from './lrFreeOracle.js';

/** The engines every test runs on. */
export const ENGINE_NAMES = ['wasm-simd', 'wasm-scalar', 'js'] as const;
export type EngineUnderTest = (typeof ENGINE_NAMES)[number];

export type Kind = 'linear' | 'logistic';
export type Model = LinearRegression | LogisticRegression;

export function newModel(
  kind: Kind, engine: EngineUnderTest, features: number, o: { init?: InitOption; seed?: number } = {},
): Model {
  const options = { features, engine, ...o };
  return kind === 'linear' ? new LinearRegression(options) : new LogisticRegression(options);
}

/** [w..., b] of a model as float64. */
export function params(m: Model): number[] {
  return [...m.weights, m.bias];
}

/** Whether an engine stores parameters in float32 (the WASM engines) or float64 (js). */
export const isWasm = (engine: EngineUnderTest): boolean => engine !== 'js';

// ---------------------------------------------------------------------------
// Data

/**
 * 12 rows x 3 features of small multiples of 1/4: every value is exact in float32,
 * so the engines and the float64 oracle see identical data.
 */
export const SMALL_X: number[][] = [
  [0.5, -1.0, 0.25],
  [1.5, 0.5, -0.75],
  [-0.5, 1.25, 1.0],
  [0.0, -0.5, -1.5],
  [1.0, 1.0, 0.5],
  [-1.25, 0.25, 0.75],
  [0.75, -1.5, 0.0],
  [-1.0, -0.25, -0.5],
  [0.25, 0.75, 1.25],
  [2.0, -0.75, 0.5],
  [-0.75, 1.5, -1.0],
  [-1.5, -1.25, 0.25],
];
/** Regression targets for SMALL_X (roughly 1.2 x0 - 0.5 x1 + 0.3 x2 + 0.4, plus exact-in-float32 "noise"). */
export const SMALL_Y_REG: number[] = [1.5, 2.25, -0.5, 0.25, 1.25, -1.0, 2.0, -0.75, 0.75, 3.25, -0.75, -1.25];
/** Labels for SMALL_X (not linearly separable: rows 5 and 8 disagree with the trend). */
export const SMALL_Y_CLS: number[] = [1, 1, 0, 0, 1, 1, 1, 0, 0, 1, 0, 0];

export const flat = (X: readonly (readonly number[])[]): Float32Array => Float32Array.from(X.flat());

/** mulberry32: a tiny seeded generator for test data, independent of src's PRNG. */
export function lcg(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** rows x features uniform(-1, 1), rounded to float32 so that the oracle sees what the engines see. */
export function uniformMatrix(rows: number, features: number, seed: number): number[][] {
  const r = lcg(seed);
  return Array.from({ length: rows }, () => Array.from({ length: features }, () => Math.fround(2 * r() - 1)));
}

// ---------------------------------------------------------------------------
// Loss and gradient (DESIGN.md / src/reference/train.ts's documented math, written out again)

export const sigmoid = (z: number): number => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));
/** Squared error (no 1/2) or binary cross-entropy from the logit. */
export function rowLossOf(kind: Kind, z: number, y: number): number {
  return kind === 'linear' ? (z - y) ** 2 : Math.max(z, 0) - z * y + Math.log1p(Math.exp(-Math.abs(z)));
}
/** d rowLoss / dz. */
export function rowGradOf(kind: Kind, z: number, y: number): number {
  return kind === 'linear' ? 2 * (z - y) : sigmoid(z) - y;
}
export function logit(p: ArrayLike<number>, x: readonly number[]): number {
  let z = p[x.length];
  for (let j = 0; j < x.length; j++) z += p[j] * x[j];
  return z;
}
/** Mean loss of the rows at parameters p (no penalty): the validation loss. */
export function meanLoss(kind: Kind, p: ArrayLike<number>, X: readonly (readonly number[])[], y: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < X.length; i++) s += rowLossOf(kind, logit(p, X[i] as number[]), y[i]);
  return s / X.length;
}

// ---------------------------------------------------------------------------
// PyTorch optimizers, written from the torch.optim documentation

export type OracleOptimizer = ClassicOptimizer | LrFreeOracleOptions;
type ClassicOptimizer =
  | { name: 'sgd'; momentum?: number; dampening?: number; nesterov?: boolean; weightDecay?: number }
  | { name: 'adam' | 'adamw'; betas?: [number, number]; eps?: number; weightDecay?: number; amsgrad?: boolean }
  | { name: 'rmsprop'; alpha?: number; eps?: number; weightDecay?: number; momentum?: number; centered?: boolean }
  | { name: 'adagrad'; lrDecay?: number; weightDecay?: number; initialAccumulatorValue?: number; eps?: number };

/** One optimizer's state and its update p <- step(p, g, lr), for n parameters. */
export function makeOptimizer(o: OracleOptimizer, n: number): OracleStep {
  const classic = ['sgd', 'adam', 'adamw', 'rmsprop', 'adagrad'].includes(o.name);
  return classic ? makeClassic(o as ClassicOptimizer, n) : makeLrFreeOptimizer(o as LrFreeOracleOptions, n);
}

function makeClassic(o: ClassicOptimizer, n: number): OracleStep {
  let t = 0;
  const a = new Array<number>(n).fill(0);
  const b = new Array<number>(n).fill(0);
  const c = new Array<number>(n).fill(0);
  switch (o.name) {
    case 'sgd': {
      // torch.optim.SGD: g += wd p; b = g at t = 1, else mu b + (1 - dampening) g;
      // g = g + mu b (nesterov) or b; p -= lr g.
      const mu = o.momentum ?? 0;
      const tau = o.dampening ?? 0;
      const wd = o.weightDecay ?? 0;
      return (p, g0, lr) => {
        t++;
        for (let i = 0; i < n; i++) {
          let g = g0[i] + wd * p[i];
          if (mu !== 0) {
            a[i] = t === 1 ? g : mu * a[i] + (1 - tau) * g;
            g = o.nesterov ? g + mu * a[i] : a[i];
          }
          p[i] -= lr * g;
        }
      };
    }
    case 'adam':
    case 'adamw': {
      // torch.optim.Adam(W): (AdamW: p *= 1 - lr wd first; Adam: g += wd p) m = b1 m + (1 - b1) g;
      // v = b2 v + (1 - b2) g^2; vmax = max(vmax, v) (torch's code keeps the max of the
      // uncorrected v); p -= lr / (1 - b1^t) * m / (sqrt(v or vmax) / sqrt(1 - b2^t) + eps).
      const [b1, b2] = o.betas ?? [0.9, 0.999];
      const eps = o.eps ?? 1e-8;
      const wd = o.weightDecay ?? (o.name === 'adamw' ? 0.01 : 0);
      return (p, g0, lr) => {
        t++;
        for (let i = 0; i < n; i++) {
          let g = g0[i];
          if (o.name === 'adamw') p[i] *= 1 - lr * wd;
          else g += wd * p[i];
          a[i] = b1 * a[i] + (1 - b1) * g;
          b[i] = b2 * b[i] + (1 - b2) * g * g;
          c[i] = Math.max(c[i], b[i]);
          const second = o.amsgrad ? c[i] : b[i];
          const mHat = a[i] / (1 - b1 ** t);
          p[i] -= (lr * mHat) / (Math.sqrt(second) / Math.sqrt(1 - b2 ** t) + eps);
        }
      };
    }
    case 'rmsprop': {
      // torch.optim.RMSprop: g += wd p; v = alpha v + (1 - alpha) g^2;
      // centered: ga = alpha ga + (1 - alpha) g, denom = sqrt(v - ga^2) + eps, else sqrt(v) + eps;
      // momentum: b = mu b + g / denom, p -= lr b; else p -= lr g / denom.
      const alpha = o.alpha ?? 0.99;
      const eps = o.eps ?? 1e-8;
      const wd = o.weightDecay ?? 0;
      const mu = o.momentum ?? 0;
      return (p, g0, lr) => {
        t++;
        for (let i = 0; i < n; i++) {
          const g = g0[i] + wd * p[i];
          a[i] = alpha * a[i] + (1 - alpha) * g * g;
          let denom: number;
          if (o.centered) {
            c[i] = alpha * c[i] + (1 - alpha) * g;
            denom = Math.sqrt(a[i] - c[i] * c[i]) + eps;
          } else {
            denom = Math.sqrt(a[i]) + eps;
          }
          if (mu > 0) {
            b[i] = mu * b[i] + g / denom;
            p[i] -= lr * b[i];
          } else {
            p[i] -= (lr * g) / denom;
          }
        }
      };
    }
    case 'adagrad': {
      // torch.optim.Adagrad: g += wd p; clr = lr / (1 + (t - 1) lr_decay); sum += g^2;
      // p -= clr g / (sqrt(sum) + eps); sum starts at initial_accumulator_value.
      const wd = o.weightDecay ?? 0;
      const eps = o.eps ?? 1e-10;
      a.fill(o.initialAccumulatorValue ?? 0);
      return (p, g0, lr) => {
        t++;
        const clr = lr / (1 + (t - 1) * (o.lrDecay ?? 0));
        for (let i = 0; i < n; i++) {
          const g = g0[i] + wd * p[i];
          a[i] += g * g;
          p[i] -= (clr * g) / (Math.sqrt(a[i]) + eps);
        }
      };
    }
  }
}

// ---------------------------------------------------------------------------
// The oracle: mini-batch gradient descent in storage order (shuffle: false)

export interface OracleOptions {
  kind: Kind;
  X: readonly (readonly number[])[];
  y: readonly number[];
  epochs: number;
  /** Rows per batch (default all rows). */
  batchSize?: number;
  /** Learning rate of batch `batch` (0-based) of epoch `epoch` (0-based). */
  lr: number | ((epoch: number, batch: number, batches: number) => number);
  optimizer?: OracleOptimizer;
  sampleWeight?: readonly number[];
  l1?: number;
  l2?: number;
  init?: readonly number[];
  /** An optimizer to continue (partialFit); default a fresh one. */
  step?: OracleStep;
}

export interface OracleResult {
  /** [w..., b] after each epoch. */
  params: number[][];
  /** Per epoch: sum over batches of (weighted row losses + penalty * batch rows), each at the parameters its batch saw, over rows. */
  loss: number[];
  /** Per epoch: L2 norm of (sum of all batches' weighted data gradients) / rows (no penalty). */
  gradNorm: number[];
  /** The learning rate of each epoch's last batch. */
  lastLr: number[];
  step: OracleStep;
}

/**
 * Batch gradient: g = (1/n) sum_i s_i d_i [x_i, 1] + l2 w + l1 sign(w) (bias not penalized);
 * batch loss = sum_i s_i rowLoss_i + n (l2/2 |w|^2 + l1 |w|_1).
 */
export function oracle(o: OracleOptions): OracleResult {
  const rows = o.X.length;
  const f = o.X[0].length;
  const bs = o.batchSize ?? rows;
  const batches = Math.ceil(rows / bs);
  const p = o.init ? [...o.init] : new Array<number>(f + 1).fill(0);
  const step = o.step ?? makeOptimizer(o.optimizer ?? { name: 'sgd' }, f + 1);
  const lrOf = typeof o.lr === 'number' ? () => o.lr as number : o.lr;
  const l1 = o.l1 ?? 0;
  const l2 = o.l2 ?? 0;
  const out: OracleResult = { params: [], loss: [], gradNorm: [], lastLr: [], step };
  for (let e = 0; e < o.epochs; e++) {
    let lossSum = 0;
    const gradSum = new Array<number>(f + 1).fill(0);
    let lr = 0;
    for (let b = 0; b < batches; b++) {
      const start = b * bs;
      const end = Math.min(start + bs, rows);
      const n = end - start;
      const g = new Array<number>(f + 1).fill(0);
      for (let i = start; i < end; i++) {
        const s = o.sampleWeight ? o.sampleWeight[i] : 1;
        const z = logit(p, o.X[i] as number[]);
        lossSum += s * rowLossOf(o.kind, z, o.y[i]);
        const d = s * rowGradOf(o.kind, z, o.y[i]);
        for (let j = 0; j < f; j++) g[j] += d * o.X[i][j];
        g[f] += d;
      }
      for (let j = 0; j <= f; j++) {
        gradSum[j] += g[j];
        g[j] /= n;
      }
      let pen = 0;
      for (let j = 0; j < f; j++) {
        pen += (l2 / 2) * p[j] ** 2 + l1 * Math.abs(p[j]);
        g[j] += l2 * p[j] + l1 * Math.sign(p[j]);
      }
      lossSum += pen * n;
      lr = lrOf(e, b, batches);
      step(p, g, lr);
    }
    out.params.push(step.evaluate ? step.evaluate(p) : [...p]); // Schedule-Free: its x
    out.loss.push(lossSum / rows);
    out.gradNorm.push(Math.hypot(...gradSum) / rows);
    out.lastLr.push(lr);
  }
  return out;
}

// ---------------------------------------------------------------------------
// Linear algebra

/** Solves A x = b by Gaussian elimination with partial pivoting (float64). */
export function solve(A: number[][], b: number[]): number[] {
  const n = b.length;
  const M = A.map((row, i) => [...row, b[i]]);
  for (let c = 0; c < n; c++) {
    let piv = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r][c]) > Math.abs(M[piv][c])) piv = r;
    [M[c], M[piv]] = [M[piv], M[c]];
    for (let r = c + 1; r < n; r++) {
      const k = M[r][c] / M[c][c];
      for (let j = c; j <= n; j++) M[r][j] -= k * M[c][j];
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = M[r][n];
    for (let j = r + 1; j < n; j++) s -= M[r][j] * x[j];
    x[r] = s / M[r][r];
  }
  return x;
}

/**
 * The minimizer [w..., b] of mean((Xw + b - y)^2) + l2/2 |w|^2 (bias not penalized):
 * b = mean(y) - mean(x).w, and with centered data (2/n) Xc^T Xc w + l2 w = (2/n) Xc^T yc.
 */
export function ridge(X: readonly (readonly number[])[], y: readonly number[], l2: number): number[] {
  const n = X.length;
  const f = X[0].length;
  const mx = Array.from({ length: f }, (_, j) => X.reduce((s, r) => s + r[j], 0) / n);
  const my = y.reduce((s, v) => s + v, 0) / n;
  const A = Array.from({ length: f }, () => new Array<number>(f).fill(0));
  const rhs = new Array<number>(f).fill(0);
  for (let i = 0; i < n; i++) {
    const xc = X[i].map((v, j) => v - mx[j]);
    const yc = y[i] - my;
    for (let j = 0; j < f; j++) {
      rhs[j] += (2 / n) * xc[j] * yc;
      for (let k = 0; k < f; k++) A[j][k] += (2 / n) * xc[j] * xc[k];
    }
  }
  for (let j = 0; j < f; j++) A[j][j] += l2;
  const w = solve(A, rhs);
  return [...w, my - w.reduce((s, wj, j) => s + wj * mx[j], 0)];
}

// ---------------------------------------------------------------------------
// Checks

export interface Tol {
  /** Allowed absolute error. */
  abs?: number;
  /** Allowed error relative to |expected|. */
  rel?: number;
}

/** Passes when |actual - expected| <= abs + rel |expected| element-wise; the failure names the index and both values. */
export function close(actual: number | ArrayLike<number>, expected: number | ArrayLike<number>, tol: Tol, label: string): void {
  const a = typeof actual === 'number' ? [actual] : Array.from(actual);
  const e = typeof expected === 'number' ? [expected] : Array.from(expected);
  if (a.length !== e.length) expect.fail(`${label}: length ${a.length}, expected ${e.length}`);
  for (let i = 0; i < e.length; i++) {
    const allowed = (tol.abs ?? 0) + (tol.rel ?? 0) * Math.abs(e[i]);
    const err = Math.abs(a[i] - e[i]);
    if (!(err <= allowed)) {
      expect.fail(`${label}[${i}]: got ${a[i]}, expected ${e[i]} (error ${err.toExponential(3)} > allowed ${allowed.toExponential(3)})`);
    }
  }
}

/** Largest |a_i - b_i|. */
export function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** Fits a fresh model and returns [w..., b] and the history; the model is disposed. */
export function fitFresh(
  kind: Kind, engine: EngineUnderTest, X: Float32Array | readonly (readonly number[])[], y: readonly number[] | Float32Array,
  options: FitOptions, model: { init?: InitOption; seed?: number; features?: number } = {},
): { params: number[]; history: History } {
  const features = model.features ?? (X instanceof Float32Array ? 3 : (X[0] as number[]).length);
  const m = newModel(kind, engine, features, { init: model.init, seed: model.seed });
  try {
    const history = m.fit(X as Float32Array, y as number[], options);
    return { params: params(m), history };
  } finally {
    m.dispose();
  }
}

/** What an expression threw (fails the test if it did not throw). */
export function thrown(f: () => unknown): Error {
  try {
    f();
  } catch (err) {
    return err as Error;
  }
  return expect.fail('expected an error to be thrown');
}

/** What a promise rejected with (fails the test if it resolved). */
export async function rejected(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  return expect.fail('expected the promise to reject');
}
