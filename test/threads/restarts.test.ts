// Restarts side by side on the thread pool (src/models/restarts.ts, src/threads/sideBySide.ts):
// on the SIMD engine with a pool (Node: threads 'auto', every core of this machine) a fit with
// restarts runs its runs one per thread over one copy of the data, and gives the bits of
// threads: 1 (one after another on this thread): every run's history, the run kept, the model's
// parameters; the workers' calls are counted, so a silent fallback to one thread fails. Each run
// is what a fresh model seeded with that run's stream gives alone (the runs do not depend on each
// other, on every engine). One run that diverges fails the call as one after another does; an
// abort stops every thread.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { DivergenceError, EngineError, MLP, threadCount, type FitOptions, type History } from '../../src/index.js';
import { getRuntime } from '../../src/wasm/runtime.js';
import { nextU32, seedState } from '../../src/reference/random.js';
import type { ThreadPool } from '../../src/threads/pool.js';
import { SIDE_BY_SIDE_MIN_BYTES, sideBySideSettings } from '../../src/threads/sideBySide.js';
import { ENGINES, useReady } from '../helpers/engines.js';
import { MODEL_TYPES, dataFor, flatParams, type TestModel } from '../helpers/modelTypes.js';
import { expectSame } from '../helpers/tolerance.js';
import { rejected } from '../helpers/training.js';
import { workerCalls } from '../helpers/threads.js';

useReady();

/** Every run's loss trace and the choice, for comparing two fits with restarts. */
function expectSameRuns(a: History, b: History, what: string): void {
  expect(a.bestRestart, `${what}: the run kept`).toBe(b.bestRestart);
  expect(a.restarts!.length).toBe(b.restarts!.length);
  a.restarts!.forEach((r, k) => {
    expectSame(r.loss, b.restarts![k].loss, `${what}: run ${k} loss trace`);
    expect(r.stopReason.rule, `${what}: run ${k} stop`).toBe(b.restarts![k].stopReason.rule);
  });
  expectSame(a.loss, b.loss, `${what}: the history returned`);
}

/** The seeds of a fit's runs: successive 32-bit draws of the fit's stream. */
function runSeeds(seed: number, n: number): number[] {
  const rng = seedState(seed);
  return Array.from({ length: n }, () => nextU32(rng));
}

// Rows of the 4-feature test data from which restarts run side by side by default (rows x (4 + 1) x 4
// bytes). The other tests lower the threshold to 0, so that small data (a one-bucket shuffle, within
// 512 KiB) runs side by side too, and quickly.
const SIDE_ROWS = Math.ceil(SIDE_BY_SIDE_MIN_BYTES / 20);
const SMALL = 2000;
const FIT: FitOptions = { epochs: 3, batchSize: 32, learningRate: 0.05, optimizer: 'adam', seed: 5, restarts: 4 };

