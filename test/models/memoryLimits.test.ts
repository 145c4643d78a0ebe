// Data past what wasm32 can hold is refused before anything is copied or allocated, with an
// error naming the bytes, the limit and the remedies; no other model is touched. The inputs are
// typed arrays over more than 2^31 bytes that are never filled (the OS maps their pages lazily),
// so these tests take milliseconds.
import { describe, expect, it } from 'vitest';
import { LinearRegression, ValidationError } from '../../src/index.js';
import { MAX_BLOCK_BYTES } from '../../src/wasm/runtime.js';
import { WASM_ENGINES, runtimeOf, useReady } from '../helpers/engines.js';
import { regression } from '../helpers/data.js';
import { paramsOf } from '../helpers/models.js';

useReady();

const d = regression({ rows: 200, features: 4, seed: 31, noise: 0.1 });

describe.each(WASM_ENGINES)('memory limits (%s)', (engine) => {
  const rt = () => runtimeOf(engine);

  it('X over 2^31 bytes: a ValidationError naming bytes, limit and remedy; another model bit-identical, no memory used', () => {
    const other = new LinearRegression({ features: 4, engine, seed: 1 });
    other.fit(d.X, d.y, { epochs: 3, seed: 2 });
    const before = paramsOf(other);
    const m = new LinearRegression({ features: 4, engine });
    const params = paramsOf(m);
    const memory = rt().memoryBytes;
    const allocated = rt().allocatedBytes;
    const rows = 2 ** 27 + 1; // 2^31 + 16 bytes of X at 4 features
    const X = new Float32Array(new ArrayBuffer(rows * 16));
    const y = new Float32Array(rows);
    expect(() => m.fit(X, y, { epochs: 1 })).toThrowError(
      new ValidationError(
        `fit needs 2147483664 bytes of WebAssembly memory in one block for X (134217729 rows x 4 features x 4 bytes), ` +
          `more than the ${MAX_BLOCK_BYTES} bytes one block can hold (the limit of the allocator); ` +
          `train on fewer rows at a time (partialFit), or use engine 'js', which has no such limit`,
      ),
    );
    expect(paramsOf(m)).toEqual(params);
    expect(paramsOf(other)).toEqual(before);
    expect(rt().memoryBytes).toBe(memory);
    expect(rt().allocatedBytes).toBe(allocated);
    m.dispose();
    other.dispose();
  });

  it('just over one block: refused; just under: accepted by the check (the copy is not attempted here)', () => {
    const m = new LinearRegression({ features: 4, engine });
    const rows = Math.floor(MAX_BLOCK_BYTES / 16) + 1;
    expect(() => m.fit(new Float32Array(new ArrayBuffer(rows * 16)), new Float32Array(rows), { shuffle: false })).toThrowError(
      new RegExp(`^fit needs ${rows * 16} bytes of WebAssembly memory in one block for X \\(${rows} rows x 4 features x 4 bytes\\)`),
    );
    m.dispose();
  });

  it('the whole of memory: a shuffled fit needing more than 4 GiB in total names the total and suggests shuffle: false', () => {
    // X just under one block (1 GiB), shuffled: two copies of X plus y, next y, order and ids make about
    // 3 GiB; validation data of the same size (1.25 GiB more) takes the total past what wasm32 can address.
    const m = new LinearRegression({ features: 4, engine });
    const rows = Math.floor(MAX_BLOCK_BYTES / 16) - 1024;
    const X = new Float32Array(new ArrayBuffer(rows * 16));
    const y = new Float32Array(rows);
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
