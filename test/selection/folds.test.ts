// crossValidate's folds (src/selection/folds.ts): a seeded partition equal to the textbook
// KFold with shuffle (one Fisher-Yates over the rows, cut into k runs, the first rows % k one
// row longer) and, with labels, to the textbook StratifiedKFold used here (each label's rows,
// ascending label, Fisher-Yates from the end, dealt to the folds in turn).
import { describe, expect, it } from 'vitest';
import { complement, explicitFolds, foldIndices } from '../../src/selection/folds.js';
import { ValidationError } from '../../src/errors.js';
import { below, seedState, type RngState } from '../../src/reference/random.js';
import { expectThrows } from '../helpers/errors.js';
import { lcg } from '../helpers/training.js';

/** The textbook folds, with plain arrays. */
function textbookFolds(rows: number, k: number, rng: RngState, labels: ArrayLike<number> | null): number[][] {
  const keys = [...new Set(Array.from({ length: rows }, (_, i) => (labels ? labels[i] : 0)))].sort((a, b) => a - b);
  const order: number[] = [];
  for (const key of keys) {
    const g = Array.from({ length: rows }, (_, i) => i).filter((i) => (labels ? labels[i] : 0) === key);
    for (let n = g.length; n > 1; n--) {
      const j = below(rng, n);
      [g[n - 1], g[j]] = [g[j], g[n - 1]];
    }
    order.push(...g);
  }
  const folds: number[][] = Array.from({ length: k }, () => []);
  if (labels) {
    order.forEach((r, i) => folds[i % k].push(r));
  } else {
    let at = 0;
    for (let f = 0; f < k; f++) {
      const size = Math.floor(rows / k) + (f < rows % k ? 1 : 0);
      folds[f] = order.slice(at, at + size);
      at += size;
    }
  }
  return folds.map((f) => f.sort((a, b) => a - b));
}

const labelsOf = (rows: number, classes: readonly number[], seed: number) => {
  const r = lcg(seed);
  return Float32Array.from({ length: rows }, () => classes[Math.floor(r() * classes.length)]);
};

describe('foldIndices', () => {
  for (const [rows, k] of [[10, 2], [11, 3], [17, 5], [100, 10], [7, 7]] as const) {
    it(`${rows} rows, ${k} folds: the textbook KFold with shuffle, a partition with sizes ${Math.floor(rows / k)}-${Math.ceil(rows / k)}`, () => {
      const folds = foldIndices(rows, k, seedState(3), null);
      expect(folds.map((f) => Array.from(f))).toEqual(textbookFolds(rows, k, seedState(3), null));
      const all = folds.flatMap((f) => Array.from(f)).sort((a, b) => a - b);
      expect(all).toEqual(Array.from({ length: rows }, (_, i) => i));
      folds.forEach((f, i) => expect(f.length, `fold ${i}`).toBe(Math.floor(rows / k) + (i < rows % k ? 1 : 0)));
    });
  }

  for (const classes of [[0, 1], [0, 1, 2, 3], [-2, 0.5, 7]]) {
    it(`stratified over labels ${classes.join(', ')}: the textbook deal; each label's count per fold within one of count / k`, () => {
      const rows = 203;
      const k = 5;
      const labels = labelsOf(rows, classes, 9);
      const folds = foldIndices(rows, k, seedState(11), labels);
      expect(folds.map((f) => Array.from(f))).toEqual(textbookFolds(rows, k, seedState(11), labels));
      for (const c of classes) {
        const total = labels.filter((v) => v === c).length;
        for (const [i, f] of folds.entries()) {
          const n = Array.from(f).filter((r) => labels[r] === c).length;
          expect(Math.abs(n - total / k), `label ${c} in fold ${i}: ${n} of ${total}`).toBeLessThan(1);
        }
      }
      folds.forEach((f, i) => expect(Math.abs(f.length - rows / k), `fold ${i} size`).toBeLessThan(1));
    });
  }

  it('the seed decides the folds: same seed, same folds; another seed, other folds', () => {
    const a = foldIndices(50, 5, seedState(1), null).map((f) => Array.from(f));
    expect(foldIndices(50, 5, seedState(1), null).map((f) => Array.from(f))).toEqual(a);
    expect(foldIndices(50, 5, seedState(2), null).map((f) => Array.from(f))).not.toEqual(a);
  });
});

describe('explicitFolds and complement', () => {
  it('sorts each fold and takes the other rows as training rows', () => {
    const [f] = explicitFolds([[4, 0, 2]], 6);
    expect(Array.from(f)).toEqual([0, 2, 4]);
    expect(Array.from(complement(f, 6))).toEqual([1, 3, 5]);
  });

  it('names the fold, the position and the value of a bad fold', () => {
    expectThrows(() => explicitFolds([[0, 1], [2, 6]], 6), ValidationError, 'folds[1][1] must be a row index from 0 to 5, got 6');
    expectThrows(() => explicitFolds([[0, 1.5]], 6), ValidationError, 'folds[0][1] must be a row index from 0 to 5, got 1.5');
    expectThrows(() => explicitFolds([[3, 1, 3]], 6), ValidationError, 'folds[0] lists row 3 twice (at index 2)');
    expectThrows(() => explicitFolds([[1], []], 6), ValidationError, 'folds[1] holds 0 of 6 rows; a fold needs at least one test row and one training row');
    expectThrows(() => explicitFolds([[0, 1, 2, 3, 4, 5]], 6), ValidationError, 'folds[0] holds 6 of 6 rows; a fold needs at least one test row and one training row');
    expectThrows(() => explicitFolds([], 6), ValidationError, 'folds must hold at least one fold (a list of test rows), got []');
    expectThrows(() => explicitFolds([5 as never], 6), ValidationError, 'folds[0] must be an array of row indices, got 5');
  });
});
