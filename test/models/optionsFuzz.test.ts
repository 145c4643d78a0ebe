// Random option objects for fit and partialFit, on every engine: up to six valid options, then
// zero to two options (nested ones included: a bad field inside optimizer, schedule, warmup,
// elasticNet, classWeight, validationData, sampleWeight; unknown and fitAsync-only keys) set to
// JSON-ish junk (wrong types, NaN, +-Infinity, -0, huge numbers, nested junk), or junk instead of
// the options object. Whatever the mix, the call trains or throws a ValidationError that leaves
// the model as it was: never a TypeError, a RangeError of the runtime or anything else. The one
// other error allowed is DivergenceError, which valid but extreme settings earn (a learningRate of
// 4e49 is junk a finite-number check accepts). Seeded and the same options for every engine; a
// failure prints fast-check's seed and the shrunk options object.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DivergenceError, ValidationError } from '../../src/index.js';
import { ENGINES, useReady } from '../helpers/engines.js';
import { makeModel, paramsOf, type ModelKind } from '../helpers/models.js';
import { expectSame } from '../helpers/tolerance.js';

useReady();

// 8 rows x 3 features, both classes for the classifier.
const X = Float32Array.from([1, 2, 0, 0, 1, -1, 2, 0, 1, -1, 1, 1, 0.5, 0, 0, 0, -1, 2, -2, 1, 0, 1, 1, 1]);
const Y: Record<ModelKind, number[]> = { linear: [1, -0.5, 2, 0.25, 0, 1, -1, 0.5], logistic: [1, 0, 1, 0, 0, 1, 1, 0] };

const junk: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom(
    undefined, null, NaN, Infinity, -Infinity, -0, 0, -1, 0.5, 1.5, 1e39, 2 ** 53, '', 'x', '1', 'sgd', 'full',
    'balanced', 'constant', 'step', true, false, [], {}, [0.9], [0.9, 0.999], [1, 2, 3],
  ),
);
const small = (max: number) => fc.integer({ min: 1, max });
const between = (min: number, max: number) => fc.double({ min, max, noNaN: true });
const unit = between(0, 1);
const NAMES = ['sgd', 'adam', 'adamw', 'rmsprop', 'adagrad'] as const;
const OPTIMIZER_KEYS = ['name', 'momentum', 'dampening', 'nesterov', 'weightDecay', 'betas', 'eps', 'amsgrad', 'alpha', 'centered', 'lrDecay', 'initialAccumulatorValue', 'beta'];
const SCHEDULE_KEYS = ['type', 'stepSize', 'gamma', 'startFactor', 'endFactor', 'totalIters', 'tMax', 'etaMin', 'restarts', 'factor', 'patience', 'threshold', 'thresholdMode', 'mode', 'cooldown', 'minLr'];

/** A valid record with one field (maybe a new one) replaced by junk. */
const withJunkField = <T extends object>(valid: fc.Arbitrary<T>, fields: readonly string[]) =>
  fc.tuple(valid, fc.constantFrom(...fields), junk).map(([r, k, v]) => ({ ...r, [k]: v }));
const callbacks = fc.constantFrom(() => undefined, () => false, () => true, () => 'no', () => 0);

