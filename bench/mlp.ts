// Case `mlp`: per-epoch time of networks trained through the public MLP and
// SoftmaxRegression classes on each engine, beside a hand-written plain-JS loop
// and the arithmetic peak (assembly/bounds.ts peakFlops) measured in the same run.
import { availableEngines, MLP, ready, SoftmaxRegression, type EngineName } from '../src/index.js';
import { getRuntime } from '../src/wasm/runtime.js';
import { testingRuntime, type TestingRuntime } from '../test/helpers/testingBuild.js';
import { seedState } from '../src/reference/random.js';
import { load } from '../src/datasets/index.js';
import { StandardScaler } from '../src/preprocess/StandardScaler.js';
import { mlpData } from './data.js';
import {
  check, checkFinite, measure, printTable, sig, summarize, times, writeResult,
  type BenchOptions, type MeasureOptions, type Stats,
} from '../src/bench/harness.js';
import { PlainMlp } from './plainMlp.js';
import { judgeMlpTargets, MLP_TARGET, verdict } from '../src/bench/targets.js';

const ENGINES: readonly EngineName[] = ['wasm-simd', 'wasm-scalar', 'js'];
const LEARNING_RATE = 0.1;
const DATA_SEED = 7007;
const FIT_SEED = 42;
/**
 * peakFlops steps per call: about 35 ms in the SIMD build, as long as a wasm-simd epoch,
 * so that on a shared machine both see the same share of interruptions.
 */
const PEAK_ITERATIONS = 16_000_000;
/** FLOP per peakFlops step: 12 chains of one multiply and one add, on f32x4 lanes or on one f32. */
const PEAK_FLOP_PER_STEP = { simd: 12 * 2 * 4, scalar: 12 * 2 } as const;

/** Epochs per fit (warm-up epochs are not timed) and peak samples; quick mode is a smoke run for CI with the same N. */
function settings({ quick, rows = MLP_TARGET.rows }: BenchOptions) {
  const { inputs, hidden, batch } = MLP_TARGET;
  if (quick) {
    return {
      rows, inputs, hidden, batch,
      epochs: { 'wasm-simd': [1, 5], 'wasm-scalar': [1, 2], js: [1, 1], plain: [1, 2] } as Record<string, [number, number]>,
      digitsEpochs: { 'wasm-simd': [2, 10], 'wasm-scalar': [1, 5], js: [1, 2] } as Record<string, [number, number]>,
      peak: { warmup: 2, samples: 9 } as MeasureOptions,
    };
  }
  return {
    rows, inputs, hidden, batch,
    // js and the plain loop take over a second per epoch: fewer epochs, still several measured.
    epochs: { 'wasm-simd': [3, 20], 'wasm-scalar': [2, 8], js: [1, 4], plain: [1, 5] } as Record<string, [number, number]>,
    digitsEpochs: { 'wasm-simd': [3, 30], 'wasm-scalar': [2, 15], js: [1, 5] } as Record<string, [number, number]>,
    peak: { warmup: 3, warmupMs: 100, samples: 25 } as MeasureOptions,
  };
}

/**
 * Multiply-add FLOP of one epoch of a dense network with layer widths [inputs, ...units]
 * over rows rows: per row and layer (in x out), 2 in out for the forward product, 2 in out
 * for the weight gradient and 2 in out for the input gradient, which the first layer skips.
 * Activations, biases, the loss and the optimizer update are not counted.
 */
export function epochFlops(rows: number, widths: readonly number[]): number {
  let perRow = 0;
  for (let l = 1; l < widths.length; l++) perRow += 2 * widths[l - 1] * widths[l] * (l === 1 ? 2 : 3);
  return rows * perRow;
}

/** What a model class offers the bench (the public MLP and SoftmaxRegression). */
interface Trainable {
  fit(
    X: Float32Array, y: Float32Array | Int32Array,
    options: { epochs: number; batchSize: number; learningRate: number; optimizer: 'sgd'; shuffle: boolean; seed: number },
  ): { timeMs: number[]; loss: number[]; stopReason: { message: string } };
  readonly parameterCount: number;
  dispose(): void;
}

