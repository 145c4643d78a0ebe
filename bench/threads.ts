// Case `threads` (issue 16, item 6): epochs and whole fits on 1 thread and on 2 (and more
// where the machine has them), beside the random-row and sequential read bounds of the same
// X and a plain-JavaScript loop, all measured in this run; the targets judged PASS
// or MISS; and the CPU an idle pool takes; then case `team` (data-parallel batches,
// bench/team.ts). Where threadCount() is 1 every row runs on one thread and the tables say so.
import { LogisticRegression, MLP, ready, threadCount, type FitOptions } from '../src/index.js';
import os from 'node:os';
import { crossValidate } from '../src/selection/index.js';
import { sideBySideSettings, SIDE_BY_SIDE_MIN_BYTES } from '../src/threads/sideBySide.js';
import { getRuntime } from '../src/wasm/runtime.js';
import { seedState } from '../src/reference/random.js';
import { measureBounds, poolBounds, type Bounds } from '../src/bench/bounds.js';
import { logisticData, permutation } from '../src/bench/data.js';
import {
  check, checkFinite, printTable, sig, summarize, times, writeResult, type BenchOptions, type Stats,
} from '../src/bench/harness.js';
import { verdict, type TargetResult } from '../src/bench/targets.js';
import { mlpData } from './data.js';
import { PlainLogistic } from './plainLogistic.js';

const LEARNING_RATE = 0.1;
const BATCH = 64;
/** The configurations: the shuffled-epoch targets' (N, D), the MLP's, the whole fits'. */
const TARGET = { rows: 100_000, features: 64 } as const;

function settings({ quick }: BenchOptions) {
  if (quick) {
    return {
      rows: [20_000], features: [16, 64], epochs: { small: [1, 3], large: [1, 3] }, bound: { warmup: 1, samples: 5 },
      plain: [1, 2], mlp: { rows: 5_000, epochs: [1, 2] }, whole: { rows: 20_000, epochs: 1, repeats: 1 },
      crossover: { rows: [1_000, 4_000], epochs: 2, repeats: 1 }, idleMs: 200,
    };
  }
  return {
    rows: [100_000, 1_000_000], features: [16, 64], epochs: { small: [2, 15], large: [1, 5] }, bound: { warmup: 3, samples: 11 },
    plain: [1, 5], mlp: { rows: 50_000, epochs: [2, 8] }, whole: { rows: TARGET.rows, epochs: 3, repeats: 7 },
    crossover: { rows: [1_500, 16_000, 64_000], epochs: 5, repeats: 9 }, idleMs: 1000,
  };
}

/** The fit option for t threads (a cap on the pool). */
function threadsOption(t: number): FitOptions {
  return { threads: t };
}

interface EpochRun {
  what: string;
  rows: number;
  features: number;
  shuffle: boolean;
  threads: number;
  epoch: Stats | null;
  loss: number;
  error?: string;
}

interface WholeRun {
  what: string;
  rows: number;
  features: number;
  threads: number;
  total: Stats | null;
  /** CPU time of the whole process (every thread) per call: what the call costs in work, whatever the load. */
  cpu?: Stats | null;
  error?: string;
}

