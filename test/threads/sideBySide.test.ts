// crossValidate's folds and randomizedSearchCV's (candidate, fold) fits side by side on the
// thread pool (src/threads/sideBySide.ts): on the
// SIMD engine with a pool (Node: threads 'auto', every core of this machine) the folds' fits
// run one per thread, and every fold's metrics, loss trace and the summary are the bits of
// threads: 1 (one after another on this thread); a fold that diverges fails the call with the
// error one after another gives; an abort stops it; the caller's model stays as it was.
import os from 'node:os';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DivergenceError, MLP, threadCount } from '../../src/index.js';
import { crossValidate, randomizedSearchCV, type CrossValidation } from '../../src/selection/index.js';
import { getRuntime } from '../../src/wasm/runtime.js';
import { useReady } from '../helpers/engines.js';
import { MODEL_TYPES, dataFor, flatParams } from '../helpers/modelTypes.js';
import { expectSame } from '../helpers/tolerance.js';
import { rejected } from '../helpers/training.js';
import { workerCalls } from '../helpers/threads.js';

useReady();

const FIT = { epochs: 3, batchSize: 8, learningRate: 0.1, optimizer: 'adam', seed: 5 } as const;

describe('crossValidate side by side (wasm-simd)', () => {
  afterEach(() => vi.restoreAllMocks());

  it('this machine has a pool in Node (threads: auto)', () => {
    expect(threadCount()).toBe(Math.min(os.availableParallelism(), 8));
    expect(threadCount()).toBeGreaterThan(1); // the tests below need two threads to mean anything
  });

  for (const t of MODEL_TYPES) {
    it(`${t.name}: the folds' fits run on the workers too, with the bits of threads: 1`, async () => {
      const d = dataFor(t, 90, 12);
      const model = t.make('wasm-simd', { seed: 4 });
      const before = flatParams(model);
      const { result: wide, calls } = await workerCalls(() => crossValidate(model as never, d.X, d.y, { ...FIT, folds: 5 }) as Promise<CrossValidation<Record<string, number>>>);
      const { result: one, calls: none } = await workerCalls(() => crossValidate(model as never, d.X, d.y, { ...FIT, folds: 5, threads: 1 }) as Promise<CrossValidation<Record<string, number>>>);
      expect(calls).toBeGreaterThan(0);
      expect(none).toBe(0);
      wide.folds.forEach((f, k) => {
        expect(Array.from(f.test), `fold ${k} rows`).toEqual(Array.from(one.folds[k].test));
        for (const key of Object.keys(f.metrics)) expect(f.metrics[key], `fold ${k} ${key}`).toBe(one.folds[k].metrics[key]);
        expectSame(f.history.epochs.map((e) => e.loss), one.folds[k].history.epochs.map((e) => e.loss), `fold ${k} loss trace`);
      });
      for (const key of Object.keys(wide.mean).filter((k) => !k.endsWith('TimeMs'))) expect(wide.mean[key], `mean ${key}`).toBe(one.mean[key]);
      expectSame(flatParams(model), before, "the caller's parameters");
      model.dispose();
    });
  }

  it('randomizedSearchCV: every (candidate, fold) fit runs on the workers too, with the bits of threads: 1', async () => {
    const t = MODEL_TYPES[4];
    const d = dataFor(t, 90, 12);
    const make = (p: Record<string, unknown>) => new MLP({ inputs: t.features, hidden: p.hidden as number[], outputs: 3, head: 'softmax', seed: 3 });
    const o = { ...FIT, distributions: { hidden: [[3], [5], [7]], learningRate: { logUniform: [0.01, 0.3] as const } }, candidates: 5, folds: 3 };
    const { result: wide, calls } = await workerCalls(() => randomizedSearchCV(make, d.X, d.y, o));
    const { result: one, calls: none } = await workerCalls(() => randomizedSearchCV(make, d.X, d.y, { ...o, threads: 1 }));
    expect(calls).toBeGreaterThan(0);
    expect(none).toBe(0);
    expect(wide.candidates.map((c) => c.params)).toEqual(one.candidates.map((c) => c.params));
    wide.candidates.forEach((c, i) => {
      expect(c.score, `candidate ${i}`).toBe(one.candidates[i].score);
      expect(c.rank, `candidate ${i} rank`).toBe(one.candidates[i].rank);
      c.cv.folds.forEach((f, k) => expectSame(f.history.loss, one.candidates[i].cv.folds[k].history.loss, `candidate ${i} fold ${k}`));
    });
  });

  it('early stopping ends folds at different epochs: each fold still matches threads: 1', async () => {
    const t = MODEL_TYPES[1];
    const d = dataFor(t, 200, 3);
    const model = t.make('wasm-simd');
    const o = { epochs: 40, batchSize: 16, learningRate: 0.5, tol: 1e-3, nIterNoChange: 2, seed: 1, folds: 4 };
    const wide = await crossValidate(model as never, d.X, d.y, o) as CrossValidation<Record<string, number>>;
    const one = await crossValidate(model as never, d.X, d.y, { ...o, threads: 1 }) as CrossValidation<Record<string, number>>;
    const lengths = wide.folds.map((f) => f.history.epochs.length);
    expect(lengths).toEqual(one.folds.map((f) => f.history.epochs.length));
    expect(new Set(lengths).size, `epochs per fold ${lengths}`).toBeGreaterThan(1); // the folds did stop apart
    wide.folds.forEach((f, k) => expectSame(f.history.epochs.map((e) => e.loss), one.folds[k].history.epochs.map((e) => e.loss), `fold ${k}`));
    model.dispose();
  });

  it('a fold that diverges fails the call with the DivergenceError of threads: 1; the model is unchanged', async () => {
    const t = MODEL_TYPES[0];
    const d = dataFor(t, 60, 5);
    const X = d.X.map((v) => v * 1e3);
    const model = t.make('wasm-simd');
    const before = flatParams(model);
    const o = { epochs: 5, batchSize: 4, learningRate: 10, optimizer: 'sgd', folds: 3, seed: 2 } as const;
    const wide = await rejected(crossValidate(model as never, X, d.y, o));
    const one = await rejected(crossValidate(model as never, X, d.y, { ...o, threads: 1 }));
    expect(wide).toBeInstanceOf(DivergenceError);
    expect(wide.message).toBe(one.message);
    expectSame(flatParams(model), before, "the caller's parameters");
    model.dispose();
  });

  it('an abort during the folds stops every thread with the AbortError', async () => {
    const t = MODEL_TYPES[1];
    const d = dataFor(t, 4000, 5);
    const model = t.make('wasm-simd');
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 5);
    const err = await rejected(crossValidate(model as never, d.X, d.y, { epochs: 100000, batchSize: 8, folds: 2, signal: ac.signal, yieldEveryMs: 1 }));
    expect(err.name).toBe('AbortError');
    expect(getRuntime(true)!.threaded!.pool().busy(0)).toBe(false);
    model.dispose();
  });
});
