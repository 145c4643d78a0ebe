// ready() when the SIMD build does not compile (here: bytes that are not WebAssembly): each
// build loads on its own, so the scalar build still works, 'auto' picks it without a
// warning, and a forced 'wasm-simd' names the cause. ready() is global per test file.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { EngineError, LogisticRegression, availableEngines, ready } from '../../src/index.js';
import { SMALL_X, SMALL_Y_CLS } from '../helpers/training.js';

const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});

beforeAll(async () => {
  // Not a module: WebAssembly.compile rejects with a CompileError.
  await ready({ simd: new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 99]) });
});
afterAll(() => warn.mockRestore());

describe('the SIMD build fails to compile', () => {
  it('ready() resolved, and availableEngines() lists what compiled', () => {
    expect(availableEngines()).toEqual(['wasm-scalar', 'js']);
  });

  it("'auto' uses the scalar build and trains, with no warning (it did not fall back past WebAssembly)", () => {
    const m = new LogisticRegression({ features: 3 });
    expect(m.engine).toBe('wasm-scalar');
    m.fit(SMALL_X, SMALL_Y_CLS, { epochs: 20, learningRate: 0.5, seed: 1 });
    expect(m.evaluate(SMALL_X, SMALL_Y_CLS).accuracy).toBeGreaterThan(0.5);
    m.dispose();
    expect(warn).not.toHaveBeenCalled();
  });

  it("a forced 'wasm-simd' throws an EngineError naming the cause, which it carries", () => {
    let err: unknown;
    try {
      new LogisticRegression({ features: 3, engine: 'wasm-simd' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(EngineError);
    const e = err as EngineError;
    expect(e.message).toMatch(/^engine 'wasm-simd' is unavailable: its WebAssembly build did not load \(CompileError: .+\); use engine 'auto' or 'js'$/);
    expect(e.cause).toBeInstanceOf(WebAssembly.CompileError);
  });
});