/** Runs the case: prints the tables and targets, writes bench/results/threads.json. */
export async function run(options: BenchOptions): Promise<void> {
  await ready(); // threads: 'auto', the default: the pool has as many threads as cores (up to 8)
  const cfg = settings(options);
  const max = threadCount();
  const pool = max > 1;
  const counts = pool ? [...new Set([1, 2, max])] : [1];
  const simd = getRuntime(true);
  warmUp();

  const epochs: EpochRun[] = [];
  const bounds: { rows: number; features: number; b: Bounds }[] = [];
  const plain: EpochRun[] = [];
  const wholeOnly = process.env.STEEPEST_BENCH_THREADS === 'whole';
  const loadBefore = os.loadavg();
  for (const rows of wholeOnly ? [] : cfg.rows) {
    for (const features of cfg.features) {
      const { X, y } = logisticData(rows, features, 1000 + features);
      const order = permutation(rows, seedState(features));
      const before = simd && measureBounds(simd, X, rows, features, order, cfg.bound);
      const [warm, measured] = rows >= 1_000_000 ? cfg.epochs.large : cfg.epochs.small;
      for (const shuffle of [true, false]) {
        for (const t of counts) epochs.push(logisticEpochs(X, y, rows, features, shuffle, t, warm, measured));
      }
      if (rows < 1_000_000) plain.push(plainEpochs(X, y, rows, features, cfg.plain[0], cfg.plain[1]));
      if (simd && before) bounds.push({ rows, features, b: poolBounds(before, measureBounds(simd, X, rows, features, order, cfg.bound)) });
    }
  }
  const mlp = wholeOnly ? [] : counts.map((t) => mlpEpochs(cfg.mlp.rows, t, cfg.mlp.epochs[0], cfg.mlp.epochs[1]));
  const whole = await wholeFits(cfg.whole, counts);
  const crossover = restartsCrossover(cfg.crossover, counts);
  const idle = idleCpu(cfg.idleMs, pool);
  const load = { before: loadBefore.map((l) => sig(l, 3)), after: os.loadavg().map((l) => sig(l, 3)) };

  const note = pool ? `pool of ${max} threads` : 'ONE THREAD ONLY: threadCount() is 1 here (no shared memory, or one core)';
  if (!wholeOnly) printEpochs(epochs, bounds, plain, mlp, note, options.quick);
  printWhole(whole, crossover, cfg.whole, note, options.quick, load);
  const targets = printTargets(epochs, plain, mlp, whole, idle, counts, cfg.rows);
  const path = writeResult('threads', options, {
    settings: { ...cfg, batch: BATCH, learningRate: LEARNING_RATE, optimizer: 'sgd', threads: counts, pool },
    epochs, bounds: bounds.map(({ rows, features, b }) => ({ rows, features, sequential: b.sequential, randomRows: b.randomRows })),
    plain, mlp, whole, crossover, idle, load, targets,
  });
  if (path) console.log(`wrote ${path}`);
  // Data-parallel batches: the MLP 1 vs 2 threads interleaved fit by fit, and the crossover (bench/team.ts).
  await (await import('./team.js')).run(options, 'mlp'); // the linear part is case team's alone (a full bench runs both cases)
}

function warmUp(): void {
  const { X, y } = logisticData(4096, 16, 7);
  const m = new LogisticRegression({ features: 16 });
  m.fit(X, y, { epochs: 3, batchSize: BATCH, learningRate: LEARNING_RATE, seed: 1 });
  m.dispose();
}

/** Per-epoch times of one logistic fit (history.timeMs after warm-up). */
function logisticEpochs(
  X: Float32Array, y: Float32Array, rows: number, features: number, shuffle: boolean, threads: number,
  warm: number, measured: number,
): EpochRun {
  const label = `logistic N=${rows} D=${features} ${shuffle ? 'shuffled' : 'in order'} threads=${threads}`;
  const r: EpochRun = { what: 'logistic', rows, features, shuffle, threads, epoch: null, loss: NaN };
  const m = new LogisticRegression({ features });
  try {
    const h = m.fit(X, y, { epochs: warm + measured, batchSize: BATCH, learningRate: LEARNING_RATE, shuffle, seed: 42, ...threadsOption(threads) });
    settle(label, r, h.timeMs, h.loss, warm + measured, warm);
  } catch (err) {
    failed(label, r, err);
  } finally {
    m.dispose();
  }
  return r;
}

