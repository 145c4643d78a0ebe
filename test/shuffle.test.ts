// The per-epoch shuffle (src/reference/shuffle.ts and its WASM twin assembly/shuffle.ts):
// the WASM primitives (both builds) against the reference ones, the epoch pipeline the
// engines run (src/engines/arrangement.ts: plan, scatter, permute, swap), permutation and
// data-integrity properties, uniformity of the visit order, and what the models do with it.
import { afterEach, describe, expect, it } from 'vitest';
import { below, seedState, type RngState } from '../src/reference/random.js';
import { permuteBuckets, planScatter, scatterRows } from '../src/reference/shuffle.js';
import { BUCKET_BYTES, bucketCount } from '../src/engines/shape.js';
import { BUILDS, ENGINES, runtime, useReady } from './helpers/engines.js';
import { Scratch } from './helpers/wasm.js';
import { expectClose, expectSame } from './helpers/tolerance.js';
import { chiSquare999, chiSquareUniform, permutations } from './helpers/stats.js';
import { regression } from './helpers/data.js';
import { makeModel } from './helpers/models.js';
import { MLP } from '../src/index.js';
import type { WasmRuntime } from '../src/wasm/runtime.js';
import { DATA_BYTES, writeDataBlock } from '../src/wasm/dataBlock.js';

useReady();

/** Rows with their targets and (optional) sample weights: what the shuffle moves. */
interface Rows {
  X: Float32Array;
  y: Float32Array;
  sw: Float32Array | null;
}

/** X[i, c] = i * cols + c, y[i] = i and sw[i] = i + 0.5: every value says which row it came from. */
function labelled(rows: number, cols: number, weights = true): Rows {
  return {
    X: Float32Array.from({ length: rows * cols }, (_, k) => k), // < 2^24: exact in float32
    y: Float32Array.from({ length: rows }, (_, i) => i),
    sw: weights ? Float32Array.from({ length: rows }, (_, i) => i + 0.5) : null,
  };
}
const copyRows = (r: Rows): Rows => ({ X: r.X.slice(), y: r.y.slice(), sw: r.sw ? r.sw.slice() : null });

// ---------------------------------------------------------------------------------------
// One interface over the three shuffle primitives, for the reference and for a WASM build,
// so the same checks and the same epoch pipeline run on both.

/** The shuffle's buffers and primitives for one engine. Arrays read back are copies. */
interface ShuffleOps {
  /** Draws the bucket of each position into ids; sets next starts (buckets + 1) and cursors. */
  plan(): void;
  /** Copies rows at positions from..to of the current data (row order[p], or p) into their bucket of the next data. */
  scatter(useOrder: boolean, from: number, to: number): void;
  /** Writes the visit order: a Fisher-Yates order inside each bucket of the current data. */
  permute(): void;
  /** Makes the next data (and its starts) current. */
  swap(): void;
  read(): { ids: Uint32Array; starts: Uint32Array; nextStarts: Uint32Array; cursors: Uint32Array; order: Uint32Array; cur: Rows; next: Rows; state: Uint32Array };
}

function referenceOps(rng: RngState, data: Rows, rows: number, cols: number, buckets: number): ShuffleOps {
  const width = data.y.length / rows; // targets per row
  let cur: Rows = copyRows(data);
  let next: Rows = { X: new Float32Array(rows * cols), y: new Float32Array(rows * width), sw: data.sw ? new Float32Array(rows) : null };
  const ids = new Uint32Array(rows);
  let starts = Uint32Array.from({ length: buckets + 1 }, (_, b) => (b === buckets ? rows : 0));
  let nextStarts = new Uint32Array(buckets + 1);
  const cursors = new Uint32Array(buckets);
  const order = new Uint32Array(rows);
  return {
    plan: () => planScatter(rng, ids, nextStarts, cursors, rows, buckets),
    scatter: (useOrder, from, to) => scatterRows(cur, useOrder ? order : null, ids, cursors, next, from, to, cols, width),
    permute: () => permuteBuckets(rng, order, starts, buckets),
    swap: () => {
      [cur, next] = [next, cur];
      [starts, nextStarts] = [nextStarts, starts];
    },
    read: () => ({
      ids: ids.slice(), starts: starts.slice(), nextStarts: nextStarts.slice(), cursors: cursors.slice(), order: order.slice(),
      cur: copyRows(cur), next: copyRows(next), state: rng.slice(),
    }),
  };
}

