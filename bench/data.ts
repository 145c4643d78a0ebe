// Synthetic data of the dev-only bench cases, from the package's seeded PRNG (never
// Math.random), so every run and every engine sees the same bits. The generators the
// shipped cases use are in src/bench/data.ts.
import { below, type RngState } from '../src/reference/random.js';

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
