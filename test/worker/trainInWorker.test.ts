// trainInWorker, in Node (worker_threads) and in Chromium (a module Web Worker), on every
// model type and engine: it leaves the model exactly as a local fit would (parameters,
// optimizer state, random stream, class names), bit for bit; errors arrive as their own
// class with the same message and leave the model as it was; abort, dispose and a dying
// worker end the call promptly; the calling thread stays responsive.
import { describe, expect, it } from 'vitest';
import {
  BusyError, DisposedError, DivergenceError, LinearRegression, MLP, SoftmaxRegression, ValidationError, threadCount,
  type FitOptions, type History, type MatrixInput,
} from '../../src/index.js';
import { ENGINES, useReady } from '../helpers/engines.js';
import { MODEL_TYPES, NAMES, dataFor, flatParams, type TestModel } from '../helpers/modelTypes.js';
import { expectSame } from '../helpers/tolerance.js';
import { expectThrows } from '../helpers/errors.js';
import { rejected } from '../helpers/training.js';
import { inBrowser, trainInWorker, withScript, WorkerError } from '../helpers/worker.js';

useReady();

/** Everything in a history but wall times, which differ from run to run. */
function untimed(h: History): unknown {
  const { timeMs: _, epochs, restarts, learningRateSearch, ...rest } = h;
  return {
    ...rest, epochs: epochs.map(({ timeMs: __, ...e }) => e), restarts: restarts?.map(untimed),
    learningRateSearch: learningRateSearch && { ...learningRateSearch, timeMs: 0 }, // learningRate 'auto': its search's wall time
  };
}

/** Every bit of what a model holds: parameters, file (class names, training record). */
function expectSameModel(got: TestModel, want: TestModel, label: string): void {
  expectSame(flatParams(got), flatParams(want), `${label}: parameters`);
  expect(got.toJSON(), `${label}: toJSON()`).toEqual(want.toJSON());
}

// No seed in the options: each fit draws its shuffles and split from the model's own stream,
// so the second fit matches only if the first one handed the stream back.
const FIT: FitOptions = { epochs: 4, batchSize: 8, learningRate: 0.05, optimizer: 'adam', validationFraction: 0.25 };

/** What fn throws (it must throw). */
function caught<E extends Error>(fn: () => unknown): E {
  try {
    fn();
  } catch (e) {
    return e as E;
  }
  return expect.fail('expected a throw');
}

