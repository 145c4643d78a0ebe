// Random training runs for the engine-equivalence property: a fast-check
// arbitrary of shapes, batch sizes, optimizers, penalties and row weights in
// ranges where every trajectory is well-conditioned (no divergence, no step
// that amplifies rounding), the seeded data each case trains on, and the
// per-epoch trajectory (parameters and history) of one engine.
import fc from 'fast-check';
import type { FitOptions, OptimizerOptions } from '../../src/index.js';
import { seedState, uniform } from '../../src/reference/random.js';
import { classification, regression } from './data.js';
import type { TestEngine } from './engines.js';
import { makeModel, paramsOf, type ModelKind } from './models.js';

/** One training run: everything the three engines are given. */
export interface EngineCase {
  kind: ModelKind;
  features: number;
  rows: number;
  /** Seeds the data (features, true weights, noise, row weights). */
  dataSeed: number;
  /** Some columns entirely zero: their data gradient is exactly 0, so only penalties move those weights. */
  deadColumns: boolean;
  batchSize: number | 'full';
  epochs: number;
  shuffle: boolean;
  /** The model's seed (init and shuffle order). */
  seed: number;
  init: 'zeros' | 'random';
  learningRate: number;
  optimizer: OptimizerOptions;
  penalty: { l1?: number; l2?: number; elasticNet?: { alpha: number; l1Ratio: number } };
  sampleWeight: boolean;
  classWeight: 'balanced' | { 0: number; 1: number } | undefined;
}

/** A case's data: float32 values generated from dataSeed. */
export interface CaseData {
  X: Float32Array;
  y: Float32Array;
  sampleWeight: Float32Array | undefined;
}

/** What one engine did, epoch by epoch. */
export interface Trajectory {
  /** [w..., b] after each epoch. */
  params: Float64Array[];
  loss: number[];
  gradNorm: number[];
  /** With everyStep: [w..., b] before each step (the initial parameters first). */
  steps?: Float64Array[];
}

const num = (min: number, max: number) => fc.double({ min, max, noNaN: true, noDefaultInfinity: true });

// eps >= 1e-3: with PyTorch's tiny defaults an adaptive step is lr * g / (|g| + eps) ~ lr * sign(g)
// for a gradient that cancels to |g| ~ eps, and then float32's rounding of g (~1e-8 of the summed
// terms) decides the step. The default eps is covered by the optimizer tests' exact data.
const EPS = fc.constantFrom(1e-3, 1e-2);

/**
 * Each optimizer with its hyperparameters and a learning rate that keeps its
 * steps small. Features have |x|^2 <= 3 (see data.ts 'scaled') and rows weigh
 * at most 2 (sampleWeight) times 4 (classWeight, regression has none), so an
 * SGD step on one row is contractive: 2 lr * 2 * 3 < 2 for the MSE at lr <= 0.15,
 * and 2 lr * 8 * 3 / 4 < 2 for the cross-entropy (curvature <= 1/4). Momentum
 * mu multiplies the effective rate by up to 1 / (1 - mu), so the base rate is
 * scaled by (1 - mu). Adaptive optimizers take steps of about lr per parameter
 * whatever the gradient, so their rates stay at or below 0.03; with eps >= 1e-3
 * that also keeps lr / eps, the most an adaptive step can amplify a rounding
 * error in a gradient near 0 (d/dg of lr g / (|g| + eps) at g = 0), at 30 or less.
 */
