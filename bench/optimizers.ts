// Case `optimizers`: what each optimizer's update costs inside the fused epoch,
// as per-epoch time beside plain SGD in the same engine and configuration, and
// the target on Adam's overhead measured with interleaved fits.
import { availableEngines, LogisticRegression, ready, type EngineName, type OptimizerName, type OptimizerOptions } from '../src/index.js';
import { logisticData } from '../src/bench/data.js';
import { check, checkFinite, printTable, sig, summarize, times, writeResult, type BenchOptions, type Stats } from '../src/bench/harness.js';
import { ADAM_TARGET, judgeAdamOverhead, verdict, type TargetResult } from '../src/bench/targets.js';

const ENGINES: readonly EngineName[] = ['wasm-simd', 'wasm-scalar', 'js'];
/** One learning rate for every optimizer: an epoch's cost does not depend on it, and 0.01 is stable for all. */
const LEARNING_RATE = 0.01;

/** The optimizers compared, each with a short column title. */
const OPTIMIZERS: readonly { label: string; optimizer: OptimizerName | OptimizerOptions }[] = [
  { label: 'sgd', optimizer: 'sgd' },
  { label: 'momentum', optimizer: { name: 'sgd', momentum: 0.9 } },
  { label: 'nesterov', optimizer: { name: 'sgd', momentum: 0.9, nesterov: true } },
  { label: 'adam', optimizer: 'adam' },
  { label: 'adamw', optimizer: 'adamw' },
  { label: 'amsgrad', optimizer: { name: 'adam', amsgrad: true } },
  { label: 'rmsprop', optimizer: 'rmsprop' },
  { label: 'adagrad', optimizer: 'adagrad' },
  // Learning-rate-free: one f64 loop per step in both WASM builds (assembly/lrFree.ts); 0.01 is their multiplier here.
  { label: 'prodigy', optimizer: 'prodigy' },
  { label: 'dadapt-sgd', optimizer: 'dadapt-sgd' },
  { label: 'dadapt-adam', optimizer: 'dadapt-adam' },
  { label: 'dog', optimizer: 'dog' },
  { label: 'sf-sgd', optimizer: 'schedule-free-sgd' },
  { label: 'sf-adamw', optimizer: 'schedule-free-adamw' },
];

/** Sizes and repetitions; quick mode is a smoke run for CI (batch 64 only, fewer rounds and epochs). */
function settings(quick: boolean) {
  if (quick) {
    return {
      rows: 100_000, features: 64, batches: [64], rounds: 3,
      wasm: { warmup: 1, measured: 3 }, js: { warmup: 1, measured: 1 },
      target: { pairs: 3, warmup: 1, measured: 8 },
    };
  }
  return {
    rows: 100_000, features: 64, batches: [64, 1024],
    // Each optimizer gets `rounds` fits per engine and configuration, taken in turn with the
    // others (rotating the order), so drift on a shared machine spreads over all of them.
    // A burst of load that slows a whole fit then spoils one group of samples in five, and the median holds.
    rounds: 5,
    wasm: { warmup: 2, measured: 5 }, js: { warmup: 1, measured: 2 },
    target: { pairs: 6, warmup: 2, measured: 10 },
  };
}

/** Per-epoch time of one optimizer in one engine and configuration, pooled over its rounds. */
interface OptimizerRun {
  batch: number;
  shuffle: boolean;
  engine: EngineName;
  optimizer: string;
  /** Median etc. of the measured epochs of all rounds (ms). */
  epoch: Stats | null;
  /** Median epoch over plain SGD's median in the same engine and configuration. */
  vsSgd: number;
  /** Training loss (running mean) of the last epoch of the last round. */
  finalLoss: number;
  error?: string;
}