function wasmOps(mem: Scratch, rng: RngState, data: Rows, rows: number, cols: number, buckets: number): ShuffleOps {
  const ex = mem.rt.exports;
  const statePtr = mem.u32(rng);
  // sw pointer 0 means "no sample weights", as in the engines.
  let cur = { X: mem.f32(data.X), y: mem.f32(data.y), sw: data.sw ? mem.f32(data.sw) : 0 };
  let next = { X: mem.f32(new Float32Array(rows * cols)), y: mem.f32(new Float32Array(rows)), sw: data.sw ? mem.f32(new Float32Array(rows)) : 0 };
  const ids = mem.bytes(rows * 4);
  let starts = mem.u32(Uint32Array.from({ length: buckets + 1 }, (_, b) => (b === buckets ? rows : 0)));
  let nextStarts = mem.bytes((buckets + 1) * 4);
  const cursors = mem.bytes(buckets * 4);
  const order = mem.bytes(rows * 4);
  // The data descriptor of the current buffers, written before each call (as the engine does).
  const dataPtr = mem.bytes(DATA_BYTES);
  const describe = (useOrder = true) => {
    writeDataBlock(mem.rt, dataPtr, {
      rows, cols, width: 1, xPtr: cur.X, yPtr: cur.y, swPtr: cur.sw, orderPtr: useOrder ? order : 0, buckets,
      startsPtr: starts, nextStartsPtr: nextStarts, idsPtr: ids, cursorsPtr: cursors, nextXPtr: next.X, nextYPtr: next.y,
      nextSwPtr: next.sw,
    });
    return dataPtr;
  };
  return {
    plan: () => ex.planScatter(describe(), statePtr),
    scatter: (useOrder, from, to) => ex.scatterRows(describe(useOrder), from, to),
    permute: () => ex.permuteBuckets(describe(), statePtr),
    swap: () => {
      [cur, next] = [next, cur];
      [starts, nextStarts] = [nextStarts, starts];
    },
    read: () => ({
      ids: mem.readU32(ids, rows), starts: mem.readU32(starts, buckets + 1), nextStarts: mem.readU32(nextStarts, buckets + 1),
      cursors: mem.readU32(cursors, buckets), order: mem.readU32(order, rows),
      cur: { X: mem.readF32(cur.X, rows * cols), y: mem.readF32(cur.y, rows), sw: cur.sw ? mem.readF32(cur.sw, rows) : null },
      next: { X: mem.readF32(next.X, rows * cols), y: mem.readF32(next.y, rows), sw: next.sw ? mem.readF32(next.sw, rows) : null },
      state: mem.readU32(statePtr, 4),
    }),
  };
}

/**
 * One shuffled epoch as every engine runs it (src/engines/arrangement.ts, shuffledEpoch),
 * with the training pass replaced by what it does to the data: visit rows in `order` and
 * scatter each visited row into the next arrangement. Returns the visit order and the
 * data it indexes.
 */
function epoch(ops: ShuffleOps, buckets: number, rows: number, arranged: { done: boolean }): { order: Uint32Array; data: Rows } {
  if (buckets === 1) {
    ops.permute();
    const r = ops.read();
    return { order: r.order, data: r.cur };
  }
  if (!arranged.done) {
    ops.plan();
    ops.scatter(false, 0, rows);
    ops.swap();
    arranged.done = true;
  }
  ops.permute();
  const r = ops.read();
  ops.plan();
  // The training pass scatters batch by batch; uneven chunks must give the same result.
  for (let from = 0; from < rows; from += 37) ops.scatter(true, from, Math.min(from + 37, rows));
  ops.swap();
  return { order: r.order, data: r.cur };
}

