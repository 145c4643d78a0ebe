// Every training feature of the one model core, for every model type (linear, logistic and
// softmax regression, and an MLP with each head) on every engine: optimizers, schedules and
// warmup, penalties, sample and class weights, the stopping rules, validation and early
// stopping, callbacks, fitAsync and its AbortSignal, partialFit, warm start, restarts,
// seeding, the divergence guard and the rollback of a failed call. The feature semantics
// are tested in depth for the linear models elsewhere (optimizers, schedules, stopping,
// regularization, control, divergence); here each is checked once per model type, mostly
// against a twin model trained without the feature, bit for bit on the same engine.
import { describe, expect, it } from 'vitest';
import { DivergenceError, ValidationError, type EpochRecord, type FitOptions, type History } from '../../src/index.js';
import { splitIndices } from '../../src/models/split.js';
import { seedState } from '../../src/reference/random.js';
import { ENGINES, useReady, type TestEngine } from '../helpers/engines.js';
import {
  MODEL_TYPES, NAMES, dataFor, flatBiases, flatParams, flatWeights, keepRows, type ModelType, type TestModel, type TypeData,
} from '../helpers/modelTypes.js';
import { expectClose, expectSame } from '../helpers/tolerance.js';
import { nextTick } from '../helpers/clock.js';

useReady();

const ROWS = 48;
// 48 rows in batches of 8: 6 updates an epoch. Rates that every model type trains stably at.
const BASE: FitOptions = { epochs: 4, batchSize: 8, learningRate: 0.1, seed: 3 };

/** The largest |a_i - b_i|. */
function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

const norm2 = (v: Float64Array) => Math.hypot(...v);
const norm1 = (v: Float64Array) => v.reduce((s, x) => s + Math.abs(x), 0);

/** scikit-learn's n_iter_no_change rule over a loss sequence: the 1-based epoch it stops at, or null. */
function sklearnStop(losses: number[], tol: number, nIterNoChange: number): number | null {
  let best = Infinity;
  let count = 0;
  for (let e = 0; e < losses.length; e++) {
    count = losses[e] > best - tol ? count + 1 : 0;
    best = Math.min(best, losses[e]);
    if (count >= nIterNoChange) return e + 1;
  }
  return null;
}

/** Targets that disagree with d's: negated values, or each label moved to the next class. */
function contrary(t: ModelType, d: TypeData): Float32Array {
  return d.y.map((v) => (t.classes === 0 ? -v : (v + 1) % t.classes));
}

const CASES = MODEL_TYPES.flatMap((type) => ENGINES.map((engine: TestEngine) => ({ type, engine, label: `${type.name}, ${engine}` })));