/** One fit (or the plain-JS loop) on one configuration. */
interface FitRun {
  impl: string;
  parameters: number;
  warmupEpochs: number;
  /** Per-epoch ms of the measured epochs (after warm-up). */
  epoch: Stats | null;
  /** The first epoch: cold caches, code not yet optimized. */
  coldMs: number;
  gflops: number;
  loss: number[];
  error?: string;
}

/** The arithmetic peak of one build: ms per peakFlops call and FLOP/s. */
interface Peak {
  build: 'wasm-simd' | 'wasm-scalar';
  call: Stats;
  flopsPerSec: number;
}

/** Runs the case: prints the tables and targets, writes bench/results/mlp.json. */
export async function run(options: BenchOptions): Promise<void> {
  await ready({ scalar: true }); // every engine, for the comparison
  const cfg = settings(options);
  const engines = ENGINES.filter((e) => availableEngines().includes(e));
  // The peak is timed in the testing build, which exports peakFlops (the shipped build has no use for it).
  const builds = (['wasm-simd', 'wasm-scalar'] as const).flatMap((b) => (getRuntime(b === 'wasm-simd') ? [{ build: b, rt: testingRuntime(b === 'wasm-simd') }] : []));
  warmUp(engines);

  // Setup, untimed: the data, and the peak before the fits (pooled with one after them).
  const { X, y } = mlpData(cfg.rows, cfg.inputs, DATA_SEED);
  const widths = [cfg.inputs, cfg.hidden, 1];
  const flops = epochFlops(cfg.rows, widths);
  const peakBefore = builds.map(({ build, rt }) => measurePeak(build, rt, cfg.peak));

  const runs: FitRun[] = [];
  for (const engine of engines) {
    const [warmup, measured] = cfg.epochs[engine];
    const make = () => new MLP({
      inputs: cfg.inputs, hidden: [cfg.hidden], outputs: 1, activation: 'sigmoid', head: 'sigmoid', engine, seed: 1,
    });
    runs.push(fitOnce(`mlp ${engine}`, engine, make, X, y, cfg.batch, warmup, measured, flops));
  }
  const [pw, pm] = cfg.epochs.plain;
  runs.push(plainOnce(X, y, cfg.rows, cfg.inputs, cfg.hidden, cfg.batch, pw, pm, flops));
  const peaks = builds.map(({ build, rt }, i) => poolPeak(peakBefore[i], measurePeak(build, rt, cfg.peak)));

  const digits = runDigits(engines, cfg.batch, cfg.digitsEpochs);

  const simdPeak = peaks.find((p) => p.build === 'wasm-simd')?.flopsPerSec ?? NaN;
  printMlp(cfg.rows, cfg.batch, widths, flops, runs, peaks, simdPeak, options.quick);
  printDigits(digits, cfg.batch, options.quick);
  const targets = printTargets(runs, flops, simdPeak, cfg.rows);
  const path = writeResult('mlp', options, {
    settings: { ...cfg, learningRate: LEARNING_RATE, optimizer: 'sgd', shuffle: true, engines, dataSeed: DATA_SEED, fitSeed: FIT_SEED },
    flopsPerEpoch: flops,
    peaks: peaks.map((p) => ({ build: p.build, gflops: p.flopsPerSec / 1e9, msPerCall: p.call, iterations: PEAK_ITERATIONS })),
    runs,
    digits,
    targets,
  });
  if (path) console.log(`wrote ${path}`);
}

// A short fit per engine and model kind, so the first measured fit does not pay for compilation.
function warmUp(engines: readonly EngineName[]): void {
  const { X, y } = mlpData(2048, 16, 3);
  const labels = Int32Array.from(y);
  for (const engine of engines) {
    const fit = { epochs: 2, batchSize: 64, learningRate: LEARNING_RATE, optimizer: 'sgd', shuffle: true, seed: 1 } as const;
    const models: Trainable[] = [
      new MLP({ inputs: 16, hidden: [8], outputs: 1, activation: 'sigmoid', head: 'sigmoid', engine, seed: 1 }),
      new SoftmaxRegression({ features: 16, classes: 2, engine }),
    ];
    models[0].fit(X, y, fit);
    models[1].fit(X, labels, fit);
    for (const m of models) m.dispose();
  }
}