/** Runs the case: prints the tables and the target, writes bench/results/optimizers.json. */
export async function run(options: BenchOptions): Promise<void> {
  await ready({ scalar: true }); // every engine, for the comparison
  const cfg = settings(options.quick);
  const engines = ENGINES.filter((e) => availableEngines().includes(e));
  const { X, y } = logisticData(cfg.rows, cfg.features, 1000 + cfg.features); // the same X as train's D = 64
  warmUp(engines, cfg.features);

  const runs: OptimizerRun[] = [];
  for (const batch of cfg.batches) {
    for (const shuffle of [false, true]) {
      for (const engine of engines) {
        const epochs = engine === 'js' ? cfg.js : cfg.wasm;
        const samples = OPTIMIZERS.map(() => [] as number[]);
        const finalLoss = OPTIMIZERS.map(() => NaN);
        const errors: (string | undefined)[] = OPTIMIZERS.map(() => undefined);
        for (let round = 0; round < cfg.rounds; round++) {
          for (let k = 0; k < OPTIMIZERS.length; k++) {
            const i = (k + round) % OPTIMIZERS.length;
            if (errors[i]) continue;
            const label = `optimizers batch=${batch} shuffle=${shuffle ? 'on' : 'off'} ${engine} ${OPTIMIZERS[i].label}`;
            try {
              const h = fitEpochs(X, y, cfg.features, engine, OPTIMIZERS[i].optimizer, batch, shuffle, epochs.warmup + epochs.measured, label);
              samples[i].push(...h.timeMs.slice(epochs.warmup));
              finalLoss[i] = h.loss[h.loss.length - 1];
            } catch (err) {
              errors[i] = err instanceof Error ? err.message : String(err);
              check(false, `${label}: ${errors[i]}`);
            }
          }
        }
        const group = OPTIMIZERS.map((o, i): OptimizerRun => ({
          batch, shuffle, engine, optimizer: o.label,
          epoch: samples[i].length > 0 ? summarize(samples[i]) : null,
          vsSgd: NaN, finalLoss: finalLoss[i], error: errors[i],
        }));
        const sgd = group[0].epoch?.median ?? NaN;
        for (const r of group) r.vsSgd = (r.epoch?.median ?? NaN) / sgd;
        runs.push(...group);
      }
    }
  }

  printRuns(cfg, runs, options.quick);
  const target = measureTarget(X, y, cfg, engines, options.quick);
  const path = writeResult('optimizers', options, {
    settings: {
      ...cfg, learningRate: LEARNING_RATE, engines,
      optimizers: OPTIMIZERS.map((o) => ({ label: o.label, optimizer: o.optimizer })),
    },
    runs,
    target,
  });
  console.log(`wrote ${path}`);
}

// A short fit per engine and optimizer so the first measured fit does not pay for compilation.
function warmUp(engines: readonly EngineName[], features: number): void {
  const { X, y } = logisticData(4096, features, 7);
  for (const engine of engines) {
    for (const { optimizer } of OPTIMIZERS) {
      const model = new LogisticRegression({ features, engine });
      model.fit(X, y, { epochs: 2, batchSize: 64, learningRate: LEARNING_RATE, optimizer, seed: 1 });
      model.dispose();
    }
  }
}

/** One fit of a fresh model; checks that it ran every epoch and that loss and times are finite. */
function fitEpochs(
  X: Float32Array, y: Float32Array, features: number, engine: EngineName, optimizer: OptimizerName | OptimizerOptions,
  batch: number, shuffle: boolean, epochs: number, label: string,
) {
  const model = new LogisticRegression({ features, engine });
  try {
    const h = model.fit(X, y, { epochs, batchSize: batch, learningRate: LEARNING_RATE, optimizer, shuffle, seed: 42 });
    check(h.timeMs.length === epochs, `${label}: stopped after ${h.timeMs.length} epochs (${h.stopReason.message})`);
    checkFinite(`${label}: loss`, h.loss);
    checkFinite(`${label}: epoch time`, h.timeMs);
    return h;
  } finally {
    model.dispose();
  }
}

function printRuns(cfg: ReturnType<typeof settings>, runs: readonly OptimizerRun[], quick: boolean): void {
  const keys = [...new Map(runs.map((r) => [`${r.batch} ${r.shuffle} ${r.engine}`, r])).values()];
  const row = (k: OptimizerRun, cell: (r: OptimizerRun | undefined) => string, from = 0) => [
    String(k.batch), k.shuffle ? 'on' : 'off', k.engine,
    ...OPTIMIZERS.slice(from).map((o) =>
      cell(runs.find((r) => r.batch === k.batch && r.shuffle === k.shuffle && r.engine === k.engine && r.optimizer === o.label))),
  ];
  const head = [{ title: 'batch' }, { title: 'shuffle', left: true }, { title: 'engine', left: true }];
  const epochsOf = (engine: 'wasm' | 'js') => `${cfg.rounds} fits x ${cfg[engine].measured} epochs (after ${cfg[engine].warmup} warm-up)`;
  printTable(
    `optimizers: median ms/epoch, logistic regression, N = ${cfg.rows.toLocaleString('en-US')}, D = ${cfg.features}, learning rate ${LEARNING_RATE}` +
      (quick ? ' [quick]' : ''),
    [...head, ...OPTIMIZERS.map((o) => ({ title: o.label }))],
    keys.map((k) => row(k, (r) => (r?.epoch ? sig(r.epoch.median) : 'error'))),
    [
      `Median of ${epochsOf('wasm')} per optimizer for WASM, ${epochsOf('js')} for js; the fits of the`,
      '  optimizers alternate (order rotated each round). momentum/nesterov: sgd with momentum 0.9; amsgrad: adam with',
      '  amsgrad; adamw: weight decay 0.01. IQRs and the final losses are in bench/results/optimizers.json.',
    ],
  );
  printTable(
    `optimizers: overhead vs plain sgd in the same engine and configuration (ratio of medians)${quick ? ' [quick]' : ''}`,
    [...head, ...OPTIMIZERS.slice(1).map((o) => ({ title: o.label }))],
    keys.map((k) => row(k, (r) => times(r?.vsSgd ?? NaN), 1)),
    ['1.10x: the optimizer\'s epoch takes 10% longer than an sgd epoch.'],
  );
}

