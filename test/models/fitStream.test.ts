// model.fitStream on every engine: equivalence with fit, the shuffle buffer's semantics,
// validation and early stopping, abort, bad chunks and divergence (what a failed call keeps),
// and text sources that run anywhere (a Blob, a ReadableStream factory). Files: fitStreamFiles.test.ts.
import { describe, expect, it } from 'vitest';
import { ENGINES, useReady } from '../helpers/engines.js';
import { classification, regression } from '../helpers/data.js';
import { expectClose, expectSame } from '../helpers/tolerance.js';
import {
  DivergenceError, LinearRegression, LogisticRegression, MLP, SoftmaxRegression, ValidationError, type AnyModel,
} from '../../src/index.js';
import type { StreamChunk } from '../../src/models/fitStream.js';

useReady();

/** The rows of X (rows x F) and y in chunks of size rows, in order. */
function* chunksOf(X: Float32Array, y: Float32Array, F: number, size: number): Generator<StreamChunk> {
  for (let r = 0; r * F < X.length; r += size) yield { X: X.subarray(r * F, (r + size) * F), y: y.subarray(r, r + size) };
}

/** The same rows as chunksOf, as CSR chunks that store only the non-zero values. */
function* csrChunksOf(X: Float32Array, y: Float32Array, F: number, size: number): Generator<StreamChunk> {
  for (let r = 0; r * F < X.length; r += size) {
    const n = Math.min(size, X.length / F - r);
    const indptr = new Int32Array(n + 1);
    const indices: number[] = [];
    const data: number[] = [];
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < F; c++) if (X[(r + i) * F + c] !== 0) indices.push(c), data.push(X[(r + i) * F + c]);
      indptr[i + 1] = indices.length;
    }
    yield { X: { shape: [n, F], indptr, indices: Int32Array.from(indices), data: Float32Array.from(data) }, y: y.subarray(r, r + n) };
  }
}

/** Records the rows (as their first feature, which the tests set to the row's id) of every block the model loads. */
function recordBlocks(model: AnyModel): number[][] {
  const blocks: number[][] = [];
  const trainer = (model as unknown as { trainer: { loadData: (...a: unknown[]) => unknown } }).trainer;
  const load = trainer.loadData.bind(trainer);
  trainer.loadData = (...a: unknown[]) => {
    const src = a[0] as { X: Float32Array; features: number; rows: number };
    blocks.push(Array.from({ length: src.rows }, (_, r) => src.X[r * src.features]));
    return load(...a);
  };
  return blocks;
}

/** Rows whose first feature is the row id and whose other features are noise. */
function idRows(rows: number, F: number): { X: Float32Array; y: Float32Array } {
  const d = classification({ rows, features: F, seed: 9 });
  for (let r = 0; r < rows; r++) d.X[r * F] = r;
  return { X: d.X, y: d.y };
}

