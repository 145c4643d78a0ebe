// Control of a training run, on every engine: fitAsync (same result as fit, yields to the
// event loop, progress, AbortSignal), warm starts, and partialFit (optimizer state and schedule
// position kept across calls).
import { beforeAll, describe, expect, it } from 'vitest';
import { ready, LinearRegression, ValidationError, type FitOptions, type Progress } from '../../src/index.js';
import {
  ENGINE_NAMES, SMALL_X, SMALL_Y_REG, close, isWasm, makeOptimizer, maxDiff, oracle, params, rejected, thrown,
  uniformMatrix, type EngineUnderTest, type Tol,
} from '../helpers/training.js';
import { nextTick } from '../helpers/clock.js';

// 200 rows x 4 features for the longer runs (single-row batches make many chunks).
const LX = uniformMatrix(200, 4, 5);
const LY = LX.map((x) => Math.fround(x[0] - 2 * x[1] + 0.5 * x[3] + 0.1));
const LONG: FitOptions = { batchSize: 1, learningRate: 0.01, seed: 2 };
// With yieldEveryMs ~0 every chunk yields, and each yield costs a setTimeout (~1 ms): 8 batches an epoch keeps that cheap.
const COARSE: FitOptions = { batchSize: 25 };

// Oracle comparisons over a few full-batch steps: wasm stores float32 (~1e-6 relative per
// step; 2e-5 allowed), js is float64 (roundings only; 1e-11).
const stepTol = (engine: EngineUnderTest): Tol => (isWasm(engine) ? { abs: 2e-5, rel: 2e-5 } : { abs: 1e-11, rel: 1e-11 });

