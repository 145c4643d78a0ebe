// Case `fit` (the headline): what a user waits for, the whole fit() call, logistic regression
// on wasm-simd, 10 epochs, shuffled and in order, split into setup (everything before epoch 1:
// validation, copying data in, allocation), the first epoch and the steady epochs; cold (a fresh
// child process, the first fit it runs) and warm (the same fit again in one process). Beside it,
// in the same run: a copy of X into fresh memory and into memory already in use, and what the fit
// grew WASM memory and the process's RSS by, as multiples of the float32 dataset (X plus y).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { LogisticRegression, ready } from '../index.js';
import { getRuntime } from '../wasm/runtime.js';
import { logisticData } from './data.js';
import { check, checkFinite, printTable, sig, summarize, writeResult, type BenchOptions } from './harness.js';
import { verdict } from './targets.js';

const EPOCHS = 10;

/** One fit's measurements. */
export interface FitRun {
  rows: number;
  features: number;
  shuffle: boolean;
  /** ms before the first epoch starts (total - sum of epochs). */
  setupMs: number;
  firstMs: number;
  /** Median of epochs 2..10. */
  steadyMs: number;
  totalMs: number;
  /** Growth during the call, as multiples of the float32 dataset (X + y). */
  wasmGrowth: number;
  rssGrowth: number;
  loss: number;
}

/** Fits once on fresh seeded data and measures it (the data is made before any timing). */
export async function measureFit(rows: number, features: number, shuffle: boolean, model?: LogisticRegression): Promise<FitRun> {
  await ready(); // a fresh child loads what a user's process does; in-process, run()'s earlier call (every engine) stands
  const rt = getRuntime(true)!;
  const { X, y } = logisticData(rows, features, 7);
  const m = model ?? new LogisticRegression({ features, engine: 'wasm-simd' });
  const dataset = (X.length + y.length) * 4;
  const wasm0 = rt.memoryBytes;
  const rss0 = process.memoryUsage().rss;
  const t0 = performance.now();
  const h = m.fit(X, y, { epochs: EPOCHS, batchSize: 64, learningRate: 0.1, shuffle, seed: 1 });
  const totalMs = performance.now() - t0;
  const rss1 = process.memoryUsage().rss;
  const epochs = h.timeMs;
  return {
    rows, features, shuffle,
    setupMs: totalMs - epochs.reduce((a, b) => a + b, 0),
    firstMs: epochs[0],
    steadyMs: summarize(epochs.slice(1)).median,
    totalMs,
    wasmGrowth: (rt.memoryBytes - wasm0) / dataset,
    rssGrowth: (rss1 - rss0) / dataset,
    loss: h.loss[h.loss.length - 1],
  };
}

