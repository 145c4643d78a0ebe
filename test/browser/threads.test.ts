// Threads in a real browser (issue 16): Chromium (Debian's, driven by Playwright) opens the same
// page twice from test/browser/server.ts, once under /isolated/ (COOP: same-origin, COEP:
// require-corp: crossOriginIsolated, so SharedArrayBuffer and shared WebAssembly memory exist)
// and once without those headers. ready({ threads: 2 }) gives the isolated page 2 threads and
// the other 1, without an error or a warning; the page trains in both, with the same bits
// (40,000 rows: past the size where a shuffled epoch's rewrite moves to the second thread).
import type { Browser } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as steepest from '../../src/index.js';
import { startServer, type StaticServer } from './server.js';
import { launchChromium } from '../helpers/chromium.js';
import { openHarness, type OpenPage } from './harness.js';

const PAGES = {
  'index.html': '<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><script type="module" src="harness.js"></script>',
  'harness.js': "import * as lib from '../lib/index.js'; globalThis.steepest = lib; globalThis.loaded = true;",
};

/** What the page reports: its isolation, and a fixed fit's result (run in the page as page.evaluate's function). */
async function probe() {
  const lib = (globalThis as unknown as { steepest: typeof steepest }).steepest;
  await lib.ready({ threads: 2 });
  const f = 6;
  const rows = 40_000;
  const X = Float32Array.from({ length: rows * f }, (_, i) => ((i * 37) % 101) / 50 - 1);
  const y = Float32Array.from({ length: rows }, (_, r) => (X[r * f] - X[r * f + 1] + X[r * f + 3] / 2 > 0 ? 1 : 0));
  const m = new lib.LogisticRegression({ features: f });
  const h = m.fit(X, y, { epochs: 4, batchSize: 64, learningRate: 0.1, seed: 3 });
  const out = {
    isolated: globalThis.crossOriginIsolated === true, sharedMemory: typeof SharedArrayBuffer === 'function', threads: lib.threadCount(),
    engine: m.engine, params: [...m.weights, m.bias], loss: h.loss,
  };
  m.dispose();
  return out;
}

let server: StaticServer;
let browser: Browser;

beforeAll(async () => {
  server = await startServer(PAGES);
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** Opens the page (under /isolated/ with COOP and COEP); collects console warnings and page errors. */
function open(isolated: boolean): Promise<OpenPage> {
  return openHarness(browser, server, isolated ? '/isolated' : '', `globalThis.probe = ${probe.toString()};`);
}

describe('a page with and without COOP/COEP', () => {
  it('gets 2 threads with the headers and 1 without, trains in both without a warning, and the bits agree', async () => {
    const runs = [];
    for (const isolated of [true, false]) {
      const { page, warnings, errors } = await open(isolated);
      const r = await page.evaluate(() => (globalThis as unknown as { probe: typeof probe }).probe());
      expect(r.isolated, `isolated ${isolated}`).toBe(isolated);
      expect(r.sharedMemory, `SharedArrayBuffer with isolated ${isolated}`).toBe(isolated);
      expect(r.threads, `threadCount() with isolated ${isolated}`).toBe(isolated ? 2 : 1);
      expect(r.engine).toBe('wasm-simd');
      expect(r.loss[3]).toBeLessThan(r.loss[0] * 0.9); // it trained
      expect(warnings).toEqual([]);
      expect(errors).toEqual([]);
      expect(server.failed).toEqual([]);
      runs.push(r);
      await page.close();
    }
    expect(runs[0].params).toEqual(runs[1].params);
    expect(runs[0].loss).toEqual(runs[1].loss);
  });
});