describe.each(ENGINE_NAMES)('fitAsync (%s)', (engine) => {
  beforeAll(() => ready({ scalar: true }));
  const model = () => new LinearRegression({ features: 4, engine, seed: 8 });

  it('resolves to the same history and weights as fit with the same seed and options', async () => {
    const opts: FitOptions = { epochs: 4, batchSize: 7, learningRate: 0.02, optimizer: 'adam', seed: 4 };
    const a = model();
    const b = model();
    const hs = a.fit(LX, LY, opts);
    // A tiny yieldEveryMs splits every epoch into many chunks of batches; the result must not change.
    const ha = await b.fitAsync(LX, LY, { ...opts, yieldEveryMs: 0.001 });
    expect(ha.loss).toEqual(hs.loss);
    expect(ha.gradNorm).toEqual(hs.gradNorm);
    expect(ha.learningRate).toEqual(hs.learningRate);
    expect(ha.stopReason).toEqual(hs.stopReason);
    expect(params(b)).toEqual(params(a));
    a.dispose();
    b.dispose();
  });

  it('yields to the event loop: a timer advances during the fit (and does not during fit)', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    try {
      // Runs until the timer has fired 3 times, which can only happen if fitAsync yields.
      const m = model();
      const h = await m.fitAsync(LX, LY, {
        ...LONG, epochs: 1_000_000, timeLimitMs: 10_000, yieldEveryMs: 1, onEpochEnd: () => ticks < 3,
      });
      expect(h.stopReason.rule).toBe('callback');
      expect(ticks).toBeGreaterThanOrEqual(3);
      // Control: the synchronous fit blocks, so the counter stays put for its whole (>= 20 ms) run.
      const seen: number[] = [];
      const before = ticks;
      const hs = m.fit(LX, LY, { ...LONG, epochs: 1_000_000, timeLimitMs: 20, onEpochEnd: () => void seen.push(ticks) });
      expect(hs.stopReason.rule).toBe('timeLimit');
      expect(seen.every((t) => t === before)).toBe(true);
      m.dispose();
    } finally {
      clearInterval(timer);
    }
  });

  it('calls onProgress with the epoch, batch and running loss', async () => {
    const m = model();
    const calls: Progress[] = [];
    // nextTick: a browser's coarse clock may not advance during a fast epoch, and without elapsed time nothing yields.
    await m.fitAsync(LX, LY, { ...LONG, ...COARSE, epochs: 3, yieldEveryMs: 0.001, onEpochEnd: nextTick, onProgress: (p) => void calls.push({ ...p }) });
    expect(calls.length).toBeGreaterThan(0);
    for (const p of calls) {
      expect(p.epochs).toBe(3);
      expect(p.batches).toBe(8);
      expect(p.epoch).toBeGreaterThanOrEqual(1);
      expect(p.epoch).toBeLessThanOrEqual(3);
      expect(p.batch).toBeGreaterThanOrEqual(1);
      expect(p.batch).toBeLessThanOrEqual(8);
      expect(Number.isFinite(p.loss)).toBe(true);
    }
    m.dispose();
  });

  it('aborting in epoch 3 rejects with an AbortError and keeps the weights of the end of epoch 3', async () => {
    const m = model();
    const ac = new AbortController();
    const seen: number[][] = [];
    const err = await rejected(m.fitAsync(LX, LY, {
      ...LONG, ...COARSE, epochs: 100, yieldEveryMs: 0.001, signal: ac.signal,
      onEpochEnd: (r) => {
        seen.push(params(m));
        if (r.epoch === 3) ac.abort();
      },
    }));
    expect(err.name).toBe('AbortError');
    expect(seen.length).toBe(3);
    expect(params(m)).toEqual(seen[2]);
    // still usable
    const h = m.fit(LX, LY, { ...LONG, epochs: 1 });
    expect(Number.isFinite(h.loss[0])).toBe(true);
    m.dispose();
  });

  it('aborting from a timer mid-fit leaves the weights of some completed epoch (or the start)', async () => {
    const m = model();
    const ac = new AbortController();
    const seen: number[][] = [params(m)];
    setTimeout(() => ac.abort(), 5);
    const err = await rejected(m.fitAsync(LX, LY, {
      ...LONG, epochs: 1_000_000, timeLimitMs: 10_000, yieldEveryMs: 1, signal: ac.signal,
      onEpochEnd: () => void seen.push(params(m)),
    }));
    expect(err.name).toBe('AbortError');
    const now = params(m);
    expect(now.every(Number.isFinite)).toBe(true);
    expect(seen.some((p) => p.every((v, i) => v === now[i]))).toBe(true);
    m.dispose();
  });

  it('an already-aborted signal rejects with an AbortError without changing the weights', async () => {
    const m = new LinearRegression({ features: 4, engine, init: 'random', seed: 8 });
    const before = params(m);
    let epochs = 0;
    const err = await rejected(m.fitAsync(LX, LY, { ...LONG, epochs: 5, signal: AbortSignal.abort(), onEpochEnd: () => void epochs++ }));
    expect(err.name).toBe('AbortError');
    expect(epochs).toBe(0);
    expect(params(m)).toEqual(before);
    m.dispose();
  });

  it('aborting with a reason still keeps the weights of the last completed epoch', async () => {
    // FitAsyncOptions.signal: "the model keeps the last completed epoch's weights". The promise
    // rejects with the reason (as fetch does); the weights must not be rolled back to the start.
    const m = model();
    const ac = new AbortController();
    const seen: number[][] = [];
    const err = await rejected(m.fitAsync(LX, LY, {
      ...LONG, ...COARSE, epochs: 100, yieldEveryMs: 0.001, signal: ac.signal,
      onEpochEnd: (r) => {
        seen.push(params(m));
        if (r.epoch === 3) ac.abort(new Error('user cancelled'));
      },
    }));
    // Either the reason itself (as fetch does) or an AbortError is a fair rejection.
    expect(err.message === 'user cancelled' || err.name === 'AbortError').toBe(true);
    expect(seen.length).toBe(3);
    expect(params(m)).toEqual(seen[2]);
    m.dispose();
  });

  it('aborting with a reason that is not an Error rejects with an AbortError and keeps the last completed epoch', async () => {
    const m = model();
    const ac = new AbortController();
    const seen: number[][] = [];
    const err = await rejected(m.fitAsync(LX, LY, {
      ...LONG, ...COARSE, epochs: 100, yieldEveryMs: 0.001, signal: ac.signal,
      onEpochEnd: (r) => {
        seen.push(params(m));
        if (r.epoch === 2) ac.abort('user cancelled');
      },
    }));
    expect(err.name).toBe('AbortError');
    expect(seen.length).toBe(2);
    expect(params(m)).toEqual(seen[1]);
    m.dispose();
  });

  // Only the abort itself is a cancellation: a callback that aborts and then throws its own
  // error is a failed call, and a failed call puts the model back as it was before it.
  it('a callback that aborts the signal and then throws rolls the model back to before the call', async () => {
    const opts: FitOptions = { ...COARSE, learningRate: 0.05, optimizer: { name: 'sgd', momentum: 0.9 }, epochs: 2, seed: 3 };
    const m = model();
    await m.fitAsync(LX, LY, opts);
    const before = params(m);
    const ac = new AbortController();
    let epochs = 0;
    const err = await rejected(m.fitAsync(LX, LY, {
      ...opts, epochs: 5, signal: ac.signal,
      onEpochEnd: (r) => {
        epochs = r.epoch;
        if (r.epoch === 2) {
          ac.abort();
          throw new Error('boom');
        }
      },
    }));
    expect(err.message).toBe('boom');
    expect(epochs).toBe(2); // two epochs ran and changed the weights before the throw
    expect(params(m)).toEqual(before);
    // The optimizer's momentum was rolled back too: the next fit equals a twin's that never saw the failed call.
    const twin = model();
    await twin.fitAsync(LX, LY, opts);
    const next = { ...opts, seed: 4 };
    m.fit(LX, LY, next);
    twin.fit(LX, LY, next);
    expect(params(m)).toEqual(params(twin));
    m.dispose();
    twin.dispose();
  });
});

