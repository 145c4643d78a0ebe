// Every validation error, message asserted word for word (src/validate.ts,
// src/models/fitOptions.ts, src/models/linearModel.ts, src/engines/select.ts), and that a
// failed call leaves the model exactly as it was, on every engine.
import { describe, expect, it } from 'vitest';
import { LinearRegression, LogisticRegression, MLP, ValidationError } from '../../src/index.js';
import { MODEL_TYPES, NAMES, dataFor, flatParams } from '../helpers/modelTypes.js';
import { ENGINES, useReady } from '../helpers/engines.js';
import { makeModel, paramsOf, type AnyModel, type ModelKind } from '../helpers/models.js';
import { expectSame } from '../helpers/tolerance.js';
import { splitIndices } from '../../src/models/split.js';
import { seedState } from '../../src/reference/random.js';

useReady();

/** The largest |a_i - b_i|. */
const maxAbsDiff = (a: Float64Array, b: Float64Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

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
/** a, after its buffer has been transferred away (as postMessage(x, [x.buffer]) does). */
const detached = <T extends ArrayBufferView>(a: T): T => {
  structuredClone(a.buffer, { transfer: [a.buffer as ArrayBuffer] });
  return a;
};
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
  // Float64 that rounds to 1 in float32 is still not 1: the check reads the caller's values, not the converted ones.
  { name: 'logistic label 1 + 2^-30 (float64)', kinds: ['logistic'], call: (m) => fit(GOOD_X, Float64Array.from([0, 1, 1 + 2 ** -30, 1]))(m), message: 'y must contain only 0 or 1 for LogisticRegression, got 1.0000000009313226 at index 2' },
  { name: 'NaN in a Float32Array y', call: (m, k) => fit(GOOD_X, Float32Array.from(yWith(k, 3, NaN)))(m), message: 'y contains NaN at index 3' },
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
      'validationData, earlyStopping, restoreBestWeights, onEpochEnd, onBatchEnd, batchCallbackEvery, warmStart, restarts, threads, yieldEveryMs, onProgress, signal)',
  },
  { name: 'shuffle not a boolean', call: (m, k) => fit(GOOD_X, GOOD_Y[k], { shuffle: 'yes' })(m), message: "shuffle must be true or false, got 'yes'" },
  { name: 'seed not an integer', call: (m, k) => fit(GOOD_X, GOOD_Y[k], { seed: 1.5 })(m), message: 'seed must be an integer, got 1.5' },
  { name: 'fit options not an object', call: (m, k) => m.fit(GOOD_X, GOOD_Y[k], 5 as never), message: 'fit options must be an options object, got 5' },
  { name: 'unknown optimizer', call: (m, k) => fit(GOOD_X, GOOD_Y[k], { optimizer: 'lbfgs' })(m), message: "unknown optimizer 'lbfgs' (expected one of sgd, adam, adamw, rmsprop, adagrad, prodigy, dadapt-sgd, dadapt-adam, dog, schedule-free-sgd, schedule-free-adamw)" },
  // fitAsync-only options: fit and partialFit run synchronously and would ignore them
  ...([
    ['signal', () => new AbortController().signal],
    ['signal', () => AbortSignal.abort()], // an aborted one too: it neither stops sync fit nor changes what a failure rolls back
    ['onProgress', () => () => {}],
    ['yieldEveryMs', () => 5],
  ] as const).flatMap(([key, value]) => [
    { name: `fit with ${key}`, call: (m: AnyModel, k: ModelKind) => fit(GOOD_X, GOOD_Y[k], { [key]: value() })(m), message: `${key} applies to fitAsync only; fit runs synchronously` },
    {
      name: `partialFit with ${key}`, call: (m: AnyModel, k: ModelKind) => m.partialFit(GOOD_X, GOOD_Y[k], { batchSize: 2, [key]: value() }),
      message: `${key} applies to fitAsync only; partialFit runs synchronously`,
    },
  ]),
  // A detached buffer (transferred to a worker or by structuredClone) reads as empty; say what happened instead.
  { name: 'detached flat X', call: (m, k) => fit(detached(Float32Array.from(GOOD_X)), GOOD_Y[k])(m), message: 'X is a detached Float32Array (its buffer was transferred)' },
  { name: 'detached Float64Array X', call: (m, k) => fit(detached(Float64Array.from(GOOD_X)), GOOD_Y[k])(m), message: 'X is a detached Float64Array (its buffer was transferred)' },
  {
    name: 'detached row of X', call: (m, k) => fit(rowsOf(GOOD_X).map((r, i) => (i === 1 ? detached(Float64Array.from(r)) : r)), GOOD_Y[k])(m),
    message: 'X row 1 is a detached Float64Array (its buffer was transferred)',
  },
  { name: 'detached y', call: (m, k) => fit(GOOD_X, detached(Int32Array.from(GOOD_Y[k].map(Math.round))))(m), message: 'y is a detached Int32Array (its buffer was transferred)' },
  { name: 'detached sampleWeight', call: (m, k) => fit(GOOD_X, GOOD_Y[k], { sampleWeight: detached(new Float32Array(4).fill(1)) })(m), message: 'sampleWeight is a detached Float32Array (its buffer was transferred)' },
  {
    name: 'detached validationData.X', call: (m, k) => fit(GOOD_X, GOOD_Y[k], { validationData: { X: detached(Float32Array.from(GOOD_X)), y: GOOD_Y[k] } })(m),
    message: 'validationData.X is a detached Float32Array (its buffer was transferred)',
  },
  {
    name: 'detached validationData.y', call: (m, k) => fit(GOOD_X, GOOD_Y[k], { validationData: { X: GOOD_X, y: detached(Uint8Array.from([1, 0, 1, 0])) } })(m),
    message: 'validationData.y is a detached Uint8Array (its buffer was transferred)',
  },
  { name: 'predict: detached X', call: (m) => m.predict(detached(Float32Array.from(GOOD_X))), message: 'X is a detached Float32Array (its buffer was transferred)' },
  { name: 'evaluate: detached y', call: (m) => m.evaluate(GOOD_X, detached(new Float64Array(4))), message: 'y is a detached Float64Array (its buffer was transferred)' },
  // "a" or "an" by sound
  { name: 'X as a Uint8Array', call: (m, k) => fit(new Uint8Array(12), GOOD_Y[k])(m), message: 'X must be a Float32Array, Float64Array or number[][], got a Uint8Array' },
  { name: 'X as an Int32Array', call: (m, k) => fit(new Int32Array(12), GOOD_Y[k])(m), message: 'X must be a Float32Array, Float64Array or number[][], got an Int32Array' },
  // Row weights: a weight for a class the model does not have, keys that are not labels, nothing left to fit
  {
    name: 'classWeight for a label that is not a class', kinds: ['logistic'], call: (m, k) => fit(GOOD_X, GOOD_Y[k], { classWeight: { 0: 1, 2: 3 } })(m),
    message: 'classWeight key 2 is not a class of LogisticRegression (its classes are 0, 1)',
  },
  {
    name: 'classWeight for label -1', kinds: ['logistic'], call: (m, k) => fit(GOOD_X, GOOD_Y[k], { classWeight: { [-1]: 3 } })(m),
    message: 'classWeight key -1 is not a class of LogisticRegression (its classes are 0, 1)',
  },
  ...(['pos', '1.0', '', ' 1'] as const).map((key) => ({
    name: `classWeight key '${key}'`, kinds: ['logistic'] as ModelKind[], call: (m: AnyModel, k: ModelKind) => fit(GOOD_X, GOOD_Y[k], { classWeight: { [key]: 2 } })(m),
    message: `classWeight key '${key}' is not a class label (keys are labels written as numbers, e.g. { 0: 1, 1: 5 })`,
  })),
  {
    name: "classWeight 'Balanced'", kinds: ['logistic'], call: (m, k) => fit(GOOD_X, GOOD_Y[k], { classWeight: 'Balanced' })(m),
    message: "classWeight must be 'balanced' or an object of weights per class label, got 'Balanced'",
  },
  { name: 'classWeight for regression', kinds: ['linear'], call: (m, k) => fit(GOOD_X, GOOD_Y[k], { classWeight: { 0: 1 } })(m), message: 'classWeight applies to classifiers, not LinearRegression' },
  { name: 'sampleWeight all zeros', call: (m, k) => fit(GOOD_X, GOOD_Y[k], { sampleWeight: [0, 0, 0, 0] })(m), message: 'sampleWeight is 0 for all 4 rows; at least one row needs a weight > 0' },
  { name: 'sampleWeight all -0', call: (m, k) => fit(GOOD_X, GOOD_Y[k], { sampleWeight: new Float64Array(4).fill(-0) })(m), message: 'sampleWeight is 0 for all 4 rows; at least one row needs a weight > 0' },
  {
    name: 'classWeight all zeros', kinds: ['logistic'], call: (m, k) => fit(GOOD_X, GOOD_Y[k], { classWeight: { 0: 0, 1: 0 } })(m),
    message: 'classWeight is 0 for all 4 rows; at least one row needs a weight > 0',
  },
  {
    name: 'sampleWeight times classWeight all zeros', kinds: ['logistic'],
    call: (m, k) => fit(GOOD_X, GOOD_Y[k], { sampleWeight: [0, 1, 0, 1], classWeight: { 0: 0 } })(m), // y = 1, 0, 1, 0
    message: 'sampleWeight times classWeight is 0 for all 4 rows; at least one row needs a weight > 0',
  },
  {
    name: 'sampleWeight 0 on every row the split leaves for training',
    call: (m, k) => {
      const { val } = splitIndices(4, 0.5, seedState(11), k === 'logistic' ? Float32Array.from(GOOD_Y[k]) : null);
      const sampleWeight = [0, 1, 2, 3].map((i) => (val.includes(i) ? 1 : 0));
      return fit(GOOD_X, GOOD_Y[k], { seed: 11, validationFraction: 0.5, batchSize: 1, sampleWeight })(m);
    },
    message: 'the training rows left by validationFraction 0.5 all have weight 0; at least one needs a weight > 0 (use a smaller validationFraction or other weights)',
  },
  // One class: an error for fit unless it continues a trained model (prepared() is trained, so these re-initialize)
  ...([{ warmStart: false }, { restarts: 2 }] as const).map((extra) => ({
    name: `one class with ${JSON.stringify(extra)}`, kinds: ['logistic'] as ModelKind[], call: (m: AnyModel) => fit(GOOD_X, [1, 1, 1, 1], extra)(m),
    message: 'y contains only one class (all 4 rows are 1); LogisticRegression needs both 0 and 1 to fit a new model ' +
      '(partialFit, and fit continuing an already-trained model, accept one class)',
  })),
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

  // One class (scikit-learn's LogisticRegression.fit refuses it): fit rejects y with one class for a
  // model that would start from its initializer, and accepts it when it continues from trained
  // weights (an earlier fit, fitAsync or partialFit, or explicit init weights as fromJSON gives,
  // with warmStart and one restart). partialFit always accepts it (data arriving in pieces may hold
  // one class; scikit-learn's partial_fit allows it too). Validation data may hold one class.
  describe('LogisticRegression with one class', () => {
    const ONE_CLASS = (v: number) =>
      `y contains only one class (all 4 rows are ${v}); LogisticRegression needs both 0 and 1 to fit a new model ` +
      '(partialFit, and fit continuing an already-trained model, accept one class)';
    const OPTS = { epochs: 2, batchSize: 2, learningRate: 0.5 };
    const fresh = () => new LogisticRegression({ features: 3, engine, init: 'random', seed: 5 });

    it.each([0, 1])('fit on a fresh model rejects y that is all %d, and leaves it as it was', (v) => {
      const m = fresh();
      const before = paramsOf(m);
      expectValidation(() => m.fit(GOOD_X, [v, v, v, v], OPTS), ONE_CLASS(v));
      expectSame(paramsOf(m), before, 'params after the failed call');
      // A fit that fails part-way is rolled back, so it does not count as training either.
      const boom = () => {
        throw new Error('boom');
      };
      expect(() => m.fit(GOOD_X, GOOD_Y.logistic, { ...OPTS, onEpochEnd: boom })).toThrowError('boom');
      expectValidation(() => m.fit(GOOD_X, [v, v, v, v], OPTS), ONE_CLASS(v));
      m.dispose();
    });

    it('fit with validationFraction rejects a split that leaves one class for training', () => {
      // Class 1 has one row and round(0.5 * 1) = 1 goes to validation; the 3 zeros give 2 to validation.
      const m = fresh();
      expectValidation(
        () => m.fit(GOOD_X, [0, 0, 1, 0], { ...OPTS, batchSize: 1, validationFraction: 0.5 }),
        'the training rows left by validationFraction 0.5 contain only one class (its only row is 0); ' +
          'LogisticRegression needs both 0 and 1 to fit a new model (use a smaller validationFraction or more rows of the rarer class)',
      );
      m.dispose();
    });

    it('partialFit accepts one class, on a fresh model too, and moves the prediction towards it', () => {
      const m = new LogisticRegression({ features: 3, engine });
      m.partialFit(GOOD_X, [1, 1, 1, 1], { batchSize: 2, learningRate: 0.5 });
      // From zero weights every gradient step on label 1 raises the bias (dL/db = sigmoid(z) - 1 < 0).
      const afterOnes = m.bias;
      expect(afterOnes).toBeGreaterThan(0);
      m.partialFit(GOOD_X, [0, 0, 0, 0], { batchSize: 2, learningRate: 0.5 });
      expect(m.bias).toBeLessThan(afterOnes); // and label-0 steps lower it
      m.dispose();
    });

    it('fit continuing a model trained by fit, partialFit or fitAsync accepts one class', async () => {
      const byFit = fresh();
      byFit.fit(GOOD_X, GOOD_Y.logistic, OPTS);
      const byPartial = fresh();
      byPartial.partialFit(GOOD_X, [1, 1, 1, 1], { batchSize: 2, learningRate: 0.01 }); // the old default rate, given explicitly
      const byAsync = fresh();
      await byAsync.fitAsync(GOOD_X, GOOD_Y.logistic, OPTS);
      for (const m of [byFit, byPartial, byAsync]) {
        const before = m.bias;
        m.fit(GOOD_X, [1, 1, 1, 1], OPTS);
        expect(m.bias).toBeGreaterThan(before); // it trained: label-1 steps raise the bias
        m.dispose();
      }
    });

    it('explicit init weights (as fromJSON gives) count as trained; warmStart: false and restarts do not continue', () => {
      const trained = new LogisticRegression({ features: 3, engine });
      trained.fit(GOOD_X, GOOD_Y.logistic, OPTS);
      const loaded = LogisticRegression.fromJSON(trained.toJSON(), { engine });
      loaded.fit(GOOD_X, [0, 0, 0, 0], OPTS);
      const explicit = new LogisticRegression({ features: 3, engine, init: { weights: [0.5, -0.5, 0.25], bias: 0.1 } });
      explicit.fit(GOOD_X, [0, 0, 0, 0], OPTS);
      expect(explicit.bias).toBeLessThan(0.1); // label-0 steps lower the bias
      expectValidation(() => loaded.fit(GOOD_X, [0, 0, 0, 0], { ...OPTS, warmStart: false }), ONE_CLASS(0));
      expectValidation(() => loaded.fit(GOOD_X, [0, 0, 0, 0], { ...OPTS, restarts: 2 }), ONE_CLASS(0));
      for (const m of [trained, loaded, explicit]) m.dispose();
    });

    it("partialFit's classWeight may name a class its batch lacks (classes are the model's, 0 and 1)", () => {
      const weighted = new LogisticRegression({ features: 3, engine });
      const plain = new LogisticRegression({ features: 3, engine });
      weighted.partialFit(GOOD_X, [0, 0, 0, 0], { batchSize: 4, learningRate: 0.5, classWeight: { 0: 2, 1: 5 } });
      plain.partialFit(GOOD_X, [0, 0, 0, 0], { batchSize: 4, learningRate: 0.5 });
      // Weight 2 on every row doubles the first step from zero weights: dyadic values, exact in float32.
      expect(weighted.bias).toBe(2 * plain.bias);
      weighted.dispose();
      plain.dispose();
    });

    it('validation data may hold one class', () => {
      const m = fresh();
      const h = m.fit(GOOD_X, GOOD_Y.logistic, { ...OPTS, validationData: { X: GOOD_X.subarray(0, 6), y: [1, 1] } });
      expect(h.epochs.every((e) => Number.isFinite(e.valLoss))).toBe(true);
      m.dispose();
    });

    it('LinearRegression has no such rule: a constant y is fine', () => {
      const m = new LinearRegression({ features: 3, engine });
      m.fit(GOOD_X, [2, 2, 2, 2], OPTS);
      expect(m.bias).toBeGreaterThan(0);
      m.dispose();
    });
  });

  // The same rule, one check in the model core, for every classifier head: the sigmoid head of one
  // output (LogisticRegression, MLP) and the softmax head (SoftmaxRegression, MLP). The messages
  // are written out per kind, not built from the model.
  describe.each(MODEL_TYPES.filter((t) => t.classes > 0))('one class: $name', (t) => {
    const d = dataFor(t, 24, 1);
    const name = t.name.startsWith('MLP') ? 'MLP' : t.name.split(' ')[0];
    const needs = t.classes === 2 ? 'both 0 and 1' : 'at least 2 of its 3 classes';
    const REMEDY = '(partialFit, and fit continuing an already-trained model, accept one class)';
    const OPTS = { epochs: 2, batchSize: 4, learningRate: 0.1, optimizer: { name: 'sgd' as const, momentum: 0.9 } };
    const make = () => t.make(engine, { init: 'random', seed: 5 });
    const ones = new Float32Array(24).fill(1);

    it('fit and fitAsync on a fresh model refuse y of one class and leave it as it was; a later partialFit of one class trains', async () => {
      const m = make();
      const twin = make();
      const before = flatParams(m);
      const message = `y contains only one class (all 24 rows are 1); ${name} needs ${needs} to fit a new model ${REMEDY}`;
      expectValidation(() => m.fit(d.X, ones, OPTS), message);
      await expect(m.fitAsync(d.X, ones, OPTS)).rejects.toThrowError(new ValidationError(message));
      expectSame(flatParams(m), before, 'params after the refused calls');
      // Unchanged: a later fit (continuing the random stream) matches a twin that never saw the refusals.
      m.fit(d.X, d.y, OPTS);
      twin.fit(d.X, d.y, OPTS);
      expectSame(flatParams(m), flatParams(twin), 'a later fit vs a model that never saw the refused calls');
      // Data arriving in pieces may hold one class.
      const trained = flatParams(m);
      m.partialFit(d.X, ones, { batchSize: 4, learningRate: 0.1 });
      expect(maxAbsDiff(flatParams(m), trained)).toBeGreaterThan(0);
      // ...and so may a partialFit on a fresh model.
      const fresh = make();
      fresh.partialFit(d.X, ones, { batchSize: 4, learningRate: 0.1 });
      expect(maxAbsDiff(flatParams(fresh), before)).toBeGreaterThan(0);
      for (const x of [m, twin, fresh]) x.dispose();
    });

    it('a trained model refitted from scratch (warmStart: false) on one string label names the label', () => {
      const m = make();
      const names = Array.from(d.y, (k) => NAMES[k]);
      m.fit(d.X, names, OPTS);
      const before = flatParams(m);
      const need = t.classes === 2 ? "both 'ant' and 'bee'" : 'at least 2 of its 3 classes';
      expectValidation(
        () => m.fit(d.X, Array(24).fill('bee'), { ...OPTS, warmStart: false }),
        `y contains only one class (all 24 rows are 'bee'); ${name} needs ${need} to fit a new model ${REMEDY}`,
      );
      expectSame(flatParams(m), before, 'params after the refused call');
      m.dispose();
    });

    it('fit refuses a validationFraction split that leaves one class for training', () => {
      // Class 1 has one row and round(0.5 * 1) = 1 goes to validation; the 3 zeros give 2 to validation.
      const m = make();
      expectValidation(
        () => m.fit(d.X.subarray(0, 4 * t.features), [0, 0, 1, 0], { ...OPTS, batchSize: 1, validationFraction: 0.5 }),
        `the training rows left by validationFraction 0.5 contain only one class (its only row is 0); ${name} needs ${needs} ` +
          'to fit a new model (use a smaller validationFraction or more rows of the rarer class)',
      );
      m.dispose();
    });
  });

  it("a multi-label MLP ('sigmoid' head, 2 outputs) has no such rule: a label that never occurs is allowed", () => {
    const m = new MLP({ inputs: 3, hidden: [2], outputs: 2, head: 'sigmoid', engine });
    const h = m.fit(GOOD_X, [[1, 0], [0, 0], [1, 0], [0, 0]], { epochs: 1, batchSize: 2 });
    expect(h.epochs.length).toBe(1);
    m.dispose();
  });

  it('fitAsync-only options given as undefined are not an error in fit and partialFit (nothing would be ignored)', () => {
    const m = makeModel('linear', engine, 3);
    const absent = { signal: undefined, onProgress: undefined, yieldEveryMs: undefined };
    m.fit(GOOD_X, GOOD_Y.linear, { epochs: 1, batchSize: 2, ...absent });
    m.partialFit(GOOD_X, GOOD_Y.linear, { batchSize: 2, ...absent });
    expect(Number.isFinite(m.bias)).toBe(true);
    m.dispose();
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
        "init must be 'zeros', 'random', 'xavier', 'he', { type: 'constant' | 'uniform' | 'normal' | 'xavier' | 'he', ... }, { weights, bias } or { layers: [{ weights, bias }, ...] }, got an object",
      );
      expectValidation(() => new LinearRegression({ features: 2, engine, init: { weights: 5 } as never }), 'init.weights must be an array of 2 numbers, got 5');
    });
  });
});

describe('model size', () => {
  it('a model with more than 2^25 parameters is a ValidationError before any memory is allocated', () => {
    expect(() => new LinearRegression({ features: 2 ** 32, engine: 'js' })).toThrowError(
      new ValidationError(
        'this LinearRegression would have 4294967297 parameters; at most 33554432 fit (its parameters, gradients and optimizer state must fit in one block of WebAssembly memory)',
      ),
    );
  });
});
