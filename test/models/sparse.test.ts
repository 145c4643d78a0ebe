// CSR input (src/data/csr.ts) in every model type and engine: a CSR matrix trains, predicts and
// evaluates as the equal dense matrix does (same seed: same permutation, same batches), and
// the three engines agree on it. The one-output plain-SGD path (assembly/sparseLinear.ts) keeps
// w = s v and a cumulative L1 penalty; its L1 is checked against a trajectory written here from
// Tsuruoka, Tsujii and Ananiadou's definition (every weight penalized every step).
import { describe, expect, it } from 'vitest';
import { LinearRegression, LogisticRegression, MLP, SoftmaxRegression, ValidationError } from '../../src/index.js';
import type { CSR } from '../../src/data/csr.js';
import { ENGINES, useReady, type TestEngine } from '../helpers/engines.js';
import { seedState, uniform } from '../../src/reference/random.js';
import { expectClose, expectSame, maxAbs } from '../helpers/tolerance.js';

useReady();

interface Sparse {
  csr: CSR;
  dense: Float32Array;
  y: Float32Array;
  labels: Int32Array;
}

/**
 * rows x cols with about density of the cells stored, values uniform(-1, 1) rounded to float32;
 * with messy, each row's entries are stored in reverse column order and one entry of every
 * third row is split into two stored halves (repeated index), which add (the dense twin holds the sum).
 */
function sparseData(rows: number, cols: number, density: number, seed: number, messy = false): Sparse {
  const rng = seedState(seed);
  const dense = new Float32Array(rows * cols);
  const indptr = new Int32Array(rows + 1);
  const idx: number[] = [];
  const vals: number[] = [];
  const y = new Float32Array(rows);
  const labels = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    const row: [number, number][] = [];
    for (let c = 0; c < cols; c++) {
      if (uniform(rng) < density) row.push([c, Math.fround(2 * uniform(rng) - 1)]);
    }
    if (messy) row.reverse();
    let z = 0.2;
    for (const [c, v] of row) {
      if (messy && r % 3 === 0 && row.length > 0 && c === row[0][0]) {
        // v/2 + v/2 is v exactly (a halving is exact in float32), so the dense twin holds v.
        idx.push(c, c);
        vals.push(v / 2, v / 2);
      } else {
        idx.push(c);
        vals.push(v);
      }
      dense[r * cols + c] = v;
      z += v * ((c % 5) - 2) * 0.5;
    }
    indptr[r + 1] = idx.length;
    y[r] = z + 0.1 * (2 * uniform(rng) - 1);
    labels[r] = z > 0.5 ? 2 : z > -0.3 ? 1 : 0;
  }
  return { csr: { shape: [rows, cols], indptr, indices: Int32Array.from(idx), data: Float32Array.from(vals) }, dense, y, labels };
}

const ROWS = 200;
const COLS = 37; // not a multiple of 4: the padded parameter tail is exercised
const DATA = sparseData(ROWS, COLS, 0.15, 11, true);
const binary = Float32Array.from(DATA.labels, (k) => (k === 2 ? 1 : 0));

type Kind = 'linear' | 'logistic' | 'softmax' | 'mlp';
const KINDS: readonly Kind[] = ['linear', 'logistic', 'softmax', 'mlp'];

function make(kind: Kind, engine: TestEngine) {
  if (kind === 'linear') return new LinearRegression({ features: COLS, engine });
  if (kind === 'logistic') return new LogisticRegression({ features: COLS, engine });
  if (kind === 'softmax') return new SoftmaxRegression({ features: COLS, classes: 3, engine });
  return new MLP({ inputs: COLS, hidden: [5], outputs: 3, engine, seed: 4 });
}
const targetsOf = (kind: Kind) => (kind === 'linear' ? DATA.y : kind === 'logistic' ? binary : DATA.labels);

/** Every parameter of a model, flat. */
function paramsOf(m: ReturnType<typeof make>): number[] {
  if (m instanceof MLP) return m.layers.flatMap((l) => [...l.weights, ...l.bias]);
  return [...Array.from(m.weights as ArrayLike<number>), ...(typeof m.bias === 'number' ? [m.bias] : Array.from(m.bias as ArrayLike<number>))];
}

