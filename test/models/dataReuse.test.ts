// What a model keeps between training calls (its data and shuffle blocks, reused for data of
// the same or smaller size), how release() and dispose() free them, and that input rejected
// while it is copied in leaves every model as it was and the kept block marked empty.
import { describe, expect, it } from 'vitest';
import { LinearRegression, LogisticRegression, MLP, ValidationError } from '../../src/index.js';
import { WASM_ENGINES, ENGINES, runtimeOf, useReady } from '../helpers/engines.js';
import { classification, regression } from '../helpers/data.js';
import { paramsOf } from '../helpers/models.js';
import { expectThrows } from '../helpers/errors.js';

useReady();

const big = regression({ rows: 8000, features: 16, seed: 3, noise: 0.1 }); // 544 KB with targets: past the 512 KiB that is one bucket
const fit = { epochs: 2, batchSize: 64, learningRate: 0.05, seed: 1 };

describe.each(WASM_ENGINES)('kept data blocks (%s)', (engine) => {
  const rt = () => runtimeOf(engine);

  it('a second fit on data of the same or smaller size allocates nothing; larger data replaces the blocks', () => {
    const baseline = rt().allocatedBytes;
    const m = new LinearRegression({ features: 16, engine });
    const before = rt().allocatedBytes;
    m.fit(big.X, big.y, fit);
    const kept = rt().allocatedBytes - before;
    expect(kept).toBeGreaterThanOrEqual(8000 * 16 * 4 * 2); // X twice (the shuffle's second arrangement)
    m.fit(big.X, big.y, fit);
    expect(rt().allocatedBytes - before).toBe(kept);
    m.fit(big.X.subarray(0, 1000 * 16), big.y.subarray(0, 1000), fit);
    expect(rt().allocatedBytes - before).toBe(kept);
    const bigger = regression({ rows: 12000, features: 16, seed: 4, noise: 0.1 });
    m.fit(bigger.X, bigger.y, fit);
    expect(rt().allocatedBytes - before).toBeGreaterThan(kept);
    m.release();
    expect(rt().allocatedBytes).toBe(before);
    m.fit(big.X, big.y, fit); // and it allocates again when needed
    m.dispose();
    expect(rt().allocatedBytes).toBe(baseline); // the data blocks and the model's own block
  });

  it('reusing the blocks gives the same bits as fresh blocks (the shuffle starts over for new data)', () => {
    const a = new LinearRegression({ features: 16, engine, seed: 2 });
    const b = new LinearRegression({ features: 16, engine, seed: 2 });
    const small = regression({ rows: 1500, features: 16, seed: 5, noise: 0.1 });
    a.fit(big.X, big.y, fit); // leaves blocks arranged for big
    a.fit(small.X, small.y, { ...fit, warmStart: false, seed: 9 });
    b.fit(small.X, small.y, { ...fit, warmStart: false, seed: 9 });
    expect(paramsOf(a)).toEqual(paramsOf(b));
    a.dispose();
    b.dispose();
  });

  it('a bad value found while copying into kept blocks: the error names it, the model and another are unchanged, the next fit works', () => {
    const m = new LogisticRegression({ features: 16, engine, seed: 1 });
    const other = new LogisticRegression({ features: 16, engine, seed: 2 });
    const d = classification({ rows: 4000, features: 16, seed: 8 });
    m.fit(d.X, d.y, fit);
    other.fit(d.X, d.y, fit);
    const before = { m: paramsOf(m), other: paramsOf(other) };
    const allocated = rt().allocatedBytes;
    for (const [X, message] of [
      [Object.assign(d.X.slice(), { [3999 * 16 + 15]: NaN }), 'X contains NaN at row 3999, column 15'],
      [Float64Array.from(d.X, (v, i) => (i === 17 ? 1e39 : v)), 'X value 1e+39 at row 1, column 1 is too large for float32 (largest magnitude is 3.4028234663852886e+38)'],
      [Float64Array.from(d.X, (v, i) => (i === 5 ? -Infinity : v)), 'X contains -Infinity at row 0, column 5'],
    ] as const) {
      expectThrows(() => m.fit(X, d.y, fit), ValidationError, message);
      expectThrows(() => m.fit(X, d.y, { ...fit, validationFraction: 0.2 }), ValidationError, message);
      expect(paramsOf(m)).toEqual(before.m);
      expect(paramsOf(other)).toEqual(before.other);
      expect(rt().allocatedBytes).toBeLessThanOrEqual(allocated); // nothing new kept (a replaced block may be smaller)
    }
    const twin = new LogisticRegression({ features: 16, engine, seed: 1 });
    twin.fit(d.X, d.y, fit);
    m.fit(d.X, d.y, fit);
    twin.fit(d.X, d.y, fit);
    expect(paramsOf(m)).toEqual(paramsOf(twin)); // the failed calls changed neither parameters nor the random stream
    for (const x of [m, other, twin]) x.dispose();
  });
});

describe.each(ENGINES)('validation split in the engine (%s)', (engine) => {
  it('a split copies X once: validation rows move out, training rows compact; same result as giving the split as validationData', () => {
    const d = classification({ rows: 500, features: 6, seed: 12 });
    const m = new MLP({ inputs: 6, hidden: [5], outputs: 1, engine, seed: 3 });
    const h = m.fit(d.X, d.y, { epochs: 3, batchSize: 16, learningRate: 0.05, validationFraction: 0.2, seed: 4 });
    expect(h.valLoss.length).toBe(3);
    // A NaN in a row that the split sends to validation is still reported by its row in X.
    const X = d.X.slice();
    X[499 * 6 + 2] = NaN;
    expectThrows(() => m.fit(X, d.y, { epochs: 1, validationFraction: 0.2, seed: 4 }), ValidationError, 'X contains NaN at row 499, column 2');
    m.dispose();
  });
});
