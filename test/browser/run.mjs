// Browser smoke test (`npm run test:browser`): the built package (dist/) trains in
// headless Chromium, on the main thread and in a module Web Worker, on every engine,
// and the WASM engines' results equal Node's bit for bit (the js engine's to 1e-12:
// see REL_TOL).
//
// It serves dist/ and test/browser/ from a node:http server on 127.0.0.1, drives
// Debian's /usr/bin/chromium (override with CHROMIUM_PATH) through playwright-core
// with a fresh temporary profile, prints one line per check, and ends with
// 'N passed, N failed'. Exits non-zero on any failure or after TIMEOUT_MS.
import { createServer } from 'node:http';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { FIT, ROWS, FEATURES, trainAll, unhex } from './common.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const TIMEOUT_MS = 120_000;
const EXPECTED_ENGINES = ['wasm-simd', 'wasm-scalar', 'js'];
const MIN_ACCURACY = 0.9;
// URL prefix -> directory served under it; nothing else in the repository is exposed.
const SERVED = { '/dist/': path.join(ROOT, 'dist'), '/test/browser/': path.join(ROOT, 'test/browser') };
const TYPES = {
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
};

let passed = 0;
let failed = 0;
function check(name, ok, detail = '') {
  if (ok) passed++;
  else failed++;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}${detail ? ` (${detail})` : ''}`);
}

/** Static file server for SERVED; records every request it could not answer. */
function startServer(notFound) {
  const server = createServer(async (req, res) => {
    try {
      const { pathname } = new URL(req.url, 'http://127.0.0.1');
      const urlPath = path.posix.normalize(decodeURIComponent(pathname));
      const prefix = Object.keys(SERVED).find((p) => urlPath.startsWith(p));
      const file = prefix && path.join(SERVED[prefix], urlPath.slice(prefix.length));
      if (req.method !== 'GET' && req.method !== 'HEAD') throw Object.assign(new Error(), { status: 405 });
      if (!file || !file.startsWith(SERVED[prefix] + path.sep) || !(await stat(file)).isFile()) {
        throw Object.assign(new Error(), { status: 404 });
      }
      const body = await readFile(file);
      res.writeHead(200, {
        'Content-Type': TYPES[path.extname(file)] || 'application/octet-stream',
        'Content-Length': body.length,
        'Cache-Control': 'no-store',
      });
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch (err) {
      const status = err.status || (err.code === 'ENOENT' ? 404 : 500);
      notFound.push(`${req.method} ${req.url} -> ${status}`);
      res.writeHead(status, { 'Content-Type': 'text/plain' });
      res.end(`${status}\n`);
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

// Relative tolerance for values that pass through ECMAScript's Math.exp and
// Math.log1p: the spec leaves their rounding to the implementation, and V8 has
// changed it. Chromium 156's V8 rounds Math.exp correctly where Node 20's V8 11.3
// (an fdlibm port) is one ulp off for about 1 input in 10, so the js engine's
// trajectory drifts by ~1e-16 relative. Any real bug (wrong data, seed, engine,
// marshaling) shows up many orders of magnitude above this.
const REL_TOL = 1e-12;

/**
 * Compares two arrays of float64 bit patterns (hex). exact: every bit must agree;
 * otherwise each value must be within REL_TOL relative. Returns { ok, detail }.
 */
function compare(label, got, want, exact, ref) {
  if (got.length !== want.length) return { ok: false, detail: `${label}: length ${got.length}, ${ref} ${want.length}` };
  let differ = 0;
  let worst = 0;
  let worstAt = -1;
  for (let i = 0; i < got.length; i++) {
    if (got[i] === want[i]) continue;
    differ++;
    const w = unhex(want[i]);
    const rel = Math.abs(unhex(got[i]) - w) / Math.max(Math.abs(w), 1e-300);
    if (worstAt < 0 || !(rel <= worst)) [worst, worstAt] = [rel, i]; // NaN counts as worst
  }
  if (differ === 0) return { ok: true, detail: '' };
  return {
    ok: !exact && worst <= REL_TOL,
    detail: `${label}: ${differ} of ${got.length} differ, largest ${label}[${worstAt}] ` +
      `${unhex(got[worstAt])} vs ${ref} ${unhex(want[worstAt])} (relative ${worst.toExponential(1)})`,
  };
}

/** One check over several compared arrays: [label, got, want, exact]; want is ref's. */
function checkSame(name, parts, ref = 'Node') {
  const results = parts.map(([label, got, want, exact]) => compare(label, got, want, exact, ref));
  const details = results.map((r) => r.detail).filter(Boolean);
  check(name, results.every((r) => r.ok), details.join('; ') || 'bit-identical');
}

function checkRun(where, run, node) {
  check(`${where}: ran in a ${run.context} context`, run.context === where, run.context);
  check(`${where}: availableEngines() is ${EXPECTED_ENGINES.join(', ')}`,
    JSON.stringify(run.engines) === JSON.stringify(EXPECTED_ENGINES), run.engines.join(', '));
  for (const engine of EXPECTED_ENGINES) {
    const r = run.results.find((x) => x.engine === engine);
    const n = node.results.find((x) => x.engine === engine);
    if (!r) {
      check(`${where} ${engine}: trained`, false, 'engine not available');
      continue;
    }
    check(`${where} ${engine}: history.engine is ${engine}`, r.historyEngine === engine, r.historyEngine);
    check(`${where} ${engine}: accuracy >= ${MIN_ACCURACY}`, r.accuracy >= MIN_ACCURACY,
      `${r.accuracy}, loss ${unhex(r.loss[0]).toPrecision(6)} -> ${unhex(r.loss.at(-1)).toPrecision(6)}`);
    if (where === 'node' || !n) continue;
    // A WASM engine's training must match Node's bit for bit, not within a tolerance:
    // both runtimes get the same input bits and the same seed, hence the same shuffles
    // and the same sequence of operations, and WebAssembly fixes the result of every
    // f32/f64 operation, scalar and SIMD, to IEEE 754 round-to-nearest (the kernels
    // use no relaxed-SIMD ops, exp and log1p are our own AssemblyScript code, and with
    // a constant learning rate no JS Math function feeds the loop). So a difference
    // is a real bug in loading, marshaling or engine selection.
    // The js engine, and evaluate()'s loss (computed in JS for every engine), go
    // through Math.exp/Math.log1p, so across V8 versions they only agree to REL_TOL;
    // evaluate()'s accuracy only compares logits with 0, so it must be exact.
    const exact = engine !== 'js';
    const how = exact ? 'bit-identical to Node' : `equal to Node within ${REL_TOL} relative (JS Math)`;
    checkSame(`${where} ${engine}: loss and gradNorm histories (${r.loss.length} epochs) ${how}`, [
      ['loss', r.loss, n.loss, exact],
      ['gradNorm', r.gradNorm, n.gradNorm, exact],
    ]);
    checkSame(`${where} ${engine}: weights and bias ${how}`, [
      ['weights', r.weights, n.weights, exact],
      ['bias', [r.bias], [n.bias], exact],
    ]);
    checkSame(`${where} ${engine}: evaluate() accuracy bit-identical to Node, loss within ${REL_TOL}`, [
      ['accuracy', [r.evalAccuracy], [n.evalAccuracy], true],
      ['loss', [r.evalLoss], [n.evalLoss], false],
    ]);
  }
}

/** Resolves to p's value, or rejects after ms. */
function within(p, ms, what) {
  let timer;
  return Promise.race([
    p,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms / 1000} s`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