// The optimizer cases: plain SGD (the lazy O(non-zeros) path for one output) with L2, at batch 1
// and 16; stateful optimizers (the network step with a sparse first layer: O(params) per step).
const OPTIMIZERS = [
  { name: 'sgd, l2, batch 16', fit: { optimizer: 'sgd', l2: 0.01, batchSize: 16 } },
  { name: 'sgd, l2, batch 1', fit: { optimizer: 'sgd', l2: 0.05, batchSize: 1 } },
  { name: 'sgd with momentum', fit: { optimizer: { name: 'sgd', momentum: 0.9 }, batchSize: 8 } },
  { name: 'adam, l2', fit: { optimizer: 'adam', l2: 0.01, batchSize: 8 } },
] as const;

function train(kind: Kind, engine: TestEngine, X: CSR | Float32Array, fit: object, epochs: number) {
  const m = make(kind, engine);
  try {
    const history = m.fit(X as Float32Array, targetsOf(kind) as Float32Array, { epochs, learningRate: 0.1, seed: 5, ...fit });
    return { params: paramsOf(m), history, z: Array.from(m instanceof LinearRegression ? m.predict(X as Float32Array) : m.predictProba(X as Float32Array)) };
  } finally {
    m.dispose();
  }
}

// Tolerances, relative to max |param| (at least 0.1). js computes in float64: sparse and dense
// differ only in the order of the sums (and, on the lazy path, in w = s v), ~1e-15 per step, so
// 1e-10 after 3 epochs (600 steps) is loose. The WASM engines round to float32 (2^-24 ~ 6e-8)
// at every step in both forms, differently placed (the dense kernels sum four lanes; the lazy
// path divides by s): the random-walk bound of test/models/equivalence.test.ts, sqrt(600) * 4 *
// 6e-8 ~ 6e-6, so 5e-5; measured at most 5e-7. A permuted row, a dropped duplicate or a missing
// L2 shrink changes the parameters by 1e-2 or more at these learning rates.
const TOL: Record<TestEngine, number> = { js: 1e-10, 'wasm-simd': 5e-5, 'wasm-scalar': 5e-5 };