describe.each(ENGINE_NAMES)('warm start (%s)', (engine) => {
  beforeAll(() => ready({ scalar: true }));
  // Shuffle on (default), minibatches, Adam: the rng stream, the optimizer state and the step
  // count all have to continue for the two halves to equal one run. With data this small the
  // shuffle is a single bucket (no initial scatter), so nothing else depends on where a fit starts.
  const opts: FitOptions = { batchSize: 4, learningRate: 0.05, optimizer: 'adam' };
  const model = () => new LinearRegression({ features: 3, engine, seed: 5 });

  it('fit 3 epochs then 3 more (no seed) equals 6 epochs at once on a fresh model with the same seed', () => {
    const a = model();
    const h1 = a.fit(SMALL_X, SMALL_Y_REG, { ...opts, epochs: 3 });
    const h2 = a.fit(SMALL_X, SMALL_Y_REG, { ...opts, epochs: 3 });
    const b = model();
    const h = b.fit(SMALL_X, SMALL_Y_REG, { ...opts, epochs: 6 });
    expect(params(a)).toEqual(params(b));
    expect([...h1.loss, ...h2.loss]).toEqual(h.loss);
    a.dispose();
    b.dispose();
  });

  it('the same with a fit seed: the second fit continues the first fit\'s stream', () => {
    const a = model();
    a.fit(SMALL_X, SMALL_Y_REG, { ...opts, epochs: 3, seed: 11 });
    a.fit(SMALL_X, SMALL_Y_REG, { ...opts, epochs: 3 });
    const b = model();
    b.fit(SMALL_X, SMALL_Y_REG, { ...opts, epochs: 6, seed: 11 });
    expect(params(a)).toEqual(params(b));
    a.dispose();
    b.dispose();
  });

  it('the optimizer state is what carries over: resetting it in between changes the result', () => {
    // Sensitivity of the equality above. Shuffle off, so the random stream plays no part: an sgd
    // fit at lr 1e-12 in between barely moves the weights but replaces Adam's state (m, v, t),
    // and the last three Adam epochs then differ from the continuous run.
    const o: FitOptions = { ...opts, shuffle: false };
    const a = model();
    a.fit(SMALL_X, SMALL_Y_REG, { ...o, epochs: 3 });
    a.fit(SMALL_X, SMALL_Y_REG, { ...o, epochs: 1, learningRate: 1e-12, optimizer: 'sgd' });
    a.fit(SMALL_X, SMALL_Y_REG, { ...o, epochs: 3 });
    const b = model();
    b.fit(SMALL_X, SMALL_Y_REG, { ...o, epochs: 3 });
    b.fit(SMALL_X, SMALL_Y_REG, { ...o, epochs: 3 });
    const c = model();
    c.fit(SMALL_X, SMALL_Y_REG, { ...o, epochs: 6 });
    expect(params(b)).toEqual(params(c));
    expect(maxDiff(params(a), params(c))).toBeGreaterThan(1e-4);
    a.dispose();
    b.dispose();
    c.dispose();
  });

  it('with data larger than one shuffle bucket, a warm-started fit continues from the current weights', () => {
    // 17000 rows x 3 features exceed one 256 KiB bucket, so each fit starts with a fresh scatter
    // of the rows: the split run is a different (equally uniform) sequence of permutations and
    // not bit-identical to one long run. What is promised is continuation: the second fit starts
    // where the first ended, not from the initial weights.
    const X = uniformMatrix(17000, 3, 9);
    const y = X.map((x) => Math.fround(x[0] - x[1] + 0.5));
    const o: FitOptions = { batchSize: 256, learningRate: 0.05, optimizer: 'adam', epochs: 2 };
    const a = model();
    const h1 = a.fit(X, y, o);
    const h2 = a.fit(X, y, o);
    const b = model();
    const fresh = b.fit(X, y, o);
    expect(h2.loss[0]).toBeLessThan(h1.loss[1] * 1.5);
    expect(h2.loss[0]).toBeLessThan(fresh.loss[0] / 2);
    a.dispose();
    b.dispose();
  });

  it('warmStart: false re-initializes weights and optimizer: equals a fresh model seeded like the fit', () => {
    // With init 'random', warmStart: false draws the initial weights from the fit's stream
    // (seed 9) and trains on; a fresh model with seed 9 draws its initial weights from the same
    // stream and continues it.
    const a = new LinearRegression({ features: 3, engine, seed: 1, init: 'random' });
    a.fit(SMALL_X, SMALL_Y_REG, { ...opts, epochs: 3 });
    a.fit(SMALL_X, SMALL_Y_REG, { ...opts, epochs: 3, seed: 9, warmStart: false });
    const b = new LinearRegression({ features: 3, engine, seed: 9, init: 'random' });
    b.fit(SMALL_X, SMALL_Y_REG, { ...opts, epochs: 3 });
    expect(params(a)).toEqual(params(b));
    a.dispose();
    b.dispose();
  });
});

