// Case `team` (issue 16, item 3; also run by `threads`): data-parallel batches of a network,
// 1 thread against 2 (and more where the machine has them), interleaved fit by fit in one
// process, medians of the epochs after warm-up. The MLP 64-64-1 epoch (N = 5 x 10^4, batch 64)
// is the target (2 threads at most 0.6x one); the batch sweep and the small network
// locate the crossover (dataParallel.minWork, forced to 0 here so both sides are measured).
// Part two, linear and logistic regression (runLinear, below): whether their batches pay to go
// data parallel (dataParallel.linear).
import { cpus, loadavg } from 'node:os';
import { LinearRegression, LogisticRegression, MLP, ready, threadCount } from '../src/index.js';
import { dataParallel } from '../src/engines/wasm.js';
import { getRuntime } from '../src/wasm/runtime.js';
import { check, checkFinite, printTable, sig, summarize, times, writeResult, type BenchOptions, type Stats } from '../src/bench/harness.js';
import { verdict } from '../src/bench/targets.js';
import type { Pool } from '../src/threads/pool.js';
import { mlpData } from './data.js';

interface Config { hidden: number; batch: number }
interface Row extends Config { threads: number; epoch: Stats; chunks: number; params: number }

function settings({ quick }: BenchOptions) {
  return quick
    ? { rows: 5_000, warm: 1, measured: 2, rounds: 2, batches: [64, 1024], hidden: [64, 16] }
    : { rows: 50_000, warm: 1, measured: 4, rounds: 5, batches: [64, 256, 1024, 4096], hidden: [64, 16] };
}

/**
 * Runs the case: prints the tables and the target, writes bench/results/team.json and
 * team-linear.json. STEEPEST_BENCH_TEAM=mlp or =linear (or part) runs one part.
 */
export async function run(options: BenchOptions, part = process.env.STEEPEST_BENCH_TEAM): Promise<void> {
  await ready();
  const max = threadCount();
  const pool = (getRuntime(true)?.threaded?.pool() ?? null) as Pool | null;
  if (part !== 'linear') runNetworks(options, pool, max);
  if (part !== 'mlp') await runLinear(options, pool, max);
}