/** The plain-JS shuffled epoch on the same X (one thread: plain JavaScript has no other). */
function plainEpochs(X: Float32Array, y: Float32Array, rows: number, features: number, warm: number, measured: number): EpochRun {
  const r: EpochRun = { what: 'plain JS', rows, features, shuffle: true, threads: 1, epoch: null, loss: NaN };
  const net = new PlainLogistic(features);
  const rng = seedState(42);
  const timeMs: number[] = [];
  const loss: number[] = [];
  for (let e = 0; e < warm + measured; e++) {
    const t0 = performance.now();
    loss.push(net.epoch(X, y, rows, BATCH, LEARNING_RATE, rng));
    timeMs.push(performance.now() - t0);
  }
  settle(`plain JS N=${rows} D=${features}`, r, timeMs, loss, warm + measured, warm);
  return r;
}

/** The MLP 64-64-1 (sigmoid) epoch, batch 64, shuffled. */
function mlpEpochs(rows: number, threads: number, warm: number, measured: number): EpochRun {
  const label = `mlp 64-64-1 N=${rows} threads=${threads}`;
  const r: EpochRun = { what: 'mlp 64-64-1', rows, features: 64, shuffle: true, threads, epoch: null, loss: NaN };
  const { X, y } = mlpData(rows, 64, 7007);
  const m = new MLP({ inputs: 64, hidden: [64], outputs: 1, activation: 'sigmoid', head: 'sigmoid', seed: 1 });
  try {
    const h = m.fit(X, y, { epochs: warm + measured, batchSize: BATCH, learningRate: LEARNING_RATE, seed: 42, ...threadsOption(threads) });
    settle(label, r, h.timeMs, h.loss, warm + measured, warm);
  } catch (err) {
    failed(label, r, err);
  } finally {
    m.dispose();
  }
  return r;
}

/**
 * 4 restarts and 5-fold cross-validation of the logistic model, whole calls timed: each repeat
 * runs every thread count in turn (interleaved, so load that comes and goes hits them alike).
 */
async function wholeFits(c: { rows: number; epochs: number; repeats: number }, counts: readonly number[]): Promise<WholeRun[]> {
  const { X, y } = logisticData(c.rows, TARGET.features, 1064);
  const fit = { epochs: c.epochs, batchSize: BATCH, learningRate: LEARNING_RATE, seed: 42 };
  const calls = ['4 restarts', '5-fold crossValidate'] as const;
  const samples = new Map<string, number[]>();
  const cpu = new Map<string, number[]>();
  const errors = new Map<string, string>();
  const key = (what: string, t: number) => `${what} threads=${t}`;
  for (let i = 0; i < c.repeats + 1; i++) { // the first round is a warm-up
    for (const what of calls) {
      for (const t of counts) {
        const label = key(what, t);
        if (errors.has(label)) continue;
        try {
          const m = new LogisticRegression({ features: TARGET.features });
          const c0 = process.cpuUsage();
          const t0 = performance.now();
          const loss = what === '4 restarts'
            ? m.fit(X, y, { ...fit, restarts: 4, ...threadsOption(t) }).loss.at(-1)!
            : (await crossValidate(m, X, y, { ...fit, folds: 5, ...threadsOption(t) })).mean.loss;
          const ms = performance.now() - t0;
          const used = process.cpuUsage(c0);
          m.dispose();
          checkFinite(`${label}: loss`, [loss]);
          if (i > 0) samples.set(label, [...(samples.get(label) ?? []), ms]);
          if (i > 0) cpu.set(label, [...(cpu.get(label) ?? []), (used.user + used.system) / 1000]);
        } catch (err) {
          const error = err instanceof Error ? err.message : String(err);
          check(false, `${label}: ${error}`);
          errors.set(label, error);
        }
      }
    }
  }
  return calls.flatMap((what) => counts.map((t) => {
    const s = samples.get(key(what, t));
    const u = cpu.get(key(what, t));
    return {
      what, rows: c.rows, features: TARGET.features, threads: t, total: s ? summarize(s) : null, cpu: u ? summarize(u) : null,
      ...(errors.has(key(what, t)) ? { error: errors.get(key(what, t)) } : {}),
    };
  }));
}

