// The engines agree on divergence (DESIGN.md, Numerics): every engine stops with the same
// DivergenceError, at the same epoch and batch, when a parameter, a gradient or a row loss leaves
// the float32 range (the WASM engines store all three as float32; the js engine computes in
// float64 and applies the same bound), and a finite loss is never called divergence: losses are
// summed in float64 everywhere.
import { describe, expect, it } from 'vitest';
import { DivergenceError, LinearRegression, LogisticRegression, ValidationError } from '../../src/index.js';
import { ENGINES, useReady } from '../helpers/engines.js';
import { classification, regression } from '../helpers/data.js';
import { SMALL_X, SMALL_Y_REG } from '../helpers/training.js';

useReady();

const FLOAT32_MAX = 3.4028234663852886e38;

function where(f: () => unknown): { epoch: number; at: string } {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(DivergenceError);
    const at = /training diverged in (epoch \d+(, batch \d+)?)/.exec((e as Error).message);
    expect(at).not.toBeNull();
    return { epoch: (e as DivergenceError).epoch, at: at![1] };
  }
  return expect.fail('expected a DivergenceError');
}

const cls = classification({ rows: 200, features: 6, seed: 41 });
const reg = regression({ rows: 50, features: 4, seed: 71, noise: 0.1, dist: 'normal' });
const CLS_BIG = cls.X.map((v) => v * 1000);
const BIG = SMALL_X.map((x) => x.map((v) => v * 1000 + 500));

const cases = [
  // Parameters grow ~1e5x per step until one passes float32's range.
  { name: 'linear, features ~1e3, lr 0.1', run: (engine: (typeof ENGINES)[number]) =>
    new LinearRegression({ features: 3, engine, seed: 1 }).fit(BIG, SMALL_Y_REG, { epochs: 200, learningRate: 0.1, batchSize: 4, seed: 3 }) },
  // Full-batch GD with lr 5 on N(0,1) features: the error grows ~4x per step until the row losses overflow.
  { name: 'linear, full batch, lr 5', run: (engine: (typeof ENGINES)[number]) =>
    new LinearRegression({ features: 4, engine, init: 'random', seed: 1 }).fit(reg.X, reg.y, { epochs: 500, learningRate: 5, batchSize: 'full' }) },
  // Logistic regression's gradient is bounded by |x| (~1e3 here), so only the parameters can leave the range:
  // with lr 1e35 a batch moves them by up to ~1e38. (The js engine used to let them grow past 1e38 and go on.)
  { name: 'logistic, features ~1e3, lr 1e35', run: (engine: (typeof ENGINES)[number]) =>
    new LogisticRegression({ features: 6, engine }).fit(CLS_BIG, cls.y, { epochs: 200, learningRate: 1e35, batchSize: 16, seed: 2 }) },
];

describe.each(cases)('every engine diverges at the same epoch and batch: $name', ({ run }) => {
  it('wasm-simd, wasm-scalar and js name the same place', () => {
    const places = ENGINES.map((engine) => where(() => run(engine)));
    for (const p of places) expect(p).toEqual(places[0]);
  });
});

describe.each(ENGINES)('numerics at the edge of float32 (%s)', (engine) => {
  it('after divergence the kept weights are within float32 range and the model round-trips through JSON', () => {
    const m = new LinearRegression({ features: 3, engine, seed: 1 });
    expect(() => m.fit(BIG, SMALL_Y_REG, { epochs: 200, learningRate: 0.1, batchSize: 4, seed: 3 })).toThrowError(DivergenceError);
    for (const w of [...m.weights, m.bias]) expect(Math.abs(w)).toBeLessThanOrEqual(FLOAT32_MAX);
    expect(m.weights.some((w) => Math.abs(w) > 1e10)).toBe(true); // it did train far (epoch 1) before diverging
    const back = LinearRegression.fromJSON(m.toJSON(), { engine });
    expect(Array.from(back.predict(SMALL_X))).toEqual(Array.from(m.predict(SMALL_X)));
    m.dispose();
    back.dispose();
  });

  it('a finite logit of 1e38 is not divergence: 64 rows of BCE loss 1e38 sum to 6.4e39 in float64', () => {
    // w = 1e37, x = 10: z = 1e38 for every row, y = 0, so each row's loss is z = 1e38 (finite in float32).
    const m = new LogisticRegression({ features: 1, engine, init: { weights: [1e37], bias: 0 } });
    const X = new Float32Array(64).fill(10);
    const h = m.fit(X, new Float32Array(64), { epochs: 2, learningRate: 1e-30, batchSize: 64 });
    // The mean loss is 1e38 to float32 precision (2^-23 relative per value, the sum exact in float64).
    for (const loss of h.loss) expect(Math.abs(loss - 1e38) / 1e38).toBeLessThan(1e-6);
    m.dispose();
  });

  it('predict never returns a non-finite value: an output past float32 range is an error naming the row', () => {
    const m = new LinearRegression({ features: 1, engine, init: { weights: [3e38], bias: 0 } });
    expect(Array.from(m.predict([[0.5], [1]]))).toEqual([Math.fround(1.5e38), Math.fround(3e38)]);
    expect(() => m.predict([[0.5], [10]])).toThrowError(
      new ValidationError(
        "the model's output for row 1 is Infinity, outside the float32 range: X's values times the weights overflow (standardize X)",
      ),
    );
    m.dispose();
  });
});