/** Original row ids in visit order (y holds the id). */
const visited = (e: { order: Uint32Array; data: Rows }) => Array.from(e.order, (r) => e.data.y[r]);

/** Checks order is a permutation and every visited X row (and sample weight) still belongs with its y. */
function expectPermutationOfRows(e: { order: Uint32Array; data: Rows }, rows: number, cols: number, label: string): void {
  const seenPos = new Uint8Array(rows);
  const seenRow = new Uint8Array(rows);
  for (let p = 0; p < rows; p++) {
    const at = e.order[p];
    if (!(at < rows)) expect.fail(`${label}: order[${p}] = ${at} is out of range`);
    if (seenPos[at]) expect.fail(`${label}: row ${at} visited twice`);
    seenPos[at] = 1;
    const id = e.data.y[at]; // the original row id travelled with its target
    if (seenRow[id]) expect.fail(`${label}: original row ${id} visited twice`);
    seenRow[id] = 1;
    if (e.data.sw && e.data.sw[at] !== id + 0.5) expect.fail(`${label}: weight at ${at} (target ${id}) is ${e.data.sw[at]}, expected ${id + 0.5}`);
    for (let c = 0; c < cols; c++) {
      if (e.data.X[at * cols + c] !== id * cols + c) {
        expect.fail(`${label}: X row at ${at} (target ${id}) column ${c} holds ${e.data.X[at * cols + c]}, expected ${id * cols + c}`);
      }
    }
  }
}

describe('bucketCount', () => {
  it('is one bucket while rows x (cols + 1) x 4 bytes fit in two buckets, then one per BUCKET_BYTES', () => {
    expect(BUCKET_BYTES).toBe(256 * 1024);
    expect(bucketCount(200, 3)).toBe(1);
    expect(bucketCount(1, 1)).toBe(1);
    // 5000 rows x 65 floats x 4 bytes = 1.3 MB; 262144 / 260 = 1008 rows per bucket -> 5 buckets.
    expect(bucketCount(5000, 64)).toBe(5);
    // Exactly two buckets' worth is still one bucket; one more row makes three (rows / rows per bucket, rounded up).
    const per = Math.floor(BUCKET_BYTES / ((7 + 1) * 4));
    expect(bucketCount(2 * per, 7)).toBe(1);
    expect(bucketCount(2 * per + 1, 7)).toBe(3);
    // The digits data set (1,797 rows x 64 features, 467 KB) is one bucket.
    expect(bucketCount(1797, 64)).toBe(1);
  });
});

const SHAPES = [
  { rows: 200, cols: 3, buckets: 1, weights: false }, // one bucket: Fisher-Yates over all rows in place
  { rows: 5000, cols: 64, buckets: 5, weights: true }, // the default bucket count for this size
  { rows: 333, cols: 5, buckets: 7, weights: false }, // forced many small buckets, odd sizes
  { rows: 333, cols: 5, buckets: 7, weights: true }, // the same with sample weights travelling along
];