describe.each(ENGINES)('fitStream (%s)', (engine) => {
  // F = 64: blocks of 4096 rows (1 MiB of X), so 10,000 rows are 3 blocks per epoch, the last short.
  const F = 64;
  const N = 10_000;

  // Exact: the same rows in the same batches, in the same order, through the same kernels; the
  // epoch's totals carry across blocks in the engine's float64 stats. Any row dropped, repeated
  // or moved, or a batch cut at a block boundary, changes the parameters at this learning rate.
  it.each([
    { name: 'logistic, sgd', make: () => new LogisticRegression({ features: F, engine }), data: () => classification({ rows: N, features: F, seed: 1 }), opts: { learningRate: 0.1, batchSize: 32 } },
    { name: 'linear, adam, warmup per step', make: () => new LinearRegression({ features: F, engine }), data: () => regression({ rows: N, features: F, seed: 2 }), opts: { learningRate: 0.01, batchSize: 50, optimizer: 'adam' as const, warmup: { epochs: 1 } } },
    { name: 'softmax, momentum, l2', make: () => new SoftmaxRegression({ features: F, classes: 3, engine }), data: () => ({ ...classification({ rows: N, features: F, seed: 3 }), y: Float32Array.from({ length: N }, (_, i) => i % 3) }), opts: { learningRate: 0.05, batchSize: 64, optimizer: { name: 'sgd' as const, momentum: 0.9 }, l2: 1e-3 } },
    { name: 'MLP', make: () => new MLP({ inputs: F, hidden: [8], outputs: 1, engine, seed: 4 }), data: () => classification({ rows: N, features: F, seed: 4 }), opts: { learningRate: 0.05, batchSize: 16 } },
  ])('one chunk per batch, shuffle false: the same parameters and history as fit on the rows in order ($name)', async ({ make, data, opts }) => {
    const d = data();
    const a = make();
    const b = make();
    const fitted = a.fit(d.X, d.y, { ...opts, epochs: 2, shuffle: false });
    const streamed = await b.fitStream(() => chunksOf(d.X, d.y, F, opts.batchSize), { ...opts, epochs: 2, shuffle: false, rowsPerEpoch: N });
    for (let l = 0; l < a.layers.length; l++) {
      expectSame(b.layers[l].weights, a.layers[l].weights, `layer ${l} weights`);
      expectSame(b.layers[l].bias, a.layers[l].bias, `layer ${l} bias`);
    }
    expect(streamed.loss).toEqual(fitted.loss);
    expect(streamed.epochs.map((e) => e.gradNorm)).toEqual(fitted.epochs.map((e) => e.gradNorm));
    expect(streamed.epochs.map((e) => e.learningRate)).toEqual(fitted.epochs.map((e) => e.learningRate));
    expect(streamed.stopReason.rule).toBe(fitted.stopReason.rule);
  });

  it('without a learning rate: the default optimizer at its own rate (no search on a stream: its start is not a sample of all of it)', async () => {
    const d = classification({ rows: 200, features: 5, seed: 3 });
    const source = () => chunksOf(d.X, d.y, 5, 50);
    const implicit = new LogisticRegression({ features: 5, engine, seed: 1 });
    const h = await implicit.fitStream(source, { epochs: 2, shuffle: false });
    expect(h.learningRateSearch).toBeUndefined();
    const explicit = new LogisticRegression({ features: 5, engine, seed: 1 });
    await explicit.fitStream(source, { epochs: 2, shuffle: false, optimizer: 'schedule-free-adamw', learningRate: 0.0025 });
    expectSame(implicit.weights, explicit.weights, 'weights with no rate vs Schedule-Free AdamW at 0.0025');
    const other = new LogisticRegression({ features: 5, engine, seed: 1 });
    await other.fitStream(source, { epochs: 2, shuffle: false, optimizer: 'schedule-free-adamw', learningRate: 0.01 });
    expect(Array.from(other.weights)).not.toEqual(Array.from(implicit.weights)); // the rate matters: the comparison above can fail
    for (const m of [implicit, explicit, other]) m.dispose();
  });

  // A classic optimizer without a rate (or with 'auto') searches on a seeded sample of the stream's first rows, read in a
  // pass of its own; the fit is then the fit at the chosen rate, to the bit, and the shuffle's stream is not moved.
  for (const [label, sparse] of [['dense', false], ['CSR', true]] as const) {
    it(`'auto' with a classic optimizer searches on the stream's start and trains at the chosen rate (${label} chunks)`, async () => {
      const d = classification({ rows: 3000, features: 6, seed: 11 });
      const source = () => (sparse ? csrChunksOf(d.X, d.y, 6, 700) : chunksOf(d.X, d.y, 6, 700));
      for (const options of [{ optimizer: 'sgd' as const }, { optimizer: 'adam' as const, learningRate: 'auto' as const }]) {
        const auto = new LogisticRegression({ features: 6, engine, seed: 2 });
        let passes = 0;
        const counted = () => (passes++, source());
        const h = await auto.fitStream(counted, { epochs: 3, shuffleBuffer: 500, seed: 4, ...options });
        const search = h.learningRateSearch!;
        expect(search, `${options.optimizer}: the search is recorded`).toBeDefined();
        expect(search.rows, 'the sample: SAMPLE_ROWS of the first rows, the buffer being smaller').toBe(1024);
        expect(passes, 'one pass for the search, one per epoch').toBe(4);
        expect(auto.toJSON().training!.autoLearningRate).toBe(search.rate);
        const fixed = new LogisticRegression({ features: 6, engine, seed: 2 });
        const hf = await fixed.fitStream(source, { epochs: 3, shuffleBuffer: 500, seed: 4, optimizer: options.optimizer, learningRate: search.rate });
        expectSame(auto.weights, fixed.weights, `${options.optimizer}: 'auto' vs the chosen rate ${search.rate}`);
        expect(h.loss).toEqual(hf.loss);
        expect(h.loss[2]).toBeLessThan(h.loss[0]); // it trains
        auto.dispose();
        fixed.dispose();
      }
    });
  }

  it('chunks of any size (not whole batches, async, CSR) give the same result as one chunk per batch', async () => {
    const d = classification({ rows: 1000, features: 5, seed: 5 });
    const base = new LogisticRegression({ features: 5, engine });
    await base.fitStream(() => chunksOf(d.X, d.y, 5, 10), { epochs: 2, batchSize: 10, shuffle: false, learningRate: 0.1 });
    const odd = new LogisticRegression({ features: 5, engine });
    await odd.fitStream(async function* () { yield* chunksOf(d.X, d.y, 5, 7); }, { epochs: 2, batchSize: 10, shuffle: false, learningRate: 0.1 });
    expectSame(odd.weights, base.weights, 'weights from chunks of 7 rows');
    // Dense first, then CSR chunks: the CSR rows are expanded to dense ones (every value stored; duplicates add).
    const toCSR = (r0: number, n: number) => {
      const indptr = new Int32Array(n + 1);
      const indices: number[] = [];
      const data: number[] = [];
      for (let i = 0; i < n; i++) {
        for (let c = 0; c < 5; c++) {
          const v = d.X[(r0 + i) * 5 + c];
          if (c === 0) indices.push(0, 0), data.push(v, 0);
          else indices.push(c), data.push(v);
        }
        indptr[i + 1] = indices.length;
      }
      return { shape: [n, 5] as [number, number], indptr, indices: Int32Array.from(indices), data: Float32Array.from(data) };
    };
    const mixed = new LogisticRegression({ features: 5, engine });
    await mixed.fitStream(function* () {
      yield { X: d.X.subarray(0, 500), y: d.y.subarray(0, 100) };
      for (let r = 100; r < 1000; r += 100) yield { X: toCSR(r, 100), y: d.y.subarray(r, r + 100) };
    }, { epochs: 2, batchSize: 10, shuffle: false, learningRate: 0.1 });
    expectSame(mixed.weights, base.weights, 'weights from dense then CSR chunks');
  });

  it('CSR chunks train as CSR blocks: with shuffle false, the parameters and history of fit on the whole CSR matrix in order', async () => {
    // 20,000 rows x 200 columns, 5 non-zeros each: blocks of 8,200 rows (8,192 rounded up to whole batches of 100), 3 per epoch.
    const rows = 20_000;
    const cols = 200;
    const indptr = new Int32Array(rows + 1);
    const indices = new Int32Array(rows * 5);
    const data = new Float32Array(rows * 5);
    const y = new Float32Array(rows);
    let s = 7;
    const rnd = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32);
    for (let r = 0; r < rows; r++) {
      let z = 0;
      for (let k = 0; k < 5; k++) {
        const c = (r * 37 + k * 41) % cols;
        indices[r * 5 + k] = c;
        data[r * 5 + k] = rnd() - 0.5;
        z += data[r * 5 + k] * (c % 2 ? 1 : -1);
      }
      indptr[r + 1] = (r + 1) * 5;
      y[r] = z > 0 ? 1 : 0;
    }
    const whole = { shape: [rows, cols] as [number, number], indptr, indices, data };
    const opts = { epochs: 2, batchSize: 100, learningRate: 0.5, l2: 1e-4 };
    const a = new LogisticRegression({ features: cols, engine });
    const fitted = a.fit(whole, y, { ...opts, shuffle: false });
    const b = new LogisticRegression({ features: cols, engine });
    const streamed = await b.fitStream(function* () {
      for (let r = 0; r < rows; r += 100) {
        yield { X: { shape: [100, cols] as [number, number], indptr: indptr.slice(r, r + 101).map((v) => v - indptr[r]), indices: indices.subarray(r * 5, (r + 100) * 5), data: data.subarray(r * 5, (r + 100) * 5) }, y: y.subarray(r, r + 100) };
      }
    }, { ...opts, shuffle: false });
    // Not bit for bit: the sparse kernel keeps L2 as a scale factor over the weights and folds it
    // into them at the end of each call, and a stream makes one call per block (3 an epoch here,
    // against fit's 1): one float32 rounding of every weight per extra call, ~6e-8 relative each.
    // Measured: 2e-7 relative. A dropped, repeated or reordered row moves a weight by 1e-3 or more.
    expectClose(b.weights, a.weights, { rel: 2e-6, abs: 1e-7 }, 'weights');
    expectClose(b.bias, a.bias, { rel: 2e-6, abs: 1e-7 }, 'bias');
    expectClose(streamed.loss, fitted.loss, { rel: 1e-6 }, 'loss per epoch');
    expectClose(streamed.epochs.map((e) => e.gradNorm), fitted.epochs.map((e) => e.gradNorm), { rel: 1e-5 }, 'gradient norm per epoch');
    // Shuffled through the buffer: seeded (the same twice), and it learns.
    const c1 = new LogisticRegression({ features: cols, engine });
    const c2 = new LogisticRegression({ features: cols, engine });
    const src = () => [{ X: whole, y }];
    await c1.fitStream(src, { ...opts, shuffleBuffer: 5000, seed: 3 });
    await c2.fitStream(src, { ...opts, shuffleBuffer: 5000, seed: 3 });
    // Seeded: the same rows in the same order. Not bit for bit: the async loop cuts an epoch into
    // engine calls by elapsed time, and the sparse kernel's per-call fold of its L2 scale (above)
    // rounds at each cut (fitAsync on CSR does the same; dense calls are cut-invariant).
    expectClose(c2.weights, c1.weights, { rel: 2e-6, abs: 1e-7 }, 'seeded shuffled weights');
    expect(c1.evaluate(whole, y).accuracy).toBeGreaterThan(0.8);
  });

  describe('the shuffle buffer (tf.data semantics)', () => {
    const rows = 3000;
    const { X, y } = idRows(rows, 3);
    const order = async (options: Record<string, unknown>, epochs = 1) => {
      const m = new LogisticRegression({ features: 3, engine });
      const blocks = recordBlocks(m);
      await m.fitStream(() => chunksOf(X, y, 3, 100), { epochs, batchSize: 10, learningRate: 1e-3, ...options });
      return blocks.flat();
    };
    const isPermutation = (o: number[]) => o.length === rows && [...o].sort((a, b) => a - b).every((v, i) => v === i);

    it('shuffle false: storage order', async () => {
      expect(await order({ shuffle: false })).toEqual(Array.from({ length: rows }, (_, i) => i));
    });

    it('a buffer of B rows: every row once per epoch; a row leaves at most B - 1 places ahead of its own; rows do move', async () => {
      for (const B of [1, 50, 1000]) {
        const o = await order({ shuffleBuffer: B, seed: 1 });
        expect(isPermutation(o), `B = ${B}: a permutation`).toBe(true);
        const ahead = Math.max(...o.map((id, k) => id - k));
        expect(ahead, `B = ${B}: the farthest a row moved forward`).toBeLessThanOrEqual(B - 1);
        if (B === 1) expect(ahead).toBe(0);
        else expect(ahead, `B = ${B}: rows move forward by up to B - 1`).toBeGreaterThan((B - 1) / 2);
      }
    });

    it('a buffer of at least the rows: a uniform shuffle (first place: every row equally likely, within a chi-square bound)', async () => {
      // Row at position 0 over 60 seeds, bucketed into 6 sixths of the rows: each expects 10.
      const counts = new Array(6).fill(0);
      for (let seed = 0; seed < 60; seed++) counts[Math.floor(((await order({ shuffleBuffer: rows, seed }))[0] * 6) / rows)]++;
      const chi2 = counts.reduce((s, c) => s + (c - 10) ** 2 / 10, 0);
      expect(chi2, `counts ${counts}`).toBeLessThan(20.5); // p = 0.001 at 5 degrees of freedom
    });

    it('seeded: the same seed, the same order; each epoch another order; another seed, another order', async () => {
      const a = await order({ shuffleBuffer: 500, seed: 3 }, 2);
      const b = await order({ shuffleBuffer: 500, seed: 3 }, 2);
      const c = await order({ shuffleBuffer: 500, seed: 4 }, 2);
      expect(a).toEqual(b);
      expect(a).not.toEqual(c);
      expect(a.slice(0, rows)).not.toEqual(a.slice(rows));
      expect(isPermutation(a.slice(rows))).toBe(true);
    });
  });

  it('validation: arrays and a stream of the same rows give the same validation loss, the model\'s evaluate loss at each epoch', async () => {
    const d = classification({ rows: 600, features: 4, seed: 6 });
    const v = classification({ rows: 300, features: 4, seed: 7 });
    const losses: number[] = [];
    const a = new LogisticRegression({ features: 4, engine });
    const ha = await a.fitStream(() => chunksOf(d.X, d.y, 4, 50), {
      epochs: 3, learningRate: 0.1, seed: 1, validationData: { X: v.X, y: v.y }, onEpochEnd: () => void losses.push(a.evaluate(v.X, v.y).loss),
    });
    const b = new LogisticRegression({ features: 4, engine });
    const hb = await b.fitStream(() => chunksOf(d.X, d.y, 4, 50), { epochs: 3, learningRate: 0.1, seed: 1, validationData: () => chunksOf(v.X, v.y, 4, 64) });
    // evaluate and the array validator take the same outputs; the stream sums per chunk (float64 sums in another order).
    expectClose(ha.valLoss, losses, { rel: 1e-6 }, 'array validation loss against evaluate');
    expectClose(hb.valLoss, ha.valLoss, { rel: 1e-9 }, 'stream validation loss against arrays');
  });

  it('early stopping on a held-out stream stops when it stops improving and restores the best epoch', async () => {
    const d = classification({ rows: 500, features: 4, seed: 8 });
    // Validation labels flipped: the better the model learns the training rows, the worse it does here.
    const flipped = d.y.map((t) => 1 - t);
    const m = new LogisticRegression({ features: 4, engine });
    const h = await m.fitStream(() => chunksOf(d.X, d.y, 4, 100), {
      epochs: 50, learningRate: 0.1, seed: 2, earlyStopping: true, nIterNoChange: 3, validationData: () => chunksOf(d.X, flipped, 4, 100),
    });
    expect(h.stopReason.rule).toBe('earlyStopping');
    expect(h.epochs.length).toBeLessThan(50);
    expect(h.bestEpoch).toBe(1);
    expectClose(m.evaluate(d.X, flipped).loss, h.valLoss[0], { rel: 1e-6 }, 'the restored model\'s loss is the best epoch\'s');
  });

  it('earlyStopping without validationData, and fit options a stream cannot take, are ValidationErrors before anything changes', async () => {
    const m = new LogisticRegression({ features: 2, engine });
    const src = () => [{ X: new Float32Array(4), y: new Float32Array([0, 1]) }];
    await expect(m.fitStream(src, { earlyStopping: true })).rejects.toThrow(/earlyStopping with fitStream needs validationData/);
    await expect(m.fitStream(src, { validationFraction: 0.2 } as never)).rejects.toThrow(/does not take validationFraction/);
    await expect(m.fitStream(src, { batchSize: 'full' } as never)).rejects.toThrow(/batchSize must be a number of rows/);
    await expect(m.fitStream(src, { shuffleBuffer: 0 })).rejects.toThrow(/shuffleBuffer must be a positive integer, got 0/);
    await expect(m.fitStream(src, { epoch: 3 } as never)).rejects.toThrow(/epoch/);
    await expect(m.fitStream(() => [], {})).rejects.toThrow(/the stream gave no rows in epoch 1/);
    expect(Array.from(m.weights)).toEqual([0, 0]);
  });

  it('a bad chunk is a ValidationError naming the chunk, the row and the value; the model is as before the call, even after an epoch', async () => {
    const d = classification({ rows: 400, features: 3, seed: 10 });
    const m = new LogisticRegression({ features: 3, engine });
    m.fit(d.X, d.y, { epochs: 2, learningRate: 0.1 });
    const before = { w: m.weights, b: m.bias, json: JSON.stringify(m.toJSON()) };
    let epoch = 0;
    const bad = () => {
      epoch++;
      const X = d.X.slice();
      if (epoch === 2) X[(200 + 3) * 3 + 1] = NaN; // chunk 2 (of 100 rows), row 3, column 1, in the second epoch
      return chunksOf(X, d.y, 3, 100);
    };
    await expect(m.fitStream(bad, { epochs: 3, learningRate: 0.1 })).rejects.toThrow(/chunk 2 \(epoch 2\) X contains NaN at row 3, column 1/);
    expect(m.weights).toEqual(before.w);
    expect(m.bias).toBe(before.b);
    expect(JSON.stringify(m.toJSON())).toBe(before.json);
    const y = d.y.slice(0, 100);
    y[7] = 2;
    const err = await m.fitStream(() => [{ X: d.X.subarray(0, 300), y }], {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as Error).message).toMatch(/chunk 0 \(epoch 1\) y must contain only 0 or 1 for LogisticRegression, got 2 at index 7/);
    await expect(m.fitStream(() => [{ X: d.X.subarray(0, 10), y: d.y.subarray(0, 3) }], {})).rejects.toThrow(/chunk 0 \(epoch 1\) X has length 10, which is not a multiple of features \(3\)/);
    await expect(m.fitStream(() => [{ X: d.X.subarray(0, 9) }] as never, {})).rejects.toThrow(/chunk 0 \(epoch 1\) must be an object \{ X, y \}/);
    expect(m.weights).toEqual(before.w);
  });

  it('abort: rejects with the AbortError, the model keeps the last finished epoch (as fitAsync); a stalled source is left at once', async () => {
    const d = classification({ rows: 300, features: 3, seed: 11 });
    const ref = new LogisticRegression({ features: 3, engine });
    await ref.fitStream(() => chunksOf(d.X, d.y, 3, 50), { epochs: 2, learningRate: 0.1, seed: 5 });
    const m = new LogisticRegression({ features: 3, engine });
    const ac = new AbortController();
    const err = await m.fitStream(() => chunksOf(d.X, d.y, 3, 50), {
      epochs: 10, learningRate: 0.1, seed: 5, signal: ac.signal, onEpochEnd: (r) => void (r.epoch === 2 && ac.abort()),
    }).catch((e: unknown) => e);
    expect((err as Error).name).toBe('AbortError');
    expectSame(m.weights, ref.weights, 'weights after two epochs');
    // A source that never gives its next chunk: the abort still ends the call, keeping epoch 0's weights.
    const stalled = new LogisticRegression({ features: 3, engine });
    const ac2 = new AbortController();
    const call = stalled.fitStream(async function* () {
      yield { X: d.X.subarray(0, 30), y: d.y.subarray(0, 10) };
      await new Promise(() => {});
    }, { epochs: 2, signal: ac2.signal });
    setTimeout(() => ac2.abort(), 20);
    await expect(call).rejects.toMatchObject({ name: 'AbortError' });
    expect(Array.from(stalled.weights)).toEqual([0, 0, 0]);
  });

  it('divergence: a DivergenceError naming the epoch and the batch across blocks; the model keeps the last finite epoch', async () => {
    const d = regression({ rows: 9000, features: 64, seed: 12, dist: 'normal' });
    const m = new LinearRegression({ features: 64, engine });
    const err = await m.fitStream(() => chunksOf(d.X.map((v) => v * 1e3), d.y, 64, 1000), { learningRate: 10, epochs: 3 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DivergenceError);
    expect((err as Error).message).toMatch(/training diverged in epoch 1, batch \d+/);
    expect(m.weights.every((w) => w === 0)).toBe(true);
  });

  it('text: a Blob and a ReadableStream factory (svmlight and CSV) train as the same rows given as chunks; progress counts bytes', async () => {
    const d = classification({ rows: 200, features: 3, seed: 13 });
    const csv = ['a,b,c,label', ...Array.from({ length: 200 }, (_, r) => `${d.X[r * 3]},${d.X[r * 3 + 1]},${d.X[r * 3 + 2]},${d.y[r]}`)].join('\n');
    const svm = Array.from({ length: 200 }, (_, r) => `${d.y[r] ? 1 : -1} 1:${d.X[r * 3]} 2:${d.X[r * 3 + 1]} 3:${d.X[r * 3 + 2]}`).join('\n');
    const opts = { epochs: 2, learningRate: 0.1, shuffleBuffer: 64, seed: 3 };
    const ref = new LogisticRegression({ features: 3, engine });
    await ref.fitStream(() => chunksOf(d.X, d.y, 3, 32), opts);
    const fromBlob = new LogisticRegression({ features: 3, engine });
    const seen: { bytes: number; totalBytes: number | null }[] = [];
    await fromBlob.fitStream(new File([csv], 'rows.csv'), { ...opts, yieldEveryMs: 1e-9, onProgress: (p) => void seen.push(p) });
    expectSame(fromBlob.weights, ref.weights, 'weights from a CSV File');
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((p) => p.totalBytes === new TextEncoder().encode(csv).length && p.bytes <= p.totalBytes!)).toBe(true);
    const fromStream = new LogisticRegression({ features: 3, engine });
    await fromStream.fitStream(() => new Blob([svm]).stream(), { ...opts, format: 'svmlight' });
    // svmlight rows are CSR: they train through the sparse kernel, equal to the dense one but for float32 roundings.
    expectClose(fromStream.weights, ref.weights, { rel: 1e-5, abs: 1e-7 }, 'weights from an svmlight ReadableStream (labels -1/+1)');
    await expect(new LogisticRegression({ features: 3, engine }).fitStream(new Blob([csv]), opts)).rejects.toThrow(/give format: 'csv' or 'svmlight'/);
    const badCsv = csv.replace(/\n([^\n]*)\n/, '\n$1\n1,x,2,0\n');
    await expect(new LogisticRegression({ features: 3, engine }).fitStream(new File([badCsv], 'bad.csv'), opts))
      .rejects.toThrow(/bad.csv line 3, column 'b': 'x' is not a finite number/);
  });

  it('string labels: with the classes option (in class order), kept by the model after the call', async () => {
    const d = classification({ rows: 120, features: 2, seed: 14 });
    const labels = Array.from(d.y, (t) => (t ? 'spam' : 'ham'));
    const m = new LogisticRegression({ features: 2, engine });
    await expect(m.fitStream(() => [{ X: d.X, y: labels }], {})).rejects.toThrow(/give fitStream's classes option/);
    await m.fitStream(() => [{ X: d.X, y: labels }], { classes: ['ham', 'spam'], epochs: 20, learningRate: 0.5 });
    expect(m.classes).toEqual(['ham', 'spam']);
    expect(m.evaluate(d.X, labels).accuracy).toBeGreaterThan(0.8);
  });
});
