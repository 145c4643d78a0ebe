// Schedule-Free evaluates at its averaged point x, not at y where gradients are taken, with
// nothing for the user to call: weights, predict, evaluate, saved files, validation loss and
// early stopping's best weights all see x; continued training (fit again, partialFit, after a
// failed call) resumes from the same y, z and x. On every engine. The oracle
// (test/helpers/lrFreeOracle.ts) keeps y and z only and recovers x = (y - (1 - beta) z) / beta.
import { beforeAll, describe, expect, it } from 'vitest';
import { DivergenceError, LinearRegression, LogisticRegression, ready, type FitOptions } from '../../src/index.js';
import {
  ENGINE_NAMES, SMALL_X, SMALL_Y_CLS, SMALL_Y_REG, close, isWasm, makeOptimizer, maxDiff, meanLoss, oracle, params, uniformMatrix,
  type EngineUnderTest, type OracleOptimizer, type Tol,
} from '../helpers/training.js';

const EPOCHS = 5;
const OPT = { name: 'schedule-free-sgd', momentum: 0.9 } as const;
const FIT: FitOptions = { epochs: EPOCHS, batchSize: 4, shuffle: false, learningRate: 0.5, optimizer: OPT };

// As test/models/optimizers.test.ts: float64 throughout in js; float32 parameters and state in
// WASM, 15 steps here (three batches of 4 over 12 rows, 5 epochs), ~1e-6 relative per step.
const tolFor = (engine: EngineUnderTest): Tol => (isWasm(engine) ? { abs: 2e-5, rel: 2e-5 } : { abs: 1e-11, rel: 1e-11 });
// A loss from float32 parameters and a float32 sum over 12 rows (WASM) against float64.
const lossTol = (engine: EngineUnderTest): Tol => (isWasm(engine) ? { abs: 1e-6, rel: 1e-5 } : { abs: 1e-13, rel: 1e-11 });

/** The oracle's x (what the model must show) and y (where its gradients were taken) after each epoch. */
function expected() {
  const base = { kind: 'logistic' as const, X: SMALL_X, y: SMALL_Y_CLS, epochs: EPOCHS, lr: 0.5, batchSize: 4 };
  const x = oracle({ ...base, optimizer: OPT as OracleOptimizer }).params;
  const atY = makeOptimizer(OPT as OracleOptimizer, 4);
  const y = oracle({ ...base, step: (p, g, lr) => atY(p, g, lr) }).params; // the same steps, reporting p itself
  return { x, y };
}

