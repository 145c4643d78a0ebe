// Data past what wasm32 can hold is refused before anything is copied or allocated, with an
// error naming the bytes, the limit and the remedies; no other model is touched. The inputs are
// typed arrays of 1 to 2 GiB that are never filled (the OS maps their pages lazily), so these
// tests take milliseconds where the host grants them.
import { describe, expect, it } from 'vitest';
import { LinearRegression, ValidationError } from '../../src/index.js';
import { MAX_BLOCK_BYTES, MAX_MEMORY_BYTES } from '../../src/wasm/runtime.js';
import { WASM_ENGINES, runtimeOf, useReady } from '../helpers/engines.js';
import { regression } from '../helpers/data.js';
import { paramsOf } from '../helpers/models.js';

useReady();

const d = regression({ rows: 200, features: 4, seed: 31, noise: 0.1 });

/**
 * X and y of `rows` zero rows at 4 features, or null where this runtime refuses to allocate them:
 * a host may decline to promise 1 or 2 GiB even for pages it would map lazily (Debian's Chromium
 * on a smaller machine: "RangeError: Array buffer allocation failed"). Where the test's own input
 * cannot be made, no caller can hand it to fit either, so there the tests check the same limit
 * with the sizes alone, through the runtime's check that fit asks (shortfall).
 */
function zeros(rows: number): { X: Float32Array; y: Float32Array } | null {
  try {
    return { X: new Float32Array(new ArrayBuffer(rows * 16)), y: new Float32Array(rows) };
  } catch (e) {
    if (e instanceof RangeError) return null;
    throw e;
  }
}

/** The message fit gives for an X of `rows` x 4 float32 over one block, computed from rows here. */
const overBlock = (rows: number) =>
  `fit needs ${rows * 16} bytes of WebAssembly memory in one block for X (${rows} rows x 4 features x 4 bytes), ` +
  `more than the ${MAX_BLOCK_BYTES} bytes one block can hold (the limit of the allocator); ` +
  `train on fewer rows at a time (partialFit), or use engine 'js', which has no such limit`;

describe.each(WASM_ENGINES)('memory limits (%s)', (engine) => {
  const rt = () => runtimeOf(engine);

  // 2^31 + 16 bytes (2^27 + 1 rows): a size that wraps in int32 arithmetic; then the smallest X over one block.
  it.each([
    ['over 2^31 bytes', 2 ** 27 + 1],
    ['just over one block', Math.floor(MAX_BLOCK_BYTES / 16) + 1],
  ])('X %s: a ValidationError naming bytes, limit and remedy; another model bit-identical, no memory used', (_, rows) => {
    const data = zeros(rows);
    if (!data) {
      // This host refuses the input itself (see zeros): the check fit makes must still refuse its size.
      expect(rt().shortfall([rows * 16])).toEqual({ limit: 'block', bytes: rows * 16, available: MAX_BLOCK_BYTES });
      return;
    }
    const other = new LinearRegression({ features: 4, engine, seed: 1 });
    other.fit(d.X, d.y, { epochs: 3, seed: 2 });
    const before = paramsOf(other);
    const m = new LinearRegression({ features: 4, engine });
    const params = paramsOf(m);
    const memory = rt().memoryBytes;
    const allocated = rt().allocatedBytes;
    expect(() => m.fit(data.X, data.y, { epochs: 1 })).toThrowError(new ValidationError(overBlock(rows)));
    expect(() => m.fit(data.X, data.y, { shuffle: false })).toThrowError(new ValidationError(overBlock(rows)));
    expect(paramsOf(m)).toEqual(params);
    expect(paramsOf(other)).toEqual(before);
    expect(rt().memoryBytes).toBe(memory);
    expect(rt().allocatedBytes).toBe(allocated);
    m.dispose();
    other.dispose();
  });

  it('the whole of memory: a shuffled fit needing more than 4 GiB in total names the total and suggests shuffle: false', () => {
    // X just under one block (1 GiB), shuffled: two copies of X plus y, next y, order and ids make about
    // 3 GiB; validation data of the same size (1.25 GiB more) takes the total past what wasm32 can address.
    const rows = Math.floor(MAX_BLOCK_BYTES / 16) - 1024;
    const data = zeros(rows);
    if (!data) {
      // This host refuses a 1 GiB X (see zeros): the check fit makes must still refuse five blocks that size.
      const blocks = Array<number>(5).fill(rows * 16); // 4.8 GiB: each fits a block, not all of them memory
      const short = rt().shortfall(blocks);
      expect(short?.limit).toBe('memory');
      expect(short!.bytes).toBeGreaterThanOrEqual(5 * rows * 16);
      expect(short!.available).toBeLessThanOrEqual(MAX_MEMORY_BYTES - rt().allocatedBytes);
      expect(short!.available).toBeLessThan(short!.bytes);
      expect(rt().shortfall(blocks.slice(2))).toBeNull(); // three fit
      return;
    }
    const { X, y } = data;
    const m = new LinearRegression({ features: 4, engine });
    let err: unknown;
    try {
      m.fit(X, y, { validationData: { X, y } });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as Error).message).toMatch(
      /^fit needs \d+ bytes of WebAssembly memory for its data, but only \d+ of wasm32's 4 GiB \(4294967296 bytes\) are free; use shuffle: false \(it needs half\), call release\(\) or dispose\(\) on other models, train on fewer rows at a time \(partialFit\), or use engine 'js', which has no such limit$/,
    );
    const needed = Number(/needs (\d+) bytes/.exec((err as Error).message)![1]);
    expect(needed).toBeGreaterThan(2 ** 32 - rt().allocatedBytes - 65536 * 2);
    m.dispose();
  });

  it('predict copies X into WASM in chunks: memory does not grow with the size of X', () => {
    const m = new LinearRegression({ features: 4, engine });
    m.fit(d.X, d.y, { epochs: 2 });
    m.predict(d.X); // warm up: the chunk buffers exist once
    const memory = rt().memoryBytes;
    const rows = 3_000_000; // 48 MB of X
    const X = new Float32Array(rows * 4);
    for (let i = 0; i < X.length; i += 4) X[i] = i % 7;
    const z = m.predict(X);
    expect(rt().memoryBytes - memory).toBeLessThanOrEqual(16 << 20); // at most the 4 MB chunks (and the allocator's doubling)
    // Chunk boundaries are invisible: row r's prediction is w0 * (4r mod 7) + b.
    const w = m.weights;
    for (const r of [0, 1, 262143, 262144, 262145, rows - 1]) {
      expect(z[r]).toBe(Math.fround(Math.fround(w[0] * ((4 * r) % 7)) + m.bias));
    }
    m.dispose();
  });
});
