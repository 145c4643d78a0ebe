// Model-based test: random sequences of API calls on several live models at once (create, fit,
// partialFit, fitAsync completed or aborted, predict, toJSON/fromJSON, dispose, bad input,
// callbacks that throw, calls from inside callbacks, forced memory growth, forced traps).
// After every step each model is checked against
//   - its shadow, kept in plain JS: the parameters it must hold now (a failed call must leave
//     them exactly as they were; a call on another model must not change them), and
//   - its twin, a model on the same engine that receives only the calls that succeeded, so
//     optimizer state and random streams must match too (same bits).
// When every model is disposed, the WASM memory in use is back to its baseline.
// Seeded (FC_SEED overrides); fast-check prints the failing sequence and its seed.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { EngineError, LinearRegression, LogisticRegression, ValidationError, type FitOptions } from '../../src/index.js';
import { ENGINES, runtimeOf, useReady, type TestEngine } from '../helpers/engines.js';
import { classification } from '../helpers/data.js';
import { paramsOf } from '../helpers/models.js';

useReady();

const FEATURES = 5;
const d = classification({ rows: 64, features: FEATURES, seed: 5 });
const SEED = Number(process.env.FC_SEED ?? 20261201);

type Model = LinearRegression | LogisticRegression;
interface Live {
  id: number;
  m: Model;
  twin: Model;
  shadow: Float64Array;
  engine: TestEngine;
}

interface World {
  live: Live[];
  next: number;
}

const make = (kind: 'linear' | 'logistic', engine: TestEngine, seed: number): Model =>
  kind === 'linear' ? new LinearRegression({ features: FEATURES, engine, seed }) : new LogisticRegression({ features: FEATURES, engine, seed });

const fitOptions = fc.record({
  epochs: fc.integer({ min: 1, max: 3 }),
  batchSize: fc.constantFrom(1, 7, 16, 'full' as const),
  learningRate: fc.constantFrom(0.01, 0.1),
  optimizer: fc.constantFrom('sgd' as const, 'adam' as const, { name: 'sgd' as const, momentum: 0.9 }),
  shuffle: fc.boolean(),
  l2: fc.constantFrom(0, 0.01),
});

type Op =
  | { op: 'create'; kind: 'linear' | 'logistic'; engine: TestEngine; seed: number }
  | { op: 'fit' | 'partialFit' | 'fitAsync' | 'reentrant'; at: number; opts: FitOptions }
  | { op: 'abortedAsync' | 'predict' | 'json' | 'dispose' | 'trap' | 'throwingCallback'; at: number }
  | { op: 'badInput'; at: number; row: number; col: number }
  | { op: 'grow'; engine: 'wasm-simd' | 'wasm-scalar'; mb: number };

const at = fc.nat(7);
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { arbitrary: fc.record({ op: fc.constant('create' as const), kind: fc.constantFrom('linear' as const, 'logistic' as const), engine: fc.constantFrom(...ENGINES), seed: fc.nat(99) }), weight: 3 },
  fc.record({ op: fc.constantFrom('fit' as const, 'partialFit' as const, 'fitAsync' as const, 'reentrant' as const), at, opts: fitOptions }),
  fc.record({ op: fc.constantFrom('abortedAsync' as const, 'predict' as const, 'json' as const, 'dispose' as const, 'trap' as const, 'throwingCallback' as const), at }),
  fc.record({ op: fc.constant('badInput' as const), at, row: fc.nat(63), col: fc.nat(FEATURES - 1) }),
  fc.record({ op: fc.constant('grow' as const), engine: fc.constantFrom('wasm-simd' as const, 'wasm-scalar' as const), mb: fc.integer({ min: 1, max: 24 }) }),
);

