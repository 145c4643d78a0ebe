// ready() when the browser's Content-Security-Policy refuses WebAssembly (simulated in Node by
// making WebAssembly.compile reject with Chromium's CSP message, word for word): ready() still
// resolves, 'auto' trains with js after exactly one warning, and a forced WASM engine's error
// mentions 'wasm-unsafe-eval'. The real-browser version of this test belongs to the browser issue.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { EngineError, LinearRegression, availableEngines, ready } from '../../src/index.js';

const CSP =
  "WebAssembly.compile(): Refused to compile or instantiate WebAssembly module because 'unsafe-eval' is not an " +
  "allowed source of script in the following Content Security Policy directive: \"script-src 'self'\"";
const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
// A fresh rejection per call (mockRejectedValue makes one up front, unhandled until ready() gets to compile).
const compile = vi.spyOn(WebAssembly, 'compile').mockImplementation(() => Promise.reject(new WebAssembly.CompileError(CSP)));

beforeAll(async () => {
  await ready();
});
afterAll(() => {
  compile.mockRestore();
  warn.mockRestore();
});

describe('WebAssembly blocked by a Content-Security-Policy', () => {
  it('ready() resolved with only js available, and warned once naming the cause and the fix', () => {
    expect(availableEngines()).toEqual(['js']);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0][0]).toBe(
      `steepest: WebAssembly is unavailable (CompileError: ${CSP}); engine 'auto' trains with the js engine. ` +
        "A Content-Security-Policy without 'wasm-unsafe-eval' blocks it",
    );
  });

  it("'auto' trains with js; no further warnings", () => {
    const m = new LinearRegression({ features: 1 });
    expect(m.engine).toBe('js');
    // One exact full-batch step from 0 on y = 2x (see notReady.test.ts for the arithmetic).
    m.fit([[1], [2]], [2, 4], { epochs: 1, batchSize: 'full', learningRate: 0.125, shuffle: false });
    expect(Array.from(m.weights)).toEqual([1.25]);
    expect(warn).toHaveBeenCalledTimes(1);
  });

  it.each(['wasm-simd', 'wasm-scalar'] as const)("forced '%s' throws an EngineError that mentions 'wasm-unsafe-eval'", (engine) => {
    expect(() => new LinearRegression({ features: 1, engine })).toThrowError(
      new EngineError(
        `engine '${engine}' is unavailable: its WebAssembly build did not load (CompileError: ${CSP}). ` +
          "The page's Content-Security-Policy blocks WebAssembly: add 'wasm-unsafe-eval' to its script-src, or use engine 'js'",
      ),
    );
  });
});
