// The bench's arithmetic bound (assembly/bounds.ts peakFlops), both builds, against
// the same chains written out in float32 with Math.fround: the value it returns is
// what keeps its work from being optimized away, so it must be the chains' result.
import { describe, expect, it } from 'vitest';
import { BUILDS, useReady } from './helpers/engines.js';
import { testingRuntime } from './helpers/testingBuild.js';

useReady();

/** Twelve chains c_k = c_k * 0.9375 + 0.25 from c_k = k, summed as the kernel sums them (lanes times 4 in SIMD). */
function oracle(iterations: number, simd: boolean): number {
  const f = Math.fround;
  const c = Array.from({ length: 12 }, (_, k) => k);
  for (let i = 0; i < iterations; i++) for (let k = 0; k < 12; k++) c[k] = f(f(c[k] * 0.9375) + 0.25);
  const add = (a: number, b: number) => f(a + b);
  const sum = add(add(add(add(c[0], c[1]), add(c[2], c[3])), add(add(c[4], c[5]), add(c[6], c[7]))),
    add(add(c[8], c[9]), add(c[10], c[11])));
  // SIMD: four equal lanes of that sum, added pairwise.
  return simd ? add(add(sum, sum), add(sum, sum)) : sum;
}

describe.each(BUILDS)('peakFlops ($build build)', ({ simd }) => {
  it('returns the float32 value of its twelve multiply-add chains', () => {
    const peak = testingRuntime(simd).exports.peakFlops;
    // 100,000 steps: long after every chain has settled near 4 (no overflow, no denormals).
    for (const n of [0, 1, 2, 3, 17, 1000, 100_000]) {
      // Exact: the same float32 operations in the same order.
      expect(peak(n), `iterations ${n}`).toBe(oracle(n, simd));
    }
  });
});
