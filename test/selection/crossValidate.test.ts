// crossValidate (src/selection/crossValidate.ts) on every engine and model type: each fold's
// metrics and history are the bits of fitting the same model on the other folds' rows and
// evaluating it on the fold (same engine, same seed, same float32 rows: the same arithmetic,
// so equality is exact); folds drawn by the seeded (stratified) shuffle partition the rows;
// mean and std summarize the folds; the caller's model is only read; bad input is named.
import { describe, expect, it } from 'vitest';
import { DisposedError, LinearRegression, LogisticRegression, MLP, SoftmaxRegression, ValidationError } from '../../src/index.js';
import { crossValidate, type CrossValidation } from '../../src/selection/index.js';
import type { FitAsyncOptions } from '../../src/models/fitOptions.js';
import { ENGINES, useReady } from '../helpers/engines.js';
import { MODEL_TYPES, NAMES, dataFor, flatParams, keepRows, type TestModel } from '../helpers/modelTypes.js';
import { expectClose, expectSame } from '../helpers/tolerance.js';
import { rejected } from '../helpers/training.js';

useReady();

const FIT: FitAsyncOptions = { epochs: 4, batchSize: 8, learningRate: 0.1, optimizer: 'adam', seed: 5 };

/** Fits a fresh model of the type on the rows outside test and scores it on test: what each fold must equal. */
function fitFold(make: () => TestModel, t: (typeof MODEL_TYPES)[number], d: ReturnType<typeof dataFor>, test: ArrayLike<number>, fit: FitAsyncOptions) {
  const held = new Set(Array.from(test));
  const train = keepRows(t, d, (i) => !held.has(i));
  const hold = keepRows(t, d, (i) => held.has(i));
  const m = make();
  const history = m.fit(train.X, train.y, fit);
  const metrics = m.evaluate(hold.X, hold.y);
  m.dispose();
  return { history, metrics };
}

function expectFoldsMatch(cv: CrossValidation<Record<string, number>>, make: () => TestModel, t: (typeof MODEL_TYPES)[number], d: ReturnType<typeof dataFor>, fit: FitAsyncOptions) {
  cv.folds.forEach((f, k) => {
    const own = fitFold(make, t, d, f.test, fit);
    expect(Object.keys(f.metrics), `fold ${k} metrics`).toEqual(Object.keys(own.metrics));
    for (const key of Object.keys(own.metrics)) expect(f.metrics[key], `fold ${k} ${key}`).toBe((own.metrics as Record<string, number>)[key]);
    expectSame(f.history.epochs.map((e) => e.loss), own.history.epochs.map((e) => e.loss), `fold ${k} loss trace`);
  });
}