/**
 * Where restarts side by side start to pay: 4 restarts of a logistic model (D = 16, shuffled) on
 * small data, with side by side forced at every size (the threshold lowered for this table only)
 * against threads: 1, interleaved. SIDE_BY_SIDE_MIN_BYTES is chosen from it.
 */
function restartsCrossover(c: { rows: readonly number[]; epochs: number; repeats: number }, counts: readonly number[]): WholeRun[] {
  const out: WholeRun[] = [];
  if (!counts.includes(2)) return out;
  const features = 16;
  for (const rows of c.rows) {
    const { X, y } = logisticData(rows, features, 77);
    const samples: number[][] = [[], []];
    sideBySideSettings.minBytes = 0;
    try {
      for (let i = 0; i < c.repeats + 1; i++) {
        [1, 2].forEach((t, j) => {
          const m = new LogisticRegression({ features });
          const t0 = performance.now();
          const h = m.fit(X, y, { epochs: c.epochs, batchSize: BATCH, learningRate: LEARNING_RATE, seed: 3, restarts: 4, threads: t });
          const ms = performance.now() - t0;
          m.dispose();
          checkFinite(`crossover N=${rows}: loss`, h.loss);
          if (i > 0) samples[j].push(ms);
        });
      }
    } finally {
      sideBySideSettings.minBytes = SIDE_BY_SIDE_MIN_BYTES;
    }
    [1, 2].forEach((t, j) => out.push({ what: '4 restarts (crossover)', rows, features, threads: t, total: summarize(samples[j]) }));
  }
  return out;
}

/** CPU time (user + system) the process takes over ms of idle waiting, in % of one core: with the pool started, its workers' share. */
function idleCpu(ms: number, pool: boolean): { pool: boolean; percentOfCore: number; ms: number } {
  const start = process.cpuUsage();
  const t0 = performance.now();
  // Sleep without spinning: Atomics.wait on a private buffer (the main thread of Node may block).
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
  const used = process.cpuUsage(start);
  const wall = performance.now() - t0;
  const percentOfCore = ((used.user + used.system) / 1000 / wall) * 100;
  checkFinite('idle cpu', [percentOfCore]);
  return { pool, percentOfCore, ms: wall };
}

function settle(label: string, r: EpochRun, timeMs: readonly number[], loss: readonly number[], asked: number, warm: number): void {
  check(timeMs.length === asked, `${label}: stopped after ${timeMs.length} epochs`);
  checkFinite(`${label}: loss`, loss);
  checkFinite(`${label}: epoch time`, timeMs);
  r.loss = loss[loss.length - 1];
  if (timeMs.length > warm) r.epoch = summarize(timeMs.slice(warm));
}

function failed(label: string, r: EpochRun, err: unknown): void {
  r.error = err instanceof Error ? err.message : String(err);
  check(false, `${label}: ${r.error}`);
}

const med = (r: { epoch: Stats | null } | undefined) => r?.epoch?.median ?? NaN;

