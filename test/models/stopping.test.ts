// Stopping rules and validation data, on every engine: each rule fires at the epoch recomputed
// here from the history it produced, and names itself in history.stopReason with the numbers
// that triggered it; validation splits are seeded and stratified; early stopping restores
// the best epoch's weights.
import { beforeAll, describe, expect, it } from 'vitest';
import { ready, LinearRegression, LogisticRegression, type BatchInfo, type FitOptions } from '../../src/index.js';
import { splitIndices } from '../../src/models/split.js';
import { seedState } from '../../src/reference/random.js';
import {
  ENGINE_NAMES, SMALL_X, SMALL_Y_REG, close, isWasm, lcg, meanLoss, oracle, params, ridge, uniformMatrix,
  type EngineUnderTest, type Tol,
} from '../helpers/training.js';
import { nextTick } from '../helpers/clock.js';

const FULL: FitOptions = { batchSize: 'full', shuffle: false, learningRate: 0.05 };

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

const firstEpoch = (v: number[], pred: (x: number) => boolean): number => v.findIndex(pred) + 1;

// Validation losses recomputed here in float64 from the model's weights, against the engine's
// (float32 logits in WASM: ~1e-7 relative each, mean of <= 20 rows: 1e-5 relative allowed).
const valTol = (engine: EngineUnderTest): Tol => (isWasm(engine) ? { abs: 1e-7, rel: 1e-5 } : { abs: 1e-13, rel: 1e-11 });

