// Case `autolr`: what training reaches without a chosen learning rate. On bundled and
// synthetic problems, the final training loss after a fixed epoch budget for the
// defaults (fit(X, y) with no optimizer, rate or schedule), for learningRate 'auto' with
// each classic optimizer and for each optimizer that sets its own step size, against the
// best of a grid of fixed rates (1e-4 to 10, half-decade steps) for SGD and for Adam at
// the same budget, with wall time. The targets (issue 17) are judged in the same run.
import {
  DivergenceError, LinearRegression, LogisticRegression, MLP, ready, SoftmaxRegression,
  type FitOptions, type History, type OptimizerName, type OptimizerOptions,
} from '../src/index.js';
import { resolveOptimizer } from '../src/optim/optimizers.js';
import { load } from '../src/datasets/index.js';
import { StandardScaler } from '../src/preprocess/StandardScaler.js';
import { logisticData } from '../src/bench/data.js';
import { normal, seedState, uniform } from '../src/reference/random.js';
import { check, checkFinite, printTable, sig, times, writeResult, type BenchOptions } from '../src/bench/harness.js';

/** A model to train, and how to make a fresh one. */
type Model = LinearRegression | LogisticRegression | SoftmaxRegression | MLP;

/** One problem: data, a model factory and the epoch budget. */
export interface Problem {
  name: string;
  what: string;
  make: () => Model;
  X: Float32Array;
  y: Float32Array | string[];
  epochs: number;
}

/** The classic optimizers (learningRate 'auto' applies to them); every other name the library accepts sets its own step size. */
const CLASSIC = ['sgd', 'adam', 'adamw', 'rmsprop', 'adagrad'];

/** Every optimizer name the library accepts, read from resolveOptimizer's own message, so new ones appear here unasked. */
export function optimizerNames(): string[] {
  try {
    resolveOptimizer({ name: '?' as OptimizerName });
  } catch (err) {
    const list = /expected one of (.*)\)/.exec((err as Error).message)?.[1];
    if (list) return list.split(', ');
  }
  throw new Error('resolveOptimizer did not list its optimizers');
}

/** Fixed rates of the grid: 1e-4 to 10 in half-decade steps (quick: whole decades). */
export function gridRates(quick: boolean): number[] {
  const step = quick ? 2 : 1;
  const rates: number[] = [];
  for (let k = 0; k <= 10; k += step) rates.push(10 ** (-4 + k / 2));
  return rates;
}

function standardized(X: Float32Array, features: number): Float32Array {
  return new StandardScaler().fitTransform(X, features) as Float32Array;
}

/** An ill-conditioned logistic problem: feature j's scale is 10^(-1.5 + 3j/(d-1)), three decades in all. */
function illConditioned(rows: number, d: number): { X: Float32Array; y: Float32Array } {
  const { X, y } = logisticData(rows, d, 1717);
  for (let r = 0; r < rows; r++) for (let j = 0; j < d; j++) X[r * d + j] *= 10 ** (-1.5 + (3 * j) / (d - 1));
  return { X, y };
}

/** Regression whose target is far from unit scale: y = 1000 (x.w) + 5000 + noise, X standardized. */
function unscaledTarget(rows: number, d: number): { X: Float32Array; y: Float32Array } {
  const rng = seedState(2424);
  const w = Float64Array.from({ length: d }, () => normal(rng));
  const X = new Float32Array(rows * d);
  const y = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    let z = 0;
    for (let j = 0; j < d; j++) {
      const v = 2 * uniform(rng) - 1;
      X[r * d + j] = v;
      z += w[j] * v;
    }
    y[r] = 1000 * z + 5000 + 100 * normal(rng);
  }
  return { X: standardized(X, d), y };
}