describe('restarts side by side (wasm-simd)', () => {
  afterEach(() => vi.restoreAllMocks());
  beforeAll(() => void (sideBySideSettings.minBytes = 0));
  afterAll(() => void (sideBySideSettings.minBytes = SIDE_BY_SIDE_MIN_BYTES));

  it('this machine has a pool in Node (threads: auto)', () => {
    expect(threadCount()).toBeGreaterThan(1); // the tests below need two threads to mean anything
  });

  // One bucket (in cache: each run's own visit order over the shared rows), three buckets (each run's
  // two arrangement buffers), and no shuffle (the shared rows as they are).
  const CASES = [
    { name: 'one-bucket shuffle', rows: SMALL, shuffle: true },
    { name: 'three-bucket shuffle', rows: 30_000, shuffle: true },
    { name: 'no shuffle', rows: SMALL, shuffle: false },
  ];
  for (const t of MODEL_TYPES) {
    for (const c of CASES) {
      it(`${t.name}, ${c.name}: the runs run on the workers too, with the bits of threads: 1`, async () => {
        const d = dataFor(t, c.rows, 12);
        const fit = { ...FIT, shuffle: c.shuffle };
        const wide = t.make('wasm-simd', { seed: 4, init: 'random' });
        const one = t.make('wasm-simd', { seed: 4, init: 'random' });
        const { result: hw, calls } = await workerCalls(() => wide.fit(d.X, d.y, fit));
        const { result: h1, calls: none } = await workerCalls(() => one.fit(d.X, d.y, { ...fit, threads: 1 }));
        expect(calls).toBeGreaterThan(0);
        expect(none).toBe(0);
        expectSameRuns(hw, h1, t.name);
        expectSame(flatParams(wide), flatParams(one), 'the kept parameters');
        // fitAsync side by side: the same bits again.
        const again = t.make('wasm-simd', { seed: 4, init: 'random' });
        const { result: ha, calls: asyncCalls } = await workerCalls(() => again.fitAsync(d.X, d.y, { ...fit, yieldEveryMs: 1 }));
        expect(asyncCalls).toBeGreaterThan(0);
        expectSameRuns(ha, h1, `${t.name} fitAsync`);
        expectSame(flatParams(again), flatParams(one), 'fitAsync: the kept parameters');
        for (const m of [wide, one, again]) m.dispose();
      });
    }
  }

  it('one copy of X for every run: unshuffled, no other block of its size; shuffled, two arrangement buffers per thread (one borrowed)', () => {
    const t = MODEL_TYPES[1];
    const rt = getRuntime(true)!;
    for (const [shuffle, rows] of [[false, SMALL], [true, 30_000]] as const) {
      const d = dataFor(t, rows, 6);
      const xBytes = rows * t.features * 4;
      const m = t.make('wasm-simd', { init: 'random' });
      // The most blocks of X's size alive at once during the fit (a run's view is freed before the next one is made).
      const live = new Set<number>();
      let most = 0;
      const alloc = rt.alloc.bind(rt);
      const free = rt.free.bind(rt);
      const allocSpy = vi.spyOn(rt, 'alloc').mockImplementation((bytes: number) => {
        const p = alloc(bytes);
        if (bytes >= xBytes) most = Math.max(most, live.add(p).size);
        return p;
      });
      const freeSpy = vi.spyOn(rt, 'free').mockImplementation((p: number) => {
        live.delete(p);
        free(p);
      });
      try {
        m.fit(d.X, d.y, { ...FIT, shuffle });
        // Loaded: X (and, shuffled, its next arrangement, which one run's view borrows); each other view: two.
        expect(most, `shuffle ${shuffle}: blocks of X's size alive at once`).toBe(shuffle ? 2 + 2 * Math.min(threadCount(), 4) - 1 : 1);
      } finally {
        allocSpy.mockRestore();
        freeSpy.mockRestore();
        m.dispose();
      }
    }
  });

  it('validation and early stopping end runs apart; CSR rows: each still the bits of threads: 1', async () => {
    const t = MODEL_TYPES[1];
    const d = dataFor(t, 30_000, 9);
    const fit: FitOptions = { epochs: 30, batchSize: 64, learningRate: 0.5, optimizer: 'sgd', validationFraction: 0.2, earlyStopping: true, nIterNoChange: 1, tol: 1e-4, seed: 3, restarts: 4 };
    const wide = t.make('wasm-simd', { init: 'random' });
    const one = t.make('wasm-simd', { init: 'random' });
    const { result: hw, calls } = await workerCalls(() => wide.fit(d.X, d.y, fit));
    const h1 = one.fit(d.X, d.y, { ...fit, threads: 1 });
    expect(calls).toBeGreaterThan(0);
    expectSameRuns(hw, h1, 'early stopping');
    for (const [k, r] of hw.restarts!.entries()) expectSame(r.valLoss, h1.restarts![k].valLoss, `run ${k} validation loss`);
    const lengths = hw.restarts!.map((r) => r.epochs.length);
    expect(new Set(lengths).size, `epochs per run ${lengths}`).toBeGreaterThan(1); // the runs did stop apart
    expectSame(flatParams(wide), flatParams(one), 'the kept parameters');
    // The same rows as CSR (every value stored: 8 bytes each, above the threshold).
    const indptr = Int32Array.from({ length: d.rows + 1 }, (_, i) => i * t.features);
    const indices = Int32Array.from({ length: d.rows * t.features }, (_, i) => i % t.features);
    const csr = { shape: [d.rows, t.features] as [number, number], indptr, indices, data: d.X };
    const sparse = { epochs: 3, batchSize: 32, learningRate: 0.1, optimizer: 'adam', seed: 5, restarts: 4 } as const;
    const { result: cw, calls: csrCalls } = await workerCalls(() => wide.fit(csr, d.y, sparse));
    const c1 = one.fit(csr, d.y, { ...sparse, threads: 1 });
    expect(csrCalls).toBeGreaterThan(0);
    expectSameRuns(cw, c1, 'CSR');
    expectSame(flatParams(wide), flatParams(one), 'CSR: the kept parameters');
    wide.dispose();
    one.dispose();
  });

  it("a worker's thread that ends mid-run: EngineError; the model keeps its state from before the call and then trains as one that never failed", () => {
    const t = MODEL_TYPES[1];
    const d = dataFor(t, 30_000, 4);
    const m = t.make('wasm-simd', { init: 'random', seed: 8 });
    const twin = t.make('wasm-simd', { init: 'random', seed: 8 });
    const before = flatParams(m);
    const rt = getRuntime(true)!;
    const generation = rt.generation;
    (rt.threaded!.pool() as ThreadPool).exitNext = true; // the next task ends its worker's thread
    let err: unknown;
    try {
      m.fit(d.X, d.y, FIT);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(EngineError);
    expect((err as Error).message).toMatch(/\(WorkerExit: its thread exited in trainEpoch on worker thread 1\)/);
    expect(rt.generation).toBe(generation + 1);
    expectSame(flatParams(m), before, 'the parameters from before the call');
    const { calls } = (() => {
      const pool = rt.threaded!.pool() as ThreadPool;
      const tasks = pool.tasks;
      m.fit(d.X, d.y, FIT);
      return { calls: pool.tasks - tasks };
    })();
    expect(calls).toBeGreaterThan(0);
    twin.fit(d.X, d.y, { ...FIT, threads: 1 });
    expectSame(flatParams(m), flatParams(twin), 'after the rebuild: the bits of a model that never failed');
    m.dispose();
    twin.dispose();
  });

  it('by default, below SIDE_BY_SIDE_MIN_BYTES the runs stay on this thread (no worker is woken), above it they do not', async () => {
    sideBySideSettings.minBytes = SIDE_BY_SIDE_MIN_BYTES;
    try {
      const t = MODEL_TYPES[1];
      for (const [rows, side] of [[SIDE_ROWS - 100, false], [SIDE_ROWS + 100, true]] as const) {
        const d = dataFor(t, rows, 3);
        const m = t.make('wasm-simd', { init: 'random' });
        const { calls } = await workerCalls(() => m.fit(d.X, d.y, { ...FIT, shuffle: false, epochs: 1 }));
        expect(calls > 0, `${rows} rows`).toBe(side);
        m.dispose();
      }
    } finally {
      sideBySideSettings.minBytes = 0;
    }
  });

  it('one run that diverges fails the call with the DivergenceError of threads: 1; the model keeps that run\'s last finite epoch', async () => {
    // relu MLP at a learning rate where, of fit seed 2's four runs, only run 3 diverges (checked below on each run alone):
    // with two threads runs 2 and 3 train side by side, and run 2 must still end before the call fails.
    const rows = 14_108;
    let s = 1;
    const r = () => (s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32;
    const X = Float32Array.from({ length: rows * 4 }, () => 2 * r() - 1);
    const y = Float32Array.from({ length: rows }, (_, i) => X[i * 4] * 3 + X[i * 4 + 1] ** 2);
    const make = (seed: number) => new MLP({ inputs: 4, hidden: [8], outputs: 1, activation: 'relu', head: 'mse', init: 'random', seed });
    const fit: FitOptions = { epochs: 3, batchSize: 8, learningRate: 0.6, optimizer: 'sgd' };
    const alone = runSeeds(2, 4).map((seed) => {
      const m = make(seed);
      try {
        m.fit(X, y, fit);
        return 'ok';
      } catch (err) {
        return err instanceof DivergenceError ? 'diverged' : String(err);
      } finally {
        m.dispose();
      }
    });
    expect(alone).toEqual(['ok', 'ok', 'ok', 'diverged']);
    const wide = make(1);
    const one = make(1);
    const { result: errWide, calls } = await workerCalls(() => rejected(Promise.resolve().then(() => wide.fit(X, y, { ...fit, seed: 2, restarts: 4 }))));
    const errOne = await rejected(Promise.resolve().then(() => one.fit(X, y, { ...fit, seed: 2, restarts: 4, threads: 1 })));
    expect(calls).toBeGreaterThan(0);
    expect(errWide).toBeInstanceOf(DivergenceError);
    expect(errWide.message).toBe(errOne.message);
    expectSame(flatParams(wide), flatParams(one), "the failed run's last finite epoch");
    for (const p of flatParams(wide)) expect(Number.isFinite(p)).toBe(true);
    wide.dispose();
    one.dispose();
  });

  it('an abort during the runs stops every thread with the AbortError; the model keeps finite weights and trains again', async () => {
    const t = MODEL_TYPES[1];
    const d = dataFor(t, 30_000, 5);
    const m = t.make('wasm-simd', { init: 'random' });
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 20);
    const { result: err, calls } = await workerCalls(() => rejected(m.fitAsync(d.X, d.y, { epochs: 100000, batchSize: 8, restarts: 4, signal: ac.signal, yieldEveryMs: 1 })));
    expect(err.name).toBe('AbortError');
    expect(calls).toBeGreaterThan(0);
    expect(getRuntime(true)!.threaded!.pool().busy(0)).toBe(false);
    for (const p of flatParams(m)) expect(Number.isFinite(p)).toBe(true);
    const h = m.fit(d.X, d.y, { ...FIT, epochs: 1 });
    expect(h.restarts!.length).toBe(4);
    m.dispose();
  });
});

describe.each(ENGINES)('restarts: each run is a fresh model seeded with its stream (%s)', (engine) => {
  for (const t of [MODEL_TYPES[1], MODEL_TYPES[4]]) {
    it(`${t.name}: shuffled runs, each equal to a fresh model fit alone; the kept run has the lowest final loss`, () => {
      const d = dataFor(t, 60, 8);
      const fit: FitOptions = { epochs: 3, batchSize: 8, learningRate: 0.1, optimizer: 'adam' };
      const m: TestModel = t.make(engine, { init: 'random' });
      const h = m.fit(d.X, d.y, { ...fit, seed: 9, restarts: 3 });
      const seeds = runSeeds(9, 3);
      seeds.forEach((seed, k) => {
        const twin = t.make(engine, { init: 'random', seed });
        const alone = twin.fit(d.X, d.y, fit);
        expectSame(h.restarts![k].loss, alone.loss, `run ${k}`);
        if (k === h.bestRestart) expectSame(flatParams(m), flatParams(twin), 'the kept run\'s parameters');
        twin.dispose();
      });
      const finals = h.restarts!.map((r) => r.loss[r.loss.length - 1]);
      expect(h.bestRestart).toBe(finals.indexOf(Math.min(...finals)));
      m.dispose();
    });
  }
});