function fitOnce(
  label: string, impl: string, make: () => Trainable, X: Float32Array, y: Float32Array | Int32Array, batch: number,
  warmupEpochs: number, measuredEpochs: number, flops: number,
): FitRun {
  const result: FitRun = { impl, parameters: NaN, warmupEpochs, epoch: null, coldMs: NaN, gflops: NaN, loss: [] };
  let model: Trainable | null = null;
  try {
    model = make();
    result.parameters = model.parameterCount;
    const h = model.fit(X, y, {
      epochs: warmupEpochs + measuredEpochs, batchSize: batch, learningRate: LEARNING_RATE, optimizer: 'sgd', shuffle: true, seed: FIT_SEED,
    });
    result.loss = h.loss;
    // Fewer epochs than asked would leave too few (or no) measured ones.
    check(h.timeMs.length === warmupEpochs + measuredEpochs, `${label}: stopped after ${h.timeMs.length} epochs (${h.stopReason.message})`);
    finish(label, result, h.timeMs, flops);
  } catch (err) {
    result.error = err instanceof Error ? err.message : String(err);
    check(false, `${label}: ${result.error}`);
  } finally {
    model?.dispose();
  }
  return result;
}

/** The hand-written loop on the same data, network, batches and learning rate; each epoch timed with its shuffle, as the engines' are. */
function plainOnce(
  X: Float32Array, y: Float32Array, rows: number, inputs: number, hidden: number, batch: number,
  warmupEpochs: number, measuredEpochs: number, flops: number,
): FitRun {
  const result: FitRun = { impl: 'plain JS', parameters: hidden * (inputs + 2) + 1, warmupEpochs, epoch: null, coldMs: NaN, gflops: NaN, loss: [] };
  const rng = seedState(FIT_SEED);
  const net = new PlainMlp(inputs, hidden, rng);
  const timeMs: number[] = [];
  for (let e = 0; e < warmupEpochs + measuredEpochs; e++) {
    const t0 = performance.now();
    result.loss.push(net.epoch(X, y, rows, batch, LEARNING_RATE, rng));
    timeMs.push(performance.now() - t0);
  }
  finish('mlp plain JS', result, timeMs, flops);
  return result;
}

function finish(label: string, result: FitRun, timeMs: readonly number[], flops: number): void {
  checkFinite(`${label}: loss`, result.loss);
  checkFinite(`${label}: epoch time`, timeMs);
  result.coldMs = timeMs[0];
  if (timeMs.length > result.warmupEpochs) {
    result.epoch = summarize(timeMs.slice(result.warmupEpochs));
    result.gflops = flops / (result.epoch.median / 1000) / 1e9;
  }
}

/** Times peakFlops through the unguarded export, so no JS wrapper is inside the timed call. */
function measurePeak(build: Peak['build'], rt: TestingRuntime, options: MeasureOptions): Peak {
  const peak = rt.unguarded.peakFlops;
  checkFinite(`peak ${build}: chain sum`, [peak(1000)]);
  const call = measure(() => peak(PEAK_ITERATIONS), options);
  return { build, call, flopsPerSec: flopsPerSec(build, call) };
}

function flopsPerSec(build: Peak['build'], call: Stats): number {
  const perStep = build === 'wasm-simd' ? PEAK_FLOP_PER_STEP.simd : PEAK_FLOP_PER_STEP.scalar;
  const v = (PEAK_ITERATIONS * perStep) / (call.median / 1000);
  checkFinite(`peak ${build}: FLOP/s`, [v]);
  return v;
}

/** Pools the samples taken before and after the fits, so a burst of noise in one skews neither. */
function poolPeak(a: Peak, b: Peak): Peak {
  const call = summarize([...a.call.samples, ...b.call.samples]);
  return { build: a.build, call, flopsPerSec: flopsPerSec(a.build, call) };
}