const optimizerArb: fc.Arbitrary<{ optimizer: OptimizerOptions; learningRate: number }> = fc.oneof(
  fc.record({ lr: num(0.01, 0.15), momentum: fc.constantFrom(0, 0.5, 0.9), nesterov: fc.boolean(), dampening: num(0, 0.5), weightDecay: fc.constantFrom(0, 0, 1e-3, 0.05) })
    .map(({ lr, momentum, nesterov, dampening, weightDecay }) => ({
      learningRate: lr * (1 - momentum),
      optimizer: momentum > 0 && nesterov
        ? { name: 'sgd' as const, momentum, nesterov: true, weightDecay }
        : { name: 'sgd' as const, momentum, dampening: momentum > 0 ? dampening : 0, weightDecay },
    })),
  fc.record({
    name: fc.constantFrom('adam' as const, 'adamw' as const), lr: num(0.001, 0.03), b1: num(0.5, 0.95), b2: num(0.9, 0.9999),
    eps: EPS, weightDecay: fc.constantFrom(0, 1e-3, 0.05), amsgrad: fc.boolean(),
  }).map(({ name, lr, b1, b2, eps, weightDecay, amsgrad }) => ({
    learningRate: lr,
    optimizer: { name, betas: [b1, b2] as [number, number], eps, weightDecay, amsgrad },
  })),
  fc.record({
    lr: num(0.001, 0.02), alpha: num(0.8, 0.99), eps: EPS, momentum: fc.constantFrom(0, 0.5, 0.9),
    centered: fc.boolean(), weightDecay: fc.constantFrom(0, 1e-3, 0.05),
  }).map(({ lr, alpha, eps, momentum, centered, weightDecay }) => ({
    learningRate: lr * (1 - momentum),
    optimizer: { name: 'rmsprop' as const, alpha, eps, momentum, centered, weightDecay },
  })),
  fc.record({
    lr: num(0.003, 0.03), lrDecay: fc.constantFrom(0, 0.01, 0.1), initialAccumulatorValue: fc.constantFrom(0, 0.1, 1),
    eps: EPS, weightDecay: fc.constantFrom(0, 1e-3, 0.05),
  }).map(({ lr, lrDecay, initialAccumulatorValue, eps, weightDecay }) => ({
    learningRate: lr,
    optimizer: { name: 'adagrad' as const, lrDecay, initialAccumulatorValue, eps, weightDecay },
  })),
  { arbitrary: lrFreeArb(), weight: 2 }, // six optimizers in one branch: weighted so each gets its share of the cases
);

/**
 * The learning-rate-free optimizers. Their step is d lr (Prodigy, D-Adapt) or r-bar lr (DoG)
 * times an SGD or Adam direction, with d estimated from the run; the multiplier lr is kept at
 * 0.3 or less and the estimate's growth is sometimes capped (growthRate), so steps stay small
 * as for the classic optimizers above. Schedule-Free's lr is a step size: SGD's and Adam's ranges.
 */
function lrFreeArb(): fc.Arbitrary<{ optimizer: OptimizerOptions; learningRate: number }> {
  const adapt = { d0: fc.constantFrom(1e-6, 1e-3, 0.05), growthRate: fc.constantFrom(Infinity, 1.05), weightDecay: fc.constantFrom(0, 1e-3, 0.05) };
  return fc.oneof(
    fc.record({ name: fc.constantFrom('prodigy' as const, 'dadapt-adam' as const), lr: num(0.05, 0.3), b1: num(0.5, 0.95), b2: num(0.9, 0.9999), eps: EPS, ...adapt })
      .map(({ name, lr, b1, b2, eps, d0, growthRate, weightDecay }) => ({
        learningRate: lr, optimizer: { name, betas: [b1, b2] as [number, number], eps, d0, growthRate, weightDecay },
      })),
    fc.record({ lr: num(0.05, 0.3), momentum: fc.constantFrom(0, 0.5, 0.9), ...adapt })
      .map(({ lr, momentum, d0, growthRate, weightDecay }) => ({
        learningRate: lr, optimizer: { name: 'dadapt-sgd' as const, momentum, d0, growthRate, weightDecay },
      })),
    fc.record({ lr: num(0.05, 0.3), weightDecay: adapt.weightDecay })
      .map(({ lr, weightDecay }) => ({ learningRate: lr, optimizer: { name: 'dog' as const, weightDecay } })),
    fc.record({ lr: num(0.01, 0.15), momentum: num(0.5, 0.95), weightDecay: adapt.weightDecay })
      .map(({ lr, momentum, weightDecay }) => ({ learningRate: lr, optimizer: { name: 'schedule-free-sgd' as const, momentum, weightDecay } })),
    fc.record({ lr: num(0.001, 0.03), b1: num(0.5, 0.95), b2: num(0.9, 0.9999), eps: EPS, weightDecay: adapt.weightDecay })
      .map(({ lr, b1, b2, eps, weightDecay }) => ({
        learningRate: lr, optimizer: { name: 'schedule-free-adamw' as const, betas: [b1, b2] as [number, number], eps, weightDecay },
      })),
  );
}