let server = null;
let context = null;
let profileDir = null;
const notFound = []; // requests the server answered with an error
const problems = []; // page errors, console errors, failed or external requests, crashes

async function main() {
  if (!existsSync(path.join(ROOT, 'dist/index.js'))) {
    throw new Error('dist/index.js is missing: run `npm run build` first');
  }
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} not found: apt-get install chromium (or set CHROMIUM_PATH)`);
  }

  const lib = await import('../../dist/index.js');
  const node = await trainAll(lib);
  console.log(`# node ${process.version} (V8 ${process.versions.v8}); ${ROWS} x ${FEATURES} rows, fit ${JSON.stringify(FIT)}`);
  checkRun('node', node, node);

  server = await startServer(notFound);
  const origin = `http://127.0.0.1:${server.address().port}`;

  profileDir = await mkdtemp(path.join(tmpdir(), 'steepest-chromium-'));
  context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    timeout: 60_000,
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-quic',
    ],
  });
  // Nothing but our server: abort (and report) any other request.
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(`${origin}/`)) return route.continue();
    problems.push(`external request blocked: ${url}`);
    return route.abort();
  });

  const page = context.pages()[0] ?? (await context.newPage());
  const onConsole = (where) => (msg) => {
    if (msg.type() === 'error') {
      const loc = msg.location();
      problems.push(`console error (${where}): ${msg.text()}${loc && loc.url ? ` at ${loc.url}:${loc.lineNumber}` : ''}`);
    }
  };
  page.on('console', onConsole('page'));
  page.on('worker', (worker) => worker.on('console', onConsole('worker')));
  page.on('pageerror', (err) => problems.push(`page error: ${err.stack || err.message}`));
  page.on('crash', () => problems.push('page crashed'));
  page.on('requestfailed', (req) => problems.push(`request failed: ${req.url()} ${req.failure()?.errorText ?? ''}`));

  await page.goto(`${origin}/test/browser/page.html`, { waitUntil: 'load', timeout: 30_000 });
  await page.waitForFunction(() => 'smoke' in window, null, { timeout: 30_000 });
  const browser = await page.evaluate(() => window.smoke);
  if (browser.error) throw new Error(`in the page: ${browser.error}`);
  console.log(`# browser: ${browser.userAgent}`);
  checkRun('window', browser.main, node);
  checkRun('worker', browser.worker, node);
  // Main thread and worker share one V8 and one WASM compiler: every engine,
  // js included, must agree bit for bit between them.
  for (const engine of EXPECTED_ENGINES) {
    const w = browser.main.results.find((x) => x.engine === engine);
    const k = browser.worker.results.find((x) => x.engine === engine);
    if (!w || !k) continue;
    const fields = (r) => [...r.loss, ...r.gradNorm, ...r.weights, r.bias, r.evalLoss, r.evalAccuracy];
    checkSame(`worker ${engine}: every result bit-identical to the main thread's`, [
      ['result', fields(k), fields(w), true],
    ], 'main thread');
  }
}

async function cleanup() {
  if (context) await within(context.close(), 15_000, 'closing the browser').catch((err) => console.log(`# ${err.message}`));
  if (server) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
  if (profileDir) await rm(profileDir, { recursive: true, force: true }).catch(() => {});
}

let fatal = null;
try {
  await within(main(), TIMEOUT_MS, 'the browser smoke test');
} catch (err) {
  fatal = err;
} finally {
  await cleanup();
}
if (fatal) check('run completed', false, String(fatal.stack || fatal));
check('no page errors, console errors or failed requests', problems.length === 0, problems.join('; '));
check('every request to the server was answered', notFound.length === 0, notFound.join('; '));
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
