// Case `train` (the headline): per-epoch time of logistic regression for each
// engine, beside the two memory bounds of an epoch measured on the same X.
import { availableEngines, LogisticRegression, ready, type EngineName } from '../index.js';
import { getRuntime } from '../wasm/runtime.js';
import { seedState } from '../reference/random.js';
import { measureBounds, poolBounds, type Bounds } from './bounds.js';
import { logisticData, permutation } from './data.js';
import {
  check, checkFinite, perSecond, printTable, sig, summarize, times, writeResult,
  type BenchOptions, type Stats,
} from './harness.js';
import { judgeTargets, TARGET_CONFIG, verdict } from './targets.js';

const ENGINES: readonly EngineName[] = ['js', 'wasm-scalar', 'wasm-simd'];
const LEARNING_RATE = 0.1;

/** Sizes and repetitions; quick mode is a smoke run for CI (same N, fewer D and epochs). */
function settings({ quick, rows = 100_000 }: BenchOptions) {
  if (quick) {
    return {
      rows, features: [16, 64], batches: [64, 1024],
      js: { warmup: 1, measured: 5 }, wasm: { warmup: 1, measured: 5 }, bound: { warmup: 2, samples: 5 },
    };
  }
  return {
    rows, features: [16, 64, 256], batches: [64, 1024],
    // js is slow: fewer epochs, still at least 5 measured.
    js: { warmup: 2, measured: 10 }, wasm: { warmup: 2, measured: 30 }, bound: { warmup: 3, samples: 15 },
  };
}

/** One fit of one engine on one configuration. */
interface TrainRun {
  features: number;
  batch: number;
  shuffle: boolean;
  engine: EngineName;
  warmupEpochs: number;
  /** Per-epoch ms of the measured epochs (after warm-up). */
  epoch: Stats | null;
  /** The first epoch of the fit: cold caches, code not yet optimized. */
  coldMs: number;
  samplesPerSec: number;
  speedupVsJs: number;
  loss: number[];
  error?: string;
}

/** Runs the case: prints the table, ratios and targets, and writes train.json when options.resultsDir is set. */
export async function run(options: BenchOptions): Promise<void> {
  await ready({ scalar: true }); // every engine, for the comparison
  const cfg = settings(options);
  const engines = ENGINES.filter((e) => availableEngines().includes(e));
  const simd = getRuntime(true);
  warmUpEngines(engines);

  const runs: TrainRun[] = [];
  const bounds = new Map<number, Bounds>();
  for (const features of cfg.features) {
    // Setup, untimed: data and the random visiting order for the bound.
    const { X, y } = logisticData(cfg.rows, features, 1000 + features);
    const order = permutation(cfg.rows, seedState(features));
    // The bounds are measured before and after this D's fits and pooled.
    const before = simd && measureBounds(simd, X, cfg.rows, features, order, cfg.bound);
    for (const batch of cfg.batches) {
      for (const shuffle of [true, false]) {
        const group: TrainRun[] = [];
        for (const engine of engines) {
          const epochs = engine === 'js' ? cfg.js : cfg.wasm;
          group.push(trainOnce(X, y, cfg.rows, features, batch, shuffle, engine, epochs.warmup, epochs.measured));
        }
        const js = group.find((r) => r.engine === 'js')?.epoch?.median ?? NaN;
        for (const r of group) r.speedupVsJs = js / (r.epoch?.median ?? NaN);
        runs.push(...group);
      }
    }
    if (simd && before) bounds.set(features, poolBounds(before, measureBounds(simd, X, cfg.rows, features, order, cfg.bound)));
  }

  printRuns(cfg.rows, runs, bounds, options.quick);
  const ratios = printRatios(cfg.rows, cfg.features, cfg.batches, runs, bounds);
  const targets = printTargets(cfg.rows, runs, bounds, options.quick);
  const path = writeResult('train', options, {
    settings: { ...cfg, learningRate: LEARNING_RATE, optimizer: 'sgd', engines },
    runs,
    bounds: [...bounds].map(([features, b]) => ({ features, sequential: b.sequential, randomRows: b.randomRows })),
    ratios,
    targets,
  });
  if (path) console.log(`wrote ${path}`);
}

// A short fit per engine so the first measured configuration does not pay for compilation.
function warmUpEngines(engines: readonly EngineName[]): void {
  const { X, y } = logisticData(4096, 16, 7);
  for (const engine of engines) {
    const model = new LogisticRegression({ features: 16, engine });
    model.fit(X, y, { epochs: 3, batchSize: 64, learningRate: LEARNING_RATE, seed: 1 });
    model.dispose();
  }
}

function trainOnce(
  X: Float32Array, y: Float32Array, rows: number, features: number, batch: number, shuffle: boolean,
  engine: EngineName, warmupEpochs: number, measuredEpochs: number,
): TrainRun {
  const label = `train D=${features} batch=${batch} shuffle=${shuffle ? 'on' : 'off'} ${engine}`;
  const result: TrainRun = {
    features, batch, shuffle, engine, warmupEpochs, epoch: null, coldMs: NaN, samplesPerSec: NaN, speedupVsJs: NaN, loss: [],
  };
  const model = new LogisticRegression({ features, engine });
  try {
    const h = model.fit(X, y, { epochs: warmupEpochs + measuredEpochs, batchSize: batch, learningRate: LEARNING_RATE, shuffle, seed: 42 });
    result.loss = h.loss;
    // Fewer epochs than asked would leave too few (or no) measured ones.
    check(h.timeMs.length === warmupEpochs + measuredEpochs, `${label}: stopped after ${h.timeMs.length} epochs (${h.stopReason.message})`);
    checkFinite(`${label}: loss`, h.loss);
    checkFinite(`${label}: epoch time`, h.timeMs);
    result.coldMs = h.timeMs[0];
    result.epoch = summarize(h.timeMs.slice(warmupEpochs));
    result.samplesPerSec = rows / (result.epoch.median / 1000);
  } catch (err) {
    result.error = err instanceof Error ? err.message : String(err);
    check(false, `${label}: ${result.error}`);
  } finally {
    model.dispose();
  }
  return result;
}

