// ready() calls add up: a later call loads what it asks for that is not loaded yet, a
// build that loaded stays whatever source a later call names, a build that failed is tried
// again only from a different source, and concurrent calls compile each build once. Each
// test imports the library afresh (vi.resetModules), so each starts with nothing loaded;
// WebAssembly.compile is watched (not replaced) to count compiles.
import { availableParallelism } from 'node:os';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

const compile = vi.spyOn(WebAssembly, 'compile');
const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
/** Bytes that are not a module: WebAssembly.compile rejects them with a CompileError. */
const NOT_WASM = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 99]);

/** The library and its runtime, imported afresh: nothing loaded yet. */
async function fresh() {
  vi.resetModules();
  const lib = await import('../../src/index.js');
  const runtime = await import('../../src/wasm/runtime.js');
  return { ...lib, getRuntime: runtime.getRuntime, loadFailure: runtime.loadFailure };
}
type Lib = Awaited<ReturnType<typeof fresh>>;

/** One exact full-batch step from 0 on y = 2x (see notReady.test.ts for the arithmetic): the weight is 1.25. */
function oneStep(lib: Lib, engine: 'wasm-simd' | 'wasm-scalar'): number[] {
  const m = new lib.LinearRegression({ features: 1, engine });
  m.fit([[1], [2]], [2, 4], { epochs: 1, batchSize: 'full', learningRate: 0.125, shuffle: false });
  const w = Array.from(m.weights);
  m.dispose();
  return w;
}

beforeEach(() => {
  compile.mockClear();
  warn.mockClear();
});
afterEach(() => expect(warn).not.toHaveBeenCalled());
afterAll(() => {
  compile.mockRestore();
  warn.mockRestore();
});

describe('ready() called more than once', () => {
  it('await ready(); await ready({ scalar: true }) loads the scalar build too, compiling only it', async () => {
    const lib = await fresh();
    await lib.ready();
    expect(lib.availableEngines()).toEqual(['wasm-simd', 'js']);
    const simd = lib.getRuntime(true);
    expect(compile).toHaveBeenCalledTimes(1);
    await lib.ready({ scalar: true });
    expect(lib.availableEngines()).toEqual(['wasm-simd', 'wasm-scalar', 'js']);
    expect(compile).toHaveBeenCalledTimes(2);
    expect(lib.getRuntime(true)).toBe(simd); // the SIMD build is the same instance
    expect(oneStep(lib, 'wasm-scalar')).toEqual([1.25]);
    expect(oneStep(lib, 'wasm-simd')).toEqual([1.25]);
    expect(new lib.LinearRegression({ features: 1 }).engine).toBe('wasm-simd'); // 'auto' still prefers SIMD
  });

  it('concurrent calls compile each build once', async () => {
    const lib = await fresh();
    await Promise.all([lib.ready(), lib.ready({ scalar: true }), lib.ready(), lib.ready({ scalar: true })]);
    expect(compile).toHaveBeenCalledTimes(2);
    expect(lib.availableEngines()).toEqual(['wasm-simd', 'wasm-scalar', 'js']);
    await Promise.all([lib.ready(), lib.ready({ scalar: true })]);
    expect(compile).toHaveBeenCalledTimes(2); // everything asked for is loaded: nothing more to compile
  });

  it('a source for a build that loaded is not used: the build stays (models may hold its memory)', async () => {
    const lib = await fresh();
    await lib.ready({ scalar: true });
    const before = [lib.getRuntime(true), lib.getRuntime(false)];
    compile.mockClear();
    await lib.ready({ simd: NOT_WASM, scalar: NOT_WASM });
    expect(compile).not.toHaveBeenCalled();
    expect([lib.getRuntime(true), lib.getRuntime(false)]).toEqual(before);
    expect([lib.loadFailure(true), lib.loadFailure(false)]).toEqual([null, null]);
    expect(oneStep(lib, 'wasm-simd')).toEqual([1.25]);
  });

  it('a build that failed is tried again from a different source, not from the same one', async () => {
    const lib = await fresh();
    await lib.ready({ simd: NOT_WASM }); // SIMD fails, so the scalar build loads as its fallback
    expect(lib.availableEngines()).toEqual(['wasm-scalar', 'js']);
    expect(lib.loadFailure(true)).toBeInstanceOf(WebAssembly.CompileError);
    expect(compile).toHaveBeenCalledTimes(2);
    await lib.ready({ simd: NOT_WASM });
    expect(compile).toHaveBeenCalledTimes(2); // the same bytes would fail the same way
    const scalar = lib.getRuntime(false);
    await lib.ready(); // the embedded SIMD build: another source
    expect(compile).toHaveBeenCalledTimes(3);
    expect(lib.availableEngines()).toEqual(['wasm-simd', 'wasm-scalar', 'js']);
    expect(lib.loadFailure(true)).toBeNull();
    expect(lib.getRuntime(false)).toBe(scalar);
    expect(oneStep(lib, 'wasm-simd')).toEqual([1.25]);
  });

  it('a call that finds nothing new to load does not warn again', async () => {
    const lib = await fresh();
    compile.mockImplementation(() => Promise.reject(new WebAssembly.CompileError('refused')));
    try {
      await lib.ready();
      expect(warn).toHaveBeenCalledTimes(1);
      await lib.ready({ scalar: true }); // the embedded scalar build already failed as the fallback
      await lib.ready();
      // The SIMD and scalar builds, and first the threaded build where this machine could run threads (tried once).
      expect(compile).toHaveBeenCalledTimes(availableParallelism() > 1 ? 3 : 2);
      expect(warn).toHaveBeenCalledTimes(1);
      expect(lib.availableEngines()).toEqual(['js']);
    } finally {
      compile.mockReset();
      warn.mockClear(); // the one warning was expected here
    }
  });
});