/** The problems, in table order (quick: fewer epochs). */
export function problems(quick: boolean): Problem[] {
  const scale = (e: number) => (quick ? Math.max(2, Math.round(e / 5)) : e);
  const bc = load('breast_cancer');
  const iris = load('iris');
  const digits = load('digits');
  const secret = load('secret_number');
  const ill = illConditioned(2000, 16);
  const reg = unscaledTarget(2000, 8);
  const dX = standardized(digits.X, 64);
  return [
    { name: 'breast_cancer', what: 'logistic, standardized', make: () => new LogisticRegression({ features: 30 }), X: standardized(bc.X, 30), y: bc.y, epochs: scale(50) },
    { name: 'iris', what: 'softmax, standardized', make: () => new SoftmaxRegression({ features: 4, classes: 3 }), X: standardized(iris.X, 4), y: iris.y, epochs: scale(50) },
    { name: 'digits-softmax', what: 'softmax, standardized', make: () => new SoftmaxRegression({ features: 64, classes: 10 }), X: dX, y: digits.y, epochs: scale(30) },
    {
      name: 'digits-mlp', what: 'MLP 64-32-10 tanh', X: dX, y: digits.y, epochs: scale(30),
      make: () => new MLP({ inputs: 64, hidden: [32], outputs: 10, activation: 'tanh' }),
    },
    { name: 'secret_number', what: 'linear, raw x (4 rows)', make: () => new LinearRegression({ features: 1 }), X: secret.X, y: secret.y, epochs: scale(100) },
    { name: 'ill-conditioned', what: 'logistic, scales 10^-1.5..10^1.5', make: () => new LogisticRegression({ features: 16 }), X: ill.X, y: ill.y, epochs: scale(50) },
    { name: 'unscaled-target', what: 'linear, y ~ 1000 x.w + 5000', make: () => new LinearRegression({ features: 8 }), X: reg.X, y: reg.y, epochs: scale(50) },
  ];
}

/** One fit's outcome: the final training loss (Infinity if it diverged), its wall time and history. */
export interface Outcome {
  loss: number;
  ms: number;
  history: History | null;
}

/** Trains a fresh model with these options (seed 0) and evaluates it on the training data. */
export function train(p: Problem, options: FitOptions): Outcome {
  const model = p.make();
  try {
    const t0 = performance.now();
    let history: History;
    try {
      history = model.fit(p.X, p.y as Float32Array, { epochs: p.epochs, seed: 0, ...options });
    } catch (err) {
      if (err instanceof DivergenceError) return { loss: Infinity, ms: performance.now() - t0, history: null };
      throw err;
    }
    const ms = performance.now() - t0;
    return { loss: model.evaluate(p.X, p.y as Float32Array).loss, ms, history };
  } finally {
    model.dispose();
  }
}

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];

/**
 * A method's fit and its wall time beside one fit at the best fixed rate, the two timed in
 * turn `repeats` times (medians of each), so load on a shared machine falls on both alike.
 * Untimed fits of each first (the first gives the seeded, so every repeat's, loss): they let the
 * JIT compile each contender's code paths. Without them the first method measured on the first
 * problem (the defaults on breast_cancer) timed its search's first calls, up to 8x a warm fit.
 */
function paired(p: Problem, options: FitOptions, fixed: FitOptions, repeats: number): Outcome & { fixedMs: number } {
  const first = train(p, options);
  for (let i = 0; i < 2; i++) train(p, fixed), train(p, options);
  const ms: number[] = [];
  const fixedMs: number[] = [];
  for (let i = 0; i < repeats; i++) {
    fixedMs.push(train(p, fixed).ms);
    ms.push(train(p, options).ms);
  }
  return { ...first, ms: median(ms), fixedMs: median(fixedMs) };
}

/** The methods that set the rate themselves: defaults, 'auto' with each classic optimizer, and the learning-rate-free optimizers. */
export function methods(): { label: string; options: FitOptions }[] {
  const names = optimizerNames();
  const auto = (label: string, optimizer: OptimizerName | OptimizerOptions) => ({ label, options: { optimizer, learningRate: 'auto' as const } });
  return [
    { label: 'defaults', options: {} },
    auto('auto sgd', 'sgd'),
    auto('auto momentum', { name: 'sgd', momentum: 0.9 }),
    auto('auto nesterov', { name: 'sgd', momentum: 0.9, nesterov: true }),
    ...CLASSIC.filter((n) => n !== 'sgd' && names.includes(n)).map((n) => auto(`auto ${n}`, n as OptimizerName)),
    ...names.filter((n) => !CLASSIC.includes(n)).map((n) => ({ label: n, options: { optimizer: n as OptimizerName } })),
  ];
}

/** 5% of the grid's best, plus 1e-3 absolute for losses near zero. */
export function withinTarget(loss: number, best: number): boolean {
  return loss <= best * 1.05 + 1e-3;
}