function printRuns(rows: number, runs: readonly TrainRun[], bounds: ReadonlyMap<number, Bounds>, quick: boolean): void {
  const table: string[][] = [];
  const featureSet = [...new Set(runs.map((r) => r.features))];
  for (const features of featureSet) {
    const b = bounds.get(features);
    if (b) {
      for (const [name, s] of [['bound: sequential read', b.sequential], ['bound: random-row read', b.randomRows]] as const) {
        table.push([String(features), '', '', name, sig(s.median), sig(s.iqr, 2), '', perSecond(rows / (s.median / 1000)), '', '']);
      }
    }
    for (const r of runs.filter((x) => x.features === features)) {
      const e = r.epoch;
      table.push([
        String(features), String(r.batch), r.shuffle ? 'on' : 'off', r.engine,
        e ? sig(e.median) : 'error', e ? sig(e.iqr, 2) : '', sig(r.coldMs), perSecond(r.samplesPerSec), times(r.speedupVsJs),
        r.loss.length ? sig(r.loss[r.loss.length - 1], 4) : '',
      ]);
    }
  }
  printTable(
    `train: logistic regression, N = ${rows.toLocaleString('en-US')} rows, float32, sgd, learning rate ${LEARNING_RATE}` +
      (quick ? ' [quick]' : ''),
    [
      { title: 'D' }, { title: 'batch' }, { title: 'shuffle', left: true }, { title: 'engine / bound', left: true },
      { title: 'ms/epoch' }, { title: 'IQR' }, { title: '1st epoch' }, { title: 'samples/s' }, { title: 'vs js' }, { title: 'loss' },
    ],
    table,
    [
      'ms/epoch: median of the epochs after warm-up (history.timeMs); IQR: their interquartile range; 1st epoch: the cold one.',
      'Bounds: the same X in WASM memory, read once sequentially (SIMD) / row by row in a seeded random order;',
      '  median of runs taken before and after that D\'s fits. samples/s of a bound: rows read per second.',
    ],
  );
}

function medianOf(runs: readonly TrainRun[], features: number, batch: number, shuffle: boolean, engine: EngineName): number | undefined {
  return runs.find((r) => r.features === features && r.batch === batch && r.shuffle === shuffle && r.engine === engine)?.epoch?.median;
}

function printRatios(
  rows: number, featureSet: readonly number[], batches: readonly number[], runs: readonly TrainRun[], bounds: ReadonlyMap<number, Bounds>,
) {
  const out = [];
  for (const features of featureSet) {
    for (const batch of batches) {
      const m = (shuffle: boolean, engine: EngineName) => medianOf(runs, features, batch, shuffle, engine) ?? NaN;
      const b = bounds.get(features);
      out.push({
        features, batch,
        simdShuffledOverRandomBound: m(true, 'wasm-simd') / (b?.randomRows.median ?? NaN),
        simdInOrderOverSequentialBound: m(false, 'wasm-simd') / (b?.sequential.median ?? NaN),
        jsOverSimdShuffled: m(true, 'js') / m(true, 'wasm-simd'),
        jsOverSimdInOrder: m(false, 'js') / m(false, 'wasm-simd'),
      });
    }
  }
  printTable(
    `train: ratios (N = ${rows.toLocaleString('en-US')})`,
    [
      { title: 'D' }, { title: 'batch' }, { title: 'simd shuffled / random-read' }, { title: 'simd in order / sequential-read' },
      { title: 'js / simd (shuffled)' }, { title: 'js / simd (in order)' },
    ],
    out.map((r) => [
      String(r.features), String(r.batch), times(r.simdShuffledOverRandomBound), times(r.simdInOrderOverSequentialBound),
      times(r.jsOverSimdShuffled), times(r.jsOverSimdInOrder),
    ]),
    ['Below 1x against a bound: the epoch beats a plain read of X in that access order.'],
  );
  return out;
}

function printTargets(rows: number, runs: readonly TrainRun[], bounds: ReadonlyMap<number, Bounds>, quick: boolean) {
  const { features, batch } = TARGET_CONFIG;
  const b = bounds.get(features);
  const targets = judgeTargets({
    jsShuffled: medianOf(runs, features, batch, true, 'js'),
    simdShuffled: medianOf(runs, features, batch, true, 'wasm-simd'),
    simdInOrder: medianOf(runs, features, batch, false, 'wasm-simd'),
    randomReadBound: b?.randomRows.median,
    sequentialReadBound: b?.sequential.median,
  });
  const notes = ['A MISS is reported, never fatal: timings on a shared machine are noisy.'];
  if (rows !== TARGET_CONFIG.rows) {
    notes.push(`Measured at N = ${rows.toLocaleString('en-US')}${quick ? ' (quick mode)' : ''}, where X may fit in cache: indicative only.`);
  }
  printTable(
    `train: targets (N = ${TARGET_CONFIG.rows.toLocaleString('en-US')}, D = ${features}, batch ${batch})`,
    [{ title: 'target', left: true }, { title: 'measured' }, { title: 'goal', left: true }, { title: 'result', left: true }],
    targets.map((t) => [t.target, times(t.measured), t.goal, verdict(t.pass)]),
    notes,
  );
  return targets;
}
