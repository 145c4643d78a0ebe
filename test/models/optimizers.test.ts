// The optimizers inside a real fit, on every engine: LinearRegression and LogisticRegression
// trained with batch gradient descent (shuffle off) follow, epoch by epoch, a trajectory
// computed here by an independent float64 loop (the full-batch gradient of DESIGN.md's loss
// and torch.optim's update rules written out in test/helpers/training.ts; src's optimizerStep
// is not used).
import { beforeAll, describe, expect, it } from 'vitest';
import { ready, type OptimizerOptions } from '../../src/index.js';
import {
  ENGINE_NAMES, SMALL_X, SMALL_Y_CLS, SMALL_Y_REG, close, isWasm, maxDiff, newModel, oracle, params,
  type EngineUnderTest, type Kind, type OracleOptimizer, type Tol,
} from '../helpers/training.js';

const EPOCHS = 4;

interface Case {
  label: string;
  optimizer: OptimizerOptions;
  lr: number;
  /** The case this one must differ from (so that the option is shown to have an effect). */
  differsFrom?: string;
  /** Rows per step (default the full batch). */
  batchSize?: number;
  /** The WASM engines' tolerance where the parameters stay far below 1 (see tolFor). */
  wasmTol?: Tol;
}

// DoG's first steps are r_eps = 1e-6 (1 + ||x0||) long and grow by about 1 + 1/sqrt(t) per step, so in 48 steps
// from zeros the parameters reach only ~1e-4: held to 1e-4 relative (float32 roundings, ~6e-8 each, over 48 steps
// whose sizes follow the running maximum distance, stay near 1e-6 relative) plus 1e-9 absolute.
const SMALL: Tol = { abs: 1e-9, rel: 1e-4 };