describe.each(BUILDS)('WASM shuffle primitives ($build build) against the reference', ({ simd }) => {
  let mem: Scratch;
  afterEach(() => mem?.free());

  it.each(SHAPES)('planScatter, scatterRows, permuteBuckets agree: rows $rows, cols $cols, $buckets bucket(s), weights $weights', ({ rows, cols, buckets, weights }) => {
    mem = new Scratch(runtime(simd));
    if (buckets !== 7) expect(bucketCount(rows, cols)).toBe(buckets);
    const data = labelled(rows, cols, weights);
    const seed = 17;
    const w = wasmOps(mem, seedState(seed), data, rows, cols, buckets);
    const r = referenceOps(seedState(seed), data, rows, cols, buckets);
    const same = (label: string) => {
      const a = w.read();
      const b = r.read();
      for (const k of ['ids', 'starts', 'nextStarts', 'cursors', 'order', 'state'] as const) expectSame(a[k], b[k], `${label}: ${k}`);
      expectSame(a.next.X, b.next.X, `${label}: next X`);
      expectSame(a.next.y, b.next.y, `${label}: next y`);
      if (weights) expectSame(a.next.sw!, b.next.sw!, `${label}: next sample weights`);
      expectSame(a.cur.X, b.cur.X, `${label}: current X`);
    };
    w.plan(); r.plan(); same('plan');
    // Bucket starts are prefix sums of the bucket sizes drawn: they end at rows.
    expect(r.read().nextStarts[buckets]).toBe(rows);
    w.scatter(false, 0, rows); r.scatter(false, 0, rows); same('scatter in storage order');
    w.swap(); r.swap();
    w.permute(); r.permute(); same('permute');
    expectPermutationOfRows({ order: r.read().order, data: r.read().cur }, rows, cols, 'reference after scatter + permute');
    w.plan(); r.plan();
    w.scatter(true, 0, rows); r.scatter(true, 0, rows); same('scatter in visit order');
  });

  it('runs the same epoch pipeline as the reference for 4 epochs (5000 x 64, 5 buckets)', () => {
    mem = new Scratch(runtime(simd));
    const rows = 5000;
    const cols = 64;
    const buckets = bucketCount(rows, cols);
    const data = labelled(rows, cols);
    const w = wasmOps(mem, seedState(5), data, rows, cols, buckets);
    const r = referenceOps(seedState(5), data, rows, cols, buckets);
    const aw = { done: false };
    const ar = { done: false };
    for (let e = 0; e < 4; e++) {
      const got = epoch(w, buckets, rows, aw);
      const want = epoch(r, buckets, rows, ar);
      expectSame(got.order, want.order, `order, epoch ${e}`);
      expectSame(got.data.X, want.data.X, `arranged X, epoch ${e}`);
      expectSame(got.data.y, want.data.y, `arranged y, epoch ${e}`);
      expectPermutationOfRows(got, rows, cols, `wasm epoch ${e}`);
      // Not the storage order (a correct shuffle gives it with probability 1/5000!).
      expect(visited(got).some((id, p) => id !== p)).toBe(true);
    }
  });
});

describe('the reference epoch pipeline', () => {
  it.each(SHAPES)('visits every row once with its target, rows $rows, cols $cols, $buckets bucket(s), weights $weights', ({ rows, cols, buckets, weights }) => {
    const ops = referenceOps(seedState(3), labelled(rows, cols, weights), rows, cols, buckets);
    const arranged = { done: false };
    const orders = new Set<string>();
    for (let e = 0; e < 3; e++) {
      const ep = epoch(ops, buckets, rows, arranged);
      expectPermutationOfRows(ep, rows, cols, `epoch ${e}`);
      orders.add(visited(ep).join(','));
    }
    expect(orders.size).toBe(3); // a fresh order every epoch
  });

  it('carries every target of a row with it (3 per row, as a multi-output model has): 333 rows, 7 buckets', () => {
    const rows = 333;
    const cols = 5;
    const width = 3;
    // Target t of row i is i + t/4 (exact in float32): the first names the row, the others must follow it.
    const data = { ...labelled(rows, cols), y: Float32Array.from({ length: rows * width }, (_, k) => Math.floor(k / width) + (k % width) / 4) };
    const ops = referenceOps(seedState(3), data, rows, cols, 7);
    const arranged = { done: false };
    for (let e = 0; e < 3; e++) {
      const ep = epoch(ops, 7, rows, arranged);
      const ids = ep.data.y.filter((_, k) => k % width === 0);
      expectPermutationOfRows({ order: ep.order, data: { ...ep.data, y: ids } }, rows, cols, `epoch ${e}`);
      for (let r = 0; r < rows; r++) {
        for (let t = 1; t < width; t++) {
          const got = ep.data.y[r * width + t];
          if (got !== ids[r] + t / 4) expect.fail(`epoch ${e}: target ${t} at row ${r} (row id ${ids[r]}) is ${got}, expected ${ids[r] + t / 4}`);
        }
      }
    }
  });

  it('is deterministic: the same seed gives the same visit orders', () => {
    const run = () => {
      const ops = referenceOps(seedState(11), labelled(333, 5), 333, 5, 7);
      const arranged = { done: false };
      return [0, 1, 2].map(() => visited(epoch(ops, 7, 333, arranged)).join(','));
    };
    expect(run()).toEqual(run());
  });
});

