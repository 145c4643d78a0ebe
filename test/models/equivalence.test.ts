// Engine equivalence: the WASM engines (float32 parameters and arithmetic) follow the
// reference engine (float64) step for step: same seed, same permutation, same batches.
import { describe, expect, it } from 'vitest';
import { ENGINES, useReady } from '../helpers/engines.js';
import { classification, regression, type Synthetic } from '../helpers/data.js';
import { MODEL_KINDS, trainFresh, type ModelKind } from '../helpers/models.js';
import { expectClose, expectSame, maxAbs } from '../helpers/tolerance.js';
import { bucketCount } from '../../src/engines/shape.js';

useReady();

const ROWS = 256;
const FEATURE_SWEEP = [...Array.from({ length: 17 }, (_, i) => i + 1), 31, 32, 33, 127, 128, 129];
// 1 = stochastic; 7 and 100 do not divide 256 (a short last batch); 64 does; 'full' = batch GD.
const BATCH_SWEEP = [1, 7, 64, 100, 'full'] as const;
type Batch = number | 'full';

// Features are uniform(-1, 1) * sqrt(3 / features) (|x|^2 <= 3), so lr = 0.1 keeps every SGD
// step contractive (2 lr |x|^2 <= 0.6 < 2 for the MSE): rounding differences are not amplified.
const LR = 0.1;

// Tolerances, relative to the size of the parameters (max |w|, |b|, at least 0.1). One epoch is
// at most 256 steps; each float32 step rounds the parameters, the dot products and the gradient
// sums, a few ULPs (2^-24 ~ 6e-8 relative) each. Added up with the same sign that would be
// ~256 * 4 * 6e-8 ~ 6e-5, but the roundings are unbiased and add like a random walk:
// ~sqrt(256) * 4 * 6e-8 ~ 4e-6, and the steps are contractive, so nothing is amplified.
// 1e-5 after one epoch; after five (1280 steps, sqrt(5) more) 5e-5. Measured on this code:
// at most 3e-7. A wrong permutation, a dropped row or a missing batch changes the parameters
// by 1e-2 or more at this learning rate, far outside these.
const TOL_1 = 1e-5;
const TOL_5 = 5e-5;

const cache = new Map<string, Synthetic>();
function dataFor(kind: ModelKind, features: number, rows = ROWS): Synthetic {
  const key = `${kind}/${features}/${rows}`;
  let d = cache.get(key);
  if (!d) {
    const o = { rows, features, seed: 1000 + features, noise: 0.3 };
    d = kind === 'linear' ? regression(o) : classification(o);
    cache.set(key, d);
  }
  return d;
}

const jsCache = new Map<string, Float64Array>();
function run(engine: (typeof ENGINES)[number], kind: ModelKind, features: number, batchSize: Batch, shuffle: boolean, epochs: number, rows = ROWS) {
  const d = dataFor(kind, features, rows);
  return trainFresh(kind, engine, d.X, d.y, features, { epochs, batchSize, learningRate: LR, shuffle, seed: 7 }).params;
}
function jsRun(kind: ModelKind, features: number, batchSize: Batch, shuffle: boolean, epochs: number, rows = ROWS) {
  const key = `${kind}/${features}/${batchSize}/${shuffle}/${epochs}/${rows}`;
  let p = jsCache.get(key);
  if (!p) jsCache.set(key, (p = run('js', kind, features, batchSize, shuffle, epochs, rows)));
  return p;
}

function check(engine: (typeof ENGINES)[number], kind: ModelKind, features: number, batchSize: Batch, shuffle: boolean, rows = ROWS) {
  for (const [epochs, tol] of [[1, TOL_1], [5, TOL_5]] as const) {
    const want = jsRun(kind, features, batchSize, shuffle, epochs, rows);
    const got = run(engine, kind, features, batchSize, shuffle, epochs, rows);
    const label = `${engine} ${kind} features=${features} batch=${batchSize} shuffle=${shuffle} epochs=${epochs}`;
    expectClose(got, want, { abs: tol * maxAbs(want, 0.1) }, label);
    // The reference moved the parameters well away from zero (so the comparison means something).
    expect(maxAbs(want)).toBeGreaterThan(1e-3); // 1000x the smallest allowed error (1e-5 * 0.1)
  }
}

const cases = (features: readonly number[], batches: readonly Batch[]) =>
  MODEL_KINDS.flatMap((kind) => [true, false].flatMap((shuffle) =>
    features.flatMap((f) => batches.map((batchSize) => ({ kind, shuffle, features: f, batchSize })))));

describe.each(ENGINES)('%s matches the reference engine', (engine) => {
  describe('feature sweep (every SIMD tail) at batch sizes 7 and full', () => {
    it.each(cases(FEATURE_SWEEP, [7, 'full']))('$kind, shuffle $shuffle, features $features, batch $batchSize', ({ kind, shuffle, features, batchSize }) => {
      check(engine, kind, features, batchSize, shuffle);
    });
  });

  describe('batch-size sweep at a few feature counts', () => {
    it.each(cases([1, 5, 33, 128], BATCH_SWEEP))('$kind, shuffle $shuffle, features $features, batch $batchSize', ({ kind, shuffle, features, batchSize }) => {
      check(engine, kind, features, batchSize, shuffle);
    });
  });

  describe('many shuffle buckets (rows scattered between buckets every epoch)', () => {
    // 2100 rows x 65 floats x 4 bytes and 1100 x 130 x 4 are past two buckets' 512 KiB (smaller data is one bucket): three buckets.
    it.each(cases([64, 129], [16]))('$kind, shuffle $shuffle, features $features, batch $batchSize', ({ kind, shuffle, features, batchSize }) => {
      const rows = features === 64 ? 2100 : 1100;
      expect(bucketCount(rows, features)).toBeGreaterThan(1);
      check(engine, kind, features, batchSize, shuffle, rows);
    });
  });

  it('is deterministic: the same seed gives the same bits', () => {
    for (const kind of MODEL_KINDS) {
      const a = run(engine, kind, 33, 7, true, 3);
      const b = run(engine, kind, 33, 7, true, 3);
      expectSame(a, b, `${engine} ${kind} run twice`);
    }
  });
});
