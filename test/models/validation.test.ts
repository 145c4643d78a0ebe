// Every validation error, message asserted word for word (src/validate.ts,
// src/models/fitOptions.ts, src/models/linearModel.ts, src/engines/select.ts), and that a
// failed call leaves the model exactly as it was, on every engine.
import { describe, expect, it } from 'vitest';
import { LinearRegression, LogisticRegression, ValidationError } from '../../src/index.js';
import { ENGINES, useReady } from '../helpers/engines.js';
import { makeModel, paramsOf, type AnyModel, type ModelKind } from '../helpers/models.js';
import { expectSame } from '../helpers/tolerance.js';

useReady();

const F32_LIMIT = '(largest magnitude is 3.4028234663852886e+38)';

/** Runs fn and checks it throws a ValidationError with exactly this message. */
function expectValidation(fn: () => unknown, message: string): void {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  if (!err) expect.fail(`expected a ValidationError "${message}", nothing was thrown`);
  expect((err as Error).message).toBe(message);
  expect(err).toBeInstanceOf(ValidationError);
  expect(err).toBeInstanceOf(RangeError);
  expect((err as Error).name).toBe('ValidationError');
}

// Good data: 4 rows, 3 features.
const GOOD_X = Float32Array.from([1, 2, 0, 0, 1, -1, 2, 0, 1, -1, 1, 1]);
const GOOD_Y: Record<ModelKind, number[]> = { linear: [1, -0.5, 2, 0.25], logistic: [1, 0, 1, 0] };
const rowsOf = (X: ArrayLike<number>) => Array.from({ length: X.length / 3 }, (_, r) => Array.from(X).slice(r * 3, r * 3 + 3));
const withValue = <T extends Float32Array | Float64Array>(T: { from(a: ArrayLike<number>): T }, i: number, v: number) => {
  const X = T.from(GOOD_X);
  X[i] = v;
  return X;
};
const rowsWith = (r: number, c: number, v: unknown) => {
  const X: unknown[][] = rowsOf(GOOD_X);
  X[r][c] = v;
  return X as number[][];
};
const yWith = (kind: ModelKind, i: number, v: unknown) => {
  const y: unknown[] = [...GOOD_Y[kind]];
  y[i] = v;
  return y as number[];
};

interface FitCase {
  name: string;
  kinds?: ModelKind[]; // default both
  call: (m: AnyModel, kind: ModelKind) => unknown;
  message: string;
}

const fit = (X: unknown, y: unknown, o: object = {}) => (m: AnyModel) => m.fit(X as Float32Array, y as Float32Array, { epochs: 1, batchSize: 2, ...o });