const CASES: Case[] = [
  { label: 'sgd', optimizer: { name: 'sgd' }, lr: 0.05 },
  { label: 'sgd momentum 0.9', optimizer: { name: 'sgd', momentum: 0.9 }, lr: 0.05, differsFrom: 'sgd' },
  { label: 'sgd nesterov', optimizer: { name: 'sgd', momentum: 0.9, nesterov: true }, lr: 0.05, differsFrom: 'sgd momentum 0.9' },
  { label: 'sgd dampening 0.5', optimizer: { name: 'sgd', momentum: 0.9, dampening: 0.5 }, lr: 0.05, differsFrom: 'sgd momentum 0.9' },
  { label: 'sgd weightDecay 1', optimizer: { name: 'sgd', weightDecay: 1 }, lr: 0.05, differsFrom: 'sgd' },
  { label: 'adam', optimizer: { name: 'adam' }, lr: 0.05 },
  // betas[1] = 0.5 lets v shrink once the gradient shrinks, which is when amsgrad's max matters.
  { label: 'adam b2 0.5', optimizer: { name: 'adam', betas: [0.9, 0.5] }, lr: 0.3 },
  { label: 'adam amsgrad', optimizer: { name: 'adam', betas: [0.9, 0.5], amsgrad: true }, lr: 0.3, differsFrom: 'adam b2 0.5' },
  { label: 'adam weightDecay 0.5', optimizer: { name: 'adam', weightDecay: 0.5 }, lr: 0.05, differsFrom: 'adam' },
  { label: 'adamw', optimizer: { name: 'adamw' }, lr: 0.05 },
  { label: 'adamw weightDecay 2', optimizer: { name: 'adamw', weightDecay: 2 }, lr: 0.05, differsFrom: 'adam' },
  { label: 'rmsprop', optimizer: { name: 'rmsprop' }, lr: 0.01 },
  { label: 'rmsprop momentum 0.9', optimizer: { name: 'rmsprop', momentum: 0.9 }, lr: 0.01, differsFrom: 'rmsprop' },
  { label: 'rmsprop centered', optimizer: { name: 'rmsprop', centered: true }, lr: 0.01, differsFrom: 'rmsprop' },
  { label: 'adagrad', optimizer: { name: 'adagrad' }, lr: 0.1 },
  { label: 'adagrad lrDecay 0.5', optimizer: { name: 'adagrad', lrDecay: 0.5 }, lr: 0.1, differsFrom: 'adagrad' },
  { label: 'adagrad initialAccumulatorValue 0.5', optimizer: { name: 'adagrad', initialAccumulatorValue: 0.5 }, lr: 0.1, differsFrom: 'adagrad' },
  // The learning-rate-free ones (lr is their multiplier; the oracles are test/helpers/lrFreeOracle.ts). d0 is raised
  // where 4 steps from the default 1e-6 would move the parameters by less than the tolerance; the default d0 is
  // covered with batchSize 1 (48 steps), where the estimate has time to grow.
  { label: 'prodigy', optimizer: { name: 'prodigy' }, lr: 1, batchSize: 1 },
  { label: 'prodigy d0 0.05', optimizer: { name: 'prodigy', d0: 0.05 }, lr: 1, differsFrom: 'prodigy' },
  { label: 'prodigy growthRate 1.1', optimizer: { name: 'prodigy', growthRate: 1.1 }, lr: 1, batchSize: 1, differsFrom: 'prodigy' },
  { label: 'prodigy weightDecay 0.5, betas', optimizer: { name: 'prodigy', d0: 0.05, weightDecay: 0.5, betas: [0.5, 0.9] }, lr: 1, differsFrom: 'prodigy d0 0.05' },
  { label: 'dadapt-adam', optimizer: { name: 'dadapt-adam' }, lr: 1, batchSize: 1 },
  { label: 'dadapt-adam d0 0.05', optimizer: { name: 'dadapt-adam', d0: 0.05 }, lr: 1, differsFrom: 'dadapt-adam' },
  { label: 'dadapt-adam growthRate 1.1', optimizer: { name: 'dadapt-adam', growthRate: 1.1 }, lr: 1, batchSize: 1, differsFrom: 'dadapt-adam' },
  { label: 'dadapt-adam weightDecay 0.5, betas', optimizer: { name: 'dadapt-adam', d0: 0.05, weightDecay: 0.5, betas: [0.5, 0.9] }, lr: 1, differsFrom: 'dadapt-adam d0 0.05' },
  { label: 'dadapt-sgd', optimizer: { name: 'dadapt-sgd' }, lr: 1, batchSize: 1 },
  { label: 'dadapt-sgd d0 0.2', optimizer: { name: 'dadapt-sgd', d0: 0.2 }, lr: 1, differsFrom: 'dadapt-sgd' },
  { label: 'dadapt-sgd momentum 0.9, growthRate 1.1', optimizer: { name: 'dadapt-sgd', momentum: 0.9, growthRate: 1.1 }, lr: 1, batchSize: 1, differsFrom: 'dadapt-sgd', wasmTol: SMALL },
  { label: 'dadapt-sgd weightDecay 0.5', optimizer: { name: 'dadapt-sgd', d0: 0.2, weightDecay: 0.5 }, lr: 0.5, differsFrom: 'dadapt-sgd d0 0.2' },
  { label: 'dog', optimizer: { name: 'dog' }, lr: 1, batchSize: 1, wasmTol: SMALL },
  { label: 'dog weightDecay 0.5, lr 0.5', optimizer: { name: 'dog', weightDecay: 0.5 }, lr: 0.5, batchSize: 1, wasmTol: SMALL },
  { label: 'schedule-free-sgd', optimizer: { name: 'schedule-free-sgd' }, lr: 0.1 },
  { label: 'schedule-free-sgd momentum 0.5, weightDecay 0.5', optimizer: { name: 'schedule-free-sgd', momentum: 0.5, weightDecay: 0.5 }, lr: 0.1, differsFrom: 'schedule-free-sgd' },
  { label: 'schedule-free-sgd batchSize 5', optimizer: { name: 'schedule-free-sgd' }, lr: 0.1, batchSize: 5, differsFrom: 'schedule-free-sgd' },
  { label: 'schedule-free-adamw', optimizer: { name: 'schedule-free-adamw' }, lr: 0.05 },
  { label: 'schedule-free-adamw weightDecay 0.5, betas', optimizer: { name: 'schedule-free-adamw', weightDecay: 0.5, betas: [0.5, 0.9] }, lr: 0.05, differsFrom: 'schedule-free-adamw' },
];

const TARGETS: Record<Kind, number[]> = { linear: SMALL_Y_REG, logistic: SMALL_Y_CLS };

// Tolerances. The data are multiples of 1/4 (exact in float32), so the only differences from
// the float64 oracle are roundings.
// - js: float64 throughout; each operation rounds at ~1.1e-16 relative and a 4-step run does a
//   few hundred of them on values of order 1, so 1e-11 is ample (an algorithmic slip moves the
//   parameters by >= 1e-4 here: see the sensitivity check).
// - wasm: parameters, gradients and optimizer state are stored as float32 (2^-24 ~ 6e-8 relative
//   per rounding). One step is ~1e-6 relative (a 12-row gradient sum plus the stores); over 4 steps
//   the roundings add up to a few 1e-6 and the normalizing optimizers (Adam, RMSprop, Adagrad) do
//   not amplify them while no gradient component is near 0 (true here: |g| >= 1e-2). Allowed:
//   2e-5 absolute + 2e-5 relative on parameters of order 0.1..1.
const tolFor = (engine: EngineUnderTest): Tol => (isWasm(engine) ? { abs: 2e-5, rel: 2e-5 } : { abs: 1e-11, rel: 1e-11 });
// An option "has an effect" if it moves the oracle trajectory by more than 100x the wasm tolerance.
const EFFECT = 100 * 2e-5;

