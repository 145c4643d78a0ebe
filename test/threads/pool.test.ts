// The thread pool in Node (src/threads/): ready() gives the SIMD engine a pool where shared
// memory and more than one core exist; a shuffled epoch's rewrite of the next arrangement runs
// on a worker while this thread trains, with the same bits as one thread (the property test in
// bitIdentical.property.test.ts covers every model type, optimizer and shuffle mode); a worker
// that traps or whose thread ends mid-epoch fails the call with an EngineError, every model
// keeps its state from before the call and the pool is rebuilt; fitAsync's abort stops the
// call with no thread left running; an idle pool blocks instead of spinning.
import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { LogisticRegression, MLP, ready, threadCount } from '../../src/index.js';
import { runtime, useReady } from '../helpers/engines.js';
import { flatParams } from '../helpers/modelTypes.js';
import { lcg, thrown } from '../helpers/training.js';
import { expectWorkerFault } from '../helpers/threads.js';
import { AUTO_MAX_THREADS } from '../../src/threads/load.js';
import type { ThreadPool } from '../../src/threads/pool.js';

useReady();

const rt = () => runtime(true);
const pool = () => rt().threaded!.pool() as ThreadPool;

// 4,200 rows x 64 features (1.1 MB with targets): past OVERLAP_MIN_BYTES (1 MiB), and 5 shuffle buckets.
const ROWS = 4200;
const FEATURES = 64;
const r = lcg(17);
const X = Float32Array.from({ length: ROWS * FEATURES }, () => 2 * r() - 1);
const y = Float32Array.from({ length: ROWS }, (_, i) => (X[i * FEATURES] + 0.5 * X[i * FEATURES + 1] > 0 ? 1 : 0));
const fit = { epochs: 3, batchSize: 32, learningRate: 0.05, seed: 9, optimizer: 'adam' as const };

function trained(threads: number, options = {}): { params: Float64Array; losses: number[] } {
  const m = new LogisticRegression({ features: FEATURES, seed: 2 });
  try {
    const h = m.fit(X, y, { ...fit, threads, ...options });
    return { params: flatParams(m), losses: h.epochs.map((e) => e.loss) };
  } finally {
    m.dispose();
  }
}

describe('the pool (Node)', () => {
  it('ready() sizes it from the available parallelism, capped at AUTO_MAX_THREADS', () => {
    expect(availableParallelism()).toBeGreaterThan(1); // this suite needs two cores
    expect(threadCount()).toBe(Math.min(availableParallelism(), AUTO_MAX_THREADS));
    expect(rt().threaded?.size).toBe(threadCount());
  });

  it('a shuffled fit runs the rewrite on a worker (one task per epoch) and gives the same bits as one thread', () => {
    const before = pool().tasks;
    const two = trained(2);
    expect(pool().tasks - before).toBe(fit.epochs); // each epoch writes the next one's arrangement
    const mid = pool().tasks;
    const one = trained(1);
    expect(pool().tasks).toBe(mid); // threads: 1 uses no worker
    expect(Array.from(two.params)).toEqual(Array.from(one.params));
    expect(two.losses).toEqual(one.losses);
  });

  it('small data and unshuffled fits use no worker', () => {
    const before = pool().tasks;
    const m = new LogisticRegression({ features: FEATURES, seed: 2 });
    m.fit(X.subarray(0, 200 * FEATURES), y.subarray(0, 200), { ...fit, epochs: 4 });
    m.fit(X, y, { ...fit, shuffle: false });
    m.dispose();
    expect(pool().tasks).toBe(before);
  });

  it("ready's threads must be a positive integer or 'auto'", async () => {
    await expect(ready({ threads: 0 })).rejects.toThrow(/^threads must be a positive integer, got 0$/);
    await expect(ready({ threads: 'all' as never })).rejects.toThrow(/^threads must be a positive integer, got 'all'$/);
    expect(threadCount()).toBe(Math.min(availableParallelism(), AUTO_MAX_THREADS)); // nothing changed
  });

  it("fit's threads must be a positive integer: a ValidationError naming it, before the model changes", () => {
    const m = new LogisticRegression({ features: FEATURES, seed: 2 });
    const w = flatParams(m);
    expect(() => m.fit(X, y, { ...fit, threads: 0 })).toThrow(/^threads must be a positive integer, got 0$/);
    expect(() => m.fit(X, y, { ...fit, threads: 1.5 })).toThrow(/^threads must be a positive integer, got 1\.5$/);
    expect(flatParams(m)).toEqual(w);
    m.dispose();
  });
});