// Valid values, small so that a run is quick.
const validOptimizer = fc.oneof(
  fc.constantFrom(...NAMES),
  fc.record({ name: fc.constant('sgd'), momentum: between(0, 0.9), nesterov: fc.constant(false) }),
  fc.record({ name: fc.constantFrom('adam', 'adamw'), betas: fc.constant([0.9, 0.99]), amsgrad: fc.boolean() }),
  fc.record({ name: fc.constant('rmsprop'), alpha: between(0.5, 0.99), centered: fc.boolean(), momentum: between(0, 0.5) }),
  fc.record({ name: fc.constant('adagrad'), lrDecay: between(0, 0.1), initialAccumulatorValue: between(0, 0.1) }),
);
const validSchedule = fc.oneof(
  fc.constant('constant'),
  fc.record({ type: fc.constant('step'), stepSize: small(3), gamma: between(0.1, 1) }),
  fc.record({ type: fc.constant('exponential'), gamma: between(0.5, 1) }),
  fc.record({ type: fc.constant('linear'), startFactor: between(0.1, 1), totalIters: small(3) }),
  fc.record({ type: fc.constant('cosine'), tMax: small(3), restarts: fc.oneof(fc.boolean(), fc.record({ tMult: small(2) })) }),
  fc.record({ type: fc.constant('plateau'), patience: fc.integer({ min: 0, max: 2 }), factor: between(0.1, 0.9) }),
  fc.constant((e: number) => 0.01 / (e + 1)),
);
const validWarmup = fc.record({ epochs: fc.integer({ min: 0, max: 2 }), startFactor: between(0.1, 1) }, { requiredKeys: ['epochs'] });
const weights = fc.array(between(0, 2), { minLength: 8, maxLength: 8 });
const labels = (kind: ModelKind) => (kind === 'logistic' ? fc.constant([1, 0]) : fc.array(between(-1, 1), { minLength: 2, maxLength: 2 }));

const VALID = (kind: ModelKind) => ({
  epochs: small(3), batchSize: fc.oneof(small(8), fc.constant('full')), learningRate: between(1e-4, 0.1),
  optimizer: validOptimizer, schedule: validSchedule, warmup: validWarmup, shuffle: fc.boolean(), seed: fc.integer(),
  l1: between(0, 0.1), l2: between(0, 0.1), elasticNet: fc.record({ alpha: between(0, 0.1), l1Ratio: unit }, { requiredKeys: ['alpha'] }),
  sampleWeight: weights, classWeight: fc.oneof(fc.constant('balanced'), fc.record({ 0: between(0.1, 2), 1: between(0.1, 2) }, { requiredKeys: [] })),
  gradTol: between(0, 0.01), tol: between(0, 0.01), nIterNoChange: small(3), paramTol: between(0, 0.01), timeLimitMs: fc.constant(1e4),
  targetLoss: between(-1, 0.1), validationFraction: between(0.2, 0.5),
  validationData: fc.record({ X: fc.constant(X.subarray(0, 6)), y: labels(kind) }),
  earlyStopping: fc.boolean(), restoreBestWeights: fc.boolean(), onEpochEnd: callbacks, onBatchEnd: callbacks,
  batchCallbackEvery: small(3), warmStart: fc.boolean(), restarts: small(2),
});
// Junk per key, nested where the option is a structure (one bad field inside an otherwise valid one).
// Valid numbers that would make a run long (a billion epochs or restarts) are not junk and stay out.
const long = (v: unknown) => Number.isInteger(v) && (v as number) > 3;
const BAD: Record<string, fc.Arbitrary<unknown>> = {
  epochs: junk.filter((v) => !long(v)),
  restarts: junk.filter((v) => !long(v)),
  optimizer: fc.oneof(junk, fc.constantFrom('lbfgs', 'Adam'), withJunkField(validOptimizer.filter((o) => typeof o === 'object'), OPTIMIZER_KEYS)),
  schedule: fc.oneof(junk, fc.constantFrom(() => 'fast', () => NaN, () => -1), withJunkField(validSchedule.filter((o) => typeof o === 'object'), SCHEDULE_KEYS)),
  warmup: fc.oneof(junk, withJunkField(validWarmup, ['epochs', 'startFactor', 'start'])),
  elasticNet: fc.oneof(junk, withJunkField(fc.record({ alpha: between(0, 0.1) }), ['alpha', 'l1Ratio', 'beta'])),
  sampleWeight: fc.oneof(junk, fc.tuple(weights, fc.integer({ min: 0, max: 7 }), junk).map(([w, i, v]) => w.map((x, k) => (k === i ? v : x))), fc.constant([0, 0, 0, 0, 0, 0, 0, 0])),
  classWeight: fc.oneof(junk, fc.dictionary(fc.constantFrom('0', '1', '2', '-1', '1.0', 'x', '__proto__', ''), fc.oneof(unit, junk), { maxKeys: 3 })),
  validationData: fc.oneof(junk, fc.record({ X: fc.oneof(junk, fc.constant(X.subarray(0, 5))), y: fc.oneof(junk, fc.constant([1, 0])), Z: junk }, { requiredKeys: [] })),
  yieldEveryMs: small(5), onProgress: callbacks, signal: fc.constantFrom(new AbortController().signal, AbortSignal.abort()), epoch: junk,
};

