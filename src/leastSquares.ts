// Closed-form least squares: the exact answer gradient descent on mean squared
// error should approach, used to check the regression models and in the docs.

import { ValidationError } from './errors.js';

// A Cholesky pivot this small relative to its diagonal entry means the column is a linear
// combination of the earlier ones up to rounding (1 - R^2 < 1e-12, i.e. cond(X) around 1e6 or worse).
const SINGULAR_RATIO = 1e-12;

/**
 * Minimizes ||X w + b - y||^2 + l2 ||w||^2 by the normal equations in float64, solved by
 * Cholesky. With fitIntercept the columns and y are centred first, which is the same
 * solution as an unpenalized intercept column but better conditioned.
 */
export function leastSquares(
  X: Float64Array | Float32Array,
  rows: number,
  cols: number,
  y: ArrayLike<number>,
  options: { fitIntercept?: boolean; l2?: number } = {},
): { weights: Float64Array; bias: number } {
  const { fitIntercept, l2 } = validate(X, rows, cols, y, options);

  const xMean = new Float64Array(cols);
  let yMean = 0;
  if (fitIntercept) {
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) xMean[c] += X[r * cols + c];
      yMean += y[r];
    }
    for (let c = 0; c < cols; c++) xMean[c] /= rows;
    yMean /= rows;
  }

  // A = Xc^T Xc + l2 I (lower triangle), b = Xc^T yc, with Xc, yc the centred data.
  const A = new Float64Array(cols * cols);
  const b = new Float64Array(cols);
  const row = new Float64Array(cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) row[c] = X[r * cols + c] - xMean[c];
    const yr = y[r] - yMean;
    for (let i = 0; i < cols; i++) {
      b[i] += row[i] * yr;
      for (let j = 0; j <= i; j++) A[i * cols + j] += row[i] * row[j];
    }
  }
  for (let i = 0; i < cols; i++) A[i * cols + i] += l2;

  const L = cholesky(A, cols, l2);
  // Solve L z = b, then L^T w = z.
  const w = b.slice();
  for (let i = 0; i < cols; i++) {
    for (let k = 0; k < i; k++) w[i] -= L[i * cols + k] * w[k];
    w[i] /= L[i * cols + i];
  }
  for (let i = cols - 1; i >= 0; i--) {
    for (let k = i + 1; k < cols; k++) w[i] -= L[k * cols + i] * w[k];
    w[i] /= L[i * cols + i];
  }

  let bias = 0;
  if (fitIntercept) {
    bias = yMean;
    for (let c = 0; c < cols; c++) bias -= xMean[c] * w[c];
  }
  return { weights: w, bias };
}

// Lower-triangular L with A = L L^T, reading only A's lower triangle.
function cholesky(A: Float64Array, n: number, l2: number): Float64Array {
  const L = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    let d = A[j * n + j];
    for (let k = 0; k < j; k++) d -= L[j * n + k] * L[j * n + k];
    if (!(d > SINGULAR_RATIO * A[j * n + j])) {
      throw new ValidationError(
        l2 === 0
          ? 'X^T X is singular (rank-deficient features); add l2 > 0'
          : `X^T X + l2*I is numerically singular (rank-deficient features); increase l2 (now ${l2})`,
      );
    }
    const djj = Math.sqrt(d);
    L[j * n + j] = djj;
    for (let i = j + 1; i < n; i++) {
      let s = A[i * n + j];
      for (let k = 0; k < j; k++) s -= L[i * n + k] * L[j * n + k];
      L[i * n + j] = s / djj;
    }
  }
  return L;
}

function validate(
  X: unknown, rows: number, cols: number, y: ArrayLike<number>, options: unknown,
): { fitIntercept: boolean; l2: number } {
  if (!(X instanceof Float64Array || X instanceof Float32Array)) {
    throw new TypeError(`X must be a Float64Array or Float32Array, got ${describe(X)}`);
  }
  for (const [name, v] of [['rows', rows], ['cols', cols]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new ValidationError(`${name} must be an integer >= 1, got ${describe(v)}`);
  }
  if (X.length !== rows * cols) {
    throw new ValidationError(`X has length ${X.length} but rows * cols = ${rows} * ${cols} = ${rows * cols}`);
  }
  for (let i = 0; i < X.length; i++) {
    if (!Number.isFinite(X[i])) {
      throw new ValidationError(`X contains ${X[i]} at row ${Math.floor(i / cols)}, column ${i % cols}`);
    }
  }
  if (y === null || typeof y !== 'object' || typeof y.length !== 'number') {
    throw new TypeError(`y must be an array of numbers, got ${describe(y)}`);
  }
  if (y.length !== rows) throw new ValidationError(`y has length ${y.length} but X has ${rows} rows`);
  for (let i = 0; i < rows; i++) {
    if (typeof y[i] !== 'number' || !Number.isFinite(y[i])) throw new ValidationError(`y contains ${describe(y[i])} at index ${i}`);
  }
  if (options === null || typeof options !== 'object') throw new TypeError(`options must be an object, got ${describe(options)}`);
  const o = options as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (key !== 'fitIntercept' && key !== 'l2') throw new ValidationError(`unknown option ${key}`);
  }
  const fitIntercept = o.fitIntercept ?? true;
  if (typeof fitIntercept !== 'boolean') throw new TypeError(`fitIntercept must be a boolean, got ${describe(fitIntercept)}`);
  const l2 = o.l2 ?? 0;
  if (typeof l2 !== 'number') throw new TypeError(`l2 must be a finite number >= 0, got ${describe(l2)}`);
  if (!(Number.isFinite(l2) && l2 >= 0)) throw new ValidationError(`l2 must be a finite number >= 0, got ${l2}`);
  return { fitIntercept, l2 };
}

function describe(v: unknown): string {
  if (typeof v === 'string') return `'${v}'`;
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'function') return 'a function';
  if (v !== null && typeof v === 'object') return 'an object';
  return String(v);
}