describe.each(ENGINES)('crossValidate (%s)', (engine) => {
  for (const t of MODEL_TYPES) {
    it(`${t.name}: hand-made folds give the bits of fitting each fold yourself`, async () => {
      const d = dataFor(t, 60, 3);
      const folds = [[0, 5, 9, 13, 22, 40, 41, 59], Array.from({ length: 20 }, (_, i) => 20 + i), [1, 2, 3, 57, 58]];
      const make = () => t.make(engine, { seed: 7 });
      const model = make();
      const cv = await crossValidate(model as never, d.X, d.y, { ...FIT, folds }) as CrossValidation<Record<string, number>>;
      expect(cv.folds.map((f) => Array.from(f.test))).toEqual(folds.map((f) => [...f].sort((a, b) => a - b)));
      expect(cv.stratified).toBe(false); // explicit folds are taken as given
      expectFoldsMatch(cv, make, t, d, FIT);
      model.dispose();
    });
  }

  for (const t of MODEL_TYPES) {
    it(`${t.name}: 5 drawn folds partition the rows (stratified for classifiers) and match fitting each fold yourself`, async () => {
      const d = dataFor(t, 83, 4);
      const make = () => t.make(engine, { seed: 2 });
      const model = make();
      const cv = await crossValidate(model as never, d.X, d.y, FIT) as CrossValidation<Record<string, number>>;
      expect(cv.folds.length).toBe(5);
      expect(cv.stratified).toBe(t.classes > 0 && t.width === 1);
      const all = cv.folds.flatMap((f) => Array.from(f.test)).sort((a, b) => a - b);
      expect(all).toEqual(Array.from({ length: 83 }, (_, i) => i));
      cv.folds.forEach((f, k) => expect(Math.abs(f.test.length - 83 / 5), `fold ${k} size`).toBeLessThan(1));
      if (cv.stratified) {
        for (let c = 0; c < t.classes; c++) {
          const total = d.y.filter((v) => v === c).length;
          cv.folds.forEach((f, k) => {
            const n = Array.from(f.test).filter((r) => d.y[r] === c).length;
            expect(Math.abs(n - total / 5), `class ${c} in fold ${k}: ${n} of ${total}`).toBeLessThan(1);
          });
        }
      }
      expectFoldsMatch(cv, make, t, d, FIT);
      model.dispose();
    });
  }

  it('mean and std are the mean and population standard deviation over folds of each metric and time', async () => {
    const t = MODEL_TYPES[1];
    const d = dataFor(t, 50, 6);
    const model = t.make(engine);
    const cv = await crossValidate(model as never, d.X, d.y, { ...FIT, folds: 4 }) as CrossValidation<Record<string, number>>;
    for (const key of ['loss', 'accuracy', 'fitTimeMs', 'scoreTimeMs']) {
      const v = cv.folds.map((f) => (key in f.metrics ? f.metrics[key] : f[key as 'fitTimeMs']));
      const m = v.reduce((s, x) => s + x, 0) / v.length;
      // E[x^2] - m^2 (another formula than the code's): its rounding error is about 1e-16 of E[x^2].
      const variance = v.reduce((s, x) => s + x * x, 0) / v.length - m * m;
      expectClose(cv.mean[key as 'loss'], m, { rel: 1e-12 }, `mean ${key}`);
      expectClose(cv.std[key as 'loss'], Math.sqrt(Math.max(0, variance)), { abs: 1e-7 * Math.max(1, m) }, `std ${key}`);
    }
    expect(cv.std.accuracy).toBeGreaterThan(0); // four folds of a noisy problem do not all score alike
    model.dispose();
  });

  it("leaves the caller's model as it was: parameters, random stream (a later fit equals a twin's), no class names", async () => {
    const t = MODEL_TYPES[4];
    const d = dataFor(t, 60, 8);
    const model = t.make(engine, { seed: 3 });
    const twin = t.make(engine, { seed: 3 });
    const before = flatParams(model);
    const labels = Array.from(d.y, (k) => NAMES[k]);
    await crossValidate(model as never, d.X, labels, { epochs: 2, learningRate: 0.1 });
    expectSame(flatParams(model), before, 'parameters after crossValidate');
    expect(model.classes).toBe(null);
    model.fit(d.X, labels, { epochs: 2, learningRate: 0.1 });
    twin.fit(d.X, labels, { epochs: 2, learningRate: 0.1 });
    expectSame(flatParams(model), flatParams(twin), 'a later fit (no seed: it continues the random stream)');
    model.dispose();
    twin.dispose();
  });

  it('string labels, Float64Array X, number[][] targets and sampleWeight are cut per fold as fit takes them', async () => {
    const t = MODEL_TYPES[5]; // two mse outputs
    const d = dataFor(t, 40, 9);
    const X64 = Float64Array.from(d.X);
    const Y2 = Array.from({ length: 40 }, (_, i) => [d.y[2 * i], d.y[2 * i + 1]]);
    const sw = Array.from({ length: 40 }, (_, i) => 1 + (i % 3));
    const model = t.make(engine, { seed: 1 });
    const folds = [[0, 1, 2, 3, 4, 5, 6, 7], [30, 31, 32, 33, 34, 35, 36, 37, 38, 39]];
    const cv = await crossValidate(model as never, X64, Y2, { ...FIT, folds, sampleWeight: sw }) as CrossValidation<Record<string, number>>;
    cv.folds.forEach((f, k) => {
      const held = new Set(folds[k]);
      const rows = Array.from({ length: 40 }, (_, i) => i).filter((i) => !held.has(i));
      const m = t.make(engine, { seed: 1 });
      m.fit(rows.map((i) => Array.from(X64.subarray(4 * i, 4 * i + 4))), rows.map((i) => Y2[i]) as never, { ...FIT, sampleWeight: rows.map((i) => sw[i]) });
      const own = m.evaluate(folds[k].map((i) => Array.from(X64.subarray(4 * i, 4 * i + 4))), folds[k].map((i) => Y2[i]) as never) as unknown as Record<string, number>;
      for (const key of ['loss', 'mse', 'mae', 'r2']) expect(f.metrics[key], `fold ${k} ${key}`).toBe(own[key]);
      m.dispose();
    });
    model.dispose();
  });

  it('the seed option decides the folds; without one they come from the model\'s stream (same seed, same folds)', async () => {
    const t = MODEL_TYPES[0];
    const d = dataFor(t, 30, 2);
    const a = new LinearRegression({ features: 4, engine, seed: 4 });
    const tests = async (m: LinearRegression, o: FitAsyncOptions) => (await crossValidate(m, d.X, d.y, { epochs: 1, folds: 3, ...o })).folds.map((f) => Array.from(f.test));
    expect(await tests(a, { seed: 1 })).toEqual(await tests(a, { seed: 1 }));
    expect(await tests(a, { seed: 2 })).not.toEqual(await tests(a, { seed: 1 }));
    const b = new LinearRegression({ features: 4, engine, seed: 4 });
    expect(await tests(a, {})).toEqual(await tests(b, {}));
    a.dispose();
    b.dispose();
  });

  it('bad input: a ValidationError naming the argument, the position and the value, before any fold trains', async () => {
    const model = new LogisticRegression({ features: 2, engine });
    const X = new Float32Array([0, 1, 1, 0, 2, 2, 3, 1, 0, 0, 1, 1]);
    const y = [0, 1, 0, 1, 1, 0];
    let epochs = 0;
    const o = { epochs: 1, onEpochEnd: () => void epochs++ };
    const message = async (p: Promise<unknown>) => {
      const e = await rejected(p);
      expect(e).toBeInstanceOf(ValidationError);
      return e.message;
    };
    expect(await message(crossValidate(model, X, y, { ...o, folds: 1 }))).toBe('folds must be an integer from 2 to the number of rows (6), or a list of folds, got 1');
    expect(await message(crossValidate(model, X, y, { ...o, folds: 7 }))).toBe('folds must be an integer from 2 to the number of rows (6), or a list of folds, got 7');
    expect(await message(crossValidate(model, X, y, { ...o, folds: [[0, 6]] }))).toBe('folds[0][1] must be a row index from 0 to 5, got 6');
    const bad = X.slice();
    bad[9] = NaN;
    expect(await message(crossValidate(model, bad, y, o))).toBe('X contains NaN at row 4, column 1');
    expect(await message(crossValidate(model, X, [0, 1, 0, 1, 1], o))).toBe('y has 5 values but X has 6 rows');
    expect(await message(crossValidate(model, X, [0, 1, 0, 1, 1, 2], o))).toBe('y must contain only 0 or 1 for LogisticRegression, got 2 at index 5');
    expect(await message(crossValidate(model, X, y, { ...o, learningRate: -1 }))).toBe('learningRate must be a finite number > 0, got -1');
    expect(await message(crossValidate({} as never, X, y, o))).toBe('model must be a steepest model (LinearRegression, LogisticRegression, SoftmaxRegression or MLP), got an object');
    expect(epochs).toBe(0);
    model.dispose();
    expect(await rejected(crossValidate(model, X, y, o))).toBeInstanceOf(DisposedError);
  });

  it("an aborted signal stops it with fitAsync's AbortError; the caller's model is unchanged", async () => {
    const t = MODEL_TYPES[1];
    const d = dataFor(t, 40, 2);
    const model = t.make(engine);
    const before = flatParams(model);
    const err = await rejected(crossValidate(model as never, d.X, d.y, { epochs: 3, signal: AbortSignal.abort() }));
    expect(err.name).toBe('AbortError');
    expectSame(flatParams(model), before, 'parameters');
    model.dispose();
  });

  it('a classifier from SoftmaxRegression and an MLP on string labels score every fold', async () => {
    const t = MODEL_TYPES[2];
    const d = dataFor(t, 45, 1);
    const labels = Array.from(d.y, (k) => NAMES[k]);
    for (const model of [new SoftmaxRegression({ features: 4, classes: 3, engine }), new MLP({ inputs: 4, hidden: [3], outputs: 3, engine })]) {
      const cv = await crossValidate(model, d.X, labels, { ...FIT, folds: 3 });
      expect(cv.stratified).toBe(true);
      for (const f of cv.folds) {
        expect(f.metrics.loss).toBeGreaterThan(0);
        expect((f.metrics as { accuracy: number }).accuracy).toBeGreaterThan(1 / 3); // better than chance on a learnable problem
      }
      model.dispose();
    }
  });
});
