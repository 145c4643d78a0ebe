// Validation splits (src/models/split.ts): splitIndices is a seeded partition, stratified by
// label, equal to the textbook per-class Fisher-Yates; it and the row gathers are O(rows) in
// typed arrays, so validationFraction and earlyStopping work at 2,000,000 rows (they used to
// overflow the call stack from about 150,000 rows).
import { beforeAll, describe, expect, it } from 'vitest';
import { LinearRegression, ValidationError } from '../../src/index.js';
import { splitIndices } from '../../src/models/split.js';
import { below, seedState, type RngState } from '../../src/reference/random.js';
import { useReady } from '../helpers/engines.js';
import { expectThrows } from '../helpers/errors.js';
import { lcg } from '../helpers/training.js';

useReady();

/** The textbook split: per label (ascending), the rows in order, Fisher-Yates from the end, the first round(n * f) held out. */
function textbookSplit(rows: number, fraction: number, rng: RngState, labels: ArrayLike<number> | null): { train: number[]; val: number[] } {
  const keys = [...new Set(Array.from({ length: rows }, (_, i) => (labels ? labels[i] : 0)))].sort((a, b) => a - b);
  const train: number[] = [];
  const val: number[] = [];
  for (const key of keys) {
    const g = Array.from({ length: rows }, (_, i) => i).filter((i) => (labels ? labels[i] : 0) === key);
    for (let k = g.length; k > 1; k--) {
      const j = below(rng, k);
      [g[k - 1], g[j]] = [g[j], g[k - 1]];
    }
    const n = Math.round(g.length * fraction);
    val.push(...g.slice(0, n));
    train.push(...g.slice(n));
  }
  return { train: train.sort((a, b) => a - b), val: val.sort((a, b) => a - b) };
}

/** Checks that train and val partition 0..rows-1, each ascending, with round(count * fraction) of each label held out. */
function expectStratifiedPartition(
  split: { train: Uint32Array; val: Uint32Array }, rows: number, fraction: number, labels: ArrayLike<number> | null,
): void {
  const seen = new Uint8Array(rows);
  for (const part of [split.train, split.val]) {
    for (let k = 0; k < part.length; k++) {
      if (k > 0 && !(part[k] > part[k - 1])) expect.fail(`not ascending at ${k}: ${part[k - 1]}, ${part[k]}`);
      if (seen[part[k]]++) expect.fail(`row ${part[k]} appears twice`);
    }
  }
  expect(split.train.length + split.val.length).toBe(rows);
  const total = new Map<number, number>();
  const held = new Map<number, number>();
  for (let i = 0; i < rows; i++) {
    const key = labels ? labels[i] : 0;
    total.set(key, (total.get(key) ?? 0) + 1);
  }
  for (const i of split.val) {
    const key = labels ? labels[i] : 0;
    held.set(key, (held.get(key) ?? 0) + 1);
  }
  for (const [key, count] of total) expect(held.get(key) ?? 0, `label ${key}`).toBe(Math.round(count * fraction));
}