function printEpochs(
  epochs: readonly EpochRun[], bounds: readonly { rows: number; features: number; b: Bounds }[], plain: readonly EpochRun[],
  mlp: readonly EpochRun[], note: string, quick: boolean,
): void {
  const table: string[][] = [];
  const one = (r: EpochRun) => epochs.find((e) => e.rows === r.rows && e.features === r.features && e.shuffle === r.shuffle && e.threads === 1);
  for (const { rows, features, b } of bounds) {
    const n = rows.toLocaleString('en-US');
    table.push([n, String(features), '', 'bound: random-row read', '', sig(b.randomRows.median), sig(b.randomRows.iqr, 2), '', '']);
    table.push([n, String(features), '', 'bound: sequential read', '', sig(b.sequential.median), sig(b.sequential.iqr, 2), '', '']);
    const p = plain.find((x) => x.rows === rows && x.features === features);
    if (p) table.push([n, String(features), 'on', 'plain JS loop', '1', sig(med(p)), sig(p.epoch?.iqr ?? NaN, 2), '', '']);
    for (const r of epochs.filter((e) => e.rows === rows && e.features === features)) {
      table.push([
        n, String(features), r.shuffle ? 'on' : 'off', 'wasm-simd', String(r.threads), r.epoch ? sig(r.epoch.median) : 'error',
        r.epoch ? sig(r.epoch.iqr, 2) : '', times(med(r) / med(one(r))),
        r.shuffle ? times(med(r) / b.randomRows.median) : times(med(r) / b.sequential.median),
      ]);
    }
  }
  const mlp1 = med(mlp.find((r) => r.threads === 1));
  for (const r of mlp) {
    table.push([r.rows.toLocaleString('en-US'), '64', 'on', 'mlp 64-64-1', String(r.threads), r.epoch ? sig(r.epoch.median) : 'error', r.epoch ? sig(r.epoch.iqr, 2) : '', times(med(r) / mlp1), '']);
  }
  printTable(
    `threads: one epoch, logistic regression and an MLP, batch ${BATCH}, sgd, learning rate ${LEARNING_RATE}; ${note}${quick ? ' [quick]' : ''}`,
    [
      { title: 'N' }, { title: 'D' }, { title: 'shuffle', left: true }, { title: 'engine / bound', left: true }, { title: 'threads' },
      { title: 'ms/epoch' }, { title: 'IQR' }, { title: 'vs 1 thread' }, { title: 'vs bound' },
    ],
    table,
    [
      'ms/epoch: median of the epochs after warm-up (history.timeMs). vs bound: shuffled epochs over the random-row read of the same X,',
      '  in-order epochs over the sequential read; bounds taken before and after that X\'s fits and pooled (one thread: a read bound).',
      'plain JS loop: the shuffled epoch written by hand (bench/plainLogistic.ts), a fresh Fisher-Yates order each epoch, timed with it.',
    ],
  );
}

function printWhole(
  whole: readonly WholeRun[], crossover: readonly WholeRun[], c: { rows: number; epochs: number; repeats: number }, note: string, quick: boolean,
  load: { before: string[]; after: string[] },
): void {
  const one = (r: WholeRun, set: readonly WholeRun[]) => set.find((w) => w.what === r.what && w.rows === r.rows && w.threads === 1)?.total?.median ?? NaN;
  const oneCpu = (r: WholeRun) => whole.find((w) => w.what === r.what && w.threads === 1)?.cpu?.median ?? NaN;
  const row = (w: WholeRun, set: readonly WholeRun[]) => [
    w.what, w.rows.toLocaleString('en-US'), String(w.features), String(w.threads), w.total ? sig(w.total.median) : 'error',
    w.total ? sig(w.total.iqr, 2) : '', times((w.total?.median ?? NaN) / one(w, set)),
    w.cpu ? sig(w.cpu.median) : '', w.cpu ? times(w.cpu.median / oneCpu(w)) : '',
  ];
  printTable(
    `threads: whole fits, logistic regression, ${c.epochs} epochs each (crossover: 5), batch ${BATCH}, shuffled; ${note}${quick ? ' [quick]' : ''}`,
    [
      { title: 'call', left: true }, { title: 'N' }, { title: 'D' }, { title: 'threads' }, { title: 'ms' }, { title: 'IQR' },
      { title: 'vs 1 thread' }, { title: 'CPU ms' }, { title: 'CPU vs 1' },
    ],
    [...whole.map((w) => row(w, whole)), ...crossover.map((w) => row(w, crossover))],
    [
      `ms: median of ${c.repeats} calls after one warm-up call, each on a fresh model, thread counts interleaved call by call`,
      '  (crossValidate: 5 fits of 4/5 of the rows, each scored). crossover: side by side forced at every size (threshold 0)',
      `  against threads: 1; by default restarts go side by side from ${SIDE_BY_SIDE_MIN_BYTES} bytes of rows x (D + 1) x 4.`,
      'CPU ms: process.cpuUsage over the call (every thread): the work a call costs, which load does not change much; with',
      '  free cores a call side by side takes about its CPU time / threads of wall time.',
      `load average (1, 5, 15 min): ${load.before.join(' ')} before, ${load.after.join(' ')} after.`,
    ],
  );
}

