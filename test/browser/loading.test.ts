// Loading in a real browser, with no bundler and no vitest in the page: Chromium (Debian's,
// driven by Playwright) opens pages from test/browser/server.ts that import the library as
// plain ES modules. Under a Content-Security-Policy without 'wasm-unsafe-eval', 'auto'
// trains with js after one warning and a forced WASM engine's error names the fix;
// ready({ simd, scalar }) loads .wasm files served over HTTP, and a broken URL falls back;
// a later ready({ scalar: true }) loads the scalar build that ready() left out;
// steepest/worker finds its worker script beside itself.
import type { Browser } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as steepest from '../../src/index.js';
import { CSP, startServer, type StaticServer } from './server.js';
import { launchChromium } from '../helpers/chromium.js';
import { openHarness, type OpenPage } from './harness.js';

const PAGES = {
  'index.html': '<!doctype html><meta charset="utf-8"><script type="module" src="harness.js"></script>',
  // Exposes the library to page.evaluate (an external module: script-src 'self' refuses inline scripts).
  'harness.js': `
    import * as lib from '../lib/index.js';
    import * as worker from '../lib/worker/browser.js';
    globalThis.steepest = lib;
    globalThis.steepestWorker = worker;
    globalThis.loaded = true;`,
};

interface Run {
  engine: string;
  params: number[];
  loss: number[];
}

/**
 * A fixed fit, run in the page (as page.evaluate's function) and in Node: it reads the
 * library from globalThis.steepest so that the same source runs in both. Data from exact
 * arithmetic only.
 */
async function train(engine: string): Promise<Run> {
  const lib = (globalThis as unknown as { steepest: typeof steepest }).steepest;
  const f = 5;
  const rows = 200;
  const X = Float32Array.from({ length: rows * f }, (_, i) => ((i * 37) % 101) / 50 - 1);
  const y = Float32Array.from({ length: rows }, (_, r) => (X[r * f] - X[r * f + 1] + X[r * f + 3] / 2 > 0 ? 1 : 0));
  const m = new lib.LogisticRegression({ features: f, engine: engine as steepest.EngineOption });
  const h = m.fit(X, y, { epochs: 5, batchSize: 16, learningRate: 0.1, optimizer: 'adam' });
  const out = { engine: m.engine, params: [...m.weights, m.bias], loss: h.loss };
  m.dispose();
  return out;
}

/** The error a forced engine throws in the page, as data. */
async function forced(engine: string): Promise<{ name: string; message: string; isEngineError: boolean } | null> {
  const lib = (globalThis as unknown as { steepest: typeof steepest }).steepest;
  try {
    new lib.LogisticRegression({ features: 2, engine: engine as steepest.EngineOption }).dispose();
    return null;
  } catch (err) {
    return { name: (err as Error).name, message: (err as Error).message, isEngineError: err instanceof lib.EngineError };
  }
}

let server: StaticServer;
let browser: Browser;
const node: Record<string, Run> = {};

