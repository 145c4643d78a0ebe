// The public model API on every engine: predictions and metrics (checked against values
// computed here), copies not views, serialization, initialization, history, input forms,
// and that the caller's arrays are never touched.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DisposedError, LinearRegression, LogisticRegression, availableEngines, version } from '../../src/index.js';
import { bceLoss } from '../../src/reference/losses.js';
import { seedState, uniform } from '../../src/reference/random.js';
import { ENGINES, useReady } from '../helpers/engines.js';
import { classification, regression } from '../helpers/data.js';
import { makeModel, paramsOf, type ModelKind } from '../helpers/models.js';
import { expectClose, expectSame } from '../helpers/tolerance.js';

useReady();

const F = 5;
const reg = regression({ rows: 60, features: F, seed: 61, noise: 0.2 });
const cls = classification({ rows: 60, features: F, seed: 62, noise: 0.3 });
const dataOf = (kind: ModelKind) => (kind === 'linear' ? reg : cls);

/** w.x + b for every row, in float64, from the model's public weights and bias. */
function logits(weights: ArrayLike<number>, bias: number, X: ArrayLike<number>, rows: number): Float64Array {
  const z = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let s = bias;
    for (let j = 0; j < F; j++) s += weights[j] * X[r * F + j];
    z[r] = s;
  }
  return z;
}

const rows2d = (X: Float32Array, rows: number, f = F) => Array.from({ length: rows }, (_, r) => Array.from(X.subarray(r * f, (r + 1) * f)));

describe('engine selection', () => {
  it("'auto' resolves to 'wasm-simd' on this runtime (Node 20 has WebAssembly SIMD)", () => {
    const m = new LinearRegression({ features: 2 });
    expect(m.engine).toBe('wasm-simd');
    const m2 = new LogisticRegression({ features: 2, engine: 'auto' });
    expect(m2.engine).toBe('wasm-simd');
    expect(m.fit([[1, 2]], [3], { epochs: 1, batchSize: 'full' }).engine).toBe('wasm-simd');
    m.dispose();
    m2.dispose();
  });

  it('availableEngines lists all three, fastest first, after ready({ scalar: true })', () => {
    expect(availableEngines()).toEqual(['wasm-simd', 'wasm-scalar', 'js']);
  });
});