// Uniformity of the visit order for 4 rows: the sequence of original row ids visited is
// one of 24 permutations; each must come up about 1/24 of the time. 24,000 consecutive
// seeded epochs (1,000 expected per permutation), chi-square with 23 degrees of freedom
// against its 0.999 quantile (about 49.8, helpers/stats.ts). The pipeline carries the
// arrangement from one epoch to the next, so consecutive pairs are checked too: 576 cells,
// ~41.7 expected each, 575 degrees of freedom (0.999 quantile about 686). Seeded, so deterministic.
const EPOCHS = 24_000;
const PERMS = permutations(4);
const permIndex = new Map(PERMS.map((p, i) => [p.join(''), i]));

/** Singles and consecutive-pair counts of visit orders from nextVisit() over EPOCHS epochs. */
function tally(nextVisit: () => ArrayLike<number>): { single: Float64Array; pairs: Float64Array } {
  const single = new Float64Array(24);
  const pairs = new Float64Array(24 * 24);
  let prev = -1;
  for (let e = 0; e < EPOCHS; e++) {
    const ids = Array.from(nextVisit()).join('');
    const k = permIndex.get(ids);
    if (k === undefined) expect.fail(`epoch ${e}: visit order ${ids} is not a permutation of 0123`);
    single[k]++;
    if (prev >= 0) pairs[prev * 24 + k]++;
    prev = k;
  }
  return { single, pairs };
}

const four = (): Rows => ({ X: Float32Array.from([0, 1, 2, 3]), y: Float32Array.from([0, 1, 2, 3]), sw: null });

describe('uniformity of the visit order (4 rows, 24,000 epochs)', () => {
  let mem: Scratch | undefined;
  afterEach(() => mem?.free());

  it.each([1, 2, 3])('reference pipeline with %i bucket(s): singles and consecutive pairs pass chi-square', (buckets) => {
    // buckets = 1 is the default path for 4 rows (bucketCount(4, 1) = 1).
    if (buckets === 1) expect(bucketCount(4, 1)).toBe(1);
    const ops = referenceOps(seedState(31337), four(), 4, 1, buckets);
    const arranged = { done: false };
    const { single, pairs } = tally(() => visited(epoch(ops, buckets, 4, arranged)));
    expect(chiSquareUniform(single)).toBeLessThan(chiSquare999(23));
    expect(chiSquareUniform(pairs)).toBeLessThan(chiSquare999(575));
  });

  it.each(BUILDS.flatMap((b) => [1, 2, 3].map((buckets) => ({ ...b, buckets }))))(
    'WASM $build pipeline with $buckets bucket(s): the reference sequence, so the same uniformity',
    ({ simd, buckets }) => {
      mem = new Scratch(runtime(simd));
      const w = wasmOps(mem, seedState(31337), four(), 4, 1, buckets);
      const r = referenceOps(seedState(31337), four(), 4, 1, buckets);
      const aw = { done: false };
      const ar = { done: false };
      const { single } = tally(() => {
        const got = visited(epoch(w, buckets, 4, aw));
        const want = visited(epoch(r, buckets, 4, ar));
        if (got.join('') !== want.join('')) expect.fail(`WASM visit ${got} differs from reference ${want}`);
        return got;
      });
      expect(chiSquareUniform(single)).toBeLessThan(chiSquare999(23));
    },
  );

  it('the check fails for the classic biased shuffle (negative control)', () => {
    // Swapping each position with any position (j = below(n), not below(k)) gives 4^4 = 256
    // equally likely paths onto 24 permutations: not uniform (256 is not a multiple of 24).
    const rng = seedState(31337);
    const { single } = tally(() => {
      const a = [0, 1, 2, 3];
      for (let k = 0; k < 4; k++) {
        const j = below(rng, 4);
        [a[k], a[j]] = [a[j], a[k]];
      }
      return a;
    });
    expect(chiSquareUniform(single)).toBeGreaterThan(chiSquare999(23));
  });

  it('the pair check fails for orders that repeat (negative control)', () => {
    // A uniform order reused for two epochs at a time: singles stay uniform, pairs do not.
    const rng = seedState(1);
    let last: number[] = [];
    let e = 0;
    const { single, pairs } = tally(() => {
      if (e++ % 2 === 0) {
        last = [0, 1, 2, 3];
        for (let k = 4; k > 1; k--) {
          const j = below(rng, k);
          [last[k - 1], last[j]] = [last[j], last[k - 1]];
        }
      }
      return last;
    });
    expect(chiSquareUniform(single)).toBeLessThan(chiSquare999(23));
    expect(chiSquareUniform(pairs)).toBeGreaterThan(chiSquare999(575));
  });
});

