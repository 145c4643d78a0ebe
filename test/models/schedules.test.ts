// Learning-rate schedules inside a real fit, on every engine: history.learningRate (the lr of
// each epoch's last batch) equals the schedule computed here from torch.optim.lr_scheduler's
// formulas, and the weights follow an independent float64 trajectory that uses those rates
// batch by batch. Reduce-on-plateau is driven by the validation loss; a user function that
// returns NaN throws and leaves the model as it was.
import { beforeAll, describe, expect, it } from 'vitest';
import { ready, LinearRegression, ValidationError, type FitOptions, type ScheduleOptions, type WarmupOptions } from '../../src/index.js';
import {
  ENGINE_NAMES, SMALL_X, SMALL_Y_REG, close, isWasm, maxDiff, oracle, params, thrown,
  type EngineUnderTest, type Tol,
} from '../helpers/training.js';

const BASE = 0.05;
const EPOCHS = 8;
const BATCH = 4; // 12 rows: 3 batches per epoch
const BATCHES = 3;

// history.learningRate is the float64 value src computed; ours is the same formula, possibly
// evaluated in a different order, so they agree to a few float64 roundings (1e-12 relative).
const LR_TOL: Tol = { rel: 1e-12 };
// Weights after 8 epochs of 3 plain SGD steps (24 steps). js: float64, roundings only (1e-11).
// wasm: float32 storage, ~1e-6 relative per step; the steps are contractive at these rates
// (lr * 2 * |x|^2 <= 0.1 * 2 * 4.5 < 2), so errors do not grow: ~24 * 1e-6 at worst, allow 5e-5.
const tolFor = (engine: EngineUnderTest): Tol => (isWasm(engine) ? { abs: 5e-5, rel: 5e-5 } : { abs: 1e-11, rel: 1e-11 });

interface Case {
  label: string;
  schedule?: ScheduleOptions;
  warmup?: WarmupOptions;
  lr?: number;
  /** The lr of batch b (0-based) of epoch e (0-based), from the formula. */
  expected: (e: number, b: number) => number;
}

// Written from torch.optim.lr_scheduler's documented closed forms.
const CASES: Case[] = [
  { label: 'constant', expected: () => BASE },
  {
    label: 'step (StepLR stepSize 3, gamma 0.5)', schedule: { type: 'step', stepSize: 3, gamma: 0.5 },
    expected: (e) => BASE * Math.pow(0.5, Math.floor(e / 3)),
  },
  {
    label: 'exponential (gamma 0.8)', schedule: { type: 'exponential', gamma: 0.8 },
    expected: (e) => BASE * Math.pow(0.8, e),
  },
  {
    label: 'linear (startFactor 0.5, totalIters 4)', schedule: { type: 'linear', startFactor: 0.5, totalIters: 4 },
    expected: (e) => BASE * (0.5 + (0.5 * Math.min(e, 4)) / 4),
  },
  {
    // CosineAnnealingLR's closed form; past tMax it rises again.
    label: 'cosine (tMax 5, etaMin 0.005)', schedule: { type: 'cosine', tMax: 5, etaMin: 0.005 },
    expected: (e) => 0.005 + ((BASE - 0.005) * (1 + Math.cos((Math.PI * e) / 5))) / 2,
  },
  {
    label: 'user function of the 0-based epoch', schedule: (e: number) => BASE / (1 + e),
    expected: (e) => BASE / (1 + e),
  },
  {
    // Warmup: per step, linear from startFactor * lr to the schedule's first lr over 2 epochs;
    // then the schedule starts at its own epoch 0.
    label: 'warmup 2 epochs (startFactor 0.2) then step', schedule: { type: 'step', stepSize: 2, gamma: 0.5 },
    warmup: { epochs: 2, startFactor: 0.2 },
    expected: (e, b) => (e < 2
      ? BASE * (0.2 + (0.8 * (e * BATCHES + b)) / (2 * BATCHES))
      : BASE * Math.pow(0.5, Math.floor((e - 2) / 2))),
  },
  {
    // CosineAnnealingWarmRestarts(T_0 = 2), stepped per batch with epoch + b / batches.
    label: 'cosine warm restarts (tMax 2, per step)', schedule: { type: 'cosine', tMax: 2, etaMin: 0.01, restarts: true },
    lr: 0.1,
    expected: (e, b) => 0.01 + ((0.1 - 0.01) * (1 + Math.cos((Math.PI * ((e % 2) + b / BATCHES)) / 2))) / 2,
  },
  {
    // T_mult = 2: cycles [0, 1), [1, 3), [3, 7), [7, 15).
    label: 'cosine warm restarts (tMax 1, tMult 2, per step)',
    schedule: { type: 'cosine', tMax: 1, etaMin: 0, restarts: { tMult: 2 } },
    lr: 0.1,
    expected: (e, b) => {
      let start = 0;
      let len = 1;
      while (e >= start + len) {
        start += len;
        len *= 2;
      }
      return (0.1 * (1 + Math.cos((Math.PI * (e - start + b / BATCHES)) / len))) / 2;
    },
  },
];

