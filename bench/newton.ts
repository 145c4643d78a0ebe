// Newton's method (IRLS) for unregularized logistic regression with a bias, in
// float64: the reference optimum the `converge` case measures every optimizer against.
import { bceLoss } from '../src/reference/losses.js';
import { sigmoid } from '../src/reference/sigmoid.js';

/** What newtonLogistic() found. */
export interface NewtonResult {
  /** The weights (one per feature) and the bias at the optimum. */
  weights: Float64Array;
  bias: number;
  /** Mean binary cross-entropy at the optimum: L*. */
  loss: number;
  /** L2 norm of the mean gradient at the optimum. */
  gradNorm: number;
  /** Newton steps taken. */
  iterations: number;
  /** Whether gradNorm fell below the tolerance within maxIterations. */
  converged: boolean;
  /** Loss and gradient norm before each step, then at the end. */
  trace: { loss: number; gradNorm: number; step: number }[];
  ms: number;
}

/**
 * Minimizes mean BCE(X w + b, y) from w = 0, b = 0: each step solves H d = g
 * (H the (D+1)x(D+1) Hessian, by Cholesky) and takes w -= t d with t halved
 * until the loss decreases enough (t = 1 near the optimum: quadratic convergence).
 * Stops when ||g|| < gradTol.
 */
export function newtonLogistic(
  X: Float32Array, y: Float32Array, rows: number, cols: number, gradTol = 1e-10, maxIterations = 50,
): NewtonResult {
  const t0 = performance.now();
  const p = cols + 1; // weights, then the bias
  const Xd = Float64Array.from(X.subarray(0, rows * cols)); // one conversion; every pass below is float64
  let theta: Float64Array = new Float64Array(p);
  const z = new Float64Array(rows);
  const g = new Float64Array(p);
  const H = new Float64Array(p * p);
  const xa = new Float64Array(p);
  const trace: NewtonResult['trace'] = [];

  const lossAt = (params: Float64Array): number => {
    let sum = 0;
    for (let r = 0; r < rows; r++) sum += bceLoss(logit(Xd, r, cols, params), y[r]);
    return sum / rows;
  };

  let loss = lossAt(theta);
  let gradNorm = Infinity;
  let iterations = 0;
  for (;;) {
    // Gradient and Hessian (upper triangle) at theta.
    g.fill(0);
    H.fill(0);
    for (let r = 0; r < rows; r++) z[r] = logit(Xd, r, cols, theta);
    for (let r = 0; r < rows; r++) {
      const s = sigmoid(z[r]);
      const e = s - y[r];
      const a = s * (1 - s);
      const o = r * cols;
      for (let j = 0; j < cols; j++) {
        g[j] += e * Xd[o + j];
        xa[j] = a * Xd[o + j];
      }
      g[cols] += e;
      xa[cols] = a;
      for (let j = 0; j < cols; j++) {
        const row = j * p;
        const v = xa[j];
        for (let k = j; k < cols; k++) H[row + k] += v * Xd[o + k];
        H[row + cols] += v;
      }
      H[cols * p + cols] += a;
    }
    let gg = 0;
    for (let j = 0; j < p; j++) {
      g[j] /= rows;
      gg += g[j] * g[j];
    }
    gradNorm = Math.sqrt(gg);
    if (gradNorm < gradTol || iterations >= maxIterations) break;
    for (let j = 0; j < p; j++) {
      for (let k = j; k < p; k++) {
        H[j * p + k] /= rows;
        H[k * p + j] = H[j * p + k];
      }
    }
    const d = choleskySolve(H, g, p);
    // Newton decrement squared, g.d = d' H d: twice the predicted loss decrease.
    let decrement = 0;
    for (let j = 0; j < p; j++) decrement += g[j] * d[j];
    let step = 1;
    let next: Float64Array;
    let nextLoss: number;
    for (;;) {
      next = Float64Array.from(theta, (v, j) => v - step * d[j]);
      nextLoss = lossAt(next);
      // Below ~1e-12 the decrease is at the rounding level of the loss itself: take the full step.
      if (nextLoss <= loss - 1e-4 * step * decrement || decrement < 1e-12 || step < 1e-10) break;
      step /= 2;
    }
    trace.push({ loss, gradNorm, step });
    theta = next;
    loss = nextLoss;
    iterations++;
  }
  trace.push({ loss, gradNorm, step: 0 });
  return {
    weights: theta.slice(0, cols), bias: theta[cols], loss, gradNorm, iterations,
    converged: gradNorm < gradTol, trace, ms: performance.now() - t0,
  };
}

/** Mean BCE in float64 of the linear model (weights, bias) on (X, y). */
export function logisticLoss(X: Float32Array, y: Float32Array, rows: number, cols: number, weights: ArrayLike<number>, bias: number): number {
  let sum = 0;
  for (let r = 0; r < rows; r++) {
    let v = bias;
    for (let c = 0; c < cols; c++) v += weights[c] * X[r * cols + c];
    sum += bceLoss(v, y[r]);
  }
  return sum / rows;
}

function logit(Xd: Float64Array, r: number, cols: number, theta: Float64Array): number {
  const o = r * cols;
  let v = theta[cols];
  for (let c = 0; c < cols; c++) v += theta[c] * Xd[o + c];
  return v;
}

/** Solves A x = b for symmetric positive definite A (n x n, row-major, full) by Cholesky, A = L L'. */
export function choleskySolve(A: Float64Array, b: Float64Array, n: number): Float64Array {
  const L = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = A[i * n + j];
      for (let k = 0; k < j; k++) s -= L[i * n + k] * L[j * n + k];
      if (i === j) {
        if (!(s > 0)) throw new Error(`choleskySolve: matrix not positive definite (pivot ${i} is ${s})`);
        L[i * n + i] = Math.sqrt(s);
      } else {
        L[i * n + j] = s / L[j * n + j];
      }
    }
  }
  const x = Float64Array.from(b);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < i; k++) x[i] -= L[i * n + k] * x[k];
    x[i] /= L[i * n + i];
  }
  for (let i = n - 1; i >= 0; i--) {
    for (let k = i + 1; k < n; k++) x[i] -= L[k * n + i] * x[k];
    x[i] /= L[i * n + i];
  }
  return x;
}