/** The interleaved sgd/adam measurement behind the target, per shuffle setting. */
interface TargetMeasurement extends TargetResult {
  shuffle: boolean;
  sgd: Stats;
  adam: Stats;
  /** Adam's median over SGD's within each pair of fits. */
  pairRatios: number[];
}

// Alternates sgd and adam fits (sgd, adam, adam, sgd, ...: ABBA cancels a linear drift)
// at the target configuration, pools each optimizer's measured epochs, and judges the ratio of medians.
function measureTarget(
  X: Float32Array, y: Float32Array, cfg: ReturnType<typeof settings>, engines: readonly EngineName[], quick: boolean,
): TargetMeasurement[] {
  const { batch, features } = ADAM_TARGET;
  const { pairs, warmup, measured } = cfg.target;
  const out: TargetMeasurement[] = [];
  if (engines.includes('wasm-simd') && cfg.features === features) {
    for (const shuffle of [false, true]) {
      const sgd: number[] = [];
      const adam: number[] = [];
      const pairRatios: number[] = [];
      try {
        for (let p = 0; p < pairs; p++) {
          const order = p % 2 === 0 ? ['sgd', 'adam'] as const : ['adam', 'sgd'] as const;
          const medians: Record<string, number> = {};
          for (const name of order) {
            const label = `optimizers target shuffle=${shuffle ? 'on' : 'off'} ${name} pair ${p + 1}`;
            const h = fitEpochs(X, y, features, 'wasm-simd', name, batch, shuffle, warmup + measured, label);
            const t = h.timeMs.slice(warmup);
            (name === 'sgd' ? sgd : adam).push(...t);
            medians[name] = summarize(t).median;
          }
          pairRatios.push(medians.adam / medians.sgd);
        }
        const s = summarize(sgd);
        const a = summarize(adam);
        const judged = judgeAdamOverhead(`shuffle ${shuffle ? 'on' : 'off'}: adam epoch / sgd epoch`, s.median, a.median);
        out.push({ ...judged, shuffle, sgd: s, adam: a, pairRatios });
      } catch (err) {
        check(false, `optimizers target shuffle=${shuffle ? 'on' : 'off'}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }
  const notes = [
    `Interleaved: ${pairs} pairs of fits (sgd, adam, then adam, sgd, ...), each ${measured} measured epochs after ${warmup} warm-up;`,
    '  measured = median of all adam epochs / median of all sgd epochs. A MISS is reported, never fatal.',
  ];
  for (const t of out) {
    const lo = Math.min(...t.pairRatios);
    const hi = Math.max(...t.pairRatios);
    notes.push(`Shuffle ${t.shuffle ? 'on' : 'off'}: per-pair ratios ${times(lo)} to ${times(hi)}.`);
  }
  if (quick) notes.push('Quick mode: fewer pairs and epochs, indicative only.');
  printTable(
    `optimizers: target, the fused Adam update adds less than 10% to an SGD epoch (wasm-simd, N = ${ADAM_TARGET.rows.toLocaleString('en-US')}, D = ${features}, batch ${batch})`,
    [
      { title: 'target', left: true }, { title: 'sgd ms' }, { title: 'adam ms' }, { title: 'measured' },
      { title: 'goal', left: true }, { title: 'result', left: true },
    ],
    out.map((t) => [t.target, sig(t.sgd.median), sig(t.adam.median), times(t.measured), t.goal, verdict(t.pass)]),
    notes,
  );
  return out;
}
