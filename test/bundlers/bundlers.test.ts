// Bundler tests: a tiny app (app/) that imports { ready, LogisticRegression, MLP }
// from 'steepest' is built with Vite, esbuild and webpack 5, each with no configuration
// for steepest at all, and run in headless Chromium. 'steepest' resolves by package
// name through a node_modules symlink to this repository, so the bundlers read
// package.json's `exports` and bundle dist/ (run `npm run build` first), exactly as
// they would for an installed copy. The embedded .wasm needs no asset handling:
// no build may emit a .wasm file, nor the page request one. The scalar build is a dynamic
// import(): where the bundler splits it into a chunk, a page with SIMD must not request it.
// The app also trains through steepest/worker, which Vite and webpack bundle as they find it.
import { cp, mkdir, mkdtemp, readFile, readdir, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import type { Browser } from 'playwright';
import { build, preview } from 'vite';
import webpack from 'webpack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectProblems, launchChromium } from '../helpers/chromium.js';
// @ts-expect-error: plain JS fixture shared with the bundled app
import { trainBoth, unhex } from './app/train.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const APP = path.join(path.dirname(fileURLToPath(import.meta.url)), 'app');

interface Fit {
  engine: string;
  accuracy: number;
  loss: string[];
  params: string[];
}
interface WorkerFit {
  engine: string;
  loss: string[];
  localLoss: string[];
  params: string[];
  localParams: string[];
}
type Result = { logistic: Fit; mlp: Fit; worker: WorkerFit } | { error: string };

let tmp: string;
let app: string;
let browser: Browser;
let node: { logistic: Fit; mlp: Fit };

beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'steepest-bundlers-'));
  app = path.join(tmp, 'app');
  await cp(APP, app, { recursive: true });
  await mkdir(path.join(app, 'node_modules'));
  await symlink(ROOT, path.join(app, 'node_modules', 'steepest'), 'dir');
  // The same fits in Node on the same build, for the bit-for-bit comparison.
  node = await trainBoth(await import(pathToFileURL(path.join(ROOT, 'dist/index.js')).href));
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

/** Every file under dir, relative to it. */
async function files(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath, e.name))).sort();
}

/** Serves dir on 127.0.0.1, loads it in Chromium and returns what the app left in window.result. */
async function runInChromium(dir: string): Promise<{ result: Result; requests: string[]; problems: string[] }> {
  const server = await preview({ configFile: false, root: path.dirname(dir), logLevel: 'warn', build: { outDir: dir }, preview: { host: '127.0.0.1', port: 0 } });
  const page = await browser.newPage();
  try {
    const problems = collectProblems(page);
    const requests: string[] = [];
    page.on('request', (req) => requests.push(new URL(req.url()).pathname));
    await page.goto(server.resolvedUrls!.local[0]);
    const result = await page.evaluate(() => (window as unknown as { result: Promise<Result> }).result);
    return { result, requests, problems };
  } finally {
    await page.close();
    await server.close();
  }
}

/** The emitted JS files that hold an embedded build (a gzip stream's base64 is unique to its build). */
async function chunksHolding(dir: string, build: 'simd' | 'scalar'): Promise<string[]> {
  const source = await readFile(path.join(ROOT, `dist/wasm/${build}Binary.js`), 'utf8');
  const base64 = /'([A-Za-z0-9+/=]{1000,})'/.exec(source)![1];
  const out: string[] = [];
  for (const f of await files(dir)) if (f.endsWith('.js') && (await readFile(path.join(dir, f), 'utf8')).includes(base64)) out.push(path.basename(f));
  return out;
}

/**
 * Each build is bundled once: the SIMD build in the page's code and not again in the
 * training worker's (it is handed the page's compiled module); the scalar build, where the
 * bundler splits chunks, in a chunk of its own that the page (Chromium has SIMD) never requests.
 */
async function expectBuildsOnce(dir: string, requests: string[], split: boolean): Promise<void> {
  const simd = await chunksHolding(dir, 'simd');
  expect(simd.length, 'one file holds the SIMD build (not the worker script too)').toBe(1);
  expect(requests.map((r) => path.basename(r)), 'and the page loaded it').toContain(simd[0]);
  const scalar = await chunksHolding(dir, 'scalar');
  if (!split) {
    expect(scalar, 'unsplit, the scalar build is inlined beside it').toEqual(simd);
    return;
  }
  expect(scalar.length, 'one chunk holds the scalar build').toBe(1);
  expect(scalar[0], 'a chunk of its own').not.toBe(simd[0]);
  expect(requests.map((r) => path.basename(r)), 'which a browser with SIMD never requests').not.toContain(scalar[0]);
}