beforeAll(async () => {
  server = await startServer(PAGES);
  browser = await launchChromium();
  await steepest.ready({ scalar: true });
  (globalThis as unknown as { steepest: typeof steepest }).steepest = steepest;
  for (const engine of ['wasm-simd', 'wasm-scalar', 'js']) node[engine] = await train(engine);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** Opens the harness page (under /csp/ with the policy); collects console warnings and page errors. */
function open(csp: boolean): Promise<OpenPage> {
  return openHarness(browser, server, csp ? '/csp' : '', `globalThis.train = ${train.toString()}; globalThis.forced = ${forced.toString()};`);
}

describe(`under Content-Security-Policy: ${CSP} (no 'wasm-unsafe-eval')`, () => {
  it("'auto' trains with js after exactly one warning; forced WASM engines throw EngineError naming 'wasm-unsafe-eval'", async () => {
    const { page, warnings, errors } = await open(true);
    const r = await page.evaluate(async () => {
      const g = globalThis as unknown as { steepest: typeof steepest; train: typeof train; forced: typeof forced };
      await g.steepest.ready();
      return {
        engines: g.steepest.availableEngines(),
        auto: await g.train('auto'),
        simd: await g.forced('wasm-simd'),
        scalar: await g.forced('wasm-scalar'),
      };
    });
    expect(r.engines).toEqual(['js']);
    expect(warnings.length).toBe(1);
    // Chromium's own words for the refusal (they change between versions), then ours.
    expect(warnings[0]).toMatch(/^steepest: WebAssembly is unavailable \(CompileError: WebAssembly\.\w+\(\): .*'unsafe-eval' is not an allowed source of script/);
    expect(warnings[0]).toMatch(/engine 'auto' trains with the js engine\. A Content-Security-Policy without 'wasm-unsafe-eval' blocks it$/);
    expect(r.auto.engine).toBe('js');
    expect(r.auto.loss[4]).toBeLessThan(r.auto.loss[0] * 0.9); // it trained
    for (const [engine, e] of [['wasm-simd', r.simd], ['wasm-scalar', r.scalar]] as const) {
      expect(e?.isEngineError, engine).toBe(true);
      expect(e?.message).toMatch(new RegExp(`^engine '${engine}' is unavailable: its WebAssembly build did not load \\(CompileError: .*'unsafe-eval' is not an allowed source of script`));
      expect(e?.message).toMatch(/The page's Content-Security-Policy blocks WebAssembly: add 'wasm-unsafe-eval' to its script-src, or use engine 'js'$/);
    }
    expect(warnings.length).toBe(1); // no more warnings after the first
    expect(errors).toEqual([]);
    await page.close();
  });

  it('trainInWorker works under the policy (the js engine: the worker compiles nothing)', async () => {
    const { page, errors } = await open(true);
    const same = await page.evaluate(async () => {
      const g = globalThis as unknown as { steepest: typeof steepest; steepestWorker: typeof import('../../src/worker/browser.js') };
      await g.steepest.ready();
      const X = Float32Array.from({ length: 300 }, (_, i) => ((i * 13) % 29) / 14 - 1);
      const y = Float32Array.from({ length: 100 }, (_, r) => (X[3 * r] > X[3 * r + 2] ? 1 : 0));
      const a = new g.steepest.LogisticRegression({ features: 3 });
      const b = new g.steepest.LogisticRegression({ features: 3 });
      const opts = { epochs: 4, batchSize: 10, learningRate: 0.1 };
      a.fit(X, y, opts);
      const h = await g.steepestWorker.trainInWorker(b, X, y, opts);
      return { engine: h.engine, same: [...a.weights, a.bias].every((v, i) => Object.is(v, [...b.weights, b.bias][i])) };
    });
    expect(same).toEqual({ engine: 'js', same: true });
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('ready({ simd, scalar }) with the .wasm files served over HTTP', () => {
  it('loads both builds from URLs (a string and a URL object) and trains bit for bit as Node with the embedded builds', async () => {
    const { page, warnings, errors } = await open(false);
    const r = await page.evaluate(async () => {
      const g = globalThis as unknown as { steepest: typeof steepest; train: typeof train };
      await g.steepest.ready({ simd: '/wasm/steepest.simd.wasm', scalar: new URL('/wasm/steepest.scalar.wasm', location.href) });
      return { engines: g.steepest.availableEngines(), simd: await g.train('wasm-simd'), scalar: await g.train('wasm-scalar') };
    });
    expect(r.engines).toEqual(['wasm-simd', 'wasm-scalar', 'js']);
    expect(r.simd).toEqual(node['wasm-simd']); // toEqual on numbers is Object.is: every bit
    expect(r.scalar).toEqual(node['wasm-scalar']);
    expect(warnings).toEqual([]);
    expect(errors).toEqual([]);
    expect(server.failed).toEqual([]);
    await page.close();
  });

  it("a broken URL falls back: 'auto' uses the build that loaded, the broken one's engine names the HTTP status, no warning", async () => {
    const { page, warnings, errors } = await open(false);
    const r = await page.evaluate(async () => {
      const g = globalThis as unknown as { steepest: typeof steepest; train: typeof train; forced: typeof forced };
      await g.steepest.ready({ simd: '/wasm/missing.wasm' });
      return { engines: g.steepest.availableEngines(), auto: await g.train('auto'), simd: await g.forced('wasm-simd') };
    });
    expect(r.engines).toEqual(['wasm-scalar', 'js']);
    expect(r.auto).toEqual(node['wasm-scalar']);
    expect(r.simd).toEqual({
      name: 'EngineError', isEngineError: true,
      message: "engine 'wasm-simd' is unavailable: its WebAssembly build did not load (Error: fetching /wasm/missing.wasm gave HTTP 404); use engine 'auto' or 'js'",
    });
    expect(warnings).toEqual([]); // one build loaded: nothing to warn about
    expect(errors).toEqual([]);
    expect(server.failed).toEqual(['GET /wasm/missing.wasm']);
    await page.close();
  });

  it("both URLs broken: 'auto' trains with js after one warning", async () => {
    const { page, warnings } = await open(false);
    const r = await page.evaluate(async () => {
      const g = globalThis as unknown as { steepest: typeof steepest; train: typeof train };
      await g.steepest.ready({ simd: '/wasm/missing.wasm', scalar: '/nowhere/steepest.scalar.wasm' });
      return { engines: g.steepest.availableEngines(), auto: await g.train('auto') };
    });
    expect(r.engines).toEqual(['js']);
    expect(r.auto.engine).toBe('js');
    expect(warnings).toEqual(["steepest: WebAssembly is unavailable (Error: fetching /nowhere/steepest.scalar.wasm gave HTTP 404); engine 'auto' trains with the js engine"]);
    await page.close();
  });
});

describe('ready() called again', () => {
  it('await ready(); await ready({ scalar: true }): the second call fetches the scalar chunk and loads it; both train as in Node', async () => {
    const { page, warnings, errors } = await open(false);
    const chunks: string[] = [];
    page.on('request', (r) => {
      if (r.url().endsWith('/scalarBinary.js')) chunks.push(new URL(r.url()).pathname);
    });
    const first = await page.evaluate(async () => {
      const g = globalThis as unknown as { steepest: typeof steepest };
      await g.steepest.ready();
      return g.steepest.availableEngines();
    });
    expect(first).toEqual(['wasm-simd', 'js']);
    expect(chunks).toEqual([]); // SIMD loaded: the scalar build is not fetched
    const second = await page.evaluate(async () => {
      const g = globalThis as unknown as { steepest: typeof steepest; train: typeof train };
      await g.steepest.ready({ scalar: true });
      return { engines: g.steepest.availableEngines(), simd: await g.train('wasm-simd'), scalar: await g.train('wasm-scalar') };
    });
    expect(second.engines).toEqual(['wasm-simd', 'wasm-scalar', 'js']);
    expect(chunks).toEqual(['/lib/wasm/scalarBinary.js']);
    expect(second.simd).toEqual(node['wasm-simd']);
    expect(second.scalar).toEqual(node['wasm-scalar']);
    expect(warnings).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('steepest/worker with no bundler', () => {
  it('finds ./browserWorker.js beside itself and trains as fit does, on every engine, bit for bit', async () => {
    const { page, errors } = await open(false);
    const r = await page.evaluate(async () => {
      const g = globalThis as unknown as { steepest: typeof steepest; steepestWorker: typeof import('../../src/worker/browser.js') };
      await g.steepest.ready({ scalar: true });
      const out: { engine: string; history: string; same: boolean }[] = [];
      const X = Float32Array.from({ length: 400 }, (_, i) => ((i * 17) % 31) / 15 - 1);
      const y = Float32Array.from({ length: 100 }, (_, r) => (X[4 * r] + X[4 * r + 1] > 0 ? 1 : 0));
      for (const engine of ['wasm-simd', 'wasm-scalar', 'js'] as const) {
        const a = new g.steepest.MLP({ inputs: 4, hidden: [3], outputs: 1, engine, seed: 7 });
        const b = new g.steepest.MLP({ inputs: 4, hidden: [3], outputs: 1, engine, seed: 7 });
        const opts = { epochs: 4, batchSize: 8, learningRate: 0.1, optimizer: 'adam' as const };
        a.fit(X, y, opts);
        const h = await g.steepestWorker.trainInWorker(b, X, y, opts);
        const pa = a.layers.flatMap((l) => [...l.weights, ...l.bias]);
        const pb = b.layers.flatMap((l) => [...l.weights, ...l.bias]);
        out.push({ engine, history: h.engine, same: pa.every((v, i) => Object.is(v, pb[i])) });
      }
      return out;
    });
    expect(r).toEqual([
      { engine: 'wasm-simd', history: 'wasm-simd', same: true },
      { engine: 'wasm-scalar', history: 'wasm-scalar', same: true },
      { engine: 'js', history: 'js', same: true },
    ]);
    expect(errors).toEqual([]);
    expect(server.failed).toEqual([]);
    await page.close();
  });
});