describe.each(ENGINES)('model API (%s)', (engine) => {
  const f32 = engine !== 'js';
  // Predictions: js computes w.x + b in float64; wasm in float32 over 5 terms of size <= ~2:
  // (n + 1) * 2^-24 * sum |w_j x_j| + rounding of the bias add <= 1e-6 absolute; 1e-12 for js
  // (float64 sums in a different order than here).
  const zTol = { abs: f32 ? 1e-6 : 1e-12 };

  describe('LinearRegression predict and evaluate', () => {
    let m: LinearRegression;
    let z: Float64Array;
    beforeAll(() => {
      m = makeModel('linear', engine, F, { init: 'random', seed: 3 }) as LinearRegression;
      m.fit(reg.X, reg.y, { epochs: 20, learningRate: 0.1, seed: 1 });
      z = logits(m.weights, m.bias, reg.X, reg.rows);
    });
    afterAll(() => m.dispose());

    it('predict returns a Float32Array of w.x + b, one per row', () => {
      const p = m.predict(reg.X);
      expect(p).toBeInstanceOf(Float32Array);
      expect(p.length).toBe(reg.rows);
      expectClose(p, z, { abs: zTol.abs + 1e-6 }, 'predict'); // + float32 rounding of the output (values <= 4)
      expect(m.predict(reg.X.subarray(0, F)).length).toBe(1);
    });

    it('evaluate returns loss = mse = mean squared error, mae and r2 = 1 - SSres/SStot, computed here', () => {
      const e = m.evaluate(reg.X, reg.y);
      expect(Object.keys(e).sort()).toEqual(['loss', 'mae', 'mse', 'r2']);
      let mean = 0;
      for (const v of reg.y) mean += v / reg.rows;
      let ssRes = 0;
      let ssTot = 0;
      let sAbs = 0;
      for (let i = 0; i < reg.rows; i++) {
        ssRes += (z[i] - reg.y[i]) ** 2;
        ssTot += (reg.y[i] - mean) ** 2;
        sAbs += Math.abs(z[i] - reg.y[i]);
      }
      // mae: a mean of residuals ~0.4 with zTol error each: relative error <= 1e-6 / 0.4 < 1e-5 for wasm.
      expectClose(e.mae, sAbs / reg.rows, { rel: f32 ? 1e-5 : 1e-12 }, 'mae');
      // mse is a mean of squares of residuals ~0.2 whose logits carry zTol error: relative
      // error <= 2 * 1e-6 / 0.2 ~ 1e-5 for wasm.
      expectClose(e.mse, ssRes / reg.rows, { rel: f32 ? 1e-5 : 1e-12 }, 'mse');
      expect(e.loss).toBe(e.mse);
      expectClose(e.r2, 1 - ssRes / ssTot, { abs: f32 ? 1e-5 : 1e-12 }, 'r2');
      expect(e.r2).toBeGreaterThan(0.5); // trained: explains most of the variance
    });

    it('r2 of constant targets: 1 when predicted exactly, else 0', () => {
      const c = makeModel('linear', engine, 1, { init: { weights: [0], bias: 3 } }) as LinearRegression;
      expect(c.evaluate([[1], [2], [5]], [3, 3, 3])).toEqual({ loss: 0, mse: 0, mae: 0, r2: 1 });
      expect(c.evaluate([[1], [2], [5]], [4, 4, 4])).toEqual({ loss: 1, mse: 1, mae: 1, r2: 0 });
      c.dispose();
    });
  });

  describe('LogisticRegression predict, predictProba and evaluate', () => {
    let m: LogisticRegression;
    let z: Float64Array;
    beforeAll(() => {
      m = makeModel('logistic', engine, F, { init: 'random', seed: 4 }) as LogisticRegression;
      m.fit(cls.X, cls.y, { epochs: 20, learningRate: 0.5, seed: 1 });
      z = logits(m.weights, m.bias, cls.X, cls.rows);
    });
    afterAll(() => m.dispose());

    it('predictProba returns sigmoid(w.x + b) in [0, 1]; predict returns 0/1 labels by the sign of the logit', () => {
      const p = m.predictProba(cls.X);
      const labels = m.predict(cls.X);
      expect(p).toBeInstanceOf(Float32Array);
      expect(labels).toBeInstanceOf(Float32Array);
      expect(p.length).toBe(cls.rows);
      expect(labels.length).toBe(cls.rows);
      // sigmoid' <= 1/4, so the logit error carries over at most a quarter, plus float32 output rounding.
      expectClose(p, z.map((v) => 1 / (1 + Math.exp(-v))), { abs: zTol.abs / 4 + 1e-7 }, 'predictProba');
      for (let i = 0; i < cls.rows; i++) {
        expect(p[i]).toBeGreaterThanOrEqual(0);
        expect(p[i]).toBeLessThanOrEqual(1);
        if (Math.abs(z[i]) > 1e-5) expect(labels[i], `row ${i}`).toBe(z[i] >= 0 ? 1 : 0);
      }
    });

    it('evaluate: loss is the mean reference BCE of the logits; accuracy the fraction predicted right', () => {
      const e = m.evaluate(cls.X, cls.y);
      expect(Object.keys(e).sort()).toEqual(['accuracy', 'loss']);
      const loss = z.reduce((s, v, i) => s + bceLoss(v, cls.y[i]), 0) / cls.rows;
      // d(bce)/dz = sigmoid - y is at most 1 in size: the loss error is at most the logit error.
      expectClose(e.loss, loss, { abs: zTol.abs }, 'loss');
      const pred = m.predict(cls.X);
      const right = pred.reduce((s, v, i) => s + (v === cls.y[i] ? 1 : 0), 0);
      expect(e.accuracy).toBe(right / cls.rows);
      expect(e.accuracy).toBeGreaterThan(0.8);
    });

    it('accepts Int32Array, Uint8Array, Float64Array and number[] labels alike', () => {
      const want = m.evaluate(cls.X, cls.y);
      for (const y of [Int32Array.from(cls.y), Uint8Array.from(cls.y), Float64Array.from(cls.y), Array.from(cls.y)]) {
        expect(m.evaluate(cls.X, y)).toEqual(want);
      }
    });
  });

  describe.each(['linear', 'logistic'] as const)('%s: parameters, serialization, init', (kind) => {
    const d = dataOf(kind);
    const trained = () => {
      const m = makeModel(kind, engine, F, { init: 'random', seed: 9 });
      m.fit(d.X, d.y, { epochs: 3, learningRate: 0.1, seed: 2 });
      return m;
    };

    it('weights and bias are copies: changing them does not change the model', () => {
      const m = trained();
      const w = m.weights;
      const keep = w.slice();
      expect(w).toBeInstanceOf(Float64Array);
      expect(w.length).toBe(F);
      expect(w.buffer.byteLength).toBe(F * 8); // not a view of a larger (WASM) buffer
      w.fill(99);
      expectSame(m.weights, keep, 'weights after mutating a copy');
      const json = m.toJSON();
      json.layers[0].weights[0] = 123;
      expectSame(m.weights, keep, 'weights after mutating toJSON output');
      const before = m.predict(d.X);
      expect(m.weights).not.toBe(m.weights); // a fresh copy each time
      expectSame(m.predict(d.X), before, 'predictions');
      m.dispose();
    });

    it('toJSON / fromJSON round-trips exactly (also through JSON text and into the other engines)', () => {
      const m = trained();
      const json = m.toJSON();
      expect(json).toEqual({
        format: 'steepest', version: 3, library: version, model: kind === 'linear' ? 'LinearRegression' : 'LogisticRegression',
        shape: { inputs: F, layers: [{ units: 1, activation: 'identity' }], head: kind === 'linear' ? 'mse' : 'sigmoid' },
        layers: [{ weights: Array.from(m.weights), bias: [m.bias] }],
        training: json.training, // the options of the last fit (checked in serialize.test.ts)
      });
      const Cls = kind === 'linear' ? LinearRegression : LogisticRegression;
      const back = Cls.fromJSON(JSON.parse(JSON.stringify(json)), { engine });
      expect(back.engine).toBe(engine);
      expectSame(paramsOf(back), paramsOf(m), 'params');
      expectSame(back.predict(d.X), m.predict(d.X), 'predict');
      if (kind === 'logistic') expectSame((back as LogisticRegression).predictProba(d.X), (m as LogisticRegression).predictProba(d.X), 'proba');
      for (const other of ENGINES) {
        // Into another engine: the parameters are float32-rounded by wasm; a wasm model's
        // parameters are float32 already, so they survive unchanged into any engine.
        const o = Cls.fromJSON(json, { engine: other });
        if (other === 'js' || engine !== 'js') expectSame(paramsOf(o), paramsOf(m), `params into ${other}`);
        else expectSame(paramsOf(o), paramsOf(m).map(Math.fround), `params into ${other}`);
        o.dispose();
      }
      back.dispose();
      m.dispose();
    });

    it('fromJSON rejects the other model kind and non-steepest objects', () => {
      const m = trained();
      const json = m.toJSON();
      const [other, Other] = kind === 'linear' ? ['LogisticRegression', LogisticRegression] as const : ['LinearRegression', LinearRegression] as const;
      expect(() => Other.fromJSON(json)).toThrow(`json holds a ${json.model}, not a ${other} (load it with ${json.model}.fromJSON or loadModel)`);
      expect(() => Other.fromJSON({ ...json, format: 'x' })).toThrow("json is not a steepest model (format 'x', version 3)");
      m.dispose();
    });

    it("init 'zeros' (the default) starts at w = 0, b = 0", () => {
      for (const init of ['zeros', undefined] as const) {
        const m = makeModel(kind, engine, F, init ? { init } : {});
        expectSame(paramsOf(m), new Float64Array(F + 1), `init ${init}`);
        m.dispose();
      }
    });

    it("init 'random' is seeded uniform(-1/sqrt(features), 1/sqrt(features)) from the shared PRNG", () => {
      const f = 9; // bound 1/3
      const a = paramsOf(makeModel(kind, engine, f, { init: 'random', seed: 5 }));
      const b = paramsOf(makeModel(kind, engine, f, { init: 'random', seed: 5 }));
      const c = paramsOf(makeModel(kind, engine, f, { init: 'random', seed: 6 }));
      expectSame(a, b, 'same seed');
      expect(Array.from(a)).not.toEqual(Array.from(c));
      for (const v of [...a, ...c]) expect(Math.abs(v)).toBeLessThanOrEqual(1 / 3);
      // (2u - 1) / sqrt(9) for the first 10 uniforms of seed 5 (weights, then bias), up to the
      // rounding of how the product is formed (1e-15 relative), and float32 rounding where the
      // engine stores float32 (2^-24 relative).
      const rng = seedState(5);
      const want = Float64Array.from({ length: f + 1 }, () => (2 * uniform(rng) - 1) / 3);
      expectClose(a, want, { rel: f32 ? 2 ** -24 : 1e-15 }, 'values');
      // Spread over the interval, not clumped at zero.
      expect(Math.max(...a) - Math.min(...a)).toBeGreaterThan(0.2);
    });

    it('explicit init sets the given weights and bias (bias defaults to 0)', () => {
      const m = makeModel(kind, engine, 3, { init: { weights: [0.5, -2, 0.25], bias: 1.5 } });
      expectSame(m.weights, [0.5, -2, 0.25], 'weights');
      expect(m.bias).toBe(1.5);
      const n = makeModel(kind, engine, 2, { init: { weights: Float32Array.from([1, 2]) } });
      expect(n.bias).toBe(0);
      m.dispose();
      n.dispose();
    });
  });

  describe('history', () => {
    it('has one record per epoch, the learning rate, times, and why it stopped', () => {
      const m = makeModel('linear', engine, F);
      const h = m.fit(reg.X, reg.y, { epochs: 4, batchSize: 16, learningRate: 0.05, seed: 1 });
      expect(h.engine).toBe(engine);
      expect(h.epochs.length).toBe(4);
      expect(h.epochs.map((e) => e.epoch)).toEqual([1, 2, 3, 4]);
      for (const [col, field] of [[h.loss, 'loss'], [h.gradNorm, 'gradNorm'], [h.learningRate, 'learningRate'], [h.timeMs, 'timeMs']] as const) {
        expect(col).toEqual(h.epochs.map((e) => e[field]));
      }
      expect(h.learningRate).toEqual([0.05, 0.05, 0.05, 0.05]);
      for (const e of h.epochs) {
        expect(e.timeMs).toBeGreaterThanOrEqual(0);
        expect(Number.isFinite(e.timeMs)).toBe(true);
        expect(e.paramChange).toBeGreaterThan(0);
        expect(e.gradNorm).toBeGreaterThan(0);
      }
      // Training on this well-posed problem lowers the loss every epoch.
      for (let i = 1; i < 4; i++) expect(h.loss[i]).toBeLessThan(h.loss[i - 1]);
      expect(h.stopReason).toEqual({ rule: 'maxEpochs', epoch: 4, message: 'reached epochs = 4' });
      m.dispose();
    });

    it('full batch: the first epoch\'s loss is the loss at the starting point (evaluate before fit)', () => {
      const m = makeModel('logistic', engine, F, { init: 'random', seed: 2 });
      const before = m.evaluate(cls.X, cls.y).loss;
      const h = m.fit(cls.X, cls.y, { epochs: 1, batchSize: 'full', learningRate: 0.1 });
      // Both are float32 sums over 60 rows for wasm (different summation order): 1e-6 relative.
      expectClose(h.loss[0], before, { rel: f32 ? 1e-6 : 1e-12 }, 'loss');
      m.dispose();
    });
  });

  describe('defaults', () => {
    it('batchSize defaults to 32, capped at the row count (FitOptions docs): 5 rows train as one batch', () => {
      const X = [[1, 0], [0, 1], [1, 1], [2, 1], [0, 3]];
      const y = [1, 2, 3, 4, 5];
      const a = makeModel('linear', engine, 2);
      const b = makeModel('linear', engine, 2);
      a.fit(X, y, { epochs: 3, learningRate: 0.05, shuffle: false });
      b.fit(X, y, { epochs: 3, learningRate: 0.05, shuffle: false, batchSize: 5 });
      expectSame(paramsOf(a), paramsOf(b), 'default batch vs 5');
      a.dispose();
      b.dispose();
    });

    it('batchSize defaults to 32 when there are more rows: 60 rows train in batches of 32 and 28', () => {
      const a = makeModel('linear', engine, F);
      const b = makeModel('linear', engine, F);
      const h = a.fit(reg.X, reg.y, { epochs: 2, learningRate: 0.05, seed: 3 });
      b.fit(reg.X, reg.y, { epochs: 2, learningRate: 0.05, seed: 3, batchSize: 32 });
      expectSame(paramsOf(a), paramsOf(b), 'default batch vs 32');
      expect(h.epochs.length).toBe(2);
      a.dispose();
      b.dispose();
    });
  });

  describe('training state across fits', () => {
    it('a second fit continues from the first (weights and random stream): 2 x 2 epochs = 4 epochs', () => {
      const a = makeModel('linear', engine, F);
      a.fit(reg.X, reg.y, { epochs: 2, batchSize: 8, learningRate: 0.05, seed: 12 });
      a.fit(reg.X, reg.y, { epochs: 2, batchSize: 8, learningRate: 0.05 });
      const b = makeModel('linear', engine, F);
      b.fit(reg.X, reg.y, { epochs: 4, batchSize: 8, learningRate: 0.05, seed: 12 });
      expectSame(paramsOf(a), paramsOf(b), 'params');
      a.dispose();
      b.dispose();
    });

    it('the model seed seeds the shuffle stream when fit gives none', () => {
      const a = makeModel('linear', engine, F, { seed: 33 });
      a.fit(reg.X, reg.y, { epochs: 2, batchSize: 8, learningRate: 0.05 });
      const b = makeModel('linear', engine, F);
      b.fit(reg.X, reg.y, { epochs: 2, batchSize: 8, learningRate: 0.05, seed: 33 });
      const c = makeModel('linear', engine, F);
      c.fit(reg.X, reg.y, { epochs: 2, batchSize: 8, learningRate: 0.05, seed: 34 });
      expectSame(paramsOf(a), paramsOf(b), 'model seed 33 vs fit seed 33');
      expect(Array.from(paramsOf(a))).not.toEqual(Array.from(paramsOf(c)));
      for (const m of [a, b, c]) m.dispose();
    });
  });

  describe('input forms', () => {
    const fitWith = (X: Float32Array | Float64Array | number[][] | Float32Array[], y: ArrayLike<number>) => {
      const m = makeModel('linear', engine, F);
      m.fit(X as Float32Array, y as Float32Array, { epochs: 2, batchSize: 7, learningRate: 0.05, seed: 4 });
      const p = paramsOf(m);
      m.dispose();
      return p;
    };

    it('X as number[][] (or rows of Float32Array), flat Float32Array and flat Float64Array give identical results', () => {
      const base = fitWith(reg.X, reg.y);
      expectSame(fitWith(Float64Array.from(reg.X), reg.y), base, 'Float64Array');
      expectSame(fitWith(rows2d(reg.X, reg.rows), reg.y), base, 'number[][]');
      expectSame(fitWith(Array.from({ length: reg.rows }, (_, r) => reg.X.slice(r * F, (r + 1) * F)), reg.y), base, 'Float32Array rows');
      expectSame(fitWith(reg.X, Array.from(reg.y)), base, 'y as number[]');
      expectSame(fitWith(reg.X, Float64Array.from(reg.y)), base, 'y as Float64Array');
    });

    it('subarray views with a non-zero byteOffset are read correctly (fit, predict, evaluate)', () => {
      const base = fitWith(reg.X, reg.y);
      // Embed X and y in the middle of larger buffers filled with junk.
      const bigX = new Float32Array(reg.X.length + 3 * F + 2).fill(1e6);
      bigX.set(reg.X, 2 * F + 1);
      const viewX = bigX.subarray(2 * F + 1, 2 * F + 1 + reg.X.length);
      expect(viewX.byteOffset).toBeGreaterThan(0);
      const bigY = new Float64Array(reg.rows + 9).fill(-1e6);
      bigY.set(reg.y, 5);
      const viewY = bigY.subarray(5, 5 + reg.rows);
      expectSame(fitWith(viewX, viewY), base, 'Float32Array/Float64Array subarrays');
      const bigX64 = new Float64Array(reg.X.length + 4).fill(7e5);
      bigX64.set(reg.X, 3);
      expectSame(fitWith(bigX64.subarray(3, 3 + reg.X.length), reg.y), base, 'Float64Array subarray');

      const m = makeModel('logistic', engine, F, { init: 'random', seed: 1 }) as LogisticRegression;
      const labels = new Uint8Array(cls.rows + 6);
      labels.set(cls.y, 6);
      const bigC = new Float32Array(cls.X.length + 8).fill(3e5);
      bigC.set(cls.X, 8);
      const cx = bigC.subarray(8);
      const cy = labels.subarray(6);
      expectSame(m.predictProba(cx), m.predictProba(cls.X), 'predictProba on a subarray');
      expect(m.evaluate(cx, cy)).toEqual(m.evaluate(cls.X, cls.y));
      const i32 = new Int32Array(cls.rows + 2);
      i32.set(cls.y, 2);
      expect(m.evaluate(cx, i32.subarray(2))).toEqual(m.evaluate(cls.X, cls.y));
      m.dispose();
    });

    it("the caller's arrays are never modified (fit with and without shuffle, predict, evaluate)", () => {
      const X = reg.X.slice();
      const X64 = Float64Array.from(reg.X);
      const X2 = rows2d(reg.X, reg.rows);
      const y = reg.y.slice();
      const yArr = Array.from(reg.y);
      const copies = [X.slice(), X64.slice(), JSON.stringify(X2), y.slice(), [...yArr]] as const;
      const m = makeModel('linear', engine, F) as LinearRegression;
      m.fit(X, y, { epochs: 3, batchSize: 4, learningRate: 0.05, shuffle: true, seed: 1 });
      m.fit(X64, yArr, { epochs: 2, batchSize: 'full', learningRate: 0.05, shuffle: false });
      m.fit(X2, y, { epochs: 2, batchSize: 3, learningRate: 0.05 });
      m.predict(X);
      m.predict(X2);
      m.evaluate(X64, yArr);
      const c = makeModel('logistic', engine, F) as LogisticRegression;
      const labels = Uint8Array.from(cls.y);
      const keepLabels = labels.slice();
      const cX = cls.X.slice();
      c.fit(cX, labels, { epochs: 2, learningRate: 0.1 });
      c.predictProba(cX);
      c.evaluate(cX, labels);
      expectSame(X, copies[0], 'X Float32Array');
      expectSame(X64, copies[1], 'X Float64Array');
      expect(JSON.stringify(X2)).toBe(copies[2]);
      expectSame(y, copies[3], 'y Float32Array');
      expect(yArr).toEqual(copies[4]);
      expectSame(labels, keepLabels, 'labels Uint8Array');
      expectSame(cX, cls.X, 'classification X');
      m.dispose();
      c.dispose();
    });
  });

  describe('dispose', () => {
    it('is idempotent; every later use throws DisposedError with its message', () => {
      for (const kind of ['linear', 'logistic'] as const) {
        const m = makeModel(kind, engine, 2);
        const name = kind === 'linear' ? 'LinearRegression' : 'LogisticRegression';
        expect(m.disposed).toBe(false);
        m.dispose();
        m.dispose();
        expect(m.disposed).toBe(true);
        const message = `this ${name} was disposed; create a new model`;
        const uses: (() => unknown)[] = [
          () => m.weights, () => m.bias, () => m.toJSON(), () => m.predict([[1, 2]]),
          () => m.evaluate([[1, 2]], [1]), () => m.fit([[1, 2]], [1], { epochs: 1 }),
        ];
        if (m instanceof LogisticRegression) uses.push(() => m.predictProba([[1, 2]]));
        for (const use of uses) {
          let err: unknown;
          try {
            use();
          } catch (e) {
            err = e;
          }
          expect(err).toBeInstanceOf(DisposedError);
          expect((err as Error).message).toBe(message);
          expect((err as Error).name).toBe('DisposedError');
        }
      }
    });
  });
});
