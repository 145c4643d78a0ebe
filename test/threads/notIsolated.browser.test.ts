// In a page that is not cross-origin isolated (the vitest browser page sends no COOP/COEP
// headers) there is no shared memory: ready() loads the one-thread SIMD build, threadCount()
// is 1, nothing warns, and a fit that asks for threads trains on one thread with the same bits.
import { describe, expect, it, vi } from 'vitest';
import { ready, threadCount, availableEngines, LogisticRegression } from '../../src/index.js';
import { getRuntime } from '../../src/wasm/runtime.js';

describe('threads in a page without cross-origin isolation', () => {
  it('one thread, no error or warning; threads: 2 trains as threads: 1', async () => {
    const warn = vi.spyOn(console, 'warn');
    await ready();
    expect(globalThis.crossOriginIsolated).toBe(false);
    expect(threadCount()).toBe(1);
    expect(availableEngines()[0]).toBe('wasm-simd');
    expect(getRuntime(true)!.threaded).toBeNull();
    expect(WebAssembly.Module.imports(getRuntime(true)!.module).some((i) => i.kind === 'memory')).toBe(false); // not the threaded build
    const N = 5000, D = 64;
    const X = Float32Array.from({ length: N * D }, (_, i) => Math.sin(i * 0.37));
    const y = Float32Array.from({ length: N }, (_, i) => (X[i * D] > 0 ? 1 : 0));
    const fitWith = (threads: number) => {
      const m = new LogisticRegression({ features: D, seed: 1 });
      m.fit(X, y, { epochs: 2, batchSize: 64, seed: 2, threads });
      const w = Array.from(m.weights);
      m.dispose();
      return w;
    };
    expect(fitWith(2)).toEqual(fitWith(1));
    expect(warn).not.toHaveBeenCalled();
    warn.mockRestore();
  });
});
