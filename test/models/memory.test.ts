// WASM-specific memory behaviour (this is not about the math, so it runs on the two WASM
// engines only): typed-array views re-derived after memory growth, growth in the middle of
// fit/predict/construction, dispose() returning memory, and no leaks over many cycles.
import { describe, expect, it } from 'vitest';
import { LinearRegression, LogisticRegression } from '../../src/index.js';
import { seedState, uniform } from '../../src/reference/random.js';
import { WASM_ENGINES, runtimeOf, useReady } from '../helpers/engines.js';
import { classification, regression } from '../helpers/data.js';
import { makeModel, paramsOf } from '../helpers/models.js';
import { expectClose, expectSame } from '../helpers/tolerance.js';
import { bucketCount } from '../../src/engines/shape.js';

useReady();

const PAGE = 65536;

describe.each(WASM_ENGINES)('WASM memory (%s)', (engine) => {
  const rt = () => runtimeOf(engine);

  it('growth during fit: a dataset larger than all of memory, same result as without growth', () => {
    const cols = 64;
    // More rows than the whole current memory holds, so loadData's allocations must grow it
    // after the model's own block (and its views) already exist.
    const rows = Math.ceil(rt().memoryBytes / (cols * 4)) + 1000;
    const d = regression({ rows, features: cols, seed: 81, noise: 0.1 });
    const m = makeModel('linear', engine, cols, { init: 'random', seed: 2 });
    const before = rt().memoryBytes;
    const fit = { epochs: 2, batchSize: 256, learningRate: 0.1, seed: 5 };
    m.fit(d.X, d.y, fit);
    expect(rt().memoryBytes).toBeGreaterThan(before); // the precondition: memory did grow
    const grown = paramsOf(m);
    // Now memory is large enough: the same fit on a fresh model does not grow it, once m has given
    // back the data blocks it keeps between calls.
    m.release();
    const n = makeModel('linear', engine, cols, { init: 'random', seed: 2 });
    const size = rt().memoryBytes;
    n.fit(d.X, d.y, fit);
    expect(rt().memoryBytes).toBe(size);
    expectSame(paramsOf(n), grown, 'params with and without growth during fit');
    // And both agree with the reference engine (a corrupted copy would not):
    // 2 epochs of ~100 batches, float32 vs float64: 1e-5 relative to max |param| (see equivalence.test.ts).
    const j = makeModel('linear', 'js', cols, { init: 'random', seed: 2 });
    j.fit(d.X, d.y, fit);
    const pj = paramsOf(j);
    expectClose(grown, pj, { abs: 1e-5 * Math.max(...pj.map(Math.abs)) }, 'wasm vs js');
    for (const x of [m, n, j]) x.dispose();
  });

  it('growth during predict: an input larger than all of memory', () => {
    const cols = 16;
    const m = makeModel('linear', engine, cols, { init: 'random', seed: 3 }) as LinearRegression;
    const rows = Math.ceil(rt().memoryBytes / (cols * 4)) + 1000;
    const X = regression({ rows, features: cols, seed: 82 }).X;
    const before = rt().memoryBytes;
    const p1 = m.predict(X);
    expect(rt().memoryBytes).toBeGreaterThan(before);
    const p2 = m.predict(X); // no growth this time
    expectSame(p1, p2, 'predictions with and without growth');
    // Spot-check against w.x + b in float64: 16 terms in float32, 1e-6 absolute.
    const w = m.weights;
    for (const r of [0, 1, rows >> 1, rows - 1]) {
      let z = m.bias;
      for (let j = 0; j < cols; j++) z += w[j] * X[r * cols + j];
      expectClose(p1[r], z, { abs: 1e-6 }, `row ${r}`);
    }
    m.dispose();
  });

  it('growth during construction: a parameter block larger than all of memory', () => {
    // (3 + 3 slots) x features x 4 bytes > memory: the constructor's allocation grows memory
    // before the initial parameters are written.
    const features = Math.ceil(rt().memoryBytes / 24) + 1024;
    const before = rt().memoryBytes;
    const m = makeModel('linear', engine, features, { init: 'random', seed: 4 });
    expect(rt().memoryBytes).toBeGreaterThan(before);
    const rng = seedState(4);
    const bound = 1 / Math.sqrt(features);
    const want = Float64Array.from({ length: features + 1 }, () => Math.fround((2 * uniform(rng) - 1) * bound));
    // float32 rounding of (2u - 1) * bound, however the product is formed: 2^-24 relative.
    expectClose(paramsOf(m), want, { rel: 2 ** -24 }, 'initial parameters written after growth');
    m.dispose();
  });

  it('growth between calls (memory.grow from outside): results equal a model that saw none', () => {
    const d = classification({ rows: 300, features: 9, seed: 83 });
    const fit = { epochs: 3, batchSize: 16, learningRate: 0.3, seed: 6 };
    const a = makeModel('logistic', engine, 9, { init: 'random', seed: 7 }) as LogisticRegression;
    a.fit(d.X, d.y, fit);
    const wantParams = paramsOf(a);
    const wantProba = a.predictProba(d.X);
    a.dispose();

    const mem = rt().exports.memory;
    const b = makeModel('logistic', engine, 9, { init: 'random', seed: 7 }) as LogisticRegression;
    const pages = mem.buffer.byteLength / PAGE;
    mem.grow(3); // detaches every view taken so far
    b.fit(d.X, d.y, { ...fit, epochs: 1 });
    mem.grow(2);
    b.fit(d.X, d.y, { ...fit, epochs: 2, seed: undefined }); // continues the stream: 1 + 2 = 3 epochs
    mem.grow(1);
    expectSame(paramsOf(b), wantParams, 'params');
    mem.grow(1);
    expectSame(b.predictProba(d.X), wantProba, 'predictProba');
    expect(mem.buffer.byteLength / PAGE).toBeGreaterThanOrEqual(pages + 7);
    b.dispose();
  });

  it('dispose() returns the model\'s memory: a large model created and disposed 5 times grows memory once', () => {
    const features = 1 << 20; // a 24 MiB parameter block
    const sizes: number[] = [];
    for (let i = 0; i < 5; i++) {
      const m = makeModel('linear', engine, features);
      m.dispose();
      m.dispose(); // idempotent: must not free twice
      sizes.push(rt().memoryBytes);
    }
    expect(new Set(sizes).size).toBe(1);
  });

  it('dispose() twice does not corrupt the allocator: later models do not share memory', () => {
    const d = regression({ rows: 64, features: 6, seed: 84 });
    const x = makeModel('linear', engine, 6);
    x.dispose();
    x.dispose();
    const a = makeModel('linear', engine, 6);
    const b = makeModel('linear', engine, 6, { init: { weights: [9, 9, 9, 9, 9, 9], bias: 9 } });
    a.fit(d.X, d.y, { epochs: 2, learningRate: 0.1, seed: 1 });
    const pa = paramsOf(a);
    b.fit(d.X, d.y, { epochs: 5, learningRate: 0.2, seed: 2 });
    expectSame(paramsOf(a), pa, 'a after training b');
    expect(paramsOf(b)).not.toEqual(pa);
    a.dispose();
    b.dispose();
  });

  it('1,000 create / fit / predict / dispose cycles keep memory bounded', () => {
    const d = classification({ rows: 50, features: 8, seed: 85 });
    const sizes: number[] = [];
    for (let i = 0; i < 1000; i++) {
      const m = makeModel(i % 2 ? 'linear' : 'logistic', engine, 8, { init: 'random', seed: i });
      m.fit(d.X, d.y, { epochs: 2, batchSize: 8, learningRate: 0.1, shuffle: i % 3 !== 0 });
      m.predict(d.X);
      m.dispose();
      sizes.push(rt().memoryBytes);
    }
    // After the first ten cycles the heap has all it needs: not one more page.
    expect(sizes[999]).toBe(sizes[9]);
  });

  it('many fits on one model (incl. the multi-bucket shuffle), predictions and diverging fits do not leak', () => {
    const cols = 32;
    const rows = 5000; // 5000 x 33 x 4 bytes = 660 KB: three shuffle buckets
    expect(bucketCount(rows, cols)).toBeGreaterThan(1);
    const d = regression({ rows, features: cols, seed: 86 });
    const m = makeModel('linear', engine, cols);
    // Weights of 1e20 give logits ~1e20 whose squares overflow float32: every fit of this model
    // diverges in its first batch (and keeps its weights, so it diverges again next time).
    const huge = makeModel('linear', engine, cols, { init: { weights: new Array(cols).fill(1e20) } });
    const sizes: number[] = [];
    for (let i = 0; i < 30; i++) {
      m.fit(d.X, d.y, { epochs: 1, batchSize: 64, learningRate: 0.01 });
      m.predict(d.X);
      expect(() => huge.fit(d.X, d.y, { epochs: 1, batchSize: 64, learningRate: 0.01 })).toThrow('training diverged in epoch 1, batch 1');
      sizes.push(rt().memoryBytes);
    }
    huge.dispose();
    expect(sizes[29]).toBe(sizes[4]);
    m.dispose();
  });
});