describe.each(ENGINES)('CSR input (%s)', (engine) => {
  for (const kind of KINDS) {
    for (const o of OPTIMIZERS) {
      it(`${kind}, ${o.name}: CSR trains to the weights and outputs of the equal dense matrix`, () => {
        const dense = train(kind, engine, DATA.dense, o.fit, 3);
        const sparse = train(kind, engine, DATA.csr, o.fit, 3);
        const scale = maxAbs(dense.params, 0.1);
        expectClose(sparse.params, dense.params, { abs: TOL[engine] * scale }, `${kind} params`);
        expectClose(sparse.z, dense.z, { abs: TOL[engine] * 10 * scale }, `${kind} outputs`);
        expectClose(sparse.history.loss, dense.history.loss, { rel: TOL[engine] * 10 }, `${kind} loss per epoch`);
        expect(sparse.history.gradNorm.every((g, i) => Math.abs(g - dense.history.gradNorm[i]) <= 1e-4 * Math.max(g, 1e-3))).toBe(true);
      });
    }
  }

  it('validationFraction and validationData take CSR rows as they take dense ones', () => {
    for (const opts of [{ validationFraction: 0.25 }, { validationData: { X: DATA.csr, y: binary } }]) {
      const dense = train('logistic', engine, DATA.dense, { ...opts, validationData: 'validationData' in opts ? { X: DATA.dense, y: binary } : undefined }, 2);
      const sparse = train('logistic', engine, DATA.csr, opts, 2);
      expectClose(sparse.history.valLoss!, dense.history.valLoss!, { rel: TOL[engine] * 10 }, 'validation loss');
      expectClose(sparse.params, dense.params, { abs: TOL[engine] }, 'params');
    }
  });

  it('partialFit, fitAsync and evaluate take CSR', async () => {
    const a = make('softmax', engine);
    const b = make('softmax', engine);
    try {
      a.partialFit(DATA.dense, DATA.labels, { learningRate: 0.2, seed: 1 });
      b.partialFit(DATA.csr, DATA.labels, { learningRate: 0.2, seed: 1 });
      await a.fitAsync(DATA.dense, DATA.labels, { epochs: 2, seed: 2 });
      await b.fitAsync(DATA.csr, DATA.labels, { epochs: 2, seed: 2 });
      expectClose(paramsOf(b), paramsOf(a), { abs: TOL[engine] }, 'params');
      const ea = a.evaluate(DATA.dense, DATA.labels) as { loss: number; accuracy: number };
      const eb = b.evaluate(DATA.csr, DATA.labels) as { loss: number; accuracy: number };
      expect(eb.accuracy).toBe(ea.accuracy);
      expectClose(eb.loss, ea.loss, { rel: TOL[engine] * 10 }, 'evaluate loss');
      expectSame(b.predict(DATA.csr) as ArrayLike<number>, a.predict(DATA.dense) as ArrayLike<number>, 'labels');
    } finally {
      a.dispose();
      b.dispose();
    }
  });

  it('shuffled epochs with row weights and two targets per row: CSR follows the dense rows', () => {
    // WASM copies shuffled CSR rows in visit order each epoch (arrangeSparse), with their row
    // weights and targets: a row weight or target moved to another row's place, or a second
    // target value dropped, changes the parameters by far more than TOL (checked below against
    // the unweighted run, which must differ).
    const sw = Float32Array.from({ length: ROWS }, (_, r) => 0.25 + (r % 7) / 4);
    const y2 = Float32Array.from({ length: ROWS * 2 }, (_, i) => (i % 2 ? DATA.y[i >> 1] : -0.5 * DATA.y[i >> 1]));
    const cases = [
      { name: 'logistic, batch 1', make: () => new LogisticRegression({ features: COLS, engine }), y: binary, fit: { optimizer: 'sgd', l2: 0.05, batchSize: 1 } },
      { name: 'mlp, 2 outputs', make: () => new MLP({ inputs: COLS, hidden: [4], outputs: 2, head: 'mse', engine, seed: 3 }), y: y2, fit: { optimizer: 'adam', batchSize: 8 } },
    ] as const;
    for (const c of cases) {
      const run = (X: CSR | Float32Array, weights: Float32Array | undefined) => {
        const m = c.make();
        try {
          m.fit(X as Float32Array, c.y, { epochs: 3, learningRate: 0.1, seed: 9, shuffle: true, sampleWeight: weights, ...c.fit });
          return paramsOf(m as ReturnType<typeof make>);
        } finally {
          m.dispose();
        }
      };
      const dense = run(DATA.dense, sw);
      const sparse = run(DATA.csr, sw);
      const tol = TOL[engine] * maxAbs(dense, 0.1);
      expectClose(sparse, dense, { abs: tol }, `${c.name} params`);
      expect(Math.max(...run(DATA.csr, undefined).map((v, i) => Math.abs(v - sparse[i])))).toBeGreaterThan(100 * tol);
    }
  });

  it('repeated indices in a row add (as SciPy sums duplicates); unsorted ones are read as they lie', () => {
    // Small integers: exact in any order. Row 0 stores column 1 as 2 + 3 (= 5), row 1 its columns backwards.
    const csr: CSR = { shape: [2, 3], indptr: new Int32Array([0, 3, 5]), indices: new Uint32Array([1, 0, 1, 2, 0]), data: new Float64Array([2, 1, 3, 4, 6]) };
    const dense = new Float32Array([1, 5, 0, 6, 0, 4]);
    const m = new LinearRegression({ features: 3, engine, init: { weights: [1, 2, 4], bias: 0.5 } });
    try {
      expectSame(m.predict(csr), [1 + 10 + 0.5, 6 + 16 + 0.5], 'predict');
      expectSame(m.predict(csr), m.predict(dense), 'predict vs dense');
    } finally {
      m.dispose();
    }
  });

  it('batch 1: repeated indices side by side step the weight twice, in order, as the summed dense row does', () => {
    // The per-sample step takes stored values two at a time (assembly/sparseLinear.ts stepRow):
    // row 0 repeats column 1 in its first pair and has an odd tail, row 1 repeats column 2 in its
    // second pair. Small integers and a learning rate of 1/8: every step is exact, so the
    // sparse and dense runs must agree bit for bit (a pair that read the weight before the first
    // half's store loses that half's step: column 1 ends at -4, not -8; checked once by hand).
    const csr: CSR = { shape: [2, 3], indptr: new Int32Array([0, 3, 7]), indices: new Int32Array([1, 1, 0, 2, 0, 2, 2]), data: new Float32Array([2, 3, 1, 1, 1, 1, 2]) };
    const dense = new Float32Array([1, 5, 0, 1, 0, 4]);
    const fit = { epochs: 1, batchSize: 1, learningRate: 0.125, shuffle: false } as const;
    const run = (X: CSR | Float32Array) => {
      const m = new LinearRegression({ features: 3, engine, init: { weights: [1, 2, 4], bias: 0 } });
      try {
        m.fit(X as Float32Array, [3, 1], fit);
        return [...m.weights, m.bias];
      } finally {
        m.dispose();
      }
    };
    const want = run(dense);
    expectSame(run(csr), want, 'params');
    expect(want.slice(0, 3)).not.toEqual([1, 2, 4]); // the rows stepped every weight
  });

  it("never modifies the caller's arrays", () => {
    const copy = { indptr: DATA.csr.indptr.slice(), indices: DATA.csr.indices.slice(), data: DATA.csr.data.slice() };
    train('logistic', engine, DATA.csr, { l1: 0.01, l2: 0.01 }, 1);
    expectSame(DATA.csr.indptr, copy.indptr, 'indptr');
    expectSame(DATA.csr.indices, copy.indices, 'indices');
    expectSame(DATA.csr.data, copy.data, 'data');
  });

  describe('bad CSR input is a ValidationError naming the row and the value; the model is unchanged', () => {
    const base = () => ({ shape: [3, 4] as [number, number], indptr: new Int32Array([0, 2, 3, 5]), indices: new Int32Array([0, 3, 1, 2, 0]), data: new Float64Array([1, 2, 3, 4, 5]) });
    const cases: [string, (c: ReturnType<typeof base>) => unknown, string][] = [
      ['indptr decreasing', (c) => { c.indptr[2] = 1; c.indptr[1] = 4; return c; }, 'X.indptr decreases at row 1: indptr[1] = 4, indptr[2] = 1'],
      ['indptr not ending at nnz', (c) => ({ ...c, indptr: new Int32Array([0, 2, 3, 4]) }), 'X.indptr ends at 4, but there are 5 stored values (data.length)'],
      ['index out of range', (c) => { c.indices[3] = 4; return c; }, 'X has column index 4 at row 2 (indices[3]), outside 0..3'],
      ['negative index', (c) => { c.indices[2] = -1; return c; }, 'X has column index -1 at row 1 (indices[2]), outside 0..3'],
      ['NaN', (c) => { c.data[4] = NaN; return c; }, 'X contains NaN at row 2, column 0'],
      ['too large for float32', (c) => { c.data[1] = 1e39; return c; }, 'X value 1e+39 at row 0, column 3 is too large for float32 (largest magnitude is 3.4028234663852886e+38)'],
      ['columns other than features', (c) => ({ ...c, shape: [3, 5] }), 'X has 5 columns (shape [3, 5]), expected features (4)'],
    ];
    for (const [name, spoil, message] of cases) {
      it(name, () => {
        const m = new LogisticRegression({ features: 4, engine, init: { weights: [0.5, -1, 2, 0.25], bias: 0.125 } });
        try {
          const before = paramsOf(m);
          const good = base();
          m.fit(good, [1, 0, 1], { epochs: 1 }); // warms the kept blocks, so a bad call would overwrite them
          const trained = paramsOf(m);
          expect(trained).not.toEqual(before);
          const X = spoil(base()) as CSR;
          for (const call of [() => m.fit(X, [1, 0, 1]), () => m.predict(X), () => m.evaluate(X, [1, 0, 1]),
            () => m.fit(good, [1, 0, 1], { validationData: { X, y: [1, 0, 1] } })]) {
            let err: unknown;
            try {
              call();
            } catch (e) {
              err = e;
            }
            expect(err).toBeInstanceOf(ValidationError);
            expect((err as Error).message).toBe(message.replace(/^X/, (err as Error).message.startsWith('validationData') ? 'validationData.X' : 'X'));
            expectSame(paramsOf(m), trained, 'params after the failed call');
          }
          // Still trains after the failures (the blocks a failed copy used were marked empty or freed).
          expect(() => m.fit(good, [1, 0, 1], { epochs: 1 })).not.toThrow();
        } finally {
          m.dispose();
        }
      });
    }
  });
});