describe('splitIndices', () => {
  const labelsOf = (rows: number, classes: readonly number[], seed: number) => {
    const r = lcg(seed);
    return Float32Array.from({ length: rows }, () => classes[Math.floor(r() * classes.length)]);
  };

  it.each([
    { rows: 10, fraction: 0.5, classes: null },
    { rows: 101, fraction: 0.1, classes: null },
    { rows: 101, fraction: 0.9, classes: null },
    { rows: 40, fraction: 0.25, classes: [0, 1] },
    { rows: 97, fraction: 0.3, classes: [2.5, -1, 0] }, // labels in no particular order, negative and fractional
  ])('$rows rows, fraction $fraction, labels $classes: the textbook split for 40 seeds', ({ rows, fraction, classes }) => {
    const labels = classes ? labelsOf(rows, classes, rows) : null;
    for (let seed = 0; seed < 40; seed++) {
      const got = splitIndices(rows, fraction, seedState(seed), labels);
      expectStratifiedPartition(got, rows, fraction, labels);
      const want = textbookSplit(rows, fraction, seedState(seed), labels);
      expect(Array.from(got.train)).toEqual(want.train);
      expect(Array.from(got.val)).toEqual(want.val);
    }
  });

  it('advances the random stream exactly as the textbook split does (a later draw agrees)', () => {
    const a = seedState(3);
    const b = seedState(3);
    splitIndices(50, 0.2, a, labelsOf(50, [0, 1], 9));
    textbookSplit(50, 0.2, b, labelsOf(50, [0, 1], 9));
    expect(Array.from(a)).toEqual(Array.from(b));
  });

  it('an empty training or validation set is a ValidationError', () => {
    // round(3 * 0.1) = 0 rows held out; round(2 * 0.8) = 2 of 2.
    expectThrows(() => splitIndices(3, 0.1, seedState(1), null), ValidationError, 'validationFraction 0.1 of 3 rows leaves an empty training or validation set');
    expectThrows(() => splitIndices(2, 0.8, seedState(1), null), ValidationError, 'validationFraction 0.8 of 2 rows leaves an empty training or validation set');
  });

  it('2,000,000 rows, stratified over 3 labels: a partition with round(count * fraction) of each label held out', () => {
    const rows = 2_000_000;
    const labels = new Float32Array(rows);
    for (let i = 0; i < rows; i++) labels[i] = (i * 7919) % 3; // all three labels, interleaved
    const split = splitIndices(rows, 0.1, seedState(4), labels);
    expectStratifiedPartition(split, rows, 0.1, labels);
    expect(split.val.length).toBe(200_001); // the labels have 666,667, 666,667 and 666,666 rows: round(66,666.7) = round(66,666.6) = 66,667 of each
  });
});

// Not every engine at this size: the split runs in TypeScript before any engine sees the data, so
// the engines differ only in loading the two parts and in the epochs after it. wasm-simd runs 3
// shuffled epochs; js runs 2 in storage order (its shuffled epoch reads rows at random from 29 MB
// and takes about 0.7 s, which would test the shuffle, not the split); wasm-scalar is the engine
// code of wasm-simd built without SIMD and would add about 0.3 s per epoch without reaching anything new.
describe('a validation split and early stopping at 2,000,000 rows x 4 features', () => {
  const ROWS = 2_000_000;
  const D = 4;
  const NOISE = 0.1; // y = w.x + b + uniform(-0.1, 0.1): the best possible mean squared error is 0.1^2 / 3
  let X: Float32Array;
  let y: Float32Array;
  beforeAll(() => {
    const r = lcg(2024);
    const w = [0.5, -1, 2, 0.25];
    X = new Float32Array(ROWS * D);
    y = new Float32Array(ROWS);
    for (let i = 0; i < ROWS; i++) {
      let z = 0.3;
      for (let c = 0; c < D; c++) z += w[c] * (X[i * D + c] = 2 * r() - 1);
      y[i] = z + NOISE * (2 * r() - 1);
    }
  });

  it.each([
    { engine: 'wasm-simd' as const, epochs: 3 },
    { engine: 'js' as const, epochs: 2 },
  ])('$engine, $epochs epochs: completes, validates every epoch, trains on the other 90%', ({ engine, epochs }) => {
    const m = new LinearRegression({ features: D, engine });
    const batchesPerEpoch: number[] = [];
    const h = m.fit(X, y, {
      epochs, batchSize: 256, learningRate: 0.05, seed: 1, earlyStopping: true, validationFraction: 0.1, shuffle: engine !== 'js',
      // One callback per epoch (every 10^6 batches), so it reports the epoch's batch count without slowing it.
      batchCallbackEvery: 1_000_000, onBatchEnd: (b) => void batchesPerEpoch.push(b.batches),
    });
    m.dispose();
    expect(h.valLoss.length).toBe(epochs);
    expect(batchesPerEpoch).toEqual(Array(epochs).fill(Math.ceil(1_800_000 / 256))); // 200,000 rows held out
    // The validation loss approaches the noise variance 1/300: the sample mean of e^2 over 200,000 rows has a
    // relative spread of sqrt(0.8 / 200,000) = 0.2%, and one epoch over 1.8e6 rows leaves an excess far below
    // that (about 0.1% measured); 5% still fails for a model that did not train (loss about 1.8) or a wrong split.
    const best = NOISE ** 2 / 3;
    const last = h.valLoss[epochs - 1];
    expect(Math.abs(last - best)).toBeLessThanOrEqual(0.05 * best);
  });
});