// None, L1, L2, both, or elastic net (scikit-learn's alpha and l1Ratio). L1 is on in most
// cases: nothing else compares the WASM penalty with the reference.
const penaltyArb: fc.Arbitrary<EngineCase['penalty']> = fc.oneof(
  fc.constant({}),
  fc.record({ l1: num(1e-3, 0.05) }),
  fc.record({ l2: num(1e-3, 0.2) }),
  fc.record({ l1: num(1e-3, 0.05), l2: num(1e-3, 0.2) }),
  fc.record({ elasticNet: fc.record({ alpha: num(1e-3, 0.1), l1Ratio: num(0, 1) }) }),
);

// Feature counts 1..40 cover the four-row SIMD blocks with every tail (the dot
// products unroll by 8 and then 4); 4, 8, 32 and 33 are drawn more often.
const featuresArb = fc.oneof(fc.integer({ min: 1, max: 40 }), fc.constantFrom(4, 8, 32, 33));

// Batch sizes: 1 (stochastic), 'full', an odd size, a size that divides the rows, any size.
function batchArb(rows: number): fc.Arbitrary<number | 'full'> {
  const divisors = Array.from({ length: rows }, (_, i) => i + 1).filter((d) => rows % d === 0);
  return fc.oneof(
    fc.constant(1),
    fc.constant('full' as const),
    fc.integer({ min: 0, max: Math.floor((rows - 1) / 2) }).map((k) => 2 * k + 1),
    fc.constantFrom(...divisors),
    fc.integer({ min: 1, max: rows }),
  );
}

/** Random cases; rows kept to 1..300 and epochs to 1..4 so a case takes milliseconds. */
export const engineCaseArb: fc.Arbitrary<EngineCase> = fc.record({
  kind: fc.constantFrom<ModelKind>('linear', 'logistic'),
  features: featuresArb,
  rows: fc.oneof({ arbitrary: fc.integer({ min: 1, max: 300 }), weight: 3 }, { arbitrary: fc.integer({ min: 1, max: 12 }), weight: 1 }),
}).chain(({ kind, features, rows: r }) => {
  const rows = kind === 'logistic' ? Math.max(r, 2) : r; // two rows at least, so both classes occur
  return fc.record({
    kind: fc.constant(kind),
    features: fc.constant(features),
    rows: fc.constant(rows),
    dataSeed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
    deadColumns: fc.boolean(),
    batchSize: batchArb(rows),
    epochs: fc.integer({ min: 1, max: 4 }),
    shuffle: fc.boolean(),
    seed: fc.integer({ min: 0, max: 1000 }),
    init: fc.constantFrom<'zeros' | 'random'>('zeros', 'zeros', 'random'),
    opt: optimizerArb,
    penalty: penaltyArb,
    sampleWeight: fc.boolean(),
    classWeight: kind === 'logistic'
      ? fc.oneof(fc.constant(undefined), fc.constant('balanced' as const), fc.record({ 0: num(0.25, 4), 1: num(0.25, 4) }))
      : fc.constant(undefined),
  }).map(({ opt, ...c }) => {
    // Two set-ups make an adaptive optimizer (whose step is about lr * sign(g) whatever |g| is)
    // follow rounding noise instead of the data, so the engines would part by ~lr for reasons
    // that are not theirs: 'balanced' weights at zero logits (the bias gradient of a batch
    // whose class shares match the data's is exactly 0; float32 leaves ~1e-8 of it, float64
    // ~1e-17), and a dead column's weight started away from 0 (its gradient is only the
    // penalty's l2 w, so Adam pushes it across 0 by ~lr every step, a chaotic map). Adaptive
    // cases with 'balanced' start from 'random'; adaptive cases with dead columns from zeros,
    // where those weights stay exactly 0 unless the L1 subgradient at 0 is wrong.
    const adaptive = opt.optimizer.name !== 'sgd';
    const init = !adaptive ? c.init : c.classWeight === 'balanced' ? 'random' : c.deadColumns ? 'zeros' : c.init;
    const deadColumns = c.deadColumns && !(adaptive && init === 'random');
    return { ...c, init, deadColumns, ...opt };
  });
});

