// Before ready(): this file must not call ready() until its last test (ready() is global per
// module graph, and vitest runs each test file in its own), so the WASM engines are not loaded.
import { describe, expect, it } from 'vitest';
import { LinearRegression, LogisticRegression, ValidationError, availableEngines, ready } from '../../src/index.js';
import { isReady } from '../../src/wasm/runtime.js';
import { expectThrows } from '../helpers/errors.js';

const message = (engine: string) => `engine '${engine}' needs WebAssembly: call \`await ready()\` first (or pass engine: 'js')`;

describe('before ready()', () => {
  it('has not loaded the WASM builds', () => {
    expect(isReady()).toBe(false);
    expect(availableEngines()).toEqual(['js']);
  });

  it("engine 'js' works: fit, predict, evaluate", () => {
    const m = new LinearRegression({ features: 1, engine: 'js' });
    // One full-batch step from 0 on y = 2x: grad_w = 2/2 * ((0 - 2) * 1 + (0 - 4) * 2) = -10, grad_b = -6.
    m.fit([[1], [2]], [2, 4], { epochs: 1, batchSize: 'full', learningRate: 0.125, shuffle: false });
    expect(Array.from(m.weights)).toEqual([1.25]);
    expect(m.bias).toBe(0.75);
    expect(Array.from(m.predict([[4]]))).toEqual([5.75]);
    expect(m.evaluate([[1]], [2]).mse).toBe(0);
  });

  // A ValidationError like every other error a caller's arguments cause: it is the engine option that fails.
  it.each(['auto', 'wasm-simd', 'wasm-scalar'])("engine '%s' throws a ValidationError, naming the fix", (engine) => {
    for (const Model of [LinearRegression, LogisticRegression]) {
      expectThrows(() => new Model({ features: 3, engine: engine as 'auto' }), ValidationError, message(engine));
    }
  });

  it("the default engine ('auto') throws the same way", () => {
    expectThrows(() => new LinearRegression({ features: 3 }), ValidationError, message('auto'));
  });
});

describe('after ready()', () => {
  it("the WASM engines work, and 'auto' is wasm-simd", async () => {
    await ready();
    expect(isReady()).toBe(true);
    const m = new LinearRegression({ features: 1 });
    expect(m.engine).toBe('wasm-simd');
    m.fit([[1], [2]], [2, 4], { epochs: 1, batchSize: 'full', learningRate: 0.125, shuffle: false });
    // The same exact step as above (dyadic numbers are exact in float32).
    expect(Array.from(m.weights)).toEqual([1.25]);
    expect(m.bias).toBe(0.75);
    m.dispose();
  });
});