describe.each(CASES)('$label', ({ type: t, engine }) => {
  const d = dataFor(t, ROWS, 1);
  const fresh = (o: { seed?: number; init?: 'random' } = {}): TestModel => t.make(engine, { seed: 7, ...o });
  /** Trains a fresh model; returns it (the caller disposes it) with its history. */
  const trained = (opts: FitOptions, data: TypeData = d, o: { seed?: number; init?: 'random' } = {}) => {
    const m = fresh(o);
    const h = m.fit(data.X, data.y, opts);
    return { m, h, p: flatParams(m) };
  };
  const lossOf = (m: TestModel, data: TypeData = d) => m.evaluate(data.X, data.y).loss;

  describe('optimizers', () => {
    const OPTIMIZERS: FitOptions[] = [
      { optimizer: { name: 'sgd', momentum: 0.9 }, learningRate: 0.02 },
      { optimizer: { name: 'sgd', momentum: 0.9, nesterov: true }, learningRate: 0.02 },
      { optimizer: 'adam', learningRate: 0.02 },
      { optimizer: 'adamw', learningRate: 0.02 },
      { optimizer: 'rmsprop', learningRate: 0.005 },
      { optimizer: 'adagrad', learningRate: 0.2 },
    ];
    it.each(OPTIMIZERS.map((o) => ({ o, name: JSON.stringify(o.optimizer) })))('$name reduces the loss', ({ o }) => {
      const m = fresh();
      const before = lossOf(m);
      m.fit(d.X, d.y, { ...BASE, epochs: 8, ...o });
      // 48 updates of a small well-conditioned problem: at least a 20% drop for every optimizer.
      expect(lossOf(m)).toBeLessThan(0.8 * before);
      m.dispose();
    });
  });

  describe('schedules and warmup: history.learningRate per epoch', () => {
    const lr = 0.1;
    // Values written from PyTorch's closed forms (StepLR, CosineAnnealingLR) and the function itself.
    const cases: { name: string; schedule: FitOptions['schedule']; want: number[] }[] = [
      { name: 'step', schedule: { type: 'step', stepSize: 2, gamma: 0.5 }, want: [0.1, 0.1, 0.05, 0.05, 0.025] },
      {
        name: 'cosine', schedule: { type: 'cosine', tMax: 4, etaMin: 0.01 },
        want: [0, 1, 2, 3, 4].map((e) => 0.01 + (0.09 * (1 + Math.cos((Math.PI * e) / 4))) / 2),
      },
      { name: 'function', schedule: (e: number) => 0.1 / (1 + e), want: [0.1, 0.05, 0.1 / 3, 0.025, 0.02] },
    ];
    it.each(cases)('$name', ({ schedule, want }) => {
      const { m, h } = trained({ ...BASE, epochs: 5, learningRate: lr, schedule });
      // Rounding only: the same formula evaluated in another order.
      expectClose(h.learningRate, want, { rel: 1e-14 }, 'learningRate');
      m.dispose();
    });

    it('plateau: halves the rate after more than `patience` epochs without a relative improvement of 1e-4', () => {
      // A rate of 1e-6 moves the loss by far less than 1e-4 of itself: every epoch after the first is a bad one,
      // so with patience 1 the rate halves after epochs 3 and 5 (0-based 2 and 4).
      const l = 1e-6;
      const { m, h } = trained({ ...BASE, epochs: 6, learningRate: l, batchSize: 'full', shuffle: false, schedule: { type: 'plateau', patience: 1, factor: 0.5 } });
      expectClose(h.learningRate, [l, l, l, l / 2, l / 2, l / 4], { rel: 1e-14 }, 'learningRate');
      m.dispose();
    });

    it('warmup: linear per batch from startFactor * lr, then the schedule', () => {
      // 4 batches an epoch; history holds each epoch's last batch (step 3): lr (1/4 + 3/4 (4e + 3) / 8) while warming up.
      const { m, h } = trained({ ...BASE, epochs: 4, batchSize: 12, learningRate: lr, warmup: { epochs: 2, startFactor: 0.25 } });
      expectClose(h.learningRate, [lr * (0.25 + (0.75 * 3) / 8), lr * (0.25 + (0.75 * 7) / 8), lr, lr], { rel: 1e-14 }, 'learningRate');
      m.dispose();
    });
  });

  describe('penalties', () => {
    it('l2, l1 and elasticNet end with smaller weights than no penalty', () => {
      const opts: FitOptions = { ...BASE, epochs: 6 };
      const plain = trained(opts);
      const w0 = flatWeights(plain.m);
      for (const [pen, size] of [[{ l2: 0.5 }, norm2], [{ l1: 0.1 }, norm1], [{ elasticNet: { alpha: 0.5, l1Ratio: 0.5 } }, norm2]] as const) {
        const r = trained({ ...opts, ...pen });
        expect(size(flatWeights(r.m)), JSON.stringify(pen)).toBeLessThan(0.9 * size(w0));
        r.m.dispose();
      }
      plain.m.dispose();
    });

    it('penalize the weights only: after one step, biases are bit for bit those without a penalty', () => {
      const one: FitOptions = { epochs: 1, batchSize: 'full', shuffle: false, learningRate: 0.1 };
      const start = fresh({ init: 'random' });
      const w0 = flatWeights(start);
      start.dispose();
      const plain = trained(one, d, { init: 'random' });
      const tol = { abs: engine === 'js' ? 1e-12 : 1e-6 }; // float32 steps of parameters of size <= 1 (WASM): a few ULPs of 1
      for (const [pen, shift] of [
        [{ l2: 0.5 }, (w: number) => 0.1 * 0.5 * w],
        [{ l1: 0.05 }, (w: number) => 0.1 * 0.05 * Math.sign(w)],
      ] as const) {
        const r = trained({ ...one, ...pen }, d, { init: 'random' });
        expectSame(flatBiases(r.m), flatBiases(plain.m), `${JSON.stringify(pen)} biases`);
        const wantW = flatWeights(plain.m).map((w, i) => w - shift(w0[i]));
        expectClose(flatWeights(r.m), wantW, tol, `${JSON.stringify(pen)} weights`);
        r.m.dispose();
      }
      plain.m.dispose();
    });
  });

  describe('row weights', () => {
    it('rows of sampleWeight 0 are ignored: the same bits as training without them', () => {
      // Batches of one row in storage order with plain SGD: a weight-0 row's step is exactly 0.
      const sw = Float32Array.from({ length: ROWS }, (_, i) => (i % 3 === 1 ? 0 : 0.5 + (i % 5) / 4));
      const opts: FitOptions = { epochs: 2, batchSize: 1, shuffle: false, learningRate: 0.05 };
      const weighted = trained({ ...opts, sampleWeight: sw });
      const kept = keepRows(t, d, (i) => sw[i] !== 0);
      const without = trained({ ...opts, sampleWeight: sw.filter((w) => w !== 0) }, kept);
      expectSame(weighted.p, without.p, 'parameters');
      // Control: the weights matter (all ones would train differently).
      const ones = trained(opts);
      expect(maxDiff(ones.p, weighted.p)).toBeGreaterThan(1e-3);
      for (const r of [weighted, without, ones]) r.m.dispose();
    });

    if (t.classes > 0) {
      it('classWeight is sampleWeight by label (a weight per class, and balanced)', () => {
        const cw: Record<number, number> = t.classes === 2 ? { 0: 2, 1: 0.5 } : { 0: 2, 1: 0.5, 2: 1.5 };
        const byLabel = d.y.map((k) => cw[k]);
        const counts = Array.from({ length: t.classes }, (_, k) => d.y.filter((v) => v === k).length);
        const balanced = d.y.map((k) => ROWS / (t.classes * counts[k]));
        for (const [classWeight, sampleWeight] of [[cw, byLabel], ['balanced', balanced]] as const) {
          const a = trained({ ...BASE, classWeight });
          const b = trained({ ...BASE, sampleWeight });
          expectSame(a.p, b.p, `classWeight ${JSON.stringify(classWeight)}`);
          a.m.dispose();
          b.m.dispose();
        }
        const plain = trained(BASE);
        const weighted = trained({ ...BASE, classWeight: cw });
        expect(maxDiff(plain.p, weighted.p)).toBeGreaterThan(1e-3);
        plain.m.dispose();
        weighted.m.dispose();
      });
    } else {
      it('classWeight is a ValidationError (a regression model has no classes)', () => {
        const m = fresh();
        const before = flatParams(m);
        expect(() => m.fit(d.X, d.y, { classWeight: 'balanced' })).toThrow(ValidationError);
        expect(() => m.fit(d.X, d.y, { classWeight: 'balanced' })).toThrow('classWeight applies to classifiers');
        expectSame(flatParams(m), before, 'parameters');
        m.dispose();
      });
    }
  });

  describe('stopping rules', () => {
    // A 6-epoch run; each rule's threshold is taken from it, and the rule must stop a twin run at the
    // first epoch the reference history meets it, with the same history up to there.
    const opts: FitOptions = { ...BASE, epochs: 6 };
    let memo: History | null = null;
    const reference = (): History => {
      if (!memo) {
        const r = trained(opts);
        r.m.dispose();
        memo = r.h;
      }
      return memo;
    };
    const stops = (h: History, rule: string, epoch: number) => {
      expect(h.stopReason).toMatchObject({ rule, epoch });
      expect(h.loss).toEqual(reference().loss.slice(0, epoch));
    };

    it('maxEpochs', () => {
      const ref = reference();
      expect(ref.stopReason).toMatchObject({ rule: 'maxEpochs', epoch: 6 });
      expect(ref.epochs.length).toBe(6);
    });

    it.each([
      { rule: 'gradTol', column: (h: History) => h.gradNorm },
      { rule: 'paramTol', column: (h: History) => h.epochs.map((e) => e.paramChange) },
      { rule: 'targetLoss', column: (h: History) => h.loss },
    ])('$rule', ({ rule, column }) => {
      const values = column(reference());
      const threshold = values[3];
      const at = values.findIndex((v) => v <= threshold) + 1;
      const r = trained({ ...opts, [rule]: threshold });
      stops(r.h, rule, at);
      r.m.dispose();
    });

    it('tol and nIterNoChange (scikit-learn semantics)', () => {
      // The 5 improvements of the reference loss: a tol above 3 of them makes those epochs "no change";
      // the run must stop where scikit-learn's rule, recomputed here, does (before the last epoch).
      const ref = reference();
      const gains = ref.loss.slice(1).map((l, e) => Math.min(...ref.loss.slice(0, e + 1)) - l).sort((a, b) => a - b);
      const tol = gains[3];
      const at = sklearnStop(ref.loss, tol, 2);
      expect(at).not.toBeNull();
      expect(at!).toBeLessThan(6);
      const r = trained({ ...opts, tol, nIterNoChange: 2 });
      stops(r.h, 'tol', at!);
      // A tol no loss can beat: epoch 1 sets the base, then 2 epochs without improvement.
      const big = trained({ ...opts, tol: 1e9, nIterNoChange: 2 });
      stops(big.h, 'tol', 3);
      r.m.dispose();
      big.m.dispose();
    });

    it('timeLimitMs', () => {
      const r = trained({ ...opts, epochs: 1000, timeLimitMs: 1e-6, onEpochEnd: nextTick }); // > 0 ms has passed
      stops(r.h, 'timeLimit', 1);
      r.m.dispose();
    });

    it('a callback returning false: onEpochEnd after that epoch, onBatchEnd after that batch', () => {
      const r = trained({ ...opts, onEpochEnd: (e) => e.epoch < 2 });
      stops(r.h, 'callback', 2);
      const twin = trained({ ...opts, epochs: 2 });
      expectSame(r.p, twin.p, 'parameters after onEpochEnd stopped at epoch 2');
      const b = trained({ ...opts, onBatchEnd: (info) => !(info.epoch === 2 && info.batch === 3) });
      expect(b.h.stopReason).toMatchObject({ rule: 'callback', epoch: 2, message: 'onBatchEnd returned false after batch 3 of epoch 2' });
      expect(b.h.loss.length).toBe(2);
      for (const x of [r, twin, b]) x.m.dispose();
    });
  });

  describe('validation', () => {
    // String labels for the classifiers: they must survive the stratified split and validationData.
    const labels = (y: Float32Array) => (t.classes > 0 ? Array.from(y, (k) => NAMES[k]) : y);
    const fitWith = (m: TestModel, data: TypeData, o: FitOptions) => m.fit(data.X, labels(data.y) as Float32Array, o);

    it('validationData: valLoss each epoch, the last equal to evaluate on it', () => {
      const v = dataFor(t, 20, 2);
      const m = fresh();
      const h = fitWith(m, d, { ...BASE, validationData: { X: v.X, y: labels(v.y) as Float32Array } });
      expect(h.valLoss.length).toBe(4);
      // The same outputs through the same head: bit for bit.
      expect(h.valLoss[3]).toBe(m.evaluate(v.X, labels(v.y) as Float32Array).loss);
      if (t.classes > 0) expect(m.classes).toEqual(NAMES.slice(0, t.classes));
      m.dispose();
    });

    it('validationFraction: the seeded stratified split; training on the rest gives the same bits', () => {
      const opts: FitOptions = { ...BASE, shuffle: false, seed: 5 };
      const m = fresh();
      const h = fitWith(m, d, { ...opts, validationFraction: 0.25 });
      const split = splitIndices(ROWS, 0.25, seedState(5), t.classes > 0 ? d.y : null);
      const train = keepRows(t, d, (i) => split.train.includes(i));
      const val = keepRows(t, d, (i) => split.val.includes(i));
      expect(h.valLoss.length).toBe(4);
      expect(h.valLoss[3]).toBe(m.evaluate(val.X, labels(val.y) as Float32Array).loss);
      const twin = fresh();
      fitWith(twin, train, opts);
      expectSame(flatParams(m), flatParams(twin), 'parameters');
      m.dispose();
      twin.dispose();
    });

    it("earlyStopping ends with the best validation epoch's weights (bestEpoch)", () => {
      // Validation targets that contradict the training ones: their loss rises as training fits, so the best epoch is early.
      const val = { X: d.X, y: contrary(t, d) };
      const { m, h } = trained({ ...BASE, epochs: 30, earlyStopping: true, validationData: val, nIterNoChange: 3 });
      const best = h.valLoss.indexOf(Math.min(...h.valLoss)) + 1;
      expect(h.stopReason.rule).toBe('earlyStopping');
      expect(h.bestEpoch).toBe(best);
      expect(best).toBeLessThan(h.epochs.length);
      const twin = trained({ ...BASE, epochs: best });
      expectSame(flatParams(m), twin.p, `parameters of epoch ${best}`);
      expect(m.evaluate(val.X, val.y).loss).toBe(h.valLoss[best - 1]);
      m.dispose();
      twin.m.dispose();
    });
  });

  describe('callbacks and control', () => {
    it('onEpochEnd sees each record; onBatchEnd every batchCallbackEvery batches and at the end of the epoch', () => {
      const epochs: EpochRecord[] = [];
      const batches: [number, number, number][] = [];
      const { m, h } = trained({
        ...BASE, epochs: 3, batchSize: 10, batchCallbackEvery: 2, // 5 batches an epoch: calls after 2, 4 and 5
        onEpochEnd: (r) => void epochs.push(r),
        onBatchEnd: (b) => void batches.push([b.epoch, b.batch, b.loss]),
      });
      expect(epochs).toEqual(h.epochs);
      expect(batches.map(([e, b]) => [e, b])).toEqual([1, 2, 3].flatMap((e) => [[e, 2], [e, 4], [e, 5]]));
      // After an epoch's last batch the running loss is the epoch's loss.
      expect(batches.filter(([, b]) => b === 5).map(([, , l]) => l)).toEqual(h.loss);
      m.dispose();
    });

    it("fitAsync equals fit; aborting it keeps the last completed epoch's weights", async () => {
      const m = fresh();
      const h = await m.fitAsync(d.X, d.y, BASE);
      const sync = trained(BASE);
      expect(h.loss).toEqual(sync.h.loss);
      expectSame(flatParams(m), sync.p, 'parameters');
      m.dispose();
      // Aborted during epoch 3: the model keeps epoch 2's weights.
      const ctl = new AbortController();
      const a = fresh();
      const run = a.fitAsync(d.X, d.y, { ...BASE, epochs: 10, onEpochEnd: (r) => void (r.epoch === 2 && ctl.abort()), signal: ctl.signal });
      await expect(run).rejects.toMatchObject({ name: 'AbortError' });
      const twin = trained({ ...BASE, epochs: 2 });
      expectSame(flatParams(a), twin.p, 'parameters after the abort');
      for (const x of [a, sync.m, twin.m]) x.dispose();
    });

    it('partialFit continues the optimizer state: two passes equal a 2-epoch fit', () => {
      const opts: FitOptions = { batchSize: 8, learningRate: 0.02, optimizer: 'adam', shuffle: false };
      const m = fresh();
      m.partialFit(d.X, d.y, opts);
      m.partialFit(d.X, d.y, opts);
      const fit2 = trained({ ...opts, epochs: 2 });
      expectSame(flatParams(m), fit2.p, 'parameters');
      // Control: a second pass with a fresh Adam state (other settings reset it) lands elsewhere.
      const reset = fresh();
      reset.partialFit(d.X, d.y, opts);
      reset.partialFit(d.X, d.y, { ...opts, optimizer: { name: 'adam', betas: [0.9, 0.9990000001] } });
      expect(maxDiff(flatParams(reset), fit2.p)).toBeGreaterThan(1e-4);
      for (const x of [m, reset, fit2.m]) x.dispose();
    });

    it('warmStart false starts again from fresh initial parameters and optimizer state', () => {
      const again: FitOptions = { ...BASE, epochs: 2, warmStart: false, optimizer: 'adam', learningRate: 0.02, seed: 9 };
      const a = fresh();
      a.fit(d.X, d.y, { ...BASE, optimizer: 'adam', learningRate: 0.02 });
      a.fit(d.X, d.y, again);
      const b = fresh();
      b.fit(d.X, d.y, { ...BASE, epochs: 1, optimizer: 'adam', learningRate: 0.05, seed: 1 });
      b.fit(d.X, d.y, again);
      expectSame(flatParams(a), flatParams(b), 'parameters whatever came before');
      // Control: warmStart true continues from what came before.
      const c = fresh();
      c.fit(d.X, d.y, { ...BASE, optimizer: 'adam', learningRate: 0.02 });
      c.fit(d.X, d.y, { ...again, warmStart: true });
      expect(maxDiff(flatParams(c), flatParams(a))).toBeGreaterThan(1e-4);
      for (const x of [a, b, c]) x.dispose();
    });

    it('restarts keep the run with the lowest final loss, with its weights', () => {
      const finals: Float64Array[] = [];
      const m = fresh();
      const h = m.fit(d.X, d.y, { ...BASE, epochs: 3, restarts: 3, onEpochEnd: (r) => void (r.epoch === 3 && finals.push(flatParams(m))) });
      expect(h.restarts!.length).toBe(3);
      const last = h.restarts!.map((r) => r.loss[2]);
      expect(new Set(last).size).toBe(3); // the runs differ
      const best = last.indexOf(Math.min(...last));
      expect(h.bestRestart).toBe(best);
      expect(h.loss).toEqual(h.restarts![best].loss);
      expectSame(flatParams(m), finals[best], 'parameters');
      m.dispose();
    });

    it('the same seeds give the same bits; another seed does not', () => {
      const a = trained(BASE);
      const b = trained(BASE);
      expect(b.h.loss).toEqual(a.h.loss);
      expectSame(b.p, a.p, 'parameters');
      const c = trained({ ...BASE, seed: 4 });
      expect(maxDiff(c.p, a.p)).toBeGreaterThan(1e-4);
      for (const x of [a, b, c]) x.m.dispose();
    });
  });

  describe('failures', () => {
    it('divergence: a huge learning rate from epoch 3 throws DivergenceError and keeps the weights of epoch 2', () => {
      const schedule = (e: number) => (e < 2 ? 0.1 : 1e300);
      const m = fresh();
      let err: unknown;
      try {
        m.fit(d.X, d.y, { ...BASE, epochs: 5, schedule });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(DivergenceError);
      const epoch = (err as DivergenceError).epoch;
      expect(epoch).toBe(3);
      const p = flatParams(m);
      expect(p.every(Number.isFinite)).toBe(true);
      const twin = trained({ ...BASE, epochs: epoch - 1, schedule });
      expectSame(p, twin.p, 'parameters');
      m.dispose();
      twin.m.dispose();
    });

    it('a callback that throws leaves the model as it was: parameters, optimizer state and random stream', () => {
      const m = fresh();
      const twin = fresh();
      for (const x of [m, twin]) x.fit(d.X, d.y, { ...BASE, optimizer: 'adam', learningRate: 0.02, seed: undefined });
      const before = flatParams(m);
      const boom = new Error('boom');
      expect(() => m.fit(d.X, d.y, {
        ...BASE, optimizer: 'rmsprop', seed: undefined, onEpochEnd: (r) => {
          if (r.epoch === 2) throw boom;
        },
      })).toThrow(boom);
      expectSame(flatParams(m), before, 'parameters');
      // What comes next is what would have come without the failed call.
      const next: FitOptions = { ...BASE, optimizer: 'adam', learningRate: 0.02, seed: undefined };
      m.fit(d.X, d.y, next);
      twin.fit(d.X, d.y, next);
      expectSame(flatParams(m), flatParams(twin), 'parameters after the next fit');
      m.dispose();
      twin.dispose();
    });
  });
});