describe.each(ENGINE_NAMES)('stopping rules (%s)', (engine) => {
  beforeAll(() => ready({ scalar: true }));

  function linear(): LinearRegression {
    return new LinearRegression({ features: 3, engine });
  }

  it('maxEpochs', () => {
    const m = linear();
    const h = m.fit(SMALL_X, SMALL_Y_REG, { ...FULL, epochs: 3 });
    expect(h.epochs.length).toBe(3);
    expect(h.stopReason.rule).toBe('maxEpochs');
    expect(h.stopReason.epoch).toBe(3);
    expect(h.stopReason.message).toContain('3');
    expect(h.bestEpoch).toBe(3);
    m.dispose();
  });

  it('gradTol: stops at the first epoch whose gradient norm is <= gradTol', () => {
    const m = linear();
    const gradTol = 1e-3;
    const h = m.fit(SMALL_X, SMALL_Y_REG, { ...FULL, learningRate: 0.1, epochs: 1000, gradTol });
    const at = firstEpoch(h.gradNorm, (g) => g <= gradTol);
    expect(at).toBeGreaterThan(1);
    expect(at).toBeLessThan(1000);
    expect(h.stopReason).toMatchObject({ rule: 'gradTol', epoch: at });
    expect(h.epochs.length).toBe(at);
    expect(h.stopReason.message).toContain(String(h.gradNorm[at - 1]));
    expect(h.stopReason.message).toContain(String(gradTol));
    // Epoch 1's gradient norm is the full-batch data gradient at w = 0, b = 0: (1/n) sum -2 y_i [x_i, 1].
    const n = SMALL_X.length;
    const g = [0, 1, 2, 3].map((j) => SMALL_X.reduce((s, x, i) => s - 2 * SMALL_Y_REG[i] * (j < 3 ? x[j] : 1), 0) / n);
    // One 12-row sum at w = 0: float32 in WASM (a few roundings of 6e-8: 1e-6), float64 in js (1e-13).
    close(h.gradNorm[0], Math.hypot(...g), isWasm(engine) ? { rel: 1e-6 } : { rel: 1e-13 }, 'gradNorm of epoch 1');
    m.dispose();
  });

  it('tol + nIterNoChange: stops where scikit-learn\'s rule, rerun on history.loss, stops', () => {
    const m = linear();
    const h = m.fit(SMALL_X, SMALL_Y_REG, { ...FULL, epochs: 1000, tol: 1e-3, nIterNoChange: 3 });
    const at = sklearnStop(h.loss, 1e-3, 3);
    expect(at).not.toBeNull();
    expect(at!).toBeLessThan(1000);
    expect(h.stopReason).toMatchObject({ rule: 'tol', epoch: at });
    expect(h.epochs.length).toBe(at);
    expect(h.stopReason.message).toMatch(/tol 0\.001/);
    expect(h.stopReason.message).toMatch(/3 epochs/);
    m.dispose();
  });

  it('tol with validation data watches the validation loss', () => {
    const m = linear();
    // Validation targets that the model fits worse and worse: the validation loss never improves by tol after epoch 1.
    const h = m.fit(SMALL_X, SMALL_Y_REG, {
      ...FULL, epochs: 1000, tol: 1e-3, nIterNoChange: 4, validationData: { X: SMALL_X, y: SMALL_Y_REG.map((v) => -v) },
    });
    expect(h.stopReason).toMatchObject({ rule: 'tol', epoch: sklearnStop(h.valLoss, 1e-3, 4) });
    expect(h.stopReason.epoch).toBe(5);
    expect(h.stopReason.message).toMatch(/validation loss/);
    m.dispose();
  });

  it('paramTol: paramChange is the largest parameter change of the epoch, and stops at the first <= paramTol', () => {
    const m = linear();
    const seen: number[][] = [params(m)];
    const h = m.fit(SMALL_X, SMALL_Y_REG, { ...FULL, learningRate: 0.1, epochs: 1000, paramTol: 1e-4, onEpochEnd: () => void seen.push(params(m)) });
    const changes = h.epochs.map((r) => r.paramChange);
    // Exact: both are max |after - before| over the same stored values.
    for (let e = 0; e < h.epochs.length; e++) {
      expect(changes[e]).toBe(Math.max(...seen[e + 1].map((v, i) => Math.abs(v - seen[e][i]))));
    }
    const at = firstEpoch(changes, (c) => c <= 1e-4);
    expect(at).toBeGreaterThan(1);
    expect(h.stopReason).toMatchObject({ rule: 'paramTol', epoch: at });
    expect(h.stopReason.message).toContain(String(changes[at - 1]));
    expect(h.stopReason.message).toContain('0.0001');
    m.dispose();
  });

  it('timeLimitMs: a tiny limit stops after the first epoch', () => {
    const m = linear();
    const h = m.fit(SMALL_X, SMALL_Y_REG, { ...FULL, epochs: 1000, timeLimitMs: 0.001, onEpochEnd: nextTick }); // > 0 ms has passed
    expect(h.epochs.length).toBe(1);
    expect(h.stopReason).toMatchObject({ rule: 'timeLimit', epoch: 1 });
    expect(h.stopReason.message).toContain('0.001');
    m.dispose();
  });

  it('targetLoss: stops at the first epoch whose loss is <= targetLoss', () => {
    // Halfway between the loss at w = 0 (mean y^2) and the least-squares optimum, both computed here.
    const opt = ridge(SMALL_X, SMALL_Y_REG, 0);
    const lStar = meanLoss('linear', opt, SMALL_X, SMALL_Y_REG);
    const l0 = SMALL_Y_REG.reduce((s, v) => s + v * v, 0) / SMALL_Y_REG.length;
    const target = (l0 + lStar) / 2;
    const m = linear();
    const h = m.fit(SMALL_X, SMALL_Y_REG, { ...FULL, epochs: 1000, targetLoss: target });
    const at = firstEpoch(h.loss, (l) => l <= target);
    expect(at).toBeGreaterThan(1);
    expect(h.stopReason).toMatchObject({ rule: 'targetLoss', epoch: at });
    expect(h.stopReason.message).toContain(String(h.loss[at - 1]));
    expect(h.stopReason.message).toContain(String(target));
    m.dispose();
  });

  it('onEpochEnd returning false at epoch 3 stops at epoch 3', () => {
    const m = linear();
    const h = m.fit(SMALL_X, SMALL_Y_REG, { ...FULL, epochs: 100, onEpochEnd: (r) => r.epoch !== 3 });
    expect(h.epochs.length).toBe(3);
    expect(h.stopReason).toMatchObject({ rule: 'callback', epoch: 3 });
    expect(h.stopReason.message).toMatch(/onEpochEnd/);
    expect(h.stopReason.message).toMatch(/epoch 3/);
    m.dispose();
  });

  it('onBatchEnd every k batches is called ceil(batches / k) times per epoch', () => {
    const m = linear();
    const calls: BatchInfo[] = [];
    // 12 rows, batchSize 1: 12 batches; k = 5: after batches 5, 10 and 12.
    const h = m.fit(SMALL_X, SMALL_Y_REG, {
      ...FULL, batchSize: 1, epochs: 2, batchCallbackEvery: 5, onBatchEnd: (info) => void calls.push({ ...info }),
    });
    expect(calls.length).toBe(2 * Math.ceil(12 / 5));
    expect(calls.map((c) => [c.epoch, c.batch])).toEqual([[1, 5], [1, 10], [1, 12], [2, 5], [2, 10], [2, 12]]);
    expect(calls.every((c) => c.batches === 12)).toBe(true);
    // After the last batch the running mean loss is the epoch's loss.
    expect(calls[2].loss).toBe(h.loss[0]);
    expect(calls[5].loss).toBe(h.loss[1]);
    m.dispose();
  });

  it('onBatchEnd returning false stops at once with rule callback; later batches are not trained', () => {
    const m = linear();
    const h = m.fit(SMALL_X, SMALL_Y_REG, {
      ...FULL, batchSize: 1, epochs: 5, learningRate: 0.02, batchCallbackEvery: 5,
      onBatchEnd: (info) => !(info.epoch === 2 && info.batch === 10),
    });
    expect(h.epochs.length).toBe(2);
    expect(h.stopReason).toMatchObject({ rule: 'callback', epoch: 2 });
    expect(h.stopReason.message).toMatch(/batch 10/);
    expect(h.stopReason.message).toMatch(/epoch 2/);
    // Oracle: one epoch of 12 single-row steps, then rows 0..9 of the second (shuffle off).
    const e1 = oracle({ kind: 'linear', X: SMALL_X, y: SMALL_Y_REG, epochs: 1, batchSize: 1, lr: 0.02 });
    const e2 = oracle({
      kind: 'linear', X: SMALL_X.slice(0, 10), y: SMALL_Y_REG.slice(0, 10), epochs: 1, batchSize: 1, lr: 0.02,
      init: e1.params[0], step: e1.step,
    });
    // 22 single-row SGD steps: wasm float32 ~1e-6 relative per step, allow 5e-5; js float64 1e-11.
    close(params(m), e2.params[0], isWasm(engine) ? { abs: 5e-5, rel: 5e-5 } : { abs: 1e-11, rel: 1e-11 }, 'params');
    m.dispose();
  });
});