function expectError(f: () => unknown, type: new (...a: never[]) => Error): void {
  let err: unknown = null;
  try {
    f();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(type);
}

async function step(w: World, o: Op): Promise<void> {
  if (o.op === 'create') {
    if (w.live.length >= 4) return;
    const m = make(o.kind, o.engine, o.seed);
    w.live.push({ id: w.next++, m, twin: make(o.kind, o.engine, o.seed), shadow: paramsOf(m), engine: o.engine });
    return;
  }
  if (o.op === 'grow') {
    // Grow memory under every model: allocate a block bigger than what is free, then free it.
    const rt = runtimeOf(o.engine);
    rt.free(rt.alloc(o.mb << 20));
    return;
  }
  if (w.live.length === 0) return;
  const x = w.live[o.at % w.live.length];
  const { m, twin } = x;
  const y = d.y;
  switch (o.op) {
    case 'fit':
      m.fit(d.X, y, o.opts);
      twin.fit(d.X, y, o.opts);
      break;
    case 'partialFit': {
      const { epochs: _e, ...opts } = o.opts;
      m.partialFit(d.X, y, opts);
      twin.partialFit(d.X, y, opts);
      break;
    }
    case 'fitAsync':
      await m.fitAsync(d.X, y, { ...o.opts, yieldEveryMs: 0.01 });
      twin.fit(d.X, y, o.opts);
      break;
    case 'reentrant': {
      const other = w.live.find((v) => v !== x);
      m.fit(d.X, y, { ...o.opts, onEpochEnd: () => {
        other?.m.predict(d.X);
        m.predict(d.X);
        expect(() => m.fit(d.X, y)).toThrowError(/is in progress and this call came from its callback/);
      } });
      twin.fit(d.X, y, o.opts);
      break;
    }
    case 'abortedAsync': {
      const ac = new AbortController();
      ac.abort();
      await expect(m.fitAsync(d.X, y, { signal: ac.signal })).rejects.toThrow();
      break;
    }
    case 'predict':
      expect(m.predict(d.X)).toEqual(twin.predict(d.X));
      break;
    case 'json': {
      const Ctor = m instanceof LinearRegression ? LinearRegression : LogisticRegression;
      const back = Ctor.fromJSON(m.toJSON(), { engine: x.engine });
      expect(back.predict(d.X)).toEqual(m.predict(d.X));
      back.dispose();
      break;
    }
    case 'dispose':
      m.dispose();
      twin.dispose();
      w.live.splice(w.live.indexOf(x), 1);
      break;
    case 'trap':
      if (x.engine === 'js') return;
      runtimeOf(x.engine).trapNext();
      expectError(() => m.fit(d.X, y, { epochs: 1 }), EngineError);
      break;
    case 'throwingCallback':
      expectError(() => m.fit(d.X, y, { epochs: 3, onEpochEnd: (r) => {
        if (r.epoch === 2) throw new TypeError('user callback failed');
      } }), TypeError);
      break;
    case 'badInput': {
      const X = d.X.slice();
      X[o.row * FEATURES + o.col] = NaN;
      expect(() => m.fit(X, y)).toThrowError(new ValidationError(`X contains NaN at row ${o.row}, column ${o.col}`));
      expect(X[o.row * FEATURES + o.col]).toBeNaN(); // the caller's array is untouched
      break;
    }
  }
  if (o.op !== 'dispose' && !['trap', 'throwingCallback', 'badInput', 'abortedAsync', 'predict', 'json'].includes(o.op)) {
    x.shadow = paramsOf(m); // a successful training call: the new state is what must persist
  }
}

describe('model-based: random API call sequences on several live models', () => {
  it('every failed call leaves its model as it was, no model changes another, memory returns to baseline', async () => {
    const baseline = { simd: runtimeOf('wasm-simd').allocatedBytes, scalar: runtimeOf('wasm-scalar').allocatedBytes };
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 5, maxLength: 30 }), async (ops) => {
        const w: World = { live: [], next: 0 };
        try {
          for (const o of ops) {
            await step(w, o);
            for (const v of w.live) {
              const p = paramsOf(v.m);
              expect(p).toEqual(v.shadow);
              expect(p).toEqual(paramsOf(v.twin));
            }
          }
        } finally {
          for (const v of w.live) {
            v.m.dispose();
            v.twin.dispose();
          }
        }
        expect(runtimeOf('wasm-simd').allocatedBytes).toBe(baseline.simd);
        expect(runtimeOf('wasm-scalar').allocatedBytes).toBe(baseline.scalar);
      }),
      { seed: SEED, numRuns: 60 },
    );
  });
});
