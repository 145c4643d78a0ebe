// A trap inside WebAssembly (forced through the runtime's test hook, as a kernel bug would
// cause one) leaves the process usable: the instance is rebuilt from the compiled module,
// every live model on it is restored from its last committed state, the failing call throws
// an EngineError carrying the trap as its cause, and training afterwards gives the same bits
// as on a process that never faulted.
import { describe, expect, it } from 'vitest';
import { EngineError, LinearRegression, LogisticRegression } from '../../src/index.js';
import { WASM_ENGINES, runtimeOf, useReady } from '../helpers/engines.js';
import { classification } from '../helpers/data.js';
import { paramsOf } from '../helpers/models.js';
import { thrown } from '../helpers/training.js';

useReady();

const d = classification({ rows: 600, features: 8, seed: 11 });
const fit = { epochs: 3, batchSize: 16, learningRate: 0.1, seed: 4 };

describe.each(WASM_ENGINES)('recovery from a trap (%s)', (engine) => {
  const rt = () => runtimeOf(engine);

  it('a trap in fit: EngineError with the trap as cause; every model keeps its state and trains on as if nothing happened', () => {
    const baseline = rt().allocatedBytes;
    const a = new LogisticRegression({ features: 8, engine, seed: 1 });
    const b = new LogisticRegression({ features: 8, engine, seed: 2 });
    const other = new LinearRegression({ features: 8, engine: engine === 'wasm-simd' ? 'wasm-scalar' : 'wasm-simd', seed: 3 });
    a.fit(d.X, d.y, { ...fit, optimizer: 'adam' });
    b.fit(d.X, d.y, fit);
    other.fit(d.X, d.y, fit);
    const before = { a: paramsOf(a), b: paramsOf(b), other: paramsOf(other) };
    const generation = rt().generation;

    rt().trapNext();
    const err = thrown(() => a.fit(d.X, d.y, { ...fit, optimizer: 'adam' }));
    expect(err).toBeInstanceOf(EngineError);
    expect((err as Error).message).toMatch(
      new RegExp(`^engine '${engine}' failed inside WebAssembly \\(RuntimeError: memory access out of bounds.* in \\w+\\); its instance was rebuilt and every model on it restored to its state before the call$`),
    );
    expect((err as Error).cause).toBeInstanceOf(WebAssembly.RuntimeError);
    expect(rt().generation).toBe(generation + 1);
    // Bit-identical parameters, on the faulting model, its neighbour and a model of the other build.
    expect(paramsOf(a)).toEqual(before.a);
    expect(paramsOf(b)).toEqual(before.b);
    expect(paramsOf(other)).toEqual(before.other);

    // Optimizer state survived too: continuing training equals the same continuation on twins that never faulted.
    const twinA = new LogisticRegression({ features: 8, engine, seed: 1 });
    twinA.fit(d.X, d.y, { ...fit, optimizer: 'adam' });
    a.fit(d.X, d.y, { ...fit, optimizer: 'adam' });
    twinA.fit(d.X, d.y, { ...fit, optimizer: 'adam' });
    expect(paramsOf(a)).toEqual(paramsOf(twinA));
    expect(a.predict(d.X)).toEqual(twinA.predict(d.X));
    b.fit(d.X, d.y, fit); // b still trains
    expect(paramsOf(b).every(Number.isFinite)).toBe(true);

    for (const m of [a, b, other, twinA]) m.dispose();
    expect(rt().allocatedBytes).toBe(baseline);
  });

  it('a trap inside the allocator: EngineError with the trap as cause, the instance rebuilt, every model restored, later allocations work', () => {
    const a = new LogisticRegression({ features: 8, engine, seed: 8 });
    const b = new LinearRegression({ features: 8, engine, seed: 9 });
    a.fit(d.X, d.y, fit);
    b.fit(d.X, d.y, fit);
    const before = { a: paramsOf(a), b: paramsOf(b) };
    const generation = rt().generation;
    rt().trapNext();
    const err = thrown(() => new LinearRegression({ features: 500, engine })); // its first act is to allocate
    expect(err).toBeInstanceOf(EngineError);
    expect((err as Error).message).toMatch(
      new RegExp(`^engine '${engine}' failed inside WebAssembly \\(RuntimeError: memory access out of bounds.* in alloc\\); its instance was rebuilt`),
    );
    expect((err as Error).cause).toBeInstanceOf(WebAssembly.RuntimeError);
    expect(rt().generation).toBe(generation + 1);
    expect(paramsOf(a)).toEqual(before.a);
    expect(paramsOf(b)).toEqual(before.b);
    const c = new LinearRegression({ features: 8, engine }); // a small allocation, as the report's 464 bytes
    c.fit(d.X, d.y, fit);
    expect(paramsOf(c).every(Number.isFinite)).toBe(true);
    for (const m of [a, b, c]) m.dispose();
  });

  it("a heap damaged by a stray write: the allocator's trap is an EngineError and the rebuilt instance allocates again", () => {
    const m = new LinearRegression({ features: 8, engine, seed: 10 });
    m.fit(d.X, d.y, fit);
    const before = paramsOf(m);
    // Free a block, then overwrite the free-list link TLSF keeps in its first bytes (as a kernel writing
    // out of bounds would): the next request that takes it follows the link past the end of memory.
    const p = rt().alloc(4096);
    rt().free(p);
    rt().u32[p >>> 2] = 0xfffffff0;
    const err = thrown(() => {
      for (let i = 0; i < 4; i++) rt().alloc(4096);
    });
    expect(err).toBeInstanceOf(EngineError);
    expect((err as Error).cause).toBeInstanceOf(WebAssembly.RuntimeError);
    expect(paramsOf(m)).toEqual(before);
    m.fit(d.X, d.y, fit);
    m.dispose();
  });

  it('memory that cannot grow is a RangeError naming the bytes, with no rebuild', () => {
    const generation = rt().generation;
    const held: number[] = [];
    let err: unknown;
    try {
      for (let i = 0; i < 8; i++) held.push(rt().alloc(900 * 2 ** 20)); // 7.2 GB asked: past wasm32's 4 GiB
    } catch (e) {
      err = e;
    }
    for (const p of held) rt().free(p);
    expect(err).toBeInstanceOf(RangeError);
    expect((err as Error).message).toMatch(/^out of WebAssembly memory allocating 943718400 bytes \(\d+ in use\)$/);
    expect(rt().generation).toBe(generation);
    const m = new LinearRegression({ features: 8, engine });
    m.fit(d.X, d.y, fit);
    m.dispose();
  });

  it('a trap in predict: EngineError, the model is unchanged and predicts again', () => {
    const m = new LinearRegression({ features: 8, engine, seed: 5 });
    m.fit(d.X, d.y, fit);
    const expected = m.predict(d.X);
    rt().trapNext();
    expect(() => m.predict(d.X)).toThrowError(EngineError);
    expect(m.predict(d.X)).toEqual(expected);
    m.dispose();
  });

  it('a fitAsync in progress when another model faults stops with an EngineError and is rolled back', async () => {
    const m = new LogisticRegression({ features: 8, engine, seed: 6 });
    m.fit(d.X, d.y, fit);
    const start = paramsOf(m);
    const faulty = new LinearRegression({ features: 8, engine, seed: 7 });
    let faulted = false;
    const run = m.fitAsync(d.X, d.y, {
      epochs: 200, batchSize: 4, learningRate: 0.1, yieldEveryMs: 1,
      onProgress: () => {
        if (faulted) return;
        faulted = true;
        rt().trapNext();
        expect(() => faulty.predict(d.X)).toThrowError(EngineError);
      },
    });
    await expect(run).rejects.toThrowError(
      new EngineError(`engine '${engine}' was rebuilt after a failure inside WebAssembly during this call; the call was stopped and its model restored`),
    );
    expect(faulted).toBe(true);
    expect(paramsOf(m)).toEqual(start);
    m.fit(d.X, d.y, fit); // and it trains again
    m.dispose();
    faulty.dispose();
  });

  it('a model garbage-collected without dispose() frees its WASM memory', async () => {
    const { setFlagsFromString } = await import('node:v8');
    const { runInNewContext } = await import('node:vm');
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const baseline = rt().allocatedBytes;
    (() => {
      for (let i = 0; i < 20; i++) new LogisticRegression({ features: 500, engine }).fit(d.X.subarray(0, 500 * 2), [0, 1], { epochs: 1 });
    })();
    expect(rt().allocatedBytes).toBeGreaterThan(baseline); // 20 models' blocks, never disposed
    for (let i = 0; i < 50 && rt().allocatedBytes > baseline; i++) {
      gc();
      await new Promise((r) => setTimeout(r, 10)); // finalizers run in later tasks
    }
    expect(rt().allocatedBytes).toBe(baseline);
  });

  it('`using` disposes a model at the end of its block', () => {
    const baseline = rt().allocatedBytes;
    let escaped: LinearRegression;
    {
      using m = new LinearRegression({ features: 8, engine });
      escaped = m;
      expect(rt().allocatedBytes).toBeGreaterThan(baseline);
    }
    expect(escaped.disposed).toBe(true);
    expect(rt().allocatedBytes).toBe(baseline);
  });
});