function printTargets(
  epochs: readonly EpochRun[], plain: readonly EpochRun[], mlp: readonly EpochRun[], whole: readonly WholeRun[],
  idle: { pool: boolean; percentOfCore: number }, counts: readonly number[], rowSet: readonly number[],
): TargetResult[] {
  const most = counts[counts.length - 1];
  const e = (rows: number, features: number, shuffle: boolean, t: number) =>
    med(epochs.find((r) => r.rows === rows && r.features === features && r.shuffle === shuffle && r.threads === t));
  const two = counts.includes(2);
  const judge = (target: string, measured: number, goal: string, ok: (x: number) => boolean, applies = true): TargetResult => ({
    target, measured, goal, pass: applies && Number.isFinite(measured) ? ok(measured) : null,
  });
  const n = rowSet[0];
  const wholeMs = (what: string, t: number) => whole.find((w) => w.what === what && w.threads === t)?.total?.median ?? NaN;
  const targets: TargetResult[] = [
    judge(`shuffled epoch N=${n} D=64: 2 threads / 1`, e(n, 64, true, 2) / e(n, 64, true, 1), '<= 0.65', (x) => x <= 0.65, two),
    judge(`shuffled epoch N=${n} D=64: plain JS / ${most} thread(s)`, med(plain.find((p) => p.rows === n && p.features === 64)) / e(n, 64, true, most), '>= 10', (x) => x >= 10),
    ...rowSet.filter((r) => r >= 1_000_000).flatMap((r) => [16, 64].map((d) =>
      judge(`N=${r} D=${d}, ${most} thread(s): shuffled / in order`, e(r, d, true, most) / e(r, d, false, most), '<= 2', (x) => x <= 2))),
    judge('mlp 64-64-1 epoch: 2 threads / 1', med(mlp.find((r) => r.threads === 2)) / med(mlp.find((r) => r.threads === 1)), '<= 0.6', (x) => x <= 0.6, two),
    judge('4 restarts: 2 threads / 1', wholeMs('4 restarts', 2) / wholeMs('4 restarts', 1), '<= 0.6', (x) => x <= 0.6, two),
    judge('5-fold crossValidate: 2 threads / 1 (no target in the issue)', wholeMs('5-fold crossValidate', 2) / wholeMs('5-fold crossValidate', 1), '(report)', () => true, false),
    judge('idle pool: CPU, % of one core', idle.percentOfCore, '< 5%', (x) => x < 5, idle.pool),
  ];
  printTable(
    'threads: the issue\'s targets (same run)',
    [{ title: 'target', left: true }, { title: 'measured' }, { title: 'goal', left: true }, { title: 'result', left: true }],
    targets.map((t) => [t.target, t.target.startsWith('idle') ? `${sig(t.measured, 2)}%` : times(t.measured), t.goal, verdict(t.pass)]),
    [
      'n/a: not measurable in this run (one thread: no pool in this build, or a machine with one core).',
      `Idle CPU: process.cpuUsage over ${idle.pool ? 'an idle wait with the pool started' : 'an idle wait (no pool: the baseline)'}.`,
      'Not judged here: "no regression with threads: 1 against today" needs today\'s build; compare the train case\'s table.',
      'A MISS is reported, never fatal: timings on a shared machine are noisy.',
    ],
  );
  return targets;
}