const FIT_CASES: FitCase[] = [
  // X values, flat and number[][]
  { name: 'NaN in flat X', call: (m, k) => fit(withValue(Float32Array, 5, NaN), GOOD_Y[k])(m), message: 'X contains NaN at row 1, column 2' },
  { name: 'Infinity in flat X', call: (m, k) => fit(withValue(Float64Array, 6, Infinity), GOOD_Y[k])(m), message: 'X contains Infinity at row 2, column 0' },
  { name: '-Infinity in flat X', call: (m, k) => fit(withValue(Float32Array, 10, -Infinity), GOOD_Y[k])(m), message: 'X contains -Infinity at row 3, column 1' },
  { name: 'NaN in X rows', call: (m, k) => fit(rowsWith(0, 0, NaN), GOOD_Y[k])(m), message: 'X contains NaN at row 0, column 0' },
  { name: 'Infinity in X rows', call: (m, k) => fit(rowsWith(3, 2, Infinity), GOOD_Y[k])(m), message: 'X contains Infinity at row 3, column 2' },
  { name: '-Infinity in X rows', call: (m, k) => fit(rowsWith(2, 1, -Infinity), GOOD_Y[k])(m), message: 'X contains -Infinity at row 2, column 1' },
  { name: 'float64 too large for float32 in flat X', call: (m, k) => fit(withValue(Float64Array, 1, 1e39), GOOD_Y[k])(m), message: `X value 1e+39 at row 0, column 1 is too large for float32 ${F32_LIMIT}` },
  { name: 'too large for float32 in X rows', call: (m, k) => fit(rowsWith(2, 2, -4e38), GOOD_Y[k])(m), message: `X value -4e+38 at row 2, column 2 is too large for float32 ${F32_LIMIT}` },
  { name: 'a non-number in X rows', call: (m, k) => fit(rowsWith(1, 0, 'a'), GOOD_Y[k])(m), message: "X contains a non-number at row 1, column 0: 'a'" },
  // X shape
  { name: 'X length not a multiple of features', call: (m, k) => fit(GOOD_X.subarray(0, 7), GOOD_Y[k])(m), message: 'X has length 7, which is not a multiple of features (3)' },
  { name: 'empty flat X', call: (m) => fit(new Float32Array(0), [])(m), message: 'X is empty' },
  { name: 'empty X rows', call: (m) => fit([], [])(m), message: 'X is empty' },
  { name: 'X row of the wrong length', call: (m, k) => fit([[1, 2, 3], [4, 5], [6, 7, 8], [9, 10, 11]], GOOD_Y[k])(m), message: 'X row 1 has 2 columns, expected 3' },
  { name: 'X row that is not an array', call: (m, k) => fit([[1, 2, 3], [4, 5, 6], null, [9, 10, 11]], GOOD_Y[k])(m), message: 'X row 2 must be an array of 3 numbers, got null' },
  { name: 'X of the wrong type', call: (m, k) => fit('1,2,3', GOOD_Y[k])(m), message: "X must be a Float32Array, Float64Array or number[][], got '1,2,3'" },
  // y
  { name: 'NaN in y', call: (m, k) => fit(GOOD_X, yWith(k, 2, NaN))(m), message: 'y contains NaN at index 2' },
  { name: 'Infinity in y', kinds: ['linear'], call: (m, k) => fit(GOOD_X, Float64Array.from(yWith(k, 0, Infinity)))(m), message: 'y contains Infinity at index 0' },
  { name: '-Infinity in y', kinds: ['linear'], call: (m, k) => fit(GOOD_X, yWith(k, 3, -Infinity))(m), message: 'y contains -Infinity at index 3' },
  { name: 'float64 too large for float32 in y', kinds: ['linear'], call: (m, k) => fit(GOOD_X, Float64Array.from(yWith(k, 1, 1e39)))(m), message: `y value 1e+39 at index 1 is too large for float32 ${F32_LIMIT}` },
  { name: 'a non-number in y', call: (m, k) => fit(GOOD_X, yWith(k, 1, null))(m), message: 'y contains a non-number at index 1: null' },
  { name: 'X/y row-count mismatch', call: (m, k) => fit(GOOD_X, GOOD_Y[k].slice(0, 3))(m), message: 'y has 3 values but X has 4 rows' },
  { name: 'X/y row-count mismatch (y longer)', call: (m, k) => fit(rowsOf(GOOD_X), [...GOOD_Y[k], 1])(m), message: 'y has 5 values but X has 4 rows' },
  { name: 'y of the wrong type', call: (m) => fit(GOOD_X, {})(m), message: 'y must be a Float32Array, Float64Array, Int32Array, Uint8Array or number[], got an object' },
  { name: 'logistic label 2', kinds: ['logistic'], call: (m) => fit(GOOD_X, [1, 2, 0, 1])(m), message: 'y must contain only 0 or 1 for LogisticRegression, got 2 at index 1' },
  { name: 'logistic label -1', kinds: ['logistic'], call: (m) => fit(GOOD_X, Int32Array.from([1, 0, 0, -1]))(m), message: 'y must contain only 0 or 1 for LogisticRegression, got -1 at index 3' },
  { name: 'logistic label 0.5', kinds: ['logistic'], call: (m) => fit(GOOD_X, Float32Array.from([0.5, 0, 0, 1]))(m), message: 'y must contain only 0 or 1 for LogisticRegression, got 0.5 at index 0' },
  // fit options
  ...([[NaN, 'NaN'], [Infinity, 'Infinity'], [-Infinity, '-Infinity'], [0, '0'], [-0, '0'], [-0.1, '-0.1'], ['0.1', "'0.1'"]] as const).map(([v, shown]) => ({
    name: `learningRate ${shown}`, call: (m: AnyModel, k: ModelKind) => fit(GOOD_X, GOOD_Y[k], { learningRate: v })(m),
    message: `learningRate must be a finite number > 0, got ${shown}`,
  })),
  ...([[0, '0'], [-1, '-1'], [1.5, '1.5'], [NaN, 'NaN'], [Infinity, 'Infinity'], ['10', "'10'"]] as const).map(([v, shown]) => ({
    name: `epochs ${shown}`, call: (m: AnyModel, k: ModelKind) => fit(GOOD_X, GOOD_Y[k], { epochs: v })(m),
    message: `epochs must be a positive integer, got ${shown}`,
  })),
  ...([[0, '0'], [-3, '-3'], [2.5, '2.5'], [NaN, 'NaN'], ['all', "'all'"], [true, 'true']] as const).map(([v, shown]) => ({
    name: `batchSize ${shown}`, call: (m: AnyModel, k: ModelKind) => fit(GOOD_X, GOOD_Y[k], { batchSize: v })(m),
    message: `batchSize must be a positive integer or 'full', got ${shown}`,
  })),
  { name: 'batchSize larger than the data', call: (m, k) => fit(GOOD_X, GOOD_Y[k], { batchSize: 10 })(m), message: "batchSize 10 is larger than the number of rows (4); use 'full' for batch gradient descent" },
  {
    name: 'unknown fit option', call: (m, k) => fit(GOOD_X, GOOD_Y[k], { epoch: 3 })(m),
    message: "unknown fit option 'epoch' (expected one of epochs, batchSize, learningRate, optimizer, schedule, warmup, shuffle, seed, " +
      'l2, l1, elasticNet, sampleWeight, classWeight, gradTol, tol, nIterNoChange, paramTol, timeLimitMs, targetLoss, validationFraction, ' +
      'validationData, earlyStopping, restoreBestWeights, onEpochEnd, onBatchEnd, batchCallbackEvery, warmStart, restarts, yieldEveryMs, onProgress, signal)',
  },
  { name: 'shuffle not a boolean', call: (m, k) => fit(GOOD_X, GOOD_Y[k], { shuffle: 'yes' })(m), message: "shuffle must be true or false, got 'yes'" },
  { name: 'seed not an integer', call: (m, k) => fit(GOOD_X, GOOD_Y[k], { seed: 1.5 })(m), message: 'seed must be an integer, got 1.5' },
  { name: 'fit options not an object', call: (m, k) => m.fit(GOOD_X, GOOD_Y[k], 5 as never), message: 'fit options must be an options object, got 5' },
  { name: 'unknown optimizer', call: (m, k) => fit(GOOD_X, GOOD_Y[k], { optimizer: 'lbfgs' })(m), message: "unknown optimizer 'lbfgs' (expected one of sgd, adam, adamw, rmsprop, adagrad)" },
  // predict and evaluate validate the same way
  { name: 'predict: NaN in X', call: (m) => m.predict(withValue(Float32Array, 4, NaN)), message: 'X contains NaN at row 1, column 1' },
  { name: 'predict: wrong feature count', call: (m) => m.predict([[1, 2]]), message: 'X row 0 has 2 columns, expected 3' },
  { name: 'evaluate: y mismatch', call: (m, k) => m.evaluate(GOOD_X, GOOD_Y[k].slice(1)), message: 'y has 3 values but X has 4 rows' },
  { name: 'evaluate: logistic label', kinds: ['logistic'], call: (m) => m.evaluate(GOOD_X, [0, 1, 3, 1]), message: 'y must contain only 0 or 1 for LogisticRegression, got 3 at index 2' },
];