function fitWith(engine: EngineUnderTest, c: Case) {
  const m = new LinearRegression({ features: 3, engine });
  const history = m.fit(SMALL_X, SMALL_Y_REG, {
    epochs: EPOCHS, batchSize: BATCH, shuffle: false, learningRate: c.lr ?? BASE, schedule: c.schedule, warmup: c.warmup,
  });
  const p = params(m);
  m.dispose();
  return { history, params: p };
}

/** torch's ReduceLROnPlateau (mode 'min', threshold 'rel'), fed one loss per epoch; returns the lr used in each epoch. */
function plateauRates(losses: number[], base: number, o: { factor: number; patience: number; threshold: number }): number[] {
  let lr = base;
  let best = Infinity;
  let bad = 0;
  const out: number[] = [];
  for (const loss of losses) {
    out.push(lr);
    if (loss < best * (1 - o.threshold)) {
      best = loss;
      bad = 0;
    } else {
      bad++;
    }
    if (bad > o.patience) {
      const next = lr * o.factor;
      if (lr - next > 1e-8) lr = next;
      bad = 0;
    }
  }
  return out;
}

describe.each(ENGINE_NAMES)('schedules in fit (%s)', (engine) => {
  beforeAll(() => ready({ scalar: true }));

  for (const c of CASES) {
    it(`${c.label}: history.learningRate is the last batch's lr, and the weights follow the oracle`, () => {
      const { history, params: got } = fitWith(engine, c);
      const want = Array.from({ length: EPOCHS }, (_, e) => c.expected(e, BATCHES - 1));
      close(history.learningRate, want, LR_TOL, 'history.learningRate');
      const traj = oracle({ kind: 'linear', X: SMALL_X, y: SMALL_Y_REG, epochs: EPOCHS, batchSize: BATCH, lr: c.expected });
      close(got, traj.params[EPOCHS - 1], tolFor(engine), 'params after 8 epochs');
    });
  }

  it('per-step schedules change the lr within an epoch (the weights differ from one lr per epoch)', () => {
    // Sensitivity of the check above: with the lr of each epoch's first batch used for the whole
    // epoch, the trajectory is far outside the tolerance, so the engines really vary it per batch.
    for (const c of CASES.filter((x) => x.label.startsWith('cosine warm') || x.warmup)) {
      const perStep = oracle({ kind: 'linear', X: SMALL_X, y: SMALL_Y_REG, epochs: EPOCHS, batchSize: BATCH, lr: c.expected });
      const perEpoch = oracle({ kind: 'linear', X: SMALL_X, y: SMALL_Y_REG, epochs: EPOCHS, batchSize: BATCH, lr: (e) => c.expected(e, 0) });
      expect(maxDiff(perStep.params[EPOCHS - 1], perEpoch.params[EPOCHS - 1]), c.label).toBeGreaterThan(1e-3);
      const { params: got } = fitWith(engine, c);
      expect(maxDiff(got, perEpoch.params[EPOCHS - 1]), c.label).toBeGreaterThan(1e-3);
    }
  });

  it('reduce-on-plateau follows the validation loss, not the training loss', () => {
    // Validation targets are the negated training targets: as the model fits the training data
    // the validation loss rises, while the training loss keeps falling.
    const valY = SMALL_Y_REG.map((v) => -v);
    const o = { factor: 0.5, patience: 1, threshold: 1e-4 };
    const m = new LinearRegression({ features: 3, engine });
    const h = m.fit(SMALL_X, SMALL_Y_REG, {
      epochs: 10, batchSize: 'full', shuffle: false, learningRate: BASE,
      schedule: { type: 'plateau', ...o }, validationData: { X: SMALL_X, y: valY },
    });
    m.dispose();
    expect(h.valLoss.length).toBe(10);
    // The rates history reports equal ReduceLROnPlateau run on history.valLoss (exactly: the
    // same multiplications by 0.5 of the same base).
    const want = plateauRates(h.valLoss, BASE, o);
    expect(h.learningRate).toEqual(want);
    expect(Math.min(...h.learningRate)).toBeLessThan(BASE); // it did reduce
    // On the (falling) training loss it would never have reduced.
    for (let e = 1; e < h.loss.length; e++) expect(h.loss[e]).toBeLessThan(h.loss[e - 1]);
    expect(plateauRates(h.loss, BASE, o).every((lr) => lr === BASE)).toBe(true);
  });

  describe('a user function returning NaN', () => {
    const FIT: FitOptions = { epochs: 2, batchSize: 'full', shuffle: false, learningRate: BASE };
    const nanAt2 = (e: number) => (e < 2 ? BASE : NaN);

    function trained(): LinearRegression {
      const m = new LinearRegression({ features: 3, engine });
      m.fit(SMALL_X, SMALL_Y_REG, FIT);
      return m;
    }

    it('throws a RangeError naming NaN and the epoch, and leaves the weights as they were', () => {
      const m = trained();
      const before = params(m);
      const err = thrown(() => m.fit(SMALL_X, SMALL_Y_REG, { ...FIT, epochs: 5, schedule: nanAt2 }));
      expect(err).toBeInstanceOf(RangeError);
      expect(err.message).toMatch(/schedule function returned NaN at epoch 2/);
      expect(params(m)).toEqual(before);
      m.dispose();
    });

    it('after the failed fit (same optimizer) later fits are unaffected: rng and Adam state kept', () => {
      const o: FitOptions = { epochs: 2, batchSize: 4, learningRate: BASE, optimizer: 'adam' };
      const a = new LinearRegression({ features: 3, engine, seed: 6 });
      a.fit(SMALL_X, SMALL_Y_REG, o);
      thrown(() => a.fit(SMALL_X, SMALL_Y_REG, { ...o, epochs: 5, schedule: nanAt2 }));
      a.fit(SMALL_X, SMALL_Y_REG, o);
      const b = new LinearRegression({ features: 3, engine, seed: 6 });
      b.fit(SMALL_X, SMALL_Y_REG, o);
      b.fit(SMALL_X, SMALL_Y_REG, o);
      expect(params(a)).toEqual(params(b));
      a.dispose();
      b.dispose();
    });

    it('a non-number return is a ValidationError', () => {
      const m = trained();
      const before = params(m);
      const err = thrown(() => m.fit(SMALL_X, SMALL_Y_REG, { ...FIT, schedule: (() => 'fast') as unknown as (e: number) => number }));
      expect(err).toBeInstanceOf(ValidationError);
      expect(err.message).toBe("schedule function returned 'fast' at epoch 0; it must return a finite number > 0");
      expect(params(m)).toEqual(before);
      m.dispose();
    });

    it('after the failed fit (with another optimizer) the model trains exactly as if it had not happened', () => {
      // Model a: sgd fit, failed adam fit, sgd fit (warm start). Model b: the two sgd fits.
      // "A failed call leaves the model as it was" (DESIGN.md), so the two must agree exactly.
      const a = trained();
      thrown(() => a.fit(SMALL_X, SMALL_Y_REG, { ...FIT, epochs: 5, optimizer: 'adam', schedule: nanAt2 }));
      a.fit(SMALL_X, SMALL_Y_REG, FIT);
      const b = trained();
      b.fit(SMALL_X, SMALL_Y_REG, FIT);
      expect(params(a)).toEqual(params(b));
      a.dispose();
      b.dispose();
    });

    it('with warmStart: false, a failed fit still leaves the trained weights (not re-initialized ones)', () => {
      const m = trained();
      const before = params(m);
      thrown(() => m.fit(SMALL_X, SMALL_Y_REG, { ...FIT, warmStart: false, schedule: nanAt2, epochs: 5 }));
      expect(params(m)).toEqual(before);
      m.dispose();
    });

    it('with restarts, a failed fit still leaves the trained weights', () => {
      const m = trained();
      const before = params(m);
      thrown(() => m.fit(SMALL_X, SMALL_Y_REG, { ...FIT, restarts: 2, schedule: nanAt2, epochs: 5 }));
      expect(params(m)).toEqual(before);
      m.dispose();
    });
  });
});
