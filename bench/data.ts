// Synthetic data of the dev-only bench cases, from the package's seeded PRNG (never
// Math.random), so every run and every engine sees the same bits. The generators the
// shipped cases use are in src/bench/data.ts.
import { below, normal, seedState, uniform, type RngState } from '../src/reference/random.js';

/**
 * n small integers in [-max, max]. Arithmetic speed does not depend on the values,
 * and with n * max^2 < 2^24 every f32 partial sum of a dot product is exact, so a
 * result can be checked for equality with the float64 one.
 */
export function smallIntegers(n: number, max: number, rng: RngState): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = below(rng, 2 * max + 1) - max;
  return out;
}

/**
 * A binary task for a network (case mlp): X uniform in [-1, 1), P(y = 1) =
 * sigmoid(teacher(x)) for a fixed random teacher with 8 tanh hidden units, so the
 * labels are not a linear function of x. An epoch's speed does not depend on them.
 */
export function mlpData(rows: number, inputs: number, seed: number): { X: Float32Array; y: Float32Array } {
  const rng = seedState(seed);
  const units = 8;
  const W = Float64Array.from({ length: units * inputs }, () => (2 * normal(rng)) / Math.sqrt(inputs));
  const v = Float64Array.from({ length: units }, () => (2 * normal(rng)) / Math.sqrt(units));
  const X = new Float32Array(rows * inputs);
  const y = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < inputs; c++) X[r * inputs + c] = 2 * uniform(rng) - 1;
    let z = 0;
    for (let j = 0; j < units; j++) {
      let s = 0;
      for (let c = 0; c < inputs; c++) s += W[j * inputs + c] * X[r * inputs + c];
      z += v[j] * Math.tanh(s);
    }
    y[r] = uniform(rng) < 1 / (1 + Math.exp(-z)) ? 1 : 0;
  }
  return { X, y };
}
