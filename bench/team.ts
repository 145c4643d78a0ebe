// Case `team` (issue 16, item 3; also run by `threads`): data-parallel batches of a network,
// 1 thread against 2 (and more where the machine has them), interleaved fit by fit in one
// process, medians of the epochs after warm-up. The MLP 64-64-1 epoch (N = 5 x 10^4, batch 64)
// is the target (2 threads at most 0.6x one); the batch sweep and the small network
// locate the crossover (dataParallel.minWork, forced to 0 here so both sides are measured).
import { cpus, loadavg } from 'node:os';
import { MLP, ready, threadCount } from '../src/index.js';
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

/** Runs the case: prints the tables and the target, writes bench/results/team.json. */
export async function run(options: BenchOptions): Promise<void> {
  await ready();
  const cfg = settings(options);
  const max = threadCount();
  const counts = max > 1 ? [...new Set([1, 2, max])] : [1];
  const pool = (getRuntime(true)?.threaded?.pool() ?? null) as Pool | null;
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