/** Softmax regression and a 64-128-10 MLP on the digits, per engine. */
interface DigitsRun extends FitRun {
  model: string;
}

function runDigits(engines: readonly EngineName[], batch: number, epochs: Record<string, [number, number]>): DigitsRun[] {
  // Setup, untimed: the bundled digits, each column standardized.
  const digits = load('digits');
  const features = digits.features.length;
  const rows = digits.rows;
  const X = new StandardScaler().fitTransform(digits.X, features);
  const y = Int32Array.from(digits.y as Float32Array);
  const specs = [
    {
      model: `softmax regression ${features}-10`, widths: [features, 10],
      make: (engine: EngineName) => new SoftmaxRegression({ features, classes: 10, engine }),
    },
    {
      model: `MLP ${features}-128-10 (sigmoid, softmax)`, widths: [features, 128, 10],
      make: (engine: EngineName) => new MLP({ inputs: features, hidden: [128], outputs: 10, activation: 'sigmoid', head: 'softmax', engine, seed: 1 }),
    },
  ];
  const out: DigitsRun[] = [];
  for (const spec of specs) {
    for (const engine of engines) {
      const [warmup, measured] = epochs[engine];
      const r = fitOnce(`digits ${spec.model} ${engine}`, engine, () => spec.make(engine), X, y, batch, warmup, measured,
        epochFlops(rows, spec.widths));
      out.push({ model: spec.model, ...r });
    }
  }
  return out;
}

const lastLoss = (r: FitRun) => (r.loss.length ? sig(r.loss[r.loss.length - 1], 4) : '');

function printMlp(
  rows: number, batch: number, widths: readonly number[], flops: number, runs: readonly FitRun[], peaks: readonly Peak[],
  simdPeak: number, quick: boolean,
): void {
  const plain = runs.find((r) => r.impl === 'plain JS')?.epoch?.median ?? NaN;
  const table: string[][] = peaks.map((p) => [
    `bound: arithmetic peak, ${p.build} build`, sig((flops / p.flopsPerSec) * 1000), sig(p.call.iqr / p.call.median * 100, 2) + '%', '',
    sig(p.flopsPerSec / 1e9), `${sig((p.flopsPerSec / simdPeak) * 100)}%`, '', '',
  ]);
  for (const r of runs) {
    const e = r.epoch;
    table.push([
      r.impl, e ? sig(e.median) : 'error', e ? sig(e.iqr, 2) : '', sig(r.coldMs), sig(r.gflops), `${sig((r.gflops * 1e9 / simdPeak) * 100)}%`,
      times(plain / (e?.median ?? NaN)), lastLoss(r),
    ]);
  }
  printTable(
    `mlp: ${widths.join('-')} network (sigmoid hidden units, sigmoid output, BCE), N = ${rows.toLocaleString('en-US')} rows, ` +
      `batch ${batch}, sgd, learning rate ${LEARNING_RATE}, shuffled${quick ? ' [quick]' : ''}`,
    [
      { title: 'engine / bound', left: true }, { title: 'ms/epoch' }, { title: 'IQR' }, { title: '1st epoch' },
      { title: 'GFLOP/s' }, { title: 'of peak' }, { title: 'vs plain JS' }, { title: 'loss' },
    ],
    table,
    [
      `FLOP per epoch: ${sig(flops / 1e9, 4)} G = N x 2 x [${widths[0]}x${widths[1]} + ${widths[1]}x${widths[2]} (forward) + ` +
        `${widths[0]}x${widths[1]} + ${widths[1]}x${widths[2]} (weight gradients) + ${widths[1]}x${widths[2]} (input gradient of the output layer)];`,
      '  multiply-adds only (activations, loss, biases and the update not counted). GFLOP/s = that / ms per epoch.',
      'ms/epoch: median of the epochs after warm-up (history.timeMs; plain JS: performance.now() around each epoch and its shuffle).',
      'Peak: 12 independent f32x4 (scalar build: f32) multiply-add chains in registers (peakFlops), 8 FLOP per f32x4 pair, in calls',
      '  about as long as an epoch; its ms/epoch is the time the epoch\'s FLOP would take at that rate; IQR in % of its median;',
      '  calls before and after the fits pooled.',
      'plain JS: the network written by hand, Float32Array weights, one row at a time in each batch, sigmoid via Math.exp.',
      ...ratioNotes(runs, peaks),
    ],
  );
}