function oracleFor(kind: Kind, c: Case, extra: { batchSize?: number; l2?: number } = {}) {
  return oracle({
    kind, X: SMALL_X, y: TARGETS[kind], epochs: EPOCHS, lr: c.lr,
    optimizer: c.optimizer as OracleOptimizer, batchSize: c.batchSize, ...extra,
  });
}

/** Trains a fresh model and returns [w..., b] after every epoch, and the history. */
function train(engine: EngineUnderTest, kind: Kind, c: Case, extra: { batchSize?: number; l2?: number } = {}) {
  const m = newModel(kind, engine, 3);
  const perEpoch: number[][] = [];
  const history = m.fit(SMALL_X, TARGETS[kind], {
    epochs: EPOCHS, batchSize: extra.batchSize ?? c.batchSize ?? 'full', shuffle: false, learningRate: c.lr, optimizer: c.optimizer,
    l2: extra.l2, onEpochEnd: () => void perEpoch.push(params(m)),
  });
  m.dispose();
  return { perEpoch, history };
}

describe('oracle sensitivity (each option changes the trajectory)', () => {
  for (const kind of ['linear', 'logistic'] as const) {
    for (const c of CASES.filter((x) => x.differsFrom)) {
      it(`${kind}: ${c.label} differs from ${c.differsFrom}`, () => {
        const base = CASES.find((x) => x.label === c.differsFrom)!;
        const a = oracleFor(kind, c).params[EPOCHS - 1];
        const b = oracleFor(kind, base).params[EPOCHS - 1];
        expect(maxDiff(a, b)).toBeGreaterThan(EFFECT);
      });
    }
  }
});

describe.each(ENGINE_NAMES)('optimizers in fit (%s)', (engine) => {
  beforeAll(() => ready({ scalar: true }));
  for (const kind of ['linear', 'logistic'] as const) {
    describe(kind, () => {
      for (const c of CASES) {
        it(`${c.label}: 4 ${c.batchSize ? `epochs of batch ${c.batchSize}` : 'full-batch epochs'} follow the oracle`, () => {
          const tol = isWasm(engine) && c.wasmTol ? c.wasmTol : tolFor(engine);
          const want = oracleFor(kind, c);
          const { perEpoch, history } = train(engine, kind, c);
          expect(history.epochs.length).toBe(EPOCHS);
          for (let e = 0; e < EPOCHS; e++) close(perEpoch[e], want.params[e], tol, `params after epoch ${e + 1}`);
          // history.loss: the mean loss at the parameters each batch saw (here: the epoch's
          // start); history.gradNorm: the norm of the full-batch data gradient there. Both are
          // sums over 12 rows, float32 in WASM (~1e-6 relative), float64 in js.
          close(history.loss, want.loss, isWasm(engine) ? { abs: 1e-6, rel: 1e-5 } : { rel: 1e-11 }, 'history.loss');
          close(history.gradNorm, want.gradNorm, isWasm(engine) ? { abs: 1e-6, rel: 1e-5 } : { rel: 1e-11 }, 'history.gradNorm');
          // A constant rate is reported as given: exact.
          close(history.learningRate, want.lastLr, { rel: 0 }, 'history.learningRate');
        });
      }

      it('sgd momentum 0.9 with batchSize 5 (batches 5, 5, 2) and l2 = 0.1 follows the oracle', () => {
        const c: Case = { label: 'sgd momentum batch 5', optimizer: { name: 'sgd', momentum: 0.9 }, lr: 0.05 };
        const extra = { batchSize: 5, l2: 0.1 };
        const want = oracleFor(kind, c, extra);
        // The short last batch and the penalty both matter: without them the trajectory differs.
        expect(maxDiff(want.params[EPOCHS - 1], oracleFor(kind, c, { batchSize: 5 }).params[EPOCHS - 1])).toBeGreaterThan(EFFECT);
        expect(maxDiff(want.params[EPOCHS - 1], oracleFor(kind, c, { l2: 0.1 }).params[EPOCHS - 1])).toBeGreaterThan(EFFECT);
        const { perEpoch, history } = train(engine, kind, c, extra);
        const tol = tolFor(engine);
        // 12 steps instead of 4, each with a 5-row (or 2-row) float32 sum: the same per-step
        // error as above, three times as many steps; 2e-5 still leaves a wide margin.
        for (let e = 0; e < EPOCHS; e++) close(perEpoch[e], want.params[e], tol, `params after epoch ${e + 1}`);
        // The loss includes n_batch * (l2/2 |w|^2) for each batch.
        close(history.loss, want.loss, isWasm(engine) ? { abs: 1e-6, rel: 1e-5 } : { rel: 1e-11 }, 'history.loss');
        close(history.gradNorm, want.gradNorm, isWasm(engine) ? { abs: 1e-6, rel: 1e-5 } : { rel: 1e-11 }, 'history.gradNorm');
      });
    });
  }
});