describe('CSR input: the engines agree', () => {
  for (const kind of KINDS) {
    it(`${kind}: wasm-simd and wasm-scalar follow js on CSR (plain SGD with L1 and L2, and Adam)`, () => {
      for (const fit of [{ optimizer: 'sgd', l1: 0.002, l2: 0.01, batchSize: 4 }, { optimizer: 'adam', l1: 0.002, batchSize: 8 }]) {
        const want = train(kind, 'js', DATA.csr, fit, 3).params;
        for (const engine of ['wasm-simd', 'wasm-scalar'] as const) {
          expectClose(train(kind, engine, DATA.csr, fit, 3).params, want, { abs: TOL[engine] * maxAbs(want, 0.1) }, `${engine} ${kind}`);
        }
      }
    });
  }
});

describe.each(ENGINES)('plain SGD with L1 on CSR: the cumulative penalty (%s)', (engine) => {
  it("matches Tsuruoka et al.'s cumulative penalty applied to every weight at every step", () => {
    // Written from the paper's definition (and scikit-learn's l1penalty), independently of the
    // lazy code: logistic loss, batch 1, rows in storage order, no L2. After each step every
    // weight moves toward zero by u - q_j (u: the total penalty lr * l1 so far, q_j: what it
    // has had), clipped at zero. The lazy path applies the same moves only when a row touches
    // the weight and at the end of the call: the same result, since an untouched weight moves
    // monotonically toward zero by the same total.
    const lr = 0.3;
    const l1 = 0.01;
    const w = new Float64Array(COLS);
    const q = new Float64Array(COLS);
    let b = 0;
    let u = 0;
    const { indptr, indices, data } = DATA.csr;
    for (let epoch = 0; epoch < 2; epoch++) {
      for (let r = 0; r < ROWS; r++) {
        let z = b;
        for (let k = indptr[r]; k < indptr[r + 1]; k++) z += w[indices[k]] * data[k];
        const d = 1 / (1 + Math.exp(-z)) - binary[r];
        for (let k = indptr[r]; k < indptr[r + 1]; k++) w[indices[k]] -= lr * d * data[k];
        b -= lr * d;
        u += lr * l1;
        for (let j = 0; j < COLS; j++) {
          const old = w[j];
          if (old > 0) w[j] = Math.max(0, old - (u + q[j]));
          else if (old < 0) w[j] = Math.min(0, old + (u - q[j]));
          q[j] += w[j] - old;
        }
      }
    }
    const m = new LogisticRegression({ features: COLS, engine });
    try {
      m.fit(DATA.csr, binary, { epochs: 2, batchSize: 1, learningRate: lr, l1, shuffle: false });
      const want = [...w, b];
      // js keeps u (the cumulative penalty, here up to 2 * 200 * lr * l1 = 1.2) as float32 between
      // calls (one per epoch), as WASM does: a rounding of 2^-24 * 1.2 ~ 7e-8 that every clipped
      // weight carries, so 1e-6 for js; the WASM engines' float32 tolerance as above.
      const tol = engine === 'js' ? 1e-6 : TOL[engine];
      expectClose(paramsOf(m), want, { abs: tol * maxAbs(want, 0.1) }, 'weights');
      expect(w.filter((x) => x === 0).length).toBeGreaterThan(0); // the case exercises the clip at zero
    } finally {
      m.dispose();
    }
  });
});