/**
 * The case's data: 'scaled' features (uniform, |x|^2 <= 3), targets from true
 * weights in (-1, 1) with noise 0.3, each class on a quarter of the rows or more,
 * dead columns zeroed, row weights in [0, 2] with some exact zeros and at least
 * one positive. Every value is a float32, so every engine sees the same numbers.
 */
export function caseData(c: EngineCase): CaseData {
  const o = { rows: c.rows, features: c.features, seed: c.dataSeed, noise: 0.3 };
  const { X, y } = c.kind === 'linear' ? regression(o) : classification(o);
  const rng = seedState(c.dataSeed ^ 0x5bd1e995);
  if (c.deadColumns) {
    for (let j = 0; j < c.features; j++) {
      if (uniform(rng) < 0.3) for (let r = 0; r < c.rows; r++) X[r * c.features + j] = 0;
    }
  }
  if (c.kind === 'logistic') {
    // Each class on at least a quarter of the rows (flipping random labels of the larger one), so
    // 'balanced' weights stay at most 2 and no single row's step dominates a batch.
    const ones = y.reduce((n, v) => n + v, 0);
    const major = ones * 2 > c.rows ? 1 : 0;
    for (let minority = Math.min(ones, c.rows - ones); minority < Math.ceil(c.rows / 4);) {
      const r = Math.floor(uniform(rng) * c.rows);
      if (y[r] === major) {
        y[r] = 1 - major;
        minority++;
      }
    }
  }
  let sampleWeight: Float32Array | undefined;
  if (c.sampleWeight) {
    sampleWeight = Float32Array.from({ length: c.rows }, () => (uniform(rng) < 0.15 ? 0 : Math.fround(2 * uniform(rng))));
    if (sampleWeight.every((w) => w === 0)) sampleWeight[0] = 1;
  }
  return { X, y, sampleWeight };
}

/** The fit options of a case (without callbacks). */
export function caseFitOptions(c: EngineCase, d: CaseData): FitOptions {
  return {
    epochs: c.epochs, batchSize: c.batchSize, learningRate: c.learningRate, optimizer: c.optimizer, shuffle: c.shuffle,
    ...c.penalty, sampleWeight: d.sampleWeight, classWeight: c.classWeight,
  };
}

/** Trains a fresh model of the case on one engine, recording [w, b] after every epoch. */
export function trajectory(engine: TestEngine, c: EngineCase, d: CaseData, everyStep = false): Trajectory {
  const m = makeModel(c.kind, engine, c.features, { init: c.init, seed: c.seed });
  try {
    const params: Float64Array[] = [];
    const steps = everyStep ? [paramsOf(m)] : undefined;
    const h = m.fit(d.X, d.y, {
      ...caseFitOptions(c, d),
      onEpochEnd: () => { params.push(paramsOf(m)); },
      onBatchEnd: steps && (() => { steps.push(paramsOf(m)); }),
    });
    return { params, loss: h.loss, gradNorm: h.gradNorm, steps };
  } finally {
    m.dispose();
  }
}

/** Optimizer steps taken by the end of each epoch. */
export function stepsPerEpoch(c: EngineCase): number {
  return Math.ceil(c.rows / (c.batchSize === 'full' ? c.rows : c.batchSize));
}

/** How far an engine may be from the reference after k optimizer steps (see the property test for why). */
export interface TrajectoryTolerance {
  /** ULPs (2^-24) of the scale allowed at any step count... */
  constUlps: number;
  /** ...plus this many per sqrt(steps). */
  sqrtUlps: number;
  /** Smallest parameter scale: parameters near 0 are compared against this. */
  scaleFloor: number;
  /** Smallest loss scale. */
  lossFloor: number;
  /** Smallest gradient-norm scale. */
  gradFloor: number;
  /** The extra parameter error allowed once the engines took opposite L1 subgradients on some weight. */
  kinkAllowance: (c: EngineCase) => number;
}