// The cold run: a fresh Node process that runs exactly one fit (fitChild) and prints its FitRun.
// Compiled (steepest bench), the child is fitChild.js; from source (npm run bench), tsx runs fitChild.ts.
function coldFit(rows: number, features: number, shuffle: boolean): FitRun {
  const fromSource = import.meta.url.endsWith('.ts');
  const child = fileURLToPath(new URL(fromSource ? './fitChild.ts' : './fitChild.js', import.meta.url));
  const r = spawnSync(process.execPath, [...(fromSource ? ['--import', 'tsx'] : []), child, String(rows), String(features), String(shuffle)], {
    encoding: 'utf8', maxBuffer: 1 << 20,
  });
  if (r.status !== 0) throw new Error(`cold fit child failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as FitRun;
}

/** ms to copy X into a fresh Float32Array, and into one already in use (median of a few). */
function copyCosts(X: Float32Array): { fresh: number; used: number } {
  const fresh: number[] = [];
  const used: number[] = [];
  const dst = new Float32Array(X.length);
  dst.set(X); // touched once: "memory already in use"
  for (let i = 0; i < 5; i++) {
    let t = performance.now();
    const f = new Float32Array(X.length);
    f.set(X);
    fresh.push(performance.now() - t);
    t = performance.now();
    dst.set(X);
    used.push(performance.now() - t);
    check(f[X.length - 1] === X[X.length - 1] && dst[0] === X[0], 'copy bound: the copies hold X');
  }
  return { fresh: summarize(fresh).median, used: summarize(used).median };
}

/** Runs the case: prints the table and targets, and writes fit.json when options.resultsDir is set. */
export async function run(options: BenchOptions): Promise<void> {
  await ready({ scalar: true }); // train compares every engine in the same process
  const sizes = options.rows ? [options.rows] : options.quick ? [10_000, 100_000] : [10_000, 100_000, 1_000_000];
  const grid: [number, number][] = [];
  for (const n of sizes) for (const d of [16, 64]) grid.push([n, d]);
  if (options.full) grid.push([10_000_000, 16]);
  const rows: string[][] = [];
  const results: { cold: FitRun; warm: FitRun; copy: { fresh: number; used: number } }[] = [];
  for (const [n, d] of grid) {
    const { X } = logisticData(n, d, 7);
    const copy = copyCosts(X);
    for (const shuffle of [true, false]) {
      const cold = coldFit(n, d, shuffle);
      const model = new LogisticRegression({ features: d, engine: 'wasm-simd' });
      await measureFit(n, d, shuffle, model); // the first fit in this process: warms code and memory
      const warm = await measureFit(n, d, shuffle, model);
      model.dispose();
      checkFinite(`fit N=${n} D=${d}`, [cold.loss, warm.loss, cold.totalMs, warm.totalMs]);
      results.push({ cold, warm, copy });
      rows.push([
        String(n), String(d), shuffle ? 'on' : 'off',
        sig(cold.setupMs), sig(cold.firstMs), sig(cold.steadyMs), sig(cold.totalMs),
        sig(warm.setupMs), sig(warm.firstMs), sig(warm.steadyMs),
        sig(copy.fresh), sig(copy.used),
        `${sig(cold.wasmGrowth)}x`, `${sig(cold.rssGrowth)}x`,
        sig((warm.steadyMs * 1e6) / n),
      ]);
    }
  }
  printTable(
    `fit: logistic regression, wasm-simd, ${EPOCHS} epochs, batch 64 (cold: a fresh process; warm: the same fit again)`,
    [
      { title: 'N' }, { title: 'D' }, { title: 'shuffle' },
      { title: 'cold setup' }, { title: 'cold 1st' }, { title: 'cold steady' }, { title: 'cold total' },
      { title: 'warm setup' }, { title: 'warm 1st' }, { title: 'warm steady' },
      { title: 'copy X fresh' }, { title: 'copy X used' },
      { title: 'WASM grew' }, { title: 'RSS grew' }, { title: 'ns/row' },
    ],
    rows,
    [
      'All times in ms; steady: median of epochs 2-10. Setup: the fit call minus its epochs (validation, copying in, allocation).',
      'copy X fresh: new Float32Array + set (first touch of the pages); used: set into an array already touched.',
      'WASM / RSS grew: growth during the cold fit, as multiples of the float32 dataset (X + y). ns/row: warm steady epoch / N.',
    ],
  );
  const targets = judge(results);
  printTable('fit: targets', [{ title: 'target', left: true }, { title: 'measured' }, { title: 'goal' }, { title: 'result', left: true }],
    targets.map((t) => [t.target, Number.isFinite(t.measured) ? sig(t.measured) : 'n/a', t.goal, verdict(t.pass)]),
    ['A MISS is reported, never fatal: timings on a shared machine are noisy.']);
  const path = writeResult('fit', options, { epochs: EPOCHS, results, targets });
  if (path) console.log(`wrote ${path}`);
}

interface Target {
  target: string;
  measured: number;
  goal: string;
  pass: boolean | null;
}

// The targets, from the measured rows.
function judge(results: { cold: FitRun; warm: FitRun; copy: { fresh: number; used: number } }[]): Target[] {
  const out: Target[] = [];
  const find = (n: number, d: number, shuffle: boolean) => results.find((r) => r.cold.rows === n && r.cold.features === d && r.cold.shuffle === shuffle);
  const add = (target: string, measured: number, goal: string, ok: (x: number) => boolean) =>
    out.push({ target, measured, goal, pass: Number.isFinite(measured) ? ok(measured) : null });
  for (const r of results) {
    const tag = `N=${r.cold.rows} D=${r.cold.features} ${r.cold.shuffle ? 'shuffled' : 'in order'}`;
    add(`warm setup / warm copy of X (${tag})`, r.warm.setupMs / r.copy.used, '<= 3', (x) => x <= 3);
  }
  const c = find(100_000, 64, true);
  if (c) {
    // Steady epochs plus one fresh copy per dataset-sized buffer the shuffled fit needs (X and its second arrangement).
    const bound = EPOCHS * c.cold.steadyMs + 2 * c.copy.fresh;
    add('cold whole fit / (steady epochs + fresh copies) (N=1e5 D=64 shuffled)', c.cold.totalMs / bound, '<= 1.25', (x) => x <= 1.25);
    add('cold first epoch - steady epoch, in fresh copies of X (N=1e5 D=64 shuffled)', (c.cold.firstMs - c.cold.steadyMs) / c.copy.fresh, '<= 1', (x) => x <= 1);
  }
  for (const r of results.filter((x) => x.cold.rows >= 100_000)) {
    const tag = `N=${r.cold.rows} D=${r.cold.features}`;
    if (r.cold.shuffle) add(`WASM growth / dataset, shuffled (${tag})`, r.cold.wasmGrowth, '<= 2.2', (x) => x <= 2.2);
    else add(`WASM growth / dataset, in order (${tag})`, r.cold.wasmGrowth, '<= 1.1', (x) => x <= 1.1);
    add(`RSS growth - WASM growth, of dataset (${tag} ${r.cold.shuffle ? 'shuffled' : 'in order'})`, r.cold.rssGrowth - r.cold.wasmGrowth, '<= 0.1 x WASM', (x) => x <= 0.1 * r.cold.wasmGrowth);
  }
  for (const d of [16, 64]) {
    const s = find(1_000_000, d, true);
    const o = find(1_000_000, d, false);
    if (s && o) add(`shuffled / in-order steady epoch (N=1e6 D=${d})`, s.warm.steadyMs / o.warm.steadyMs, '<= 2', (x) => x <= 2);
  }
  const big = find(10_000_000, 16, true);
  const mid = find(1_000_000, 16, true);
  if (big && mid) add('shuffled ns/row at 1e7 / at 1e6 (D=16)', (big.warm.steadyMs / 1e7) / (mid.warm.steadyMs / 1e6), '<= 1.3', (x) => x <= 1.3);
  return out;
}