function runNetworks(options: BenchOptions, pool: Pool | null, max: number): void {
  const cfg = settings(options);
  const counts = max > 1 ? [...new Set([1, 2, max])] : [1];
  const { X, y } = mlpData(cfg.rows, 64, 7007);
  const load = [loadavg()[0]];
  const saved = dataParallel.minWork;
  dataParallel.minWork = 0; // both sides of the crossover
  const rows: Row[] = [];
  try {
    for (const hidden of cfg.hidden) {
      for (const batch of cfg.batches) {
        const samples = new Map<number, number[]>(counts.map((t) => [t, []]));
        const chunks = new Map<number, number>(counts.map((t) => [t, 0]));
        const params = 64 * hidden + 2 * hidden + 1; // W1, b1, w2, b2
        for (let round = 0; round < cfg.rounds; round++) {
          for (const t of round % 2 ? [...counts].reverse() : counts) { // interleaved, alternating which goes first
            const before = pool?.teamChunks ?? 0;
            const m = new MLP({ inputs: 64, hidden: [hidden], outputs: 1, activation: 'sigmoid', head: 'sigmoid', seed: 1 });
            const h = m.fit(X, y, { epochs: cfg.warm + cfg.measured, batchSize: batch, learningRate: 0.1, seed: 42, threads: t });
            m.dispose();
            checkFinite(`team: hidden ${hidden} batch ${batch} threads ${t}: loss`, h.loss);
            samples.get(t)!.push(...h.timeMs.slice(cfg.warm));
            chunks.set(t, chunks.get(t)! + (pool?.teamChunks ?? 0) - before);
          }
        }
        for (const t of counts) {
          // A silent fallback to one thread would make the 2-thread row a second 1-thread row.
          check(t === 1 ? chunks.get(t) === 0 : chunks.get(t)! > 0, `team: hidden ${hidden} batch ${batch} threads ${t}: ${chunks.get(t)} worker chunks`);
          rows.push({ hidden, batch, threads: t, epoch: summarize(samples.get(t)!), chunks: chunks.get(t)!, params });
        }
        load.push(loadavg()[0]);
      }
    }
  } finally {
    dataParallel.minWork = saved;
  }
  const one = (r: Row) => rows.find((o) => o.hidden === r.hidden && o.batch === r.batch && o.threads === 1)!.epoch.median;
  printTable(
    `team: data-parallel batches, MLP 64-h-1 (sigmoid), N = ${cfg.rows.toLocaleString('en-US')}, shuffled, sgd; ` +
      `${cpus().length} cores, load average ${load.map((l) => l.toFixed(1)).join(' / ')} (1 min, along the run)${options.quick ? ' [quick]' : ''}`,
    [
      { title: 'hidden' }, { title: 'batch' }, { title: 'rows x params' }, { title: 'threads' }, { title: 'ms/epoch' }, { title: 'IQR' },
      { title: 'vs 1 thread' }, { title: 'worker chunks' },
    ],
    rows.map((r) => [
      String(r.hidden), String(r.batch), String(r.batch * r.params), String(r.threads), sig(r.epoch.median), sig(r.epoch.iqr, 2),
      times(r.epoch.median / one(r)), String(r.chunks),
    ]),
    [
      `ms/epoch: median of ${cfg.rounds} fits x ${cfg.measured} epochs after ${cfg.warm} warm-up epoch(s) each; thread counts interleaved fit by fit.`,
      `Chunks (slices of the batch's sums) of 32 rows; dataParallel.minWork forced to 0 (the default, ${saved}, turns data-parallel batches on from that many rows x params).`,
    ],
  );
  const target = rows.find((r) => r.hidden === 64 && r.batch === 64 && r.threads === 2);
  const ratio = target ? target.epoch.median / one(target) : NaN;
  const pass = target && Number.isFinite(ratio) ? ratio <= 0.6 : null;
  console.log(`team target: mlp 64-64-1 epoch, batch 64, 2 threads / 1 = ${times(ratio)} (goal <= 0.6): ${verdict(pass)}`);
  const path = writeResult('team', options, { settings: { ...cfg, counts, defaultMinWork: saved }, load, rows, target: { ratio, pass } });
  if (path) console.log(`wrote ${path}`);
}

// Part two (issue 16 item 3, "for linear models where it pays: measure batch sizes 64 to 4096"):
// linear and logistic regression on dense rows, each batch size, four contenders interleaved
// fit by fit: (a) today's one-output kernel (assembly/linear.ts) on one thread, (a2) the same on
// 2 threads (what the default does today: a worker writes the next shuffled arrangement),
// (b) the model taken through the network's step in 32-row slices on one thread and (c) the
// same data parallel on 2 threads (dataParallel.linear set for b and c, minWork 0).

type LinearPath = 'kernel' | 'network';
interface LinearRow { model: 'linear' | 'logistic'; features: number; batch: number; path: LinearPath; threads: number; epoch: Stats; chunks: number }

function linearSettings({ quick }: BenchOptions) {
  return quick
    ? { rows: 5_000, warm: 1, measured: 2, rounds: 2, batches: [64, 1024], features: [16] }
    : { rows: 100_000, warm: 1, measured: 3, rounds: 5, batches: [64, 256, 1024, 4096], features: [16, 64, 256] };
}