/** The worst mismatch between a trajectory and the reference's, as a fraction of what is allowed (> 1 fails). */
export interface Mismatch {
  ratio: number;
  message: string;
}

const U32 = 2 ** -24;
const fmt = (v: number) => v.toPrecision(9);

/** The L1 strength a case trains with (l1, or elasticNet's alpha * l1Ratio). */
export function caseL1(c: EngineCase): number {
  return c.penalty.l1 ?? (c.penalty.elasticNet ? c.penalty.elasticNet.alpha * c.penalty.elasticNet.l1Ratio : 0);
}

/**
 * The first step before which the engines held some weight on opposite sides
 * of 0 (the reference not at exactly 0; the engine may be), so that their L1
 * subgradients differed; Infinity if none did or the case has no L1. An exact 0
 * in the reference (zero init, a dead column) must be matched exactly, so a
 * weight the engine moved off it does not count.
 */
export function firstL1Flip(c: EngineCase, ref: Trajectory, got: Trajectory): number {
  if (!(caseL1(c) > 0)) return Infinity;
  const a = ref.steps!;
  const b = got.steps!;
  for (let s = 0; s < Math.min(a.length, b.length) - 1; s++) {
    for (let i = 0; i < c.features; i++) {
      if (a[s][i] !== 0 && Math.sign(b[s][i]) !== Math.sign(a[s][i])) return s;
    }
  }
  return Infinity;
}

/**
 * Compares each epoch's parameters, loss and gradient norm with the reference
 * trajectory. flip is firstL1Flip's step: from the epoch that contains it on,
 * every parameter gets the kink allowance, and the loss and gradient norm
 * (which follow from parameters already compared) are not compared.
 */
export function compareTrajectories(
  c: EngineCase, ref: Trajectory, got: Trajectory, tol: TrajectoryTolerance, flip = Infinity,
): Mismatch {
  if (got.params.length !== ref.params.length) {
    return { ratio: Infinity, message: `trained ${got.params.length} epochs, the reference ${ref.params.length}` };
  }
  const perEpoch = stepsPerEpoch(c);
  const allowed = (k: number, scale: number) => U32 * (tol.constUlps + tol.sqrtUlps * Math.sqrt(k)) * scale;
  let worst: Mismatch = { ratio: 0, message: '' };
  const note = (ratio: number, message: () => string) => {
    if (!(ratio <= worst.ratio)) worst = { ratio, message: message() };
  };
  for (let e = 0; e < ref.params.length; e++) {
    const k = (e + 1) * perEpoch;
    const flipped = flip < k;
    const want = ref.params[e];
    const have = got.params[e];
    const scale = want.reduce((m, v) => Math.max(m, Math.abs(v)), tol.scaleFloor);
    const limit = allowed(k, scale) + (flipped ? tol.kinkAllowance(c) : 0);
    const after = flipped ? ` (the L1 subgradients differed before step ${flip + 1})` : '';
    for (let i = 0; i < want.length; i++) {
      const name = i < c.features ? `w[${i}]` : 'bias';
      note(Math.abs(have[i] - want[i]) / limit, () =>
        `epoch ${e + 1} (${k} steps): ${name} = ${fmt(have[i])}, reference ${fmt(want[i])}, allowed error ${limit.toPrecision(3)}${after}`);
    }
    if (flipped) continue;
    const lossLimit = allowed(k, Math.max(Math.abs(ref.loss[e]), tol.lossFloor));
    note(Math.abs(got.loss[e] - ref.loss[e]) / lossLimit, () =>
      `epoch ${e + 1} (${k} steps): loss ${fmt(got.loss[e])}, reference ${fmt(ref.loss[e])}, allowed error ${lossLimit.toPrecision(3)}`);
    const gradLimit = allowed(k, Math.max(ref.gradNorm[e], tol.gradFloor));
    note(Math.abs(got.gradNorm[e] - ref.gradNorm[e]) / gradLimit, () =>
      `epoch ${e + 1} (${k} steps): gradNorm ${fmt(got.gradNorm[e])}, reference ${fmt(ref.gradNorm[e])}, allowed error ${gradLimit.toPrecision(3)}`);
  }
  return worst;
}
