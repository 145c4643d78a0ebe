// Synthetic bench data for the cases that ship in the package (`steepest bench`),
// all from the package's seeded PRNG (never Math.random), so every run and every
// engine sees the same bits.
import { below, normal, seedState, uniform, type RngState } from '../reference/random.js';

/**
 * A logistic-regression dataset: X uniform in [-1, 1), labels drawn from a fixed
 * linear model, P(y = 1) = sigmoid(w.x) without bias; w is returned too.
 */
export function logisticData(rows: number, cols: number, seed: number): { X: Float32Array; y: Float32Array; w: Float64Array } {
  const rng = seedState(seed);
  // Weights scaled so the logits have a standard deviation near 1: labels are learnable but not separable.
  const w = Float64Array.from({ length: cols }, () => (2 * normal(rng)) / Math.sqrt(cols));
  const X = new Float32Array(rows * cols);
  const y = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    let z = 0;
    for (let c = 0; c < cols; c++) {
      const v = 2 * uniform(rng) - 1;
      X[r * cols + c] = v;
      z += w[c] * v;
    }
    y[r] = uniform(rng) < 1 / (1 + Math.exp(-z)) ? 1 : 0;
  }
  return { X, y, w };
}

/** A uniform random permutation of 0..n-1 (Fisher-Yates). */
export function permutation(n: number, rng: RngState): Uint32Array {
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = below(rng, i + 1);
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  return order;
}