describe.each(ENGINES)('validation (%s)', (engine) => {
  // The model has history before the failed call: random init, a fit with momentum (so the
  // optimizer has state) and an advanced random stream. After the failed call its parameters
  // must be unchanged, and a later fit (continuing its stream and momentum) must give exactly
  // what a twin that never saw the failed call gives.
  const MOMENTUM = { optimizer: { name: 'sgd' as const, momentum: 0.9 }, learningRate: 0.05, batchSize: 2, epochs: 2 };
  const prepared = (kind: ModelKind) => {
    const m = makeModel(kind, engine, 3, { init: 'random', seed: 7 });
    m.fit(GOOD_X, GOOD_Y[kind], { ...MOMENTUM, seed: 3 });
    return m;
  };

  describe.each(['linear', 'logistic'] as const)('%s', (kind) => {
    it.each(FIT_CASES.filter((c) => !c.kinds || c.kinds.includes(kind)))('$name', ({ call, message }) => {
      const m = prepared(kind);
      const before = paramsOf(m);
      expectValidation(() => call(m, kind), message);
      expectSame(paramsOf(m), before, 'params after the failed call');
      const twin = prepared(kind);
      m.fit(GOOD_X, GOOD_Y[kind], MOMENTUM); // no seed: continues the model's stream
      twin.fit(GOOD_X, GOOD_Y[kind], MOMENTUM);
      expectSame(paramsOf(m), paramsOf(twin), 'a later fit vs a model that never saw the failed call');
      m.dispose();
      twin.dispose();
    });
  });

  // Not a validation error, but the same promise (DESIGN.md, Bad input): a call that fails
  // part-way through training (here a callback throws after epoch 1) leaves the model as it
  // was before the call: parameters, optimizer (and its state) and random stream.
  describe.each(['linear', 'logistic'] as const)('%s: a fit that fails mid-run', (kind) => {
    const boom = () => {
      throw new Error('boom');
    };
    it.each([
      { name: 'same optimizer', extra: {} },
      { name: 'another optimizer (adam)', extra: { optimizer: 'adam' as const } },
      { name: 'warmStart: false (re-initializes before training)', extra: { warmStart: false } },
      { name: 'restarts: 2', extra: { restarts: 2 } },
    ])('$name', ({ extra }) => {
      const m = prepared(kind);
      const before = paramsOf(m);
      let err: unknown;
      try {
        m.fit(GOOD_X, GOOD_Y[kind], { ...MOMENTUM, epochs: 3, onEpochEnd: boom, ...extra });
      } catch (e) {
        err = e;
      }
      expect((err as Error)?.message).toBe('boom');
      expectSame(paramsOf(m), before, 'params after the failed call');
      const twin = prepared(kind);
      m.fit(GOOD_X, GOOD_Y[kind], MOMENTUM);
      twin.fit(GOOD_X, GOOD_Y[kind], MOMENTUM);
      expectSame(paramsOf(m), paramsOf(twin), 'a later fit vs a model that never saw the failed call');
      m.dispose();
      twin.dispose();
    });
  });

  describe('constructor', () => {
    it.each([[0, '0'], [-1, '-1'], [2.5, '2.5'], [NaN, 'NaN'], ['3', "'3'"], [undefined, 'undefined']] as const)('features %s', (v, shown) => {
      for (const Model of [LinearRegression, LogisticRegression]) {
        expectValidation(() => new Model({ features: v as number, engine }), `features must be a positive integer, got ${shown}`);
      }
    });

    it('unknown engine', () => {
      expectValidation(() => new LinearRegression({ features: 2, engine: 'gpu' as 'js' }), "engine must be one of auto, wasm-simd, wasm-scalar, js, got 'gpu'");
    });

    it('unknown model option', () => {
      expectValidation(() => new LogisticRegression({ features: 2, engine, feature: 3 } as never), "unknown model option 'feature' (expected one of features, engine, init, seed)");
    });

    it('model seed not an integer', () => {
      expectValidation(() => new LinearRegression({ features: 2, engine, seed: 0.5 }), 'seed must be an integer, got 0.5');
    });

    it('explicit init of the wrong length, or with a bad value', () => {
      expectValidation(() => new LinearRegression({ features: 3, engine, init: { weights: [1, 2] } }), 'init.weights has 2 values, expected 3');
      expectValidation(() => new LinearRegression({ features: 2, engine, init: { weights: [1, NaN] } }), 'init.weights contains NaN at index 1');
      expectValidation(() => new LinearRegression({ features: 2, engine, init: { weights: [1, 1e39] } }), 'init.weights contains 1e+39 at index 1');
      expectValidation(() => new LinearRegression({ features: 2, engine, init: { weights: [1, 2], bias: Infinity } }), 'init.bias must be a finite number, got Infinity');
      expectValidation(
        () => new LinearRegression({ features: 2, engine, init: {} as never }),
        "init must be 'zeros', 'random', 'xavier', 'he', { type: 'constant' | 'uniform' | 'normal' | 'xavier' | 'he', ... } or { weights, bias }, got an object",
      );
      expectValidation(() => new LinearRegression({ features: 2, engine, init: { weights: 5 } as never }), 'init.weights must be an array of 2 numbers, got 5');
    });
  });
});