describe('faults on a worker', () => {
  for (const fault of ['trap', 'exit'] as const) {
    it(`a worker that ${fault === 'trap' ? 'traps' : "ends its thread"} mid-epoch: EngineError naming the cause; every model keeps its state from before the call; the pool is rebuilt and trains on`, () => {
      const a = new LogisticRegression({ features: FEATURES, seed: 2 });
      const b = new MLP({ inputs: FEATURES, hidden: [8], outputs: 1, head: 'sigmoid', seed: 3 });
      a.fit(X, y, fit);
      b.fit(X, y, { ...fit, epochs: 1 });
      const before = { a: flatParams(a), b: flatParams(b) };
      const generation = rt().generation;
      if (fault === 'exit') {
        pool().exitNext = true; // the next task ends its worker's thread (process.exit in the worker)
      } else {
        // The next task on a worker traps, as a kernel with a bad pointer would.
        const p = pool();
        const start = p.start.bind(p);
        p.start = (w, task) => {
          p.start = start;
          start(w, { fn: 'forceTrap', args: [] });
        };
      }
      expectWorkerFault(thrown(() => a.fit(X, y, fit)), fault === 'trap'
        ? 'RuntimeError: memory access out of bounds in forceTrap on worker thread 1'
        : 'WorkerExit: its thread exited in scatterRows on worker thread 1');
      expect(rt().generation).toBe(generation + 1);
      expect(flatParams(a)).toEqual(before.a);
      expect(flatParams(b)).toEqual(before.b);

      // The rebuilt pool trains with a worker again, and the bits are those of a model that never failed.
      const twin = new LogisticRegression({ features: FEATURES, seed: 2 });
      twin.fit(X, y, { ...fit, threads: 1 });
      const tasks = pool().tasks;
      a.fit(X, y, fit);
      expect(pool().tasks).toBeGreaterThan(tasks);
      twin.fit(X, y, { ...fit, threads: 1 });
      expect(flatParams(a)).toEqual(flatParams(twin));
      for (const m of [a, b, twin]) m.dispose();
    });
  }
});

describe('fitAsync', () => {
  it('abort mid-fit rejects with the AbortError, waits for the worker (none left running) and leaves the pool usable', async () => {
    const m = new LogisticRegression({ features: FEATURES, seed: 2 });
    const controller = new AbortController();
    let batches = 0;
    const p = m.fitAsync(X, y, {
      ...fit, epochs: 50, yieldEveryMs: 1,
      onBatchEnd: ({ epoch }) => {
        if (epoch === 3 && ++batches === 20) controller.abort();
      },
      signal: controller.signal,
    });
    await expect(p).rejects.toThrow(/aborted/);
    for (let w = 0; w < pool().size - 1; w++) expect(pool().busy(w)).toBe(false);
    const tasks = pool().tasks;
    m.fit(X, y, fit);
    expect(pool().tasks).toBeGreaterThan(tasks);
    m.dispose();
  });
});