/** p, or a failure naming what did not settle within ms: a hang fails at once, not at the test timeout. */
function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not settled after ${ms} ms`)), ms);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

/** A copy of a whose buffer has been transferred away (as by an earlier trainInWorker with transfer: true). */
function detached(a: Float32Array): Float32Array<ArrayBuffer> {
  const c = a.slice();
  structuredClone(c.buffer, { transfer: [c.buffer] });
  return c;
}

describe.each(ENGINES)('trainInWorker (%s)', (engine) => {
  describe.each(MODEL_TYPES)('$name', (t) => {
    it('trains as a local fit does, bit for bit, and a following fit continues identically', async () => {
      const d = dataFor(t, 64, 5);
      const local = t.make(engine, { seed: 11 });
      const remote = t.make(engine, { seed: 11 });
      const h1 = local.fit(d.X, d.y, FIT);
      const w1 = await trainInWorker(remote, d.X, d.y, FIT);
      expect(w1.engine).toBe(engine);
      expect(untimed(w1)).toEqual(untimed(h1));
      expectSameModel(remote, local, 'after the worker fit');
      // The optimizer's moments and step count and the random stream came back too.
      const h2 = local.fit(d.X, d.y, FIT);
      const w2 = remote.fit(d.X, d.y, FIT);
      expect(untimed(w2)).toEqual(untimed(h2));
      expectSameModel(remote, local, 'after a following local fit');
      local.dispose();
      remote.dispose();
    });
  });

  it('restarts, warmStart: false and an explicit init are redone in the worker as locally', async () => {
    const t = MODEL_TYPES[3]; // an MLP: its default init draws from the stream
    const d = dataFor(t, 48, 8);
    const opts: FitOptions = { epochs: 3, batchSize: 16, learningRate: 0.1, restarts: 2, warmStart: false, optimizer: 'sgd' };
    const local = t.make(engine, { seed: 4 });
    const remote = t.make(engine, { seed: 4 });
    expect(untimed(await trainInWorker(remote, d.X, d.y, opts))).toEqual(untimed(local.fit(d.X, d.y, opts)));
    expectSameModel(remote, local, 'after restarts');
    // A worker fit continues from a worker fit's state as a local fit would.
    expect(untimed(await trainInWorker(remote, d.X, d.y, FIT))).toEqual(untimed(local.fit(d.X, d.y, FIT)));
    expectSameModel(remote, local, 'after a second worker fit');
    const init = { weights: [0.5, -0.25, 0.125, 1], bias: 0.5 };
    const a = new LinearRegression({ features: 4, engine, init, seed: 2 });
    const b = new LinearRegression({ features: 4, engine, init, seed: 2 });
    const cold = { ...opts, restarts: 1, warmStart: false };
    a.fit(d.X, d.y, FIT);
    b.fit(d.X, d.y, FIT);
    // warmStart: false starts again from the constructor's init, which must have crossed.
    expect(untimed(await trainInWorker(b, d.X, d.y, cold))).toEqual(untimed(a.fit(d.X, d.y, cold)));
    expectSameModel(b, a, 'after a cold start from explicit init');
    for (const m of [local, remote, a, b]) m.dispose();
  });

  // Only the regression heads diverge: the classifiers' losses and gradients are bounded, and
  // their steps stayed finite at every learning rate tried (up to 1e37).
  describe.each(MODEL_TYPES.filter((t) => t.classes === 0))('$name', (t) => {
    it('divergence ends as in a local fit: the same DivergenceError, and the model keeps the last finite epoch, bit for bit', async () => {
      const d = dataFor(t, 64, 5);
      // Diverges after a few epochs (epoch 6 to 10 here), with momentum: its buffer must come back too.
      const diverge: FitOptions = { epochs: 200, batchSize: 16, learningRate: 3, optimizer: { name: 'sgd', momentum: 0.5 }, validationFraction: 0.25 };
      const local = t.make(engine, { seed: 11 });
      const remote = t.make(engine, { seed: 11 });
      const want = caught<DivergenceError & { history: History }>(() => local.fit(d.X, d.y, diverge));
      expect(want).toBeInstanceOf(DivergenceError);
      // Epoch 1 would leave the model as before the call either way, and this test could not fail.
      expect(want.epoch).toBeGreaterThan(1);
      expect(want.message).toContain(`The model keeps its weights from the end of epoch ${want.epoch - 1}. `);
      const got = (await rejected(trainInWorker(remote, d.X, d.y, diverge))) as DivergenceError & { history: History };
      expect(got).toBeInstanceOf(DivergenceError);
      expect(got.message).toBe(want.message);
      expect(got.epoch).toBe(want.epoch);
      expect(untimed(got.history)).toEqual(untimed(want.history));
      expectSameModel(remote, local, 'after divergence');
      // Everything a fit reads: the momentum buffer, the step count, the random stream moved on past the diverged fit's draws.
      expect(remote.exportTraining()).toEqual(local.exportTraining());
      // What the message promises, checked without fit's divergence path: the same fit stopped after the last finite epoch.
      const stopped = t.make(engine, { seed: 11 });
      stopped.fit(d.X, d.y, { ...diverge, epochs: want.epoch - 1 });
      expectSame(flatParams(remote), flatParams(stopped), 'parameters after divergence vs a fit of the finite epochs');
      // A following fit with the same optimizer (so it continues its state) ends the same way on both. The MLP's
      // momentum is by then too large for any step size: that fit diverges at once, identically.
      const calm: FitOptions = { ...diverge, epochs: 3, learningRate: 0.01 };
      const next = (m: TestModel) => {
        try {
          return untimed(m.fit(d.X, d.y, calm));
        } catch (e) {
          return (e as Error).message;
        }
      };
      expect(next(remote)).toEqual(next(local));
      expectSameModel(remote, local, 'after a following local fit');
      for (const m of [local, remote, stopped]) m.dispose();
    });
  });

  it('string labels: the class names cross both ways', async () => {
    const d = dataFor(MODEL_TYPES[2], 60, 3);
    const labels = Array.from(d.y, (k) => NAMES[k]);
    const local = new SoftmaxRegression({ features: 4, classes: 3, engine });
    const remote = new SoftmaxRegression({ features: 4, classes: 3, engine });
    local.fit(d.X, labels, FIT);
    await trainInWorker(remote, d.X, labels, FIT);
    expect(remote.classes).toEqual(['ant', 'bee', 'cat']);
    expect(remote.predictLabels(d.X)).toEqual(local.predictLabels(d.X));
    expectSameModel(remote as unknown as TestModel, local as unknown as TestModel, 'string labels');
    local.dispose();
    remote.dispose();
  });
});

describe('trainInWorker: progress, options, errors, cancellation', () => {
  const engine = ENGINES[0];
  const t = MODEL_TYPES[1]; // LogisticRegression
  const d = dataFor(t, 200, 7);
  const make = () => t.make(engine, { seed: 3 });

  it('onProgress: every epoch with progressEveryMs 0, with the losses the history records', async () => {
    const m = make();
    const seen: { epoch: number; epochs: number; loss: number; valLoss?: number }[] = [];
    const h = await trainInWorker(m, d.X, d.y, { ...FIT, epochs: 6, progressEveryMs: 0, onProgress: (p) => seen.push(p) });
    expect(seen.map((p) => p.epoch)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(seen.every((p) => p.epochs === 6)).toBe(true);
    expect(seen.map((p) => p.loss)).toEqual(h.loss);
    expect(seen.map((p) => p.valLoss)).toEqual(h.valLoss);
    m.dispose();
  });

  it('onProgress: at most one call per progressEveryMs, and always the last epoch', async () => {
    const m = make();
    const seen: number[] = [];
    const h = await trainInWorker(m, d.X, d.y, { epochs: 300, progressEveryMs: 1e9, onProgress: (p) => seen.push(p.epoch) });
    expect(seen).toEqual([1, h.loss.length]); // the first epoch (nothing posted before it), then the final one
    m.dispose();
  });

  it('rejects what cannot cross to a worker, and fit\'s bad options with fit\'s message, before starting one', async () => {
    const m = make();
    const before = flatParams(m);
    const cases: [object, string][] = [
      [{ onEpochEnd: () => {} }, 'onEpochEnd cannot run in a worker (a function cannot be copied to another thread); use onProgress, which runs on this thread'],
      [{ onBatchEnd: () => {} }, 'onBatchEnd cannot run in a worker (a function cannot be copied to another thread); use onProgress, which runs on this thread'],
      [{ schedule: () => 0.1 }, "a schedule function cannot run in a worker (a function cannot be copied to another thread); use a schedule's options, e.g. { type: 'step', stepSize: 10 }"],
      [{ yieldEveryMs: 5 }, 'yieldEveryMs applies to fitAsync; trainInWorker never blocks this thread (progressEveryMs paces onProgress)'],
      [{ progressEveryMs: -1 }, 'progressEveryMs must be a finite number >= 0, got -1'],
      [{ transfer: 'yes' }, "transfer must be true or false, got 'yes'"],
      [{ onProgress: 5 }, 'onProgress must be a function, got 5'],
      [{ learningRate: -1 }, 'learningRate must be a finite number > 0, got -1'],
    ];
    for (const [options, message] of cases) {
      const err = await rejected(trainInWorker(m, d.X, d.y, options as FitOptions));
      expect(err, JSON.stringify(Object.keys(options))).toBeInstanceOf(ValidationError);
      expect(err.message).toBe(message);
    }
    const notModel = await rejected(trainInWorker({} as never, d.X, d.y));
    expect(notModel).toBeInstanceOf(ValidationError);
    expectSame(flatParams(m), before, 'parameters after rejected calls');
    m.dispose();
  });

  // Each argument whose buffer trainInWorker can transfer (X, y, sampleWeight, validationData's X and y), and a
  // typed-array row of a number[][] X. Node drops a message whose transfer list holds a detached buffer without
  // a word, so this hung; Chromium's postMessage throws, without naming the argument.
  const ones = new Float32Array(d.rows).fill(1);
  const vX = d.X.slice(0, 40 * 4);
  const vy = d.y.slice(0, 40);
  const SEND: FitOptions = { epochs: 2, batchSize: 8 }; // no validationFraction: some cases give validationData
  const rowsOf = (X: Float32Array) => Array.from({ length: X.length / 4 }, (_, r) => X.slice(r * 4, r * 4 + 4));
  // Fresh copies each time: Node also took the other listed buffers of the message it dropped.
  // X is a Float32Array or rows of them (which fit reads as number[][]).
  const detachedCases: [string, () => [MatrixInput, Float32Array, FitOptions], string][] = [
    ['X', () => [detached(d.X), d.y.slice(), {}], 'X is a detached Float32Array (its buffer was transferred)'],
    ['y', () => [d.X.slice(), detached(d.y), {}], 'y is a detached Float32Array (its buffer was transferred)'],
    ['sampleWeight', () => [d.X.slice(), d.y.slice(), { sampleWeight: detached(ones) }], 'sampleWeight is a detached Float32Array (its buffer was transferred)'],
    ['validationData.X', () => [d.X.slice(), d.y.slice(), { validationData: { X: detached(vX), y: vy.slice() } }], 'validationData.X is a detached Float32Array (its buffer was transferred)'],
    ['validationData.y', () => [d.X.slice(), d.y.slice(), { validationData: { X: vX.slice(), y: detached(vy) } }], 'validationData.y is a detached Float32Array (its buffer was transferred)'],
    ['a row of X', () => {
      const rows = rowsOf(d.X);
      rows[3] = detached(rows[3]);
      return [rows as unknown as MatrixInput, d.y.slice(), {}];
    }, 'X row 3 is a detached Float32Array (its buffer was transferred)'],
  ];

  it.each([false, true])('a detached argument rejects at once with fit\'s ValidationError, and the model stays usable (transfer: %s)', async (transfer) => {
    const m = make();
    const twin = make();
    const before = flatParams(m);
    for (const [what, args, message] of detachedCases) {
      const [X, y, opts] = args();
      expectThrows(() => twin.fit(X, y, { ...SEND, ...opts }), ValidationError, message); // fit's own wording
      const [X2, y2, opts2] = args();
      const err = await within(rejected(trainInWorker(m, X2, y2, { ...SEND, ...opts2, transfer })), 5000, what);
      expect(err, what).toBeInstanceOf(ValidationError);
      expect(err.message).toBe(message);
      // Nothing was sent: every other argument's buffer is still here.
      const arrays = [X2, y2, opts2.sampleWeight, opts2.validationData?.X, opts2.validationData?.y].flat();
      expect(arrays.filter((a) => a instanceof Float32Array && a.byteLength === 0).length, `${what}: detached buffers`).toBe(1);
    }
    expectSame(flatParams(m), before, 'parameters after the rejected calls');
    // Not left busy: a local fit and a worker fit both work, and match a twin's.
    const fresh = make();
    expect(untimed(await trainInWorker(m, d.X, d.y, FIT))).toEqual(untimed(fresh.fit(d.X, d.y, FIT)));
    expectSameModel(m, fresh, 'after a worker fit that followed the rejected calls');
    m.fit(d.X, d.y, { epochs: 1 });
    for (const x of [m, twin, fresh]) x.dispose();
  });

  // A value structured clone cannot copy makes postMessage itself throw. Every option that could hold one is
  // checked as fit checks it before anything is sent; what remains are the data arguments.
  it.each([false, true])('a value that cannot be sent rejects with a ValidationError naming its argument (transfer: %s)', async (transfer) => {
    const m = make();
    const before = flatParams(m);
    const sym = Symbol('label');
    const withSymbol = (a: Float32Array) => [sym, ...Array.from(a).slice(1)] as unknown as number[];
    const cases: [string, [unknown, unknown, FitOptions]][] = [
      ['X', [[withSymbol(d.X.subarray(0, 4)), ...rowsOf(d.X).slice(1)], d.y.slice(), {}]],
      ['y', [d.X.slice(), withSymbol(d.y), {}]],
      ['sampleWeight', [d.X.slice(), d.y.slice(), { sampleWeight: withSymbol(ones) }]],
      ['validationData.X', [d.X.slice(), d.y.slice(), { validationData: { X: [withSymbol(vX.subarray(0, 4))], y: vy.slice(0, 1) } }]],
      ['validationData.y', [d.X.slice(), d.y.slice(), { validationData: { X: vX.slice(), y: withSymbol(vy) } }]],
    ];
    for (const [what, [X, y, opts]] of cases) {
      const err = await within(rejected(trainInWorker(m, X as Float32Array, y as Float32Array, { ...SEND, ...opts, transfer })), 5000, what);
      expect(err, what).toBeInstanceOf(ValidationError);
      // The rest is the runtime's DataCloneError message, which differs between Node and Chromium.
      expect(err.message).toMatch(new RegExp(`^trainInWorker cannot send ${what.replace('.', '\\.')} to the worker \\(DataCloneError: .*Symbol\\(label\\)`));
      // Nothing was transferred, even with transfer: true.
      for (const a of [X, y]) if (a instanceof Float32Array) expect(a.byteLength, `${what}: a buffer was taken`).toBeGreaterThan(0);
    }
    // A schedule's bad option, which fit checks only when it starts training, gets fit's message here too.
    const schedule = { type: 'step', stepSize: () => 10 };
    const local = caught(() => make().fit(d.X, d.y, { ...FIT, schedule } as unknown as FitOptions));
    const err = await within(rejected(trainInWorker(m, d.X, d.y, { ...FIT, schedule, transfer } as unknown as FitOptions)), 5000, 'schedule');
    expect(err).toBeInstanceOf(ValidationError);
    expect(err.message).toBe(local.message);
    expectSame(flatParams(m), before, 'parameters after the rejected calls');
    m.fit(d.X, d.y, { epochs: 1 }); // not left busy
    await trainInWorker(m, d.X, d.y, { epochs: 1 });
    m.dispose();
  });

  // Buffers that Chromium's postMessage refuses and Node's accepts: a WebAssembly memory's (cannot be
  // detached; Node copies it instead) and a shared one outside a cross-origin isolated page.
  it('a buffer the runtime cannot transfer or share rejects naming its argument, or trains as fit does where it can', async () => {
    const m = make();
    const twin = make();
    const onMemory = (memory: WebAssembly.Memory) => {
      const X = new Float32Array(memory.buffer, 0, d.X.length);
      X.set(d.X);
      return X;
    };
    const plain = onMemory(new WebAssembly.Memory({ initial: 1 }));
    const shared = onMemory(new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true }));
    const transferred = trainInWorker(m, plain, d.y.slice(), { ...SEND, transfer: true });
    if (inBrowser) {
      const err = await within(rejected(transferred), 5000, 'WebAssembly memory');
      expect(err).toBeInstanceOf(ValidationError);
      expect(err.message).toMatch(/^trainInWorker cannot transfer the buffers of X, y to the worker \(TypeError: .*not detachable.*\); transfer: false copies them instead$/);
      expect(plain.byteLength).toBe(d.X.byteLength);
    } else {
      expect(untimed(await transferred)).toEqual(untimed(twin.fit(d.X, d.y, SEND)));
    }
    const sent = trainInWorker(m, shared, d.y, SEND);
    if (inBrowser && !crossOriginIsolated) {
      const err = await within(rejected(sent), 5000, 'shared memory');
      expect(err).toBeInstanceOf(ValidationError);
      expect(err.message).toMatch(/^trainInWorker cannot send X to the worker \(DataCloneError: .*SharedArrayBuffer/);
    } else {
      expect(untimed(await sent)).toEqual(untimed(twin.fit(d.X, d.y, SEND)));
    }
    expectSameModel(m, twin, 'after the calls');
    m.fit(d.X, d.y, { epochs: 1 }); // not left busy
    m.dispose();
    twin.dispose();
  });

  it('an error inside the worker arrives as the same class with the same message; the model is as it was', async () => {
    const m = make();
    m.fit(d.X, d.y, { epochs: 2 });
    const twin = make();
    twin.fit(d.X, d.y, { epochs: 2 });
    const bad = d.X.slice();
    bad[17 * 4 + 3] = NaN;
    const local = (() => {
      try {
        twin.fit(bad, d.y, FIT);
      } catch (e) {
        return e as Error;
      }
    })();
    expect(local?.message).toBe('X contains NaN at row 17, column 3'); // the API's wording, checked here independently
    const remote = await rejected(trainInWorker(m, bad, d.y, FIT));
    expect(remote).toBeInstanceOf(ValidationError);
    expect(remote.message).toBe(local!.message);
    // Nothing changed: a following fit matches the twin's (whose failed fit changed nothing either).
    m.fit(d.X, d.y, FIT);
    twin.fit(d.X, d.y, FIT);
    expectSame(flatParams(m), flatParams(twin), 'parameters after a failed worker fit and a local one');
    m.dispose();
    twin.dispose();
  });

  it('abort stops the worker at once: rejects with the abort reason, the model is as it was', async () => {
    const m = make();
    const before = flatParams(m);
    const controller = new AbortController();
    const t0 = performance.now();
    let epochs = 0;
    const err = await rejected(trainInWorker(m, d.X, d.y, {
      epochs: 1_000_000, batchSize: 1, progressEveryMs: 0, signal: controller.signal,
      onProgress: (p) => {
        epochs = p.epoch;
        if (p.epoch === 3) controller.abort();
      },
    }));
    expect(err).toBeInstanceOf(DOMException);
    expect(err.name).toBe('AbortError');
    expect(epochs).toBe(3); // no progress after the abort
    expect(performance.now() - t0).toBeLessThan(20_000); // a million epochs would take far longer
    expectSame(flatParams(m), before, 'parameters after abort');
    // Aborted before the call: rejects with the reason, starts nothing.
    const reason = new Error('not now');
    const early = await rejected(trainInWorker(m, d.X, d.y, { signal: AbortSignal.abort(reason) }));
    expect(early).toBe(reason);
    m.fit(d.X, d.y, { epochs: 1 }); // the model is usable again
    m.dispose();
  });

  it('while it trains, the model can be read but not changed; dispose() ends the call with DisposedError', async () => {
    const m = make();
    m.fit(d.X, d.y, { epochs: 1 });
    let checked = false;
    let pending!: Promise<History>;
    pending = trainInWorker(m, d.X, d.y, {
      epochs: 1_000_000, progressEveryMs: 0,
      onProgress: () => {
        if (checked) return;
        checked = true;
        expect(Number.isFinite(m.evaluate(d.X, d.y).loss)).toBe(true);
        const busy = 'this LogisticRegression is training in trainInWorker; await it (or abort it) before changing the model';
        expect(() => m.fit(d.X, d.y, { epochs: 1 })).toThrow(BusyError);
        expect(() => m.fit(d.X, d.y, { epochs: 1 })).toThrow(busy);
        void trainInWorker(m, d.X, d.y).catch((e: Error) => expect(e.message).toBe(busy));
        m.dispose();
      },
    });
    const err = await rejected(pending);
    expect(checked).toBe(true);
    expect(err).toBeInstanceOf(DisposedError);
    expect(err.message).toBe('this LogisticRegression was disposed during trainInWorker');
    expect(m.disposed).toBe(true);
  });

  it('the calling thread stays responsive: timers run while the worker trains, and can stop it', async () => {
    // Ordered events, not a count per wall-clock interval (which a loaded machine cannot promise):
    // after the worker's first epoch, a chain of TICKS timers runs here and the last one aborts the
    // fit. A fit that blocked this thread could not be aborted by a timer; it would end on its
    // 20 s time limit (far past any chain of timers on a responsive thread) and resolve.
    const TICKS = 20;
    const m = make();
    const before = flatParams(m);
    const controller = new AbortController();
    let ticks = 0;
    let epochAtFirstTick = 0;
    const tick = () => {
      if (++ticks < TICKS) setTimeout(tick, 0);
      else controller.abort();
    };
    const err = await rejected(trainInWorker(m, d.X, d.y, {
      epochs: 1e9, batchSize: 1, progressEveryMs: 0, timeLimitMs: 20_000, signal: controller.signal,
      onProgress: (p) => {
        if (epochAtFirstTick === 0) {
          epochAtFirstTick = p.epoch; // the worker is training: start the chain
          setTimeout(tick, 0);
        }
      },
    }));
    expect(err).toBeInstanceOf(DOMException); // ended by the last timer, not by the time limit
    expect(err.name).toBe('AbortError');
    expect(ticks).toBe(TICKS);
    expect(epochAtFirstTick).toBeGreaterThanOrEqual(1); // the chain started after an epoch had run in the worker
    expectSame(flatParams(m), before, 'parameters after the abort');
    m.dispose();
  });

  it('transfer: false copies the caller\'s arrays, true hands their buffers over; the results are the same', async () => {
    const a = make();
    const b = make();
    const X1 = d.X.slice();
    const y1 = d.y.slice();
    await trainInWorker(a, X1, y1, FIT);
    expect(X1).toEqual(d.X); // untouched and still usable
    expect(y1).toEqual(d.y);
    const X2 = d.X.slice();
    const y2 = d.y.slice();
    const vX = d.X.slice(0, 40);
    const vy = d.y.slice(0, 10);
    const opts = { ...FIT, validationFraction: undefined };
    await trainInWorker(b, X2, y2, { ...opts, transfer: true, validationData: { X: vX, y: vy } });
    expect([X2.byteLength, y2.byteLength, vX.byteLength, vy.byteLength]).toEqual([0, 0, 0, 0]); // detached: moved, not copied
    const c = make();
    c.fit(d.X, d.y, { ...opts, validationData: { X: d.X.slice(0, 40), y: d.y.slice(0, 10) } });
    expectSame(flatParams(b), flatParams(c), 'parameters after a transferring worker fit');
    for (const m of [a, b, c]) m.dispose();
  });

  // Everywhere else the worker script is the bundle workerSetup.ts made; this is the entry's own
  // `new Worker(new URL('./browserWorker.js', import.meta.url), { type: 'module' })`, as Vite serves it.
  it.runIf(inBrowser)("starts its own ./browserWorker.js (served by Vite, unbundled)", async () => {
    const a = make();
    const b = make();
    const h = a.fit(d.X, d.y, FIT);
    expect(untimed(await withScript(null, () => trainInWorker(b, d.X, d.y, FIT)))).toEqual(untimed(h));
    expectSame(flatParams(b), flatParams(a), 'parameters');
    a.dispose();
    b.dispose();
  });

  it('a worker that dies is reported with a WorkerError naming it, and the model is as it was', async () => {
    const m = make();
    const before = flatParams(m);
    const dying = inBrowser ? new URL('../helpers/dyingWorker.browser.js', import.meta.url) : new URL('../helpers/dyingWorker.node.mjs', import.meta.url);
    const err = await rejected(withScript(dying, () => trainInWorker(m, d.X, d.y, FIT)));
    expect(err).toBeInstanceOf(WorkerError);
    expect(err.message).toBe(inBrowser
      ? 'the training worker failed (Uncaught Error: simulated crash)'
      : 'the training worker exited (code 3) before it finished');
    const missing = new URL('../helpers/noSuchWorker.js', import.meta.url);
    const err2 = await rejected(withScript(missing, () => trainInWorker(m, d.X, d.y, FIT)));
    expect(err2).toBeInstanceOf(WorkerError);
    expect(err2.message).toMatch(/^(the training worker failed|could not start the training worker)/);
    expectSame(flatParams(m), before, 'parameters after the worker died');
    m.fit(d.X, d.y, { epochs: 1 }); // not left busy
    m.dispose();
  });
});

describe('trainInWorker (wasm-simd): threads inside the worker', () => {
  it('a pool of its own where the runtime allows nested workers (Node): data-parallel batches, History.threads and the bits of a local fit', async () => {
    // 64-64-1: 4,225 parameters x batch 64 is past the data-parallel crossover (2^16), and a batch is two 32-row slices.
    const make = () => new MLP({ inputs: 64, hidden: [64], outputs: 1, activation: 'tanh', head: 'sigmoid', engine: 'wasm-simd', seed: 3 });
    const rows = 640;
    const X = Float32Array.from({ length: rows * 64 }, (_, i) => Math.sin(i * 0.37));
    const y = Float32Array.from({ length: rows }, (_, r) => (X[r * 64] + X[r * 64 + 5] > 0 ? 1 : 0));
    const fit: FitOptions = { epochs: 2, batchSize: 64, learningRate: 0.05, optimizer: 'adam', seed: 1 };
    const local = make();
    const remote = make();
    const alone = make();
    const h = local.fit(X, y, fit);
    const got = await trainInWorker(remote, X, y, fit);
    const one = alone.fit(X, y, { ...fit, threads: 1 });
    // Node gives this test file a pool (threads 'auto'); a page that is not cross-origin isolated, one thread (its workers too).
    expect(h.threads, 'local fit').toBe(inBrowser ? 1 : Math.min(threadCount(), 2));
    expect(got.threads, 'the same fit inside the worker').toBe(h.threads);
    expect(one.threads, 'threads: 1').toBe(1);
    expect(untimed(got)).toEqual(untimed(h));
    expectSame(flatParams(remote), flatParams(alone), 'parameters: the worker against threads: 1');
    for (const m of [local, remote, alone]) m.dispose();
  });
});