/** The checks every bundler must pass. */
function expectTrained(result: Result): void {
  if ('error' in result) expect.fail(`the bundled app failed: ${result.error}`);
  for (const name of ['logistic', 'mlp'] as const) {
    const got = result[name];
    const want = node[name];
    expect(got.engine, `${name} trained on the SIMD build`).toBe('wasm-simd');
    // WebAssembly fixes every f32/f64 result (no relaxed SIMD, our own exp and log1p), and
    // both runs see the same input bits and seeds: the bundled build must train exactly as
    // Node does. Any difference is a loading or bundling bug, not rounding.
    expect(got.loss, `${name} loss history equals Node's bit for bit`).toEqual(want.loss);
    expect(got.params, `${name} parameters equal Node's bit for bit`).toEqual(want.params);
  }
  // And they learned: the plane is separable; an 8-unit tanh layer can carve XOR.
  expect(result.logistic.accuracy).toBeGreaterThanOrEqual(0.95);
  expect(result.mlp.accuracy).toBeGreaterThanOrEqual(0.9);
  expect(unhex(result.mlp.loss.at(-1)!)).toBeLessThan(0.5 * unhex(result.mlp.loss[0]));
  // steepest/worker, bundled with no configuration but esbuild's extra entry: trainInWorker trains as fit does.
  expect(result.worker.engine).toBe('wasm-simd');
  expect(result.worker.loss).toEqual(result.worker.localLoss);
  expect(result.worker.params).toEqual(result.worker.localParams);
}

/** What every bundler's output must do: no .wasm emitted or requested, each build bundled once, the app trains in Chromium as in Node. */
async function expectAppWorks(out: string, split: boolean): Promise<void> {
  expect((await files(out)).filter((f) => f.endsWith('.wasm')), 'no .wasm asset: the builds are embedded').toEqual([]);
  const { result, requests, problems } = await runInChromium(out);
  expectTrained(result);
  expect(requests.filter((r) => r.endsWith('.wasm'))).toEqual([]);
  await expectBuildsOnce(out, requests, split);
  expect(problems).toEqual([]);
}

describe('bundlers: steepest imported by package name, no configuration', () => {
  it('Vite builds the app; it trains LogisticRegression and MLP in Chromium exactly as Node does', async () => {
    const out = path.join(tmp, 'vite');
    await build({ root: app, configFile: false, logLevel: 'warn', build: { outDir: out, emptyOutDir: true } });
    await expectAppWorks(out, true);
  });

  it('esbuild bundles the app; it trains LogisticRegression and MLP in Chromium exactly as Node does', async () => {
    const out = path.join(tmp, 'esbuild');
    // bundle + format are how any esbuild browser build starts; the second entry is steepest/worker's
    // script, which esbuild does not find by itself (docs/browser.md). No splitting: the scalar build is inlined.
    const worker = path.join(app, 'node_modules/steepest/dist/worker/browserWorker.js');
    await esbuild.build({ entryPoints: { main: path.join(app, 'main.js'), browserWorker: worker }, bundle: true, format: 'esm', outdir: out, absWorkingDir: app, logLevel: 'warning' });
    await cp(path.join(app, 'index.html'), path.join(out, 'index.html'));
    expect(await files(out)).toEqual(['browserWorker.js', 'index.html', 'main.js']);
    await expectAppWorks(out, false);
  });

  it('webpack 5 bundles the app; it trains LogisticRegression and MLP in Chromium exactly as Node does', async () => {
    const out = path.join(tmp, 'webpack');
    // webpack's defaults (production mode named to silence its warning); nothing here is for steepest.
    const stats = await new Promise<webpack.Stats>((resolve, reject) =>
      webpack({ mode: 'production', context: app, entry: './main.js', output: { path: out, filename: 'main.js' } }, (err, st) =>
        err || !st ? reject(err ?? new Error('no stats')) : resolve(st),
      ),
    );
    expect(stats.toJson({ all: false, errors: true, warnings: true })).toMatchObject({ errors: [], warnings: [] });
    await cp(path.join(app, 'index.html'), path.join(out, 'index.html'));
    await expectAppWorks(out, true);
  });
});
