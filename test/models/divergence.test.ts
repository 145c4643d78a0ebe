// Divergence, on every engine: unstandardized features (~1e3) with learningRate 0.1 blow up;
// fit throws a DivergenceError that names the epoch and suggests the fixes, and the model
// keeps exactly the weights it had at the end of the previous epoch (never a NaN).
import { beforeAll, describe, expect, it } from 'vitest';
import { ready, DivergenceError, LinearRegression, type FitOptions } from '../../src/index.js';
import { ENGINE_NAMES, SMALL_X, SMALL_Y_REG, params, rejected, thrown, type EngineUnderTest } from '../helpers/training.js';

// Features around 1e3 (x * 1000 + 500, exact in float32): the MSE's curvature is ~2 |x|^2 ~ 1e6,
// so any step size above ~1e-6 overshoots and the parameters grow by a factor ~1e5 per step
// until the loss overflows (float32: within a few epochs; float64: within a few dozen).
const BIG = SMALL_X.map((x) => x.map((v) => v * 1000 + 500));
const FIT: FitOptions = { epochs: 200, learningRate: 0.1, batchSize: 4, seed: 3 };

function diverge(engine: EngineUnderTest, extra: FitOptions = {}) {
  const m = new LinearRegression({ features: 3, engine, seed: 1 });
  const err = thrown(() => m.fit(BIG, SMALL_Y_REG, { ...FIT, ...extra }));
  return { m, err };
}

describe.each(ENGINE_NAMES)('divergence (%s)', (engine) => {
  beforeAll(() => ready({ scalar: true }));

  it('throws a DivergenceError naming the epoch and suggesting a smaller learningRate and standardizing', () => {
    const { m, err } = diverge(engine);
    expect(err).toBeInstanceOf(DivergenceError);
    expect(err.name).toBe('DivergenceError');
    const epoch = (err as DivergenceError).epoch;
    expect(Number.isInteger(epoch)).toBe(true);
    expect(epoch).toBeGreaterThanOrEqual(2); // the first epoch's loss is still finite
    expect(err.message).toContain(`epoch ${epoch}`);
    expect(err.message).toMatch(/smaller learningRate/);
    expect(err.message).toMatch(/standardi[sz]e/);
    m.dispose();
  });

  it('the model keeps the weights of the end of epoch (error.epoch - 1): equal to a run of that many epochs', () => {
    const { m, err } = diverge(engine);
    const epoch = (err as DivergenceError).epoch;
    const after = params(m);
    expect(after.every(Number.isFinite)).toBe(true);
    // Same model seed, same fit seed, same engine: the same bits for the completed epochs.
    const twin = new LinearRegression({ features: 3, engine, seed: 1 });
    const h = twin.fit(BIG, SMALL_Y_REG, { ...FIT, epochs: epoch - 1 });
    expect(h.epochs.length).toBe(epoch - 1);
    expect(after).toEqual(params(twin));
    // They are far from the start: training did happen before it diverged.
    expect(Math.max(...after.map(Math.abs))).toBeGreaterThan(1);
    m.dispose();
    twin.dispose();
  });

  it('no NaN or Infinity ever appears in the weights, batch by batch', () => {
    const m = new LinearRegression({ features: 3, engine, seed: 1 });
    let checks = 0;
    const finite = () => {
      checks++;
      expect(params(m).every(Number.isFinite)).toBe(true);
    };
    const err = thrown(() => m.fit(BIG, SMALL_Y_REG, { ...FIT, onBatchEnd: finite, onEpochEnd: finite }));
    expect(err).toBeInstanceOf(DivergenceError);
    expect(checks).toBeGreaterThan(3);
    expect(params(m).every(Number.isFinite)).toBe(true);
    m.dispose();
  });

  it('the model is still usable: a re-initialized fit on standardized-scale data trains normally', () => {
    // (The kept weights are finite but huge, so predictions on the big features may overflow
    // float32; what matters is that the model is not broken.)
    const { m } = diverge(engine);
    const h = m.fit(SMALL_X, SMALL_Y_REG, { epochs: 3, learningRate: 0.05, batchSize: 'full', warmStart: false });
    expect(h.loss.every(Number.isFinite)).toBe(true);
    expect(h.loss[2]).toBeLessThan(h.loss[0]);
    expect(params(m).every(Number.isFinite)).toBe(true);
    m.dispose();
  });

  it('fitAsync rejects with the same DivergenceError and keeps the same weights', async () => {
    const { m, err } = diverge(engine);
    const a = new LinearRegression({ features: 3, engine, seed: 1 });
    const errA = await rejected(a.fitAsync(BIG, SMALL_Y_REG, { ...FIT, yieldEveryMs: 0.001 }));
    expect(errA).toBeInstanceOf(DivergenceError);
    expect((errA as DivergenceError).epoch).toBe((err as DivergenceError).epoch);
    expect(params(a)).toEqual(params(m));
    m.dispose();
    a.dispose();
  });

  it('full-batch GD diverges the same way (error.epoch - 1 completed epochs kept)', () => {
    const { m, err } = diverge(engine, { batchSize: 'full', shuffle: false });
    expect(err).toBeInstanceOf(DivergenceError);
    const epoch = (err as DivergenceError).epoch;
    const twin = new LinearRegression({ features: 3, engine, seed: 1 });
    if (epoch > 1) twin.fit(BIG, SMALL_Y_REG, { ...FIT, batchSize: 'full', shuffle: false, epochs: epoch - 1 });
    expect(params(m)).toEqual(params(twin));
    m.dispose();
    twin.dispose();
  });
});