/** Original row ids the engines visit in each of `epochs` epochs for this seed and shape (buckets: bucketCount's unless given). */
function visitOrders(seed: number, rows: number, cols: number, epochs: number, buckets = bucketCount(rows, cols)): number[][] {
  // Only ids matter, and the PRNG draws depend on rows and buckets, not on cols.
  const ops = referenceOps(seedState(seed), labelled(rows, 1), rows, 1, buckets);
  const arranged = { done: false };
  return Array.from({ length: epochs }, () => visited(epoch(ops, buckets, rows, arranged)));
}
// What the models do with the shuffle. A hand loop of float64 mini-batch GD on the MSE
// visits rows in a given order; the model must match it for that order (and not for another).
describe.each(ENGINES)('visit order in fit (%s)', (engine) => {
  const lr = 0.05;

  /** Float64 mini-batch GD on mean((w.x + b - y)^2), one epoch per entry of orders. */
  function handLoop(d: { X: Float32Array; y: Float32Array; features: number }, orders: ArrayLike<number>[], batch: number): Float64Array {
    const f = d.features;
    const params = new Float64Array(f + 1);
    for (const order of orders) {
      for (let start = 0; start < order.length; start += batch) {
        const g = new Float64Array(f + 1);
        const end = Math.min(start + batch, order.length);
        for (let p = start; p < end; p++) {
          const r = order[p];
          let z = params[f];
          for (let j = 0; j < f; j++) z += params[j] * d.X[r * f + j];
          const e = 2 * (z - d.y[r]);
          for (let j = 0; j < f; j++) g[j] += e * d.X[r * f + j];
          g[f] += e;
        }
        for (let j = 0; j <= f; j++) params[j] -= (lr * g[j]) / (end - start);
      }
    }
    return params;
  }
  function fitParams(d: { X: Float32Array; y: Float32Array; features: number }, opts: object): Float64Array {
    const m = makeModel('linear', engine, d.features);
    m.fit(d.X, d.y, { learningRate: lr, ...opts });
    const p = Float64Array.from([...m.weights, m.bias]);
    m.dispose();
    return p;
  }
  const differ = (a: Float64Array, b: Float64Array) => Math.max(...a.map((v, i) => Math.abs(v - b[i])));
  // At most 160 steps on O(1) values: float64 (js) agrees with the hand loop to ~1e-14; float32
  // parameters and arithmetic (wasm) to a few 2^-24 per step, ~1e-5 absolute. The orders
  // compared below give parameters that differ by far more (checked), so the tolerance cannot
  // hide a wrong order.
  const tol = { abs: engine === 'js' ? 1e-12 : 1e-5 };

  describe('one bucket (40 rows x 3)', () => {
    const d = regression({ rows: 40, features: 3, seed: 8, noise: 0.5 });
    const identity = Array.from({ length: 40 }, (_, i) => i);

    it('shuffle: false visits rows in storage order', () => {
      const expected = handLoop(d, [identity], 4);
      expect(differ(expected, handLoop(d, [identity.slice().reverse()], 4))).toBeGreaterThan(100 * tol.abs);
      expectClose(fitParams(d, { epochs: 1, batchSize: 4, shuffle: false }), expected, tol, 'params after one epoch in storage order');
      // and every epoch the same order
      expectClose(fitParams(d, { epochs: 2, batchSize: 4, shuffle: false }), handLoop(d, [identity, identity], 4), tol, 'two epochs');
    });

    it('shuffle: true visits rows in the documented permutation for the seed, a new one each epoch', () => {
      expect(bucketCount(40, 3)).toBe(1);
      const orders = visitOrders(99, 40, 3, 2);
      const expected = handLoop(d, orders, 4);
      expect(differ(expected, handLoop(d, [identity, identity], 4))).toBeGreaterThan(100 * tol.abs);
      expect(differ(expected, handLoop(d, [orders[0], orders[0]], 4))).toBeGreaterThan(100 * tol.abs);
      expectClose(fitParams(d, { epochs: 2, batchSize: 4, shuffle: true, seed: 99 }), expected, tol, 'params after two shuffled epochs');
    });
  });

  describe('three buckets (4000 rows x 40): scattered arrangement carried between epochs', () => {
    const d = regression({ rows: 4000, features: 40, seed: 9, noise: 0.5 });

    it('shuffle: true visits rows in the documented permutation for the seed', () => {
      expect(bucketCount(4000, 40)).toBe(3);
      const orders = visitOrders(4, 4000, 40, 2);
      const expected = handLoop(d, orders, 50);
      expect(differ(expected, handLoop(d, [orders[1], orders[0]], 50))).toBeGreaterThan(100 * tol.abs);
      expectClose(fitParams(d, { epochs: 2, batchSize: 50, shuffle: true, seed: 4 }), expected, tol, 'params after two shuffled epochs');
    });
  });
  // A network (two outputs, so not the one-output kernel) gets the same bucket shuffle, and its
  // scatter carries both targets of each row: the model must match two hand loops (one per
  // output, each on its own column of y) over the documented orders. A scatter that moved one
  // target per row, or a network visiting rows in another order, differs by far more (checked).
  describe('a two-output network over three buckets (4000 rows x 40)', () => {
    const a = regression({ rows: 4000, features: 40, seed: 9, noise: 0.5 });
    const b = regression({ rows: 4000, features: 40, seed: 10, noise: 0.5 });
    const y2 = Float32Array.from({ length: 8000 }, (_, i) => (i % 2 ? b.y : a.y)[i >> 1]);

    /** Output k's parameters [w (40), b] after two epochs of the network. */
    function fitNetwork(shuffle: boolean): Float64Array[] {
      const m = new MLP({ inputs: 40, hidden: [], outputs: 2, head: 'mse', init: 'zeros', engine });
      try {
        m.fit(a.X, y2, { learningRate: lr, epochs: 2, batchSize: 50, shuffle, seed: 4 });
        const [{ weights, bias }] = m.layers;
        return [0, 1].map((k) => Float64Array.from([...weights.subarray(40 * k, 40 * k + 40), bias[k]]));
      } finally {
        m.dispose();
      }
    }

    it('shuffle: true visits rows in the documented permutation for the seed, with both targets of each row', () => {
      expect(bucketCount(4000, 40)).toBe(3);
      const orders = visitOrders(4, 4000, 40, 2);
      // The mse head sums the outputs' squared errors: each output's gradient is that of its own linear model.
      const expected = [a, b].map((d) => handLoop({ ...d, X: a.X }, orders, 50));
      const got = fitNetwork(true);
      expect(differ(expected[1], handLoop({ ...a, y: b.y }, [orders[1], orders[0]], 50))).toBeGreaterThan(100 * tol.abs);
      expect(differ(expected[1], handLoop(a, orders, 50))).toBeGreaterThan(100 * tol.abs); // output 2 trained on output 1's targets
      expectClose(got[0], expected[0], tol, 'output 1 after two shuffled epochs');
      expectClose(got[1], expected[1], tol, 'output 2 after two shuffled epochs');
    });
  });
});