async function runLinear(options: BenchOptions, pool: Pool | null, max: number): Promise<void> {
  const cfg = linearSettings(options);
  const two = Math.min(2, max);
  const contenders: { path: LinearPath; threads: number }[] = [
    { path: 'kernel', threads: 1 }, { path: 'kernel', threads: two }, { path: 'network', threads: 1 }, { path: 'network', threads: two },
  ];
  const load = [loadavg()[0]];
  const saved = { linear: dataParallel.linear, minWork: dataParallel.minWork };
  dataParallel.minWork = 0; // every batch of two slices or more goes data parallel, as for the networks above
  const rows: LinearRow[] = [];
  try {
    for (const features of cfg.features) {
      const { X, y } = mlpData(cfg.rows, features, 8008 + features);
      for (const model of ['linear', 'logistic'] as const) {
        for (const batch of cfg.batches) {
          const samples = contenders.map(() => [] as number[]);
          const chunks = contenders.map(() => 0);
          const bits: (Float64Array | null)[] = contenders.map(() => null);
          for (let round = 0; round < cfg.rounds; round++) {
            // Interleaved, rotating which goes first, so drifting load falls on every contender alike.
            for (let k = 0; k < contenders.length; k++) {
              const i = (k + round) % contenders.length;
              const { path, threads } = contenders[i];
              dataParallel.linear = path === 'network'; // read when the model's block is allocated
              const m = model === 'linear' ? new LinearRegression({ features, seed: 1 }) : new LogisticRegression({ features, seed: 1 });
              const before = pool?.teamChunks ?? 0;
              const h = m.fit(X, y, { epochs: cfg.warm + cfg.measured, batchSize: batch, learningRate: model === 'linear' ? 0.01 : 0.1, seed: 42, threads });
              chunks[i] += (pool?.teamChunks ?? 0) - before;
              bits[i] ??= Float64Array.from([...m.weights, m.bias]);
              m.dispose();
              checkFinite(`team: ${model} D ${features} batch ${batch} ${path} threads ${threads}: loss`, h.loss);
              samples[i].push(...h.timeMs.slice(cfg.warm));
            }
          }
          const label = `team: ${model} D ${features} batch ${batch}`;
          // The network's step must give the same bits on 1 and 2 threads, and the worker must have taken chunks.
          check(bits[2]!.every((v, j) => Object.is(v, bits[3]![j])), `${label}: network step, 1 and ${two} threads give the same weights`);
          if (two > 1) check(chunks[3] > 0 && chunks[2] === 0, `${label}: ${chunks[3]} worker chunks on ${two} threads, ${chunks[2]} on 1`);
          contenders.forEach(({ path, threads }, i) => rows.push({ model, features, batch, path, threads, epoch: summarize(samples[i]), chunks: chunks[i] }));
          load.push(loadavg()[0]);
        }
      }
    }
  } finally {
    Object.assign(dataParallel, saved);
  }
  const get = (r: LinearRow, path: LinearPath, threads: number) =>
    rows.find((o) => o.model === r.model && o.features === r.features && o.batch === r.batch && o.path === path && o.threads === threads)!;
  const firsts = rows.filter((r) => r.path === 'kernel' && r.threads === 1);
  const ms = (s: Stats) => `${sig(s.median)} (${sig(s.iqr, 2)})`;
  printTable(
    `team: linear and logistic regression, one-output kernel against the network's step in 32-row slices, N = ${cfg.rows.toLocaleString('en-US')}, ` +
      `shuffled, sgd; ${cpus().length} cores, load average ${load.map((l) => l.toFixed(1)).join(' / ')} (1 min, along the run)${options.quick ? ' [quick]' : ''}`,
    [
      { title: 'model' }, { title: 'D' }, { title: 'batch' }, { title: '(a) kernel, 1 thread' }, { title: `(a2) kernel, ${two}` },
      { title: '(b) network, 1' }, { title: `(c) network, ${two}` }, { title: 'b / a' }, { title: 'c / a' }, { title: 'c / a2' },
      { title: 'worker chunks' },
    ],
    firsts.map((r) => {
      const [a2, b, c] = [get(r, 'kernel', two), get(r, 'network', 1), get(r, 'network', two)];
      return [
        r.model, String(r.features), String(r.batch), ms(r.epoch), ms(a2.epoch), ms(b.epoch), ms(c.epoch),
        times(b.epoch.median / r.epoch.median), times(c.epoch.median / r.epoch.median), times(c.epoch.median / a2.epoch.median), String(c.chunks),
      ];
    }),
    [
      `ms/epoch: median (IQR) of ${cfg.rounds} fits x ${cfg.measured} epochs after ${cfg.warm} warm-up epoch(s) each; the four contenders interleaved fit by fit.`,
      `(a2): today's default on ${two} threads (the kernel on one thread, a worker writing the next shuffled arrangement); (b), (c): dataParallel.linear set, minWork 0.`,
      `Routing pays where c / a (and c / a2) is at most 0.8x.`,
    ],
  );
  const path = writeResult('team-linear', options, { settings: { ...cfg, threads: two, defaultLinear: saved.linear }, load, rows });
  if (path) console.log(`wrote ${path}`);
}
