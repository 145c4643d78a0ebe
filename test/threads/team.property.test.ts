// Data-parallel batches (assembly/team.ts): a network's batch sums its gradient and loss in
// slices of 32 rows, the owner and the workers each take slices (the team's chunks), and the
// owner adds them in order, so a fit with threads: 2 gives exactly the bits of threads: 1 (the
// same sums in the same order). On random networks, optimizers, batch sizes, penalties, row weights,
// validation splits and shuffle modes, with the chunks the workers computed counted (a silent
// fallback to one thread fails), a negative control (the same fit summed in slices of 16, another
// grouping of the same rows, gives other bits: equality is not a property of any grouping),
// and a worker's trap or thread exit mid-batch (EngineError, every model restored), and abort.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LinearRegression, LogisticRegression, MLP, SoftmaxRegression, type FitOptions, type Model } from '../../src/index.js';
import { dataParallel } from '../../src/engines/wasm.js';
import { MEMBER_GRAD_PTR, TEAM_HEADER } from '../../src/wasm/abi.js';
import type { ThreadPool } from '../../src/threads/pool.js';
import { runtime, useReady } from '../helpers/engines.js';
import { flatParams } from '../helpers/modelTypes.js';
import { propertyRuns } from '../helpers/property.js';
import { lcg, thrown } from '../helpers/training.js';
import { expectWorkerFault, fitCaseArb, THREAD_TEST_OPTIMIZERS, type FitCase } from '../helpers/threads.js';

useReady();
// Every network fit with at least two chunks per batch goes data parallel (the default
// crossover, a matter of speed, would leave the small networks here on one thread), and so do
// linear and logistic regression (by default never: measured, it does not pay; bench/team.ts
// forces it the same way, so the step it measures is held to the same bits here).
const minWork = dataParallel.minWork;
const linear = dataParallel.linear;
beforeAll(() => {
  dataParallel.minWork = 0;
  dataParallel.linear = true;
});
afterAll(() => {
  dataParallel.minWork = minWork;
  dataParallel.linear = linear;
});

const rt = () => runtime(true);
const pool = () => rt().threaded!.pool() as ThreadPool;

const ROWS = 700;
const FEATURES = 12;
const r = lcg(23);
const X = Float32Array.from({ length: ROWS * FEATURES }, () => 2 * r() - 1);
const score = (i: number, c: number) => X[i * FEATURES + c] - 0.7 * X[i * FEATURES + c + 4];
const targets = {
  twoOutputs: Float32Array.from({ length: ROWS * 2 }, (_, k) => score(k >> 1, k & 1) + 0.1 * (2 * r() - 1)),
  binary: Float32Array.from({ length: ROWS }, (_, i) => (score(i, 0) > 0 ? 1 : 0)),
  classes: Float32Array.from({ length: ROWS }, (_, i) => [0, 1, 2].reduce((b, c) => (score(i, c) > score(i, b) ? c : b), 0)),
};
const weights = Float32Array.from({ length: ROWS }, () => 0.5 + r());

const TYPES: { name: string; make: (seed: number) => Model; y: Float32Array }[] = [
  {
    name: 'mlp sigmoid', y: targets.binary,
    make: (seed) => new MLP({ inputs: FEATURES, hidden: [16], outputs: 1, activation: 'relu', head: 'sigmoid', seed }),
  },
  {
    name: 'mlp softmax', y: targets.classes,
    make: (seed) => new MLP({ inputs: FEATURES, hidden: [9, 6], outputs: 3, activation: 'tanh', head: 'softmax', seed }),
  },
  { name: 'mlp mse', y: targets.twoOutputs, make: (seed) => new MLP({ inputs: FEATURES, hidden: [7], outputs: 2, head: 'mse', seed }) },
  { name: 'softmax regression', y: targets.classes, make: (seed) => new SoftmaxRegression({ features: FEATURES, classes: 3, seed }) },
  { name: 'logistic regression', y: targets.binary, make: (seed) => new LogisticRegression({ features: FEATURES, seed }) },
  { name: 'linear regression', y: targets.twoOutputs.filter((_, k) => k % 2 === 0), make: (seed) => new LinearRegression({ features: FEATURES, seed }) },
];
// With the learning-rate-free optimizers, whose steps read sums over every parameter (learningRate is ignored by them).
const OPTIMIZERS: FitOptions['optimizer'][] = [...THREAD_TEST_OPTIMIZERS, 'prodigy', 'dadapt-sgd', 'dadapt-adam', 'dog', 'schedule-free-sgd', 'schedule-free-adamw'];

const caseArb = fitCaseArb(TYPES.length, OPTIMIZERS.length, [1, 32, 64, 100, 'full']);
type Case = FitCase;

interface Run { params: number[]; losses: number[]; valLosses: (number | undefined)[]; chunks: number; threads: number }

function run(c: Case, threads: number): Run {
  const t = TYPES[c.type];
  const m = t.make(c.seed);
  const before = pool().teamChunks;
  try {
    const h = m.fit(X, t.y, {
      epochs: c.epochs, batchSize: c.batchSize, learningRate: 0.01, optimizer: OPTIMIZERS[c.optimizer], shuffle: c.shuffle,
      seed: c.seed, l1: c.l1, l2: c.l2, sampleWeight: c.weighted ? weights : undefined, validationFraction: c.validationFraction,
      threads,
    });
    return {
      params: Array.from(flatParams(m)), losses: h.epochs.map((e) => e.loss), valLosses: h.epochs.map((e) => e.valLoss),
      chunks: pool().teamChunks - before, threads: h.threads,
    };
  } finally {
    m.dispose();
  }
}