/** One line per ratio that matters, in words. */
function ratioNotes(runs: readonly FitRun[], peaks: readonly Peak[]): string[] {
  const m = (impl: string) => runs.find((r) => r.impl === impl)?.epoch?.median ?? NaN;
  const ofPeak = (impl: Peak['build']) =>
    sig(((runs.find((r) => r.impl === impl)?.gflops ?? NaN) * 1e9 / (peaks.find((p) => p.build === impl)?.flopsPerSec ?? NaN)) * 100, 2);
  return [
    `What the ratios say: counting only the products' multiply-adds, wasm-simd runs at ${ofPeak('wasm-simd')}% of its build's ` +
      `register-only peak (wasm-scalar: ${ofPeak('wasm-scalar')}% of its own); the rest of the epoch goes to loads and stores,`,
    '  the sigmoids, scattering the rows into the buckets of the next epoch, the one-unit output layer and the SGD update.',
    `  wasm-simd is ${times(m('plain JS') / m('wasm-simd'))} faster than the plain-JS loop, ` +
      `${times(m('wasm-scalar') / m('wasm-simd'))} faster than the same kernels without SIMD, and ${times(m('js') / m('wasm-simd'))} ` +
      'faster than the float64 js reference engine (written for clarity, not speed).',
  ];
}

function printDigits(runs: readonly DigitsRun[], batch: number, quick: boolean): void {
  printTable(
    `mlp: digits (1,797 rows x 64 standardized features, 10 classes), batch ${batch}, sgd, learning rate ${LEARNING_RATE}, shuffled` +
      (quick ? ' [quick]' : ''),
    [
      { title: 'model', left: true }, { title: 'params' }, { title: 'engine', left: true }, { title: 'ms/epoch' }, { title: 'IQR' },
      { title: '1st epoch' }, { title: 'GFLOP/s' }, { title: 'loss' },
    ],
    runs.map((r) => [
      r.model, String(r.parameters), r.impl, r.epoch ? sig(r.epoch.median) : 'error', r.epoch ? sig(r.epoch.iqr, 2) : '',
      sig(r.coldMs), sig(r.gflops), lastLoss(r),
    ]),
    ['Training loss after the last epoch. At 1,797 rows (29 batches) an epoch is short: fixed per-fit and per-batch costs weigh more.'],
  );
}

function printTargets(runs: readonly FitRun[], flops: number, simdPeak: number, rows: number) {
  const m = (impl: string) => runs.find((r) => r.impl === impl)?.epoch?.median;
  const targets = judgeMlpTargets({ plainJsMs: m('plain JS'), simdMs: m('wasm-simd'), flopsPerEpoch: flops, peakFlopsPerSec: simdPeak });
  const format = (i: number, x: number) => (i === 0 ? times(x) : i === 1 ? `${sig(x)} ms` : `${sig(x * 100)}%`);
  printTable(
    `mlp: targets (N = ${MLP_TARGET.rows.toLocaleString('en-US')}, ${MLP_TARGET.inputs}-${MLP_TARGET.hidden}-1, batch ${MLP_TARGET.batch})`,
    [{ title: 'target', left: true }, { title: 'measured' }, { title: 'goal', left: true }, { title: 'result', left: true }],
    targets.map((t, i) => [t.target, format(i, t.measured), t.goal, verdict(t.pass)]),
    [
      'A MISS is reported, never fatal: timings on a shared machine are noisy.',
      ...(rows !== MLP_TARGET.rows ? [`Measured at N = ${rows.toLocaleString('en-US')}, not the targets' N: indicative only.`] : []),
    ],
  );
  return targets;
}
