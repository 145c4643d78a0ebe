// ready() without options on a runtime with SIMD: only the SIMD build loads (a page does
// not download the scalar build it would never run); 'wasm-scalar' then names the call
// that loads it. ready({ scalar: true }) loading both is what every engine test uses.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { EngineError, LogisticRegression, availableEngines, ready } from '../../src/index.js';
import { getRuntime } from '../../src/wasm/runtime.js';
import { thrown } from '../helpers/training.js';

const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});

beforeAll(() => ready());
afterAll(() => warn.mockRestore());

describe('ready() with no options where SIMD works', () => {
  it('loads the SIMD build only, without a warning', () => {
    expect(availableEngines()).toEqual(['wasm-simd', 'js']);
    expect(getRuntime(true)).not.toBeNull();
    expect(getRuntime(false)).toBeNull();
    expect(warn).not.toHaveBeenCalled();
  });

  it("'auto' trains with wasm-simd", () => {
    const m = new LogisticRegression({ features: 1 });
    expect(m.engine).toBe('wasm-simd');
    m.dispose();
  });

  it("a forced 'wasm-scalar' throws an EngineError that names ready({ scalar: true })", () => {
    const e = thrown(() => new LogisticRegression({ features: 1, engine: 'wasm-scalar' }));
    expect(e).toBeInstanceOf(EngineError);
    expect(e.message).toBe(
      "engine 'wasm-scalar' was not loaded: ready() loads the scalar build only where the SIMD build cannot run; " +
        "call `await ready({ scalar: true })` first to have both (or use engine 'auto')",
    );
  });
});