describe.each(ENGINE_NAMES)('partialFit (%s)', (engine) => {
  beforeAll(() => ready({ scalar: true }));
  const A = { X: SMALL_X.slice(0, 6), y: SMALL_Y_REG.slice(0, 6) };
  const B = { X: SMALL_X.slice(6), y: SMALL_Y_REG.slice(6) };

  it('keeps Adam\'s state across calls: two calls on two halves follow the oracle', () => {
    const m = new LinearRegression({ features: 3, engine });
    const o: FitOptions = { batchSize: 'full', shuffle: false, learningRate: 0.05, optimizer: 'adam' };
    m.partialFit(A.X, A.y, o);
    const p1 = params(m);
    m.partialFit(B.X, B.y, o);
    const p2 = params(m);
    // Oracle: one Adam, stepped once on each half (t = 1, then t = 2 with m, v carried over).
    const step = makeOptimizer({ name: 'adam' }, 4);
    const r1 = oracle({ kind: 'linear', X: A.X, y: A.y, epochs: 1, lr: 0.05, step });
    const r2 = oracle({ kind: 'linear', X: B.X, y: B.y, epochs: 1, lr: 0.05, step, init: r1.params[0] });
    close(p1, r1.params[0], stepTol(engine), 'after call 1');
    close(p2, r2.params[0], stepTol(engine), 'after call 2');
    // A fresh Adam from p1 (t = 1) takes a different second step.
    const fresh = new LinearRegression({ features: 3, engine, init: { weights: p1.slice(0, 3), bias: p1[3] } });
    fresh.partialFit(B.X, B.y, o);
    expect(maxDiff(params(fresh), p2)).toBeGreaterThan(1e-3);
    m.dispose();
    fresh.dispose();
  });

  it('keeps the schedule position: the k-th call uses the schedule at epoch k - 1', () => {
    const m = new LinearRegression({ features: 3, engine });
    const o: FitOptions = { batchSize: 'full', shuffle: false, learningRate: 0.1, schedule: { type: 'exponential', gamma: 0.5 } };
    const lrs = [A, B, A].map((d) => m.partialFit(d.X, d.y, o).learningRate);
    expect(lrs).toEqual([[0.1], [0.1 * 0.5], [0.1 * 0.25]]); // 0.1 * 0.5^k, exact in float64
    // and the weights follow plain SGD with those rates
    const step = makeOptimizer({ name: 'sgd' }, 4);
    let p: number[] | undefined;
    [A, B, A].forEach((d, k) => {
      p = oracle({ kind: 'linear', X: d.X, y: d.y, epochs: 1, lr: 0.1 * 0.5 ** k, step, init: p }).params[0];
    });
    close(params(m), p!, stepTol(engine), 'after 3 calls');
    m.dispose();
  });

  it('keeps the position of a user-function schedule too', () => {
    // partialFit's doc: it "keeps the optimizer state and the schedule's position from earlier
    // partialFit calls". Passing the same function again must continue it: epoch 1 on call 2.
    const fn = (e: number) => 0.1 / (1 + e);
    const m = new LinearRegression({ features: 3, engine });
    const o: FitOptions = { batchSize: 'full', shuffle: false, learningRate: 0.1, schedule: fn };
    const lrs = [A, B].map((d) => m.partialFit(d.X, d.y, o).learningRate[0]);
    expect(lrs).toEqual([fn(0), fn(1)]);
    m.dispose();
  });

  it('rejects epochs (and the other multi-epoch options) without changing the model', () => {
    const m = new LinearRegression({ features: 3, engine, init: 'random' });
    const before = params(m);
    for (const key of ['epochs', 'restarts', 'validationFraction', 'earlyStopping', 'warmStart']) {
      const value = key === 'validationFraction' ? 0.2 : key === 'earlyStopping' || key === 'warmStart' ? true : 2;
      const err = thrown(() => m.partialFit(A.X, A.y, { [key]: value } as FitOptions));
      expect(err).toBeInstanceOf(ValidationError);
      expect(err.message).toContain(`partialFit does not take ${key}`);
    }
    expect(params(m)).toEqual(before);
    m.dispose();
  });
});