describe('cancel', () => {
  it('ends a busy worker and replaces it: the pool has all its threads again and trains on', async () => {
    const p = pool();
    const bytes = 64 << 20;
    const ptr = rt().alloc(bytes);
    p.start(0, { fn: 'readSequential', args: [ptr, bytes / 4] });
    expect(p.busy(0)).toBe(true);
    p.cancel();
    expect(p.busy(0)).toBe(false);
    expect(p.join()).toEqual([]); // nothing left to wait for
    for (let i = 0; i < 500 && p.threads() < p.size; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(p.threads()).toBe(p.size);
    rt().free(ptr);
    const tasks = p.tasks;
    const m = new LogisticRegression({ features: FEATURES, seed: 2 });
    m.fit(X, y, fit);
    m.dispose();
    expect(p.tasks - tasks).toBe(fit.epochs);
  });
});

describe('an idle pool', () => {
  it('blocks instead of spinning: the process uses under 5% of a core while it idles', async () => {
    pool(); // started
    const cpu = process.cpuUsage();
    const t0 = performance.now();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const used = process.cpuUsage(cpu);
    const wall = (performance.now() - t0) * 1000;
    // Every thread of the process counts (getrusage); a spinning worker would use about 100% of a core.
    expect((used.user + used.system) / wall).toBeLessThan(0.05);
  });
});

describe('a replaced worker', () => {
  // A worker that was replaced (a fault, an abort) runs on until its thread ends, past its
  // successor's start. It must not touch the slot again: marking the successor done would let
  // the owner free blocks the successor is still writing; its result or death would be taken as
  // the successor's. Here a real worker runs a task of about 10 ms while the test replaces it
  // in its slot (as ThreadPool.replace does, without ending its thread); the slot must stay the
  // successor's, and the old worker must stop instead of reading the successor's task.
  it('never writes its successor\'s state, result or fault word, and stops', async () => {
    const { Worker } = await import('node:worker_threads');
    const { NODE_WORKER, SLOT_BYTES, RUNNING, IDLE, STARTING, DONE } = await import('../../src/threads/workerSource.js');
    const names = ['readSequential'];
    const control = new SharedArrayBuffer(SLOT_BYTES);
    const i32 = new Int32Array(control);
    const f64 = new Float64Array(control);
    const bytes = 64 << 20;
    const ptr = rt().alloc(bytes);
    const faultPtr = rt().alloc(16);
    rt().u32[faultPtr >>> 2] = 0;
    try {
      const incarnation = 7;
      i32[1] = (incarnation << 3) | STARTING;
      const worker = new Worker(NODE_WORKER, {
        eval: true, execArgv: [], workerData: { module: rt().module, memory: rt().exports.memory, control, index: 0, incarnation, names },
      });
      const exited = new Promise((resolve) => worker.on('exit', resolve));
      for (let i = 0; i < 500 && i32[1] !== ((incarnation << 3) | IDLE); i++) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(i32[1], 'the worker came up').toBe((incarnation << 3) | IDLE);
      // A task, as ThreadPool.start posts it, with a fault word.
      i32[2] = 0;
      i32[3] = 2;
      f64.set([ptr, bytes / 4], 2);
      i32[18] = faultPtr;
      Atomics.store(i32, 1, (incarnation << 3) | RUNNING);
      Atomics.add(i32, 0, 1);
      Atomics.notify(i32, 0);
      // Replaced at once: the slot zeroed and handed to incarnation 8, idle, with a result and fault word of its own.
      i32.fill(0);
      i32[1] = ((incarnation + 1) << 3) | IDLE;
      f64[8] = 12345;
      i32[18] = 0;
      // The old worker finishes its task (it reads 64 MB) and must then stop, leaving the slot as it is.
      const stopped = await Promise.race([exited.then(() => true), new Promise((resolve) => setTimeout(() => resolve(false), 5000))]);
      if (!stopped) await worker.terminate();
      expect(i32[1], 'the successor\'s state').toBe(((incarnation + 1) << 3) | IDLE);
      expect(f64[8], 'the successor\'s result').toBe(12345);
      expect(rt().u32[faultPtr >>> 2], 'the old task\'s fault word (an old death must not write it either)').toBe(0);
      expect(stopped, 'the old worker stopped on its own').toBe(true);
      expect(DONE).not.toBe(IDLE);
    } finally {
      rt().free(faultPtr);
      rt().free(ptr);
    }
  });
});