describe.each(ENGINE_NAMES)('schedule-free evaluates at x (%s)', (engine) => {
  beforeAll(() => ready({ scalar: true }));
  const tol = tolFor(engine);
  const { x, y } = expected();

  it('the oracle tells x from y by far more than the tolerance', () => {
    expect(maxDiff(x[EPOCHS - 1], y[EPOCHS - 1])).toBeGreaterThan(0.05);
  });

  it('weights after each epoch and at the end, predictProba, evaluate and the saved file are at x', () => {
    const m = new LogisticRegression({ features: 3, engine });
    const seen: number[][] = [];
    m.fit(SMALL_X, SMALL_Y_CLS, { ...FIT, onEpochEnd: () => void seen.push(params(m)) });
    for (let e = 0; e < EPOCHS; e++) close(seen[e], x[e], tol, `weights after epoch ${e + 1}`);
    const final = params(m);
    close(final, x[EPOCHS - 1], tol, 'final weights');
    close(m.evaluate(SMALL_X, SMALL_Y_CLS).loss, meanLoss('logistic', final, SMALL_X, SMALL_Y_CLS), lossTol(engine), 'evaluate().loss');
    const proba = m.predictProba(SMALL_X);
    const want = SMALL_X.map((r) => 1 / (1 + Math.exp(-(r[0] * final[0] + r[1] * final[1] + r[2] * final[2] + final[3]))));
    close(Array.from(proba, (_, i) => proba[i]), want, { abs: 1e-6 }, 'predictProba'); // float32 logits and sigmoid
    const saved = JSON.parse(JSON.stringify(m.toJSON()));
    const loaded = LogisticRegression.fromJSON(saved, { engine });
    expect(params(loaded)).toEqual(final); // the file holds x, bit for bit
    m.dispose();
    loaded.dispose();
  });

  it('validation loss is taken at x', () => {
    const vX = uniformMatrix(10, 3, 7);
    const vY = vX.map((r) => (r[0] - r[1] > 0 ? 1 : 0));
    const m = new LogisticRegression({ features: 3, engine });
    const seen: number[][] = [];
    const h = m.fit(SMALL_X, SMALL_Y_CLS, { ...FIT, validationData: { X: vX, y: vY }, onEpochEnd: () => void seen.push(params(m)) });
    close(h.valLoss, seen.map((p) => meanLoss('logistic', p, vX, vY)), lossTol(engine), 'history.valLoss');
    for (let e = 0; e < EPOCHS; e++) close(seen[e], x[e], tol, `weights after epoch ${e + 1}`);
    m.dispose();
  });

  it("early stopping restores the best epoch's x", () => {
    // As in stopping.test.ts: the validation targets are half the training ones, so the validation loss
    // falls, bottoms out on the way to the training optimum, then rises.
    const tX = uniformMatrix(40, 2, 101);
    const tY = tX.map((r) => Math.fround(2 * r[0] - r[1] + 0.5));
    const vX = uniformMatrix(20, 2, 102);
    const vY = vX.map((r) => Math.fround(r[0] - 0.5 * r[1] + 0.25));
    const m = new LinearRegression({ features: 2, engine });
    const seen: number[][] = [];
    const h = m.fit(tX, tY, {
      epochs: 1000, batchSize: 'full', shuffle: false, learningRate: 0.05, optimizer: 'schedule-free-sgd', earlyStopping: true,
      validationData: { X: vX, y: vY }, onEpochEnd: () => void seen.push(params(m)),
    });
    expect(h.stopReason.rule).toBe('earlyStopping');
    const best = h.valLoss.indexOf(Math.min(...h.valLoss)) + 1;
    expect(best).toBeLessThan(h.epochs.length);
    expect(params(m)).toEqual(seen[best - 1]);
    close(meanLoss('linear', params(m), vX, vY), h.valLoss[best - 1], lossTol(engine), 'validation loss of the restored weights');
    m.dispose();
  });

  it('continued training resumes y, z and x: fit 2 + fit 3 epochs, and 5 partialFits, equal one 5-epoch fit bit for bit', () => {
    const whole = new LogisticRegression({ features: 3, engine });
    whole.fit(SMALL_X, SMALL_Y_CLS, FIT);
    const split = new LogisticRegression({ features: 3, engine });
    split.fit(SMALL_X, SMALL_Y_CLS, { ...FIT, epochs: 2 });
    split.fit(SMALL_X, SMALL_Y_CLS, { ...FIT, epochs: 3 });
    const partial = new LogisticRegression({ features: 3, engine });
    const { epochs: _, ...once } = FIT;
    for (let e = 0; e < EPOCHS; e++) partial.partialFit(SMALL_X, SMALL_Y_CLS, once);
    expect(params(split)).toEqual(params(whole));
    expect(params(partial)).toEqual(params(whole));
    close(params(whole), x[EPOCHS - 1], tol, 'weights after 5 epochs');
    for (const m of [whole, split, partial]) m.dispose();
  });

  it("a call that diverges stops with DivergenceError at the last finite epoch's x, and training continues from its y and z", () => {
    // MSE on unscaled rows: a rate of 100 overflows within a few epochs (the logistic loss's gradient is bounded).
    const fit: FitOptions = { ...FIT, learningRate: 0.02 };
    const m = new LinearRegression({ features: 3, engine });
    m.fit(SMALL_X, SMALL_Y_REG, { ...fit, epochs: 2 });
    const seen: number[][] = [];
    let err: unknown;
    try {
      m.fit(SMALL_X, SMALL_Y_REG, { ...fit, learningRate: 100, epochs: 50, onEpochEnd: () => void seen.push(params(m)) });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DivergenceError);
    const done = (err as DivergenceError).epoch - 1; // epochs of the failed call that completed
    expect(done).toBeGreaterThanOrEqual(1);
    expect(params(m)).toEqual(seen[done - 1]);
    // The same epochs without the failure: the same x, and the same continuation (so y and z were kept with it).
    const twin = new LinearRegression({ features: 3, engine });
    twin.fit(SMALL_X, SMALL_Y_REG, { ...fit, epochs: 2 });
    twin.fit(SMALL_X, SMALL_Y_REG, { ...fit, learningRate: 100, epochs: done });
    expect(params(twin)).toEqual(params(m));
    m.fit(SMALL_X, SMALL_Y_REG, { ...fit, epochs: 3 });
    twin.fit(SMALL_X, SMALL_Y_REG, { ...fit, epochs: 3 });
    expect(params(m)).toEqual(params(twin));
    expect(params(m).every(Number.isFinite)).toBe(true);
    m.dispose();
    twin.dispose();
  });


});