/** Runs the case: prints the tables, writes bench/results/autolr.json. */
export async function run(options: BenchOptions): Promise<void> {
  await ready();
  const quick = options.quick;
  const rates = gridRates(quick);
  const repeats = quick ? 1 : 9;
  const rows: string[][] = [];
  const summary: string[][] = [];
  const results: Record<string, unknown>[] = [];
  for (const p of problems(quick)) {
    const grid: { optimizer: string; rate: number; loss: number; ms: number }[] = [];
    for (const optimizer of ['sgd', 'adam'] as const) {
      for (const rate of rates) {
        const o = train(p, { optimizer, learningRate: rate });
        grid.push({ optimizer, rate, loss: o.loss, ms: o.ms });
      }
    }
    const bestOf = (opt?: string) => grid.filter((g) => !opt || g.optimizer === opt).reduce((a, b) => (b.loss < a.loss ? b : a));
    const best = bestOf();
    const bestSgd = bestOf('sgd');
    const bestAdam = bestOf('adam');
    // The time bound: one fit at the best fixed rate, timed in turn with each method.
    const fixed: FitOptions = { optimizer: best.optimizer as OptimizerName, learningRate: best.rate };
    const measured = methods().map((m) => ({ ...m, outcome: paired(p, m.options, fixed, repeats) }));
    const fixedMs = median(measured.map((m) => m.outcome.fixedMs));
    checkFinite(`autolr ${p.name} losses`, measured.map((m) => m.outcome.loss).filter((l) => l !== Infinity));
    for (const m of measured) {
      const o = m.outcome;
      const search = o.history?.learningRateSearch;
      const lossOk = withinTarget(o.loss, best.loss);
      const timeOk = o.ms <= 1.5 * o.fixedMs;
      const target = m.label === 'defaults' ? `${lossOk && timeOk ? 'pass' : 'FAIL'}${lossOk ? '' : ' loss'}${timeOk ? '' : ' time'}`
        : m.label === 'auto sgd' ? (withinTarget(o.loss, bestSgd.loss) ? 'pass' : 'FAIL') : '';
      rows.push([
        p.name, m.label, o.loss === Infinity ? 'diverged' : sig(o.loss), times(o.loss / best.loss),
        search ? sig(search.rate) : '', search ? sig(search.epochs, 2) : '', sig(o.ms), times(o.ms / o.fixedMs), target,
      ]);
      results.push({
        problem: p.name, method: m.label, loss: o.loss, vsBest: o.loss / best.loss, ms: o.ms, fixedMs: o.fixedMs, vsFixedMs: o.ms / o.fixedMs,
        rate: search?.rate ?? null, searchEpochs: search?.epochs ?? null, searchMs: search?.timeMs ?? null, target: target || null,
        // The rate of the defaults' last epoch (a schedule may have changed it).
        lastRate: o.history?.learningRate.at(-1) ?? null,
      });
    }
    summary.push([
      p.name, p.what, String(p.epochs), `${sig(bestSgd.loss)} @ ${sig(bestSgd.rate, 2)}`, `${sig(bestAdam.loss)} @ ${sig(bestAdam.rate, 2)}`,
      sig(fixedMs), String(grid.filter((g) => g.loss === Infinity).length),
    ]);
    results.push({ problem: p.name, grid, best, bestSgd, bestAdam, fixedMs });
  }
  printTable(
    `autolr: the grid of fixed rates (${rates.length} rates from 1e-4 to 10, SGD and Adam, seed 0, wasm-simd where supported)`,
    [{ title: 'problem', left: true }, { title: 'model', left: true }, { title: 'epochs' }, { title: 'best SGD loss @ rate' },
      { title: 'best Adam loss @ rate' }, { title: 'best fixed fit ms (median)' }, { title: 'diverged' }],
    summary,
  );
  printTable(
    `autolr: methods that choose the rate (loss: final training loss from evaluate; ms: median of ${repeats} fits, each timed in turn with a fit at the best fixed rate)`,
    [{ title: 'problem', left: true }, { title: 'method', left: true }, { title: 'loss' }, { title: 'vs grid best' }, { title: 'rate' },
      { title: 'search epochs' }, { title: 'ms' }, { title: 'vs best fixed ms' }, { title: 'target', left: true }],
    rows,
    [
      'Targets: defaults within 5% of the grid best (+1e-3), never diverging, at most 1.5x the wall time of one fit at the best fixed rate;',
      "'auto sgd' within 5% (+1e-3) of the best SGD rate. rate: the base rate 'auto' chose; search epochs: its cost in epochs of the data.",
    ],
  );
  const failed = rows.filter((r) => r[8].startsWith('FAIL')).length;
  console.log(`\n${failed === 0 ? 'every target met' : `${failed} target(s) not met`}${quick ? ' (quick mode: fewer epochs, a coarser grid; not a measurement)' : ''}`);
  check(results.length > 0, 'autolr ran no problem');
  const path = writeResult('autolr', options, { rates, results });
  if (path) console.log(`wrote ${path}`);
}