// The same for a network: every model type gets the same streaming shuffle. Two outputs without
// hidden layers (an MLP with hidden: [] and the mse head) is a network to every engine and has two
// targets per row, so the scatter must carry both; its float64 hand loop is as short as the linear one.
describe.each(ENGINES)('visit order in fit of a network with two outputs (%s)', (engine) => {
  const lr = 0.05;
  const rows = 4000;
  const f = 40;
  const d = regression({ rows, features: f, seed: 9, noise: 0.5 });
  const y = new Float32Array(rows * 2); // targets (y, x_0 - y / 2) of each row
  for (let r = 0; r < rows; r++) {
    y[2 * r] = d.y[r];
    y[2 * r + 1] = d.X[r * f] - d.y[r] / 2;
  }

  /** Float64 mini-batch GD on mean over rows of sum_t (W_t.x + b_t - y_t)^2, one epoch per entry of orders; [W (2 x f), b]. */
  function handLoop(orders: ArrayLike<number>[], batch: number): Float64Array {
    const params = new Float64Array(2 * f + 2);
    for (const order of orders) {
      for (let start = 0; start < order.length; start += batch) {
        const g = new Float64Array(2 * f + 2);
        const end = Math.min(start + batch, order.length);
        for (let p = start; p < end; p++) {
          const r = order[p];
          for (let t = 0; t < 2; t++) {
            let z = params[2 * f + t];
            for (let j = 0; j < f; j++) z += params[t * f + j] * d.X[r * f + j];
            const e = 2 * (z - y[2 * r + t]);
            for (let j = 0; j < f; j++) g[t * f + j] += e * d.X[r * f + j];
            g[2 * f + t] += e;
          }
        }
        for (let j = 0; j < params.length; j++) params[j] -= (lr * g[j]) / (end - start);
      }
    }
    return params;
  }
  const differ = (a: Float64Array, b: Float64Array) => Math.max(...a.map((v, i) => Math.abs(v - b[i])));
  // As for the linear model above: 160 steps on O(1) values, float64 (js) to ~1e-14, float32 (wasm) to ~1e-5.
  const tol = { abs: engine === 'js' ? 1e-12 : 1e-5 };

  it('shuffle: true visits rows in the documented permutation for the seed (three buckets, as a linear model would)', () => {
    expect(bucketCount(rows, f)).toBe(3);
    const orders = visitOrders(4, rows, f, 2);
    const expected = handLoop(orders, 50);
    expect(differ(expected, handLoop([orders[1], orders[0]], 50))).toBeGreaterThan(100 * tol.abs);
    // Not the one Fisher-Yates order over all rows that networks used to get.
    expect(differ(expected, handLoop(visitOrders(4, rows, f, 2, 1), 50))).toBeGreaterThan(100 * tol.abs);
    const m = new MLP({ inputs: f, hidden: [], outputs: 2, head: 'mse', init: 'zeros', engine });
    m.fit(d.X, y, { epochs: 2, batchSize: 50, learningRate: lr, shuffle: true, seed: 4 });
    const [layer] = m.layers;
    m.dispose();
    expectClose(Float64Array.from([...layer.weights, ...layer.bias]), expected, tol, 'params after two shuffled epochs');
  });
});
