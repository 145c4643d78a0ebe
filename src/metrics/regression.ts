// Regression metrics: mean absolute error, mean squared error and R^2, in float64.
import { ValidationError } from '../errors.js';
import { show } from '../validate.js';

/** Values the regression metrics take: typed arrays or number[]. */
export type ValueInput = ArrayLike<number>;

/** Mean of |yPred - yTrue|. */
export function mae(yTrue: ValueInput, yPred: ValueInput): number {
  const [t, p] = valuePairs(yTrue, yPred);
  return meanAbsoluteError(t, p);
}

/** Mean of (yPred - yTrue)^2. */
export function mse(yTrue: ValueInput, yPred: ValueInput): number {
  const [t, p] = valuePairs(yTrue, yPred);
  return meanSquaredError(t, p);
}

/**
 * Coefficient of determination, 1 - sum (yTrue - yPred)^2 / sum (yTrue - mean)^2: 1 is
 * perfect, 0 no better than predicting the mean. For constant yTrue (no variance to
 * explain): 1 if every prediction is exact, else 0, as in scikit-learn.
 */
export function r2(yTrue: ValueInput, yPred: ValueInput): number {
  const [t, p] = valuePairs(yTrue, yPred);
  return meanR2(t, p, t.length, 1);
}

/** @internal mae without the checks, for evaluate. */
export function meanAbsoluteError(t: ArrayLike<number>, p: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < t.length; i++) s += Math.abs(p[i] - t[i]);
  return s / t.length;
}

/** @internal mse without the checks, for evaluate (several outputs: over every output of every row). */
export function meanSquaredError(t: ArrayLike<number>, p: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < t.length; i++) s += (p[i] - t[i]) ** 2;
  return s / t.length;
}

/** @internal R^2 of each of width outputs (rows x width, row-major), averaged over the outputs. */
export function meanR2(t: ArrayLike<number>, p: ArrayLike<number>, rows: number, width: number): number {
  let r2 = 0;
  for (let k = 0; k < width; k++) {
    let mean = 0;
    for (let r = 0; r < rows; r++) mean += t[r * width + k];
    mean /= rows;
    let res = 0;
    let tot = 0;
    for (let r = 0; r < rows; r++) {
      res += (p[r * width + k] - t[r * width + k]) ** 2;
      tot += (t[r * width + k] - mean) ** 2;
    }
    r2 += tot === 0 ? (res === 0 ? 1 : 0) : 1 - res / tot;
  }
  return r2 / width;
}

function valuePairs(yTrue: unknown, yPred: unknown): [ArrayLike<number>, ArrayLike<number>] {
  const t = values('yTrue', yTrue);
  const p = values('yPred', yPred);
  if (p.length !== t.length) throw new ValidationError(`yPred has ${p.length} values but yTrue has ${t.length}`);
  return [t, p];
}

function values(name: string, v: unknown): ArrayLike<number> {
  if (!Array.isArray(v) && !(ArrayBuffer.isView(v) && !(v instanceof DataView))) {
    throw new ValidationError(`${name} must be a typed array or an array of numbers, got ${show(v)}`);
  }
  const a = v as unknown as ArrayLike<unknown>;
  if (a.length === 0) throw new ValidationError(`${name} is empty`);
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    if (typeof x !== 'number') throw new ValidationError(`${name} contains a non-number at index ${i}: ${show(x)}`);
    if (!Number.isFinite(x)) throw new ValidationError(`${name} contains ${show(x)} at index ${i}`);
  }
  return a as ArrayLike<number>;
}