describe.each(ENGINE_NAMES)('learning rate of the learning-rate-free optimizers (%s)', (engine) => {
  beforeAll(() => ready({ scalar: true }));
  const run = (fit: Record<string, unknown>) => {
    const m = newModel('logistic', engine, 3);
    const history = m.fit(SMALL_X, SMALL_Y_CLS, { epochs: 3, batchSize: 4, shuffle: false, ...fit });
    const p = params(m);
    m.dispose();
    return { p, history };
  };

  it.each([
    ['prodigy', 1], ['dadapt-sgd', 1], ['dadapt-adam', 1], ['dog', 1], ['schedule-free-sgd', 1], ['schedule-free-adamw', 0.0025],
  ] as const)('%s without a learningRate trains at %s, exactly as with it given', (name, rate) => {
    const implicit = run({ optimizer: name });
    const explicit = run({ optimizer: name, learningRate: rate });
    expect(implicit.history.learningRate).toEqual([rate, rate, rate]);
    expect(implicit.p).toEqual(explicit.p);
  });

  // Issue 17: a classic optimizer without a rate searches for it (learningRate 'auto'); before, it took 0.01.
  it('sgd without a learningRate searches for its rate, exactly as with learningRate auto', () => {
    const implicit = run({ optimizer: 'sgd' });
    const auto = run({ optimizer: 'sgd', learningRate: 'auto' });
    const rate = implicit.history.learningRateSearch!.rate;
    expect(implicit.history.learningRate).toEqual([rate, rate, rate]);
    expect(implicit.p).toEqual(auto.p);
  });

  it('a schedule multiplies the default rate 1 (step: x0.5 per epoch), and the trajectory follows the oracle', () => {
    // d0 0.05: from the default 1e-6, 9 steps move the parameters too little to tell the schedules apart.
    const { p, history } = run({ optimizer: { name: 'prodigy', d0: 0.05 }, schedule: { type: 'step', stepSize: 1, gamma: 0.5 } });
    expect(history.learningRate).toEqual([1, 0.5, 0.25]);
    const want = oracle({
      kind: 'logistic', X: SMALL_X, y: SMALL_Y_CLS, epochs: 3, batchSize: 4, lr: (e) => 0.5 ** e, optimizer: { name: 'prodigy', d0: 0.05 },
    });
    close(p, want.params[2], isWasm(engine) ? { abs: 2e-5, rel: 2e-5 } : { abs: 1e-11, rel: 1e-11 }, 'params after 3 epochs');
    // Without the schedule the trajectory is another: the multiplier reached the step.
    expect(maxDiff(want.params[2], oracle({
      kind: 'logistic', X: SMALL_X, y: SMALL_Y_CLS, epochs: 3, batchSize: 4, lr: 1, optimizer: { name: 'prodigy', d0: 0.05 },
    }).params[2])).toBeGreaterThan(EFFECT);
  });
});

describe.each(ENGINE_NAMES)('switching between optimizers with other state sizes (%s)', (engine) => {
  beforeAll(() => ready({ scalar: true }));
  // Each optimizer has its own number of state vectors (3, 4, 1, 2); the WASM engines rebuild the model's
  // block when the count changes, carrying the parameters over. Each fit continues from the weights before
  // it (warm start) with fresh optimizer state, so the sequence must match the oracle run the same way.
  it('adam -> prodigy -> dog -> schedule-free-sgd -> sgd continue from each other\'s weights', () => {
    const steps: [OptimizerOptions, number][] = [
      [{ name: 'adam' }, 0.05], [{ name: 'prodigy', d0: 0.05 }, 1], [{ name: 'dog' }, 1], [{ name: 'schedule-free-sgd' }, 0.1], [{ name: 'sgd' }, 0.05],
    ];
    const m = newModel('logistic', engine, 3);
    let init: number[] = [0, 0, 0, 0];
    for (const [optimizer, lr] of steps) {
      m.fit(SMALL_X, SMALL_Y_CLS, { epochs: 2, batchSize: 'full', shuffle: false, learningRate: lr, optimizer });
      const want = oracle({ kind: 'logistic', X: SMALL_X, y: SMALL_Y_CLS, epochs: 2, lr, optimizer: optimizer as OracleOptimizer, init }).params[1];
      close(params(m), want, tolFor(engine), `after ${optimizer.name}`);
      // DoG's first steps are about r_eps = 1e-6 (1 + ||x0||) long: it moves, but little in 2 steps.
      expect(maxDiff(want, init), `${optimizer.name} moved the weights`).toBeGreaterThan(optimizer.name === 'dog' ? 1e-6 : EFFECT / 10);
      init = want;
    }
    m.dispose();
  });
});