/** Batches with at least two slices of 32 rows: the fits that go data parallel. */
function parallel(c: Case): boolean {
  const trainRows = c.validationFraction ? ROWS - Math.round(ROWS * c.validationFraction) : ROWS;
  return Math.min(c.batchSize === 'full' ? trainRows : c.batchSize, trainRows) > 32;
}

describe('data-parallel batches: threads: 1 and threads: 2 give the same bits', () => {
  it('on 60 random fits of networks, softmax, logistic and linear regression, every optimizer and shuffle mode', () => {
    let used = 0;
    fc.assert(
      fc.property(caseArb, (c) => {
        const two = run(c, 2);
        const one = run(c, 1);
        expect(one.chunks).toBe(0);
        // Every fit with two chunks or more per batch hands chunks to the worker.
        if (parallel(c)) expect(two.chunks).toBeGreaterThan(0);
        else expect(two.chunks).toBe(0);
        if (two.chunks > 0) used++;
        expect(one.threads, 'History.threads, threads: 1').toBe(1);
        if (parallel(c)) expect(two.threads, 'History.threads, data parallel').toBe(2);
        expect(two.params).toEqual(one.params);
        expect(two.losses).toEqual(one.losses);
        expect(two.valLosses).toEqual(one.valLosses);
      }),
      propertyRuns(60),
    );
    expect(used).toBeGreaterThan(10); // most random cases did go data parallel
  });

  it('negative control: the same fit summed in slices of 16 rows (another grouping) gives other bits', () => {
    const c: Case = {
      type: 0, optimizer: 2, shuffle: true, batchSize: 128, epochs: 2, seed: 4, l2: 0, l1: 0, weighted: false, validationFraction: undefined,
    };
    const two = run(c, 2);
    expect(two.chunks).toBeGreaterThan(0);
    const saved = dataParallel.chunkRows;
    dataParallel.chunkRows = 16;
    let regrouped: Run;
    try {
      regrouped = run(c, 2);
    } finally {
      dataParallel.chunkRows = saved;
    }
    expect(regrouped.chunks).toBeGreaterThan(two.chunks); // 8 slices a batch instead of 4
    expect(regrouped.params).not.toEqual(two.params);
    // The same training up to rounding: the difference is the order of f32 additions only.
    const gap = Math.max(...two.params.map((p, i) => Math.abs(p - regrouped.params[i])));
    expect(gap).toBeGreaterThan(0);
    expect(gap).toBeLessThan(1e-4);
  });
});

describe('data-parallel batches: faults and abort', () => {
  const fit = { epochs: 2, batchSize: 128, learningRate: 0.05, seed: 9, optimizer: 'adam' as const };
  const make = () => new MLP({ inputs: FEATURES, hidden: [16], outputs: 1, head: 'sigmoid', seed: 3 });

  for (const fault of ['trap', 'exit'] as const) {
    it(`a worker that ${fault === 'trap' ? 'traps' : 'ends its thread'} mid-batch: EngineError naming the cause; the model keeps its state; training goes on data parallel with the bits of a model that never failed`, () => {
      const a = make();
      a.fit(X, targets.binary, fit);
      const before = flatParams(a);
      const generation = rt().generation;
      const p = pool();
      if (fault === 'exit') {
        p.exitNext = true; // the worker's thread ends as it takes the team task
      } else {
        // The worker's chunk gradient points past the end of memory: it traps on its first chunk,
        // while the owner is inside the batch, computing its own.
        const start = p.start.bind(p);
        p.start = (w, task) => {
          p.start = start;
          expect(task.fn).toBe('teamServe');
          const slot = (task.args[0] >>> 2) + TEAM_HEADER + task.args[1] * 16;
          rt().u32[slot + MEMBER_GRAD_PTR] = 0xfffff000;
          start(w, task);
        };
      }
      expectWorkerFault(thrown(() => a.fit(X, targets.binary, fit)), fault === 'trap'
        ? 'RuntimeError: memory access out of bounds in teamServe on worker thread 1'
        : 'WorkerExit: its thread exited in teamServe on worker thread 1');
      expect(rt().generation).toBe(generation + 1);
      expect(flatParams(a)).toEqual(before);

      const twin = make();
      twin.fit(X, targets.binary, { ...fit, threads: 1 });
      const chunks = pool().teamChunks;
      a.fit(X, targets.binary, fit);
      expect(pool().teamChunks).toBeGreaterThan(chunks);
      twin.fit(X, targets.binary, { ...fit, threads: 1 });
      expect(flatParams(a)).toEqual(flatParams(twin));
      a.dispose();
      twin.dispose();
    });
  }

  it('abort mid-fit (fitAsync) rejects with the AbortError, no worker is left running, and the next fit goes data parallel', async () => {
    const m = make();
    const controller = new AbortController();
    let batches = 0;
    const chunks = pool().teamChunks;
    const p = m.fitAsync(X, targets.binary, {
      ...fit, epochs: 50, batchSize: 64, yieldEveryMs: 1,
      onBatchEnd: ({ epoch }) => {
        if (epoch === 2 && ++batches === 5) controller.abort();
      },
      signal: controller.signal,
    });
    await expect(p).rejects.toThrow(/aborted/);
    expect(pool().teamChunks).toBeGreaterThan(chunks);
    for (let w = 0; w < pool().size - 1; w++) expect(pool().busy(w)).toBe(false);
    const after = pool().teamChunks;
    m.fit(X, targets.binary, fit);
    expect(pool().teamChunks).toBeGreaterThan(after);
    m.dispose();
  });
});
