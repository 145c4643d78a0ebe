// One thread or two, the same bits: on random model types, optimizers, batch sizes, penalties,
// row weights, validation splits and shuffle modes, a fit with threads: 2 gives exactly the
// parameters and history losses of the same fit with threads: 1 (the worker writes the next
// arrangement with the same copies in the same order as the one-thread pass). The data is
// large enough (>= 1 MiB) that every shuffled fit does use the worker, which is checked too.
// With restarts, the runs go side by side (one per thread, src/threads/sideBySide.ts): every
// run's losses and the kept parameters are the bits of threads: 1, and the workers' calls are counted.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LinearRegression, LogisticRegression, MLP, SoftmaxRegression, type Model } from '../../src/index.js';
import { runtime, useReady } from '../helpers/engines.js';
import { flatParams } from '../helpers/modelTypes.js';
import { propertyRuns } from '../helpers/property.js';
import { lcg } from '../helpers/training.js';
import type { ThreadPool } from '../../src/threads/pool.js';
import { dataParallel } from '../../src/engines/wasm.js';
import { fitCaseArb, THREAD_TEST_OPTIMIZERS, type FitCase } from '../helpers/threads.js';

useReady();
// This suite is about the shuffle's rewrite on a worker: data-parallel batches, which take the
// workers for networks and would move the rewrite back into the pass, are team.property.test.ts's.
const minWork = dataParallel.minWork;
beforeAll(() => {
  dataParallel.minWork = Infinity;
});
afterAll(() => {
  dataParallel.minWork = minWork;
});

const ROWS = 5200;
const FEATURES = 64; // 4,160 training rows (with a 20% validation split) x 65 x 4 bytes = 1.08 MB: past OVERLAP_MIN_BYTES
const r = lcg(5);
const X = Float32Array.from({ length: ROWS * FEATURES }, () => 2 * r() - 1);
const score = (i: number, c: number) => X[i * FEATURES + c] + 0.5 * X[i * FEATURES + c + 3];
const targets = {
  regression: Float32Array.from({ length: ROWS }, (_, i) => score(i, 0) + 0.1 * (2 * r() - 1)),
  twoOutputs: Float32Array.from({ length: ROWS * 2 }, (_, k) => score(k >> 1, k & 1)),
  binary: Float32Array.from({ length: ROWS }, (_, i) => (score(i, 0) > 0 ? 1 : 0)),
  classes: Float32Array.from({ length: ROWS }, (_, i) => [0, 1, 2].reduce((b, c) => (score(i, c) > score(i, b) ? c : b), 0)),
};
const weights = Float32Array.from({ length: ROWS }, () => 0.5 + r());

const TYPES: { name: string; make: (seed: number) => Model; y: Float32Array }[] = [
  { name: 'linear', make: (seed) => new LinearRegression({ features: FEATURES, seed }), y: targets.regression },
  { name: 'logistic', make: (seed) => new LogisticRegression({ features: FEATURES, seed }), y: targets.binary },
  { name: 'softmax', make: (seed) => new SoftmaxRegression({ features: FEATURES, classes: 3, seed }), y: targets.classes },
  {
    name: 'mlp sigmoid', y: targets.binary,
    make: (seed) => new MLP({ inputs: FEATURES, hidden: [6], outputs: 1, activation: 'relu', head: 'sigmoid', seed }),
  },
  {
    name: 'mlp softmax', y: targets.classes,
    make: (seed) => new MLP({ inputs: FEATURES, hidden: [5, 4], outputs: 3, activation: 'tanh', head: 'softmax', seed }),
  },
  { name: 'mlp mse', y: targets.twoOutputs, make: (seed) => new MLP({ inputs: FEATURES, hidden: [5], outputs: 2, head: 'mse', seed }) },
];
const OPTIMIZERS = THREAD_TEST_OPTIMIZERS;

const caseArb = fitCaseArb(TYPES.length, OPTIMIZERS.length, [1, 32, 64, 'full']);
type Case = FitCase;

function run(c: Case, threads: number, restarts = 1): { params: Float64Array; losses: number[]; valLosses: (number | undefined)[]; runs: number[][]; threads: number } {
  const t = TYPES[c.type];
  const m = t.make(c.seed);
  try {
    const h = m.fit(X, t.y, {
      epochs: c.epochs, batchSize: c.batchSize, learningRate: 0.01, optimizer: OPTIMIZERS[c.optimizer], shuffle: c.shuffle,
      seed: c.seed, l1: c.l1, l2: c.l2, sampleWeight: c.weighted ? weights : undefined, validationFraction: c.validationFraction,
      threads, restarts,
    });
    return {
      params: flatParams(m), losses: h.epochs.map((e) => e.loss), valLosses: h.epochs.map((e) => e.valLoss),
      runs: (h.restarts ?? []).map((r) => r.loss), threads: h.threads,
    };
  } finally {
    m.dispose();
  }
}

describe('threads: 1 and threads: 2 give the same bits', () => {
  it('on 60 random fits of every model type, optimizer and shuffle mode', () => {
    const pool = runtime(true).threaded!.pool() as ThreadPool;
    fc.assert(
      fc.property(caseArb, (c) => {
        const tasks = pool.tasks;
        const two = run(c, 2);
        // Every shuffled fit of this size rewrites each epoch's next arrangement on the worker.
        expect(pool.tasks - tasks).toBe(c.shuffle ? c.epochs : 0);
        const one = run(c, 1);
        expect(pool.tasks - tasks).toBe(c.shuffle ? c.epochs : 0);
        expect([two.threads, one.threads], 'History.threads').toEqual([c.shuffle ? 2 : 1, 1]);
        expect(Array.from(two.params)).toEqual(Array.from(one.params));
        expect(two.losses).toEqual(one.losses);
        expect(two.valLosses).toEqual(one.valLosses);
      }),
      propertyRuns(60),
    );
  });
});

describe('restarts: side by side and one after another give the same bits', () => {
  it('on 25 random fits with 2 or 3 restarts, of every model type, optimizer and shuffle mode', () => {
    const pool = runtime(true).threaded!.pool() as ThreadPool;
    fc.assert(
      fc.property(caseArb, fc.integer({ min: 2, max: 3 }), (c, restarts) => {
        const tasks = pool.tasks;
        const two = run(c, 2, restarts);
        expect(pool.tasks - tasks).toBeGreaterThan(0); // the runs' epochs ran on the worker too
        const after = pool.tasks;
        const one = run(c, 1, restarts);
        expect(pool.tasks - after).toBe(0);
        expect([two.threads, one.threads], 'History.threads').toEqual([2, 1]);
        expect(Array.from(two.params)).toEqual(Array.from(one.params));
        expect(two.runs).toEqual(one.runs);
        expect(two.valLosses).toEqual(one.valLosses);
      }),
      propertyRuns(25),
    );
  });
});