describe.each(ENGINE_NAMES)('validation data (%s)', (engine) => {
  beforeAll(() => ready({ scalar: true }));

  // 100 rows, 30 of class 1: a classifier with an unbalanced label mix.
  const X = uniformMatrix(100, 3, 77);
  const r = lcg(78);
  const labels = X.map(() => (r() < 0.3 ? 1 : 0));
  const ones = labels.filter((v) => v === 1).length;

  it('splitIndices is stratified: each class contributes round(fraction * count) rows', () => {
    const y = Float32Array.from(labels);
    const { train, val } = splitIndices(100, 0.2, seedState(7), y);
    expect(train.length + val.length).toBe(100);
    expect(new Set([...train, ...val]).size).toBe(100);
    const valOnes = [...val].filter((i) => labels[i] === 1).length;
    const valZeros = val.length - valOnes;
    expect(Math.abs(valOnes - 0.2 * ones)).toBeLessThanOrEqual(1);
    expect(Math.abs(valZeros - 0.2 * (100 - ones))).toBeLessThanOrEqual(1);
    expect(valOnes).toBe(Math.round(0.2 * ones));
  });

  it('validationFraction holds out the seeded, stratified split (valLoss recomputed on it)', () => {
    const m = new LogisticRegression({ features: 3, engine });
    const seen: number[][] = [];
    const batches: number[] = [];
    const h = m.fit(X, labels, {
      epochs: 3, batchSize: 10, learningRate: 0.5, seed: 7, validationFraction: 0.2,
      onEpochEnd: () => void seen.push(params(m)), onBatchEnd: (i) => void batches.push(i.batches),
    });
    const { train, val } = splitIndices(100, 0.2, seedState(7), Float32Array.from(labels));
    expect(batches[0]).toBe(Math.ceil(train.length / 10)); // trains on the 80 others only
    const vX = [...val].map((i) => X[i]);
    const vY = [...val].map((i) => labels[i]);
    const want = seen.map((p) => meanLoss('logistic', p, vX, vY));
    close(h.valLoss, want, valTol(engine), 'history.valLoss');
    m.dispose();
  });

  it('the split is seeded: same seed, identical valLoss; another seed, a different one', () => {
    const run = (seed: number) => {
      const m = new LogisticRegression({ features: 3, engine });
      const h = m.fit(X, labels, { epochs: 3, batchSize: 10, learningRate: 0.5, seed, validationFraction: 0.2 });
      m.dispose();
      return h.valLoss;
    };
    expect(run(5)).toEqual(run(5));
    expect(run(5)).not.toEqual(run(6));
  });

  it('validationData: valLoss is the mean loss on it after each epoch', () => {
    const vX = uniformMatrix(15, 3, 91);
    const vY = vX.map((x) => Math.fround(x[0] - x[1]));
    const m = new LinearRegression({ features: 3, engine });
    const seen: number[][] = [];
    const h = m.fit(SMALL_X, SMALL_Y_REG, { ...FULL, epochs: 4, validationData: { X: vX, y: vY }, onEpochEnd: () => void seen.push(params(m)) });
    close(h.valLoss, seen.map((p) => meanLoss('linear', p, vX, vY)), valTol(engine), 'history.valLoss');
    m.dispose();
  });

  describe('earlyStopping', () => {
    // Training targets 2 x0 - x1 + 0.5; validation targets half of that: on the way from 0 to the
    // training optimum the validation loss falls, bottoms out about halfway, then rises.
    const tX = uniformMatrix(40, 2, 101);
    const tY = tX.map((x) => Math.fround(2 * x[0] - x[1] + 0.5));
    const vX = uniformMatrix(20, 2, 102);
    const vY = vX.map((x) => Math.fround(x[0] - 0.5 * x[1] + 0.25));
    const fit: FitOptions = { ...FULL, learningRate: 0.05, epochs: 1000, earlyStopping: true, validationData: { X: vX, y: vY } };

    function run(extra: FitOptions) {
      const m = new LinearRegression({ features: 2, engine });
      const seen: number[][] = [];
      const h = m.fit(tX, tY, { ...fit, ...extra, onEpochEnd: () => void seen.push(params(m)) });
      const final = params(m);
      m.dispose();
      return { h, seen, final };
    }

    it('stops by the rule (tol 0, nIterNoChange 5 by default) and restores the best epoch\'s weights', () => {
      const { h, seen, final } = run({});
      const at = sklearnStop(h.valLoss, 0, 5);
      expect(h.stopReason).toMatchObject({ rule: 'earlyStopping', epoch: at });
      const best = h.valLoss.indexOf(Math.min(...h.valLoss)) + 1;
      expect(h.bestEpoch).toBe(best);
      expect(best).toBeLessThan(h.epochs.length);
      expect(final).toEqual(seen[best - 1]);
      close(meanLoss('linear', final, vX, vY), h.valLoss[best - 1], valTol(engine), 'validation loss of the final model');
    });

    it('with restoreBestWeights: false it ends with the last epoch\'s weights', () => {
      const { h, seen, final } = run({ restoreBestWeights: false });
      expect(h.stopReason.rule).toBe('earlyStopping');
      expect(h.bestEpoch).toBe(h.epochs.length);
      expect(final).toEqual(seen[seen.length - 1]);
      close(meanLoss('linear', final, vX, vY), h.valLoss[h.valLoss.length - 1], valTol(engine), 'validation loss of the final model');
    });

    it('without validation data it holds out 10% of the rows', () => {
      const m = new LinearRegression({ features: 2, engine });
      const batches: number[] = [];
      const h = m.fit(tX, tY, { ...FULL, epochs: 3, earlyStopping: true, batchSize: 4, onBatchEnd: (i) => void batches.push(i.batches) });
      expect(h.valLoss.length).toBe(3);
      expect(batches[0]).toBe(Math.ceil(36 / 4));
      m.dispose();
    });
  });
});
