// The memory pre-check counts what the call itself would free: a model's kept data blocks are
// reused or released before new ones are allocated, so they count as free. Memory is filled with
// blocks that are never touched (address space only), so that what is left is less than the
// data needs but the model's own kept copy covers it.
import { describe, expect, it } from 'vitest';
import { LinearRegression, ValidationError } from '../../src/index.js';
import { MAX_BLOCK_BYTES, MAX_MEMORY_BYTES } from '../../src/wasm/runtime.js';
import { WASM_ENGINES, runtimeOf, useReady } from '../helpers/engines.js';
import { regression } from '../helpers/data.js';
import { thrown } from '../helpers/training.js';

useReady();

const d = regression({ rows: 1_000_000, features: 16, seed: 5, noise: 0.1 }); // 64 MB of X as float32
const once = { epochs: 1, shuffle: false, learningRate: 0.05 } as const;

describe.each(WASM_ENGINES)('memory pre-check with kept blocks (%s)', (engine) => {
  it("a refit on the same data fits in the model's own blocks; larger data is refused naming release() and dispose()", () => {
    const rt = runtimeOf(engine);
    const m = new LinearRegression({ features: 16, engine });
    m.fit(d.X, d.y, once);
    // Fill memory with blocks as large as still fit, halving on refusal, down to 4 MB.
    const filler: number[] = [];
    for (let size = MAX_BLOCK_BYTES; size >= 4 << 20; ) {
      try {
        filler.push(rt.alloc(size));
      } catch (err) {
        if (!(err instanceof RangeError)) throw err;
        size = Math.floor(size / 2 / 16) * 16;
      }
    }
    try {
      // Less than one copy of X is free: counting only free memory, the refit would be refused.
      expect(MAX_MEMORY_BYTES - rt.allocatedBytes).toBeLessThan(d.X.length * 4);
      const before = Array.from(m.weights);
      m.fit(d.X, d.y, once); // needs 68 MB, finds them in its own kept blocks
      expect(Array.from(m.weights)).not.toEqual(before);

      const twice = regression({ rows: 2_000_000, features: 16, seed: 6, noise: 0.1 });
      const err = thrown(() => m.fit(twice.X, twice.y, once));
      expect(err).toBeInstanceOf(ValidationError);
      expect((err as Error).message).toMatch(
        /^fit needs \d+ bytes of WebAssembly memory for its data, but only \d+ of wasm32's 4 GiB \(4294967296 bytes\) are free; call release\(\) or dispose\(\) on other models, train on fewer rows at a time \(partialFit\), or use engine 'js', which has no such limit$/,
      );
    } finally {
      for (const p of filler) rt.free(p);
      m.dispose();
    }
  });
});