/** Options for method: up to 6 valid options (no conflicting pair), then 0 to 2 options (or unknown or async-only keys) set to junk. */
const optionsFor = (kind: ModelKind, method: 'fit' | 'partialFit') => {
  const valid = VALID(kind) as Record<string, fc.Arbitrary<unknown>>;
  const keys = Object.keys(valid).filter((k) =>
    (method === 'fit' || !['epochs', 'restarts', 'validationFraction', 'validationData', 'earlyStopping', 'warmStart'].includes(k)) &&
    (kind === 'logistic' || k !== 'classWeight'));
  const conflicts = (ks: string[]) => (ks.includes('elasticNet') && (ks.includes('l1') || ks.includes('l2'))) ||
    (ks.includes('validationFraction') && ks.includes('validationData'));
  const base = fc.shuffledSubarray(keys, { maxLength: 6 }).filter((ks) => !conflicts(ks))
    .chain((ks) => fc.tuple(...ks.map((k) => valid[k])).map((vs) => Object.fromEntries(ks.map((k, i) => [k, vs[i]]))));
  const badKeys = [...new Set([...keys, ...Object.keys(BAD)])];
  const bad = fc.oneof(
    { weight: 1, arbitrary: fc.constant([]) },
    { weight: 4, arbitrary: fc.constantFrom(...badKeys).map((k) => [k]) },
    { weight: 1, arbitrary: fc.uniqueArray(fc.constantFrom(...badKeys), { minLength: 2, maxLength: 2 }) },
  ).chain((ks) => fc.tuple(...ks.map((k) => BAD[k] ?? junk)).map((vs) => Object.fromEntries(ks.map((k, i) => [k, vs[i]]))));
  return fc.oneof(
    { weight: 30, arbitrary: fc.tuple(base, bad).map(([b, x]) => ({ ...b, ...x })) },
    { weight: 1, arbitrary: junk }, // not an options object at all
  );
};

/** Runs call on a trained model: it must succeed or throw a ValidationError before changing anything. */
function trainsOrRejects(kind: ModelKind, engine: (typeof ENGINES)[number], call: (m: ReturnType<typeof makeModel>) => unknown): void {
  const m = makeModel(kind, engine, 3, { init: 'random', seed: 1 });
  try {
    m.fit(X, Y[kind], { epochs: 1, batchSize: 4 });
    const before = paramsOf(m);
    try {
      call(m);
    } catch (err) {
      // Not bad input: a valid but extreme setting (learningRate 4e49) diverges and says so.
      if (err instanceof DivergenceError) return;
      if (!(err instanceof ValidationError)) throw err;
      expect(err.message.length).toBeGreaterThan(0);
      expectSame(paramsOf(m), before, `params after: ${err.message}`);
    }
  } finally {
    m.dispose();
  }
}

describe.each(ENGINES)('fit options fuzz (%s)', (engine) => {
  describe.each(['linear', 'logistic'] as const)('%s', (kind) => {
    it('fit: trains or throws a ValidationError, for 300 random option objects', () => {
      fc.assert(fc.property(optionsFor(kind, 'fit'), (options) => {
        trainsOrRejects(kind, engine, (m) => m.fit(X, Y[kind], options as never));
      }), { seed: 20261201, numRuns: 300 });
    });

    it('partialFit: trains or throws a ValidationError, for 200 random option objects', () => {
      fc.assert(fc.property(optionsFor(kind, 'partialFit'), (options) => {
        trainsOrRejects(kind, engine, (m) => m.partialFit(X, Y[kind], options as never));
      }), { seed: 20261202, numRuns: 200 });
    });
  });
});
