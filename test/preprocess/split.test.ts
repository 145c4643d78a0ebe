// trainTestSplit: every row lands in exactly one part, paired with its own target, in the
// input's kinds, seeded, stratified by class when asked; messages word for word.
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/index.js';
import { trainTestSplit } from '../../src/preprocess/index.js';
import { loadCsv } from '../helpers/data.js';
import { expectThrows } from '../helpers/errors.js';

const ROWS = 40;
// Row r carries r in its features and its target, so each part can be traced back.
const rowsOf = () => Array.from({ length: ROWS }, (_, r) => [r, 10 * r]);
const flat = () => Float32Array.from(rowsOf().flat());
const targets = () => Array.from({ length: ROWS }, (_, r) => r);

function counts(labels: ArrayLike<number | string>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of Array.from(labels)) out[String(v)] = (out[String(v)] ?? 0) + 1;
  return out;
}

describe('trainTestSplit', () => {
  it('puts each row in exactly one part, with its own target, in row order; round(rows * testFraction) test rows', () => {
    const { XTrain, XTest, yTrain, yTest } = trainTestSplit(rowsOf(), targets(), { testFraction: 0.3, seed: 4 });
    expect(XTest.length).toBe(12); // 40 * 0.3
    expect(XTrain.length).toBe(28);
    expect(XTrain.map((r) => r[0])).toEqual(yTrain);
    expect(XTest.map((r) => r[0])).toEqual(yTest);
    expect(XTest.map((r) => r[1])).toEqual(yTest.map((v) => 10 * v));
    expect([...yTrain, ...yTest].sort((a, b) => a - b)).toEqual(targets());
    for (const part of [yTrain, yTest]) expect(part).toEqual([...part].sort((a, b) => a - b));
    expect(trainTestSplit(rowsOf(), targets()).yTest.length).toBe(10); // default testFraction 0.25
  });

  it('is seeded: the same seed gives the same split, another seed another one', () => {
    const a = trainTestSplit(rowsOf(), targets(), { seed: 1 });
    expect(trainTestSplit(rowsOf(), targets(), { seed: 1 })).toEqual(a);
    expect(trainTestSplit(rowsOf(), targets(), { seed: 2 }).yTest).not.toEqual(a.yTest);
    expect(trainTestSplit(rowsOf(), targets())).toEqual(trainTestSplit(rowsOf(), targets(), { seed: 0 }));
  });

  it('returns each part in its input kind: flat Float32Array / Float64Array X, rows of raw values, every y kind', () => {
    const want = trainTestSplit(rowsOf(), targets(), { seed: 3 });
    const f32 = trainTestSplit(flat(), Float32Array.from(targets()), { seed: 3 });
    expect(f32.XTrain).toBeInstanceOf(Float32Array);
    expect(f32.yTest).toBeInstanceOf(Float32Array);
    expect(Array.from(f32.XTest)).toEqual(want.XTest.flat());
    expect(Array.from(f32.yTrain)).toEqual(want.yTrain);
    const f64 = trainTestSplit(Float64Array.from(flat()), Float64Array.from(targets()), { seed: 3 });
    expect(f64.XTest).toBeInstanceOf(Float64Array);
    expect(Array.from(f64.XTest)).toEqual(want.XTest.flat());
    for (const Y of [Int32Array, Uint8Array]) {
      const t = trainTestSplit(flat(), Y.from(targets()), { seed: 3 });
      expect(t.yTest).toBeInstanceOf(Y);
      expect(Array.from(t.yTest)).toEqual(want.yTest);
    }
    const raw = trainTestSplit(rowsOf().map(([a]) => [String(a), a % 2 ? 'odd' : 'even']), targets().map((r) => `row ${r}`), { seed: 3 });
    expect(raw.XTest.map((r) => Number(r[0]))).toEqual(want.yTest);
    expect(raw.yTest).toEqual(want.yTest.map((r) => `row ${r}`));
    const wide = trainTestSplit(rowsOf(), rowsOf(), { seed: 3 }); // rows of target values
    expect(wide.yTest).toEqual(want.XTest);
  });

  it('copies rows: changing a part leaves the caller data as it was', () => {
    const X = rowsOf();
    const y = targets();
    const s = trainTestSplit(X, y, { seed: 5 });
    s.XTrain[0][0] = -1;
    s.yTrain[0] = -1;
    expect(X).toEqual(rowsOf());
    expect(y).toEqual(targets());
    const F = flat();
    trainTestSplit(F, y).XTest[0] = -1;
    expect(F).toEqual(flat());
  });

  it('stratify keeps each class in proportion: round(count * testFraction) of each (iris strings, breast_cancer 0/1)', () => {
    const iris = loadCsv('iris.csv');
    const X = Array.from({ length: iris.rows }, (_, r) => Array.from(iris.X.subarray(r * 4, r * 4 + 4)));
    const s = trainTestSplit(X, iris.labels, { testFraction: 0.2, seed: 0, stratify: true });
    expect(counts(s.yTest)).toEqual({ setosa: 10, versicolor: 10, virginica: 10 });
    expect(counts(s.yTrain)).toEqual({ setosa: 40, versicolor: 40, virginica: 40 });
    // Without stratify the same seed does not give equal classes (iris is sorted by class).
    expect(counts(trainTestSplit(X, iris.labels, { testFraction: 0.2, seed: 0 }).yTest)).not.toEqual({ setosa: 10, versicolor: 10, virginica: 10 });
    const bc = loadCsv('breast_cancer.csv');
    expect(counts(bc.y)).toEqual({ 0: 212, 1: 357 });
    const b = trainTestSplit(bc.X, Float32Array.from(bc.y), { stratify: true, seed: 9 });
    expect(counts(b.yTest)).toEqual({ 0: 53, 1: 89 }); // round(212 / 4) = 53, round(357 / 4) = 89
    expect(b.XTest.length).toBe(142 * 30);
  });

  it('names the argument and the value in its errors', () => {
    const bad = (fn: () => unknown, message: string) => expectThrows(fn, ValidationError, message);
    const X = rowsOf();
    const y = targets();
    bad(() => trainTestSplit(X, y, { testFraction: 1 }), 'testFraction must be a number between 0 and 1 (both excluded), got 1');
    bad(() => trainTestSplit(X, y, { testFraction: '0.2' as never }), "testFraction must be a number between 0 and 1 (both excluded), got '0.2'");
    bad(() => trainTestSplit(X, y, { testFraction: 0.001 }), 'testFraction 0.001 of 40 rows leaves an empty training or test set');
    bad(() => trainTestSplit(X, y, { seed: 1.5 }), 'seed must be an integer, got 1.5');
    bad(() => trainTestSplit(X, y, { stratify: 'yes' as never }), "stratify must be true or false, got 'yes'");
    bad(() => trainTestSplit(X, y, { test: 0.2 } as never), "unknown trainTestSplit option 'test' (expected one of testFraction, seed, stratify)");
    bad(() => trainTestSplit(X, y.slice(1)), 'X has 40 rows but y has 39 values');
    bad(() => trainTestSplit(flat(), y.slice(1)), "X has length 80, which is not a multiple of y's 39 rows");
    bad(() => trainTestSplit(X, []), 'y is empty');
    bad(() => trainTestSplit(X, 'abc' as never), "y must be a Float32Array, Float64Array, Int32Array, Uint8Array, or an array of numbers, strings or rows, got 'abc'");
    bad(() => trainTestSplit([[1], 2] as never, [1, 2]), 'X row 1 must be an array, got 2');
    bad(() => trainTestSplit(X, X, { stratify: true }), 'stratify needs one label (a number or a string) per row, got [0, 0] at index 0 of y');
  });
});
