// precisionRecall on examples counted by hand (test/helpers/metrics.ts lists the rows).
import { describe, expect, it } from 'vitest';
import { precisionRecall } from '../../src/metrics/index.js';
import { expectClose } from '../helpers/tolerance.js';
import { PRED_ANIMALS, PRED_CODES, TRUE_ANIMALS, TRUE_CODES } from '../helpers/metrics.js';

// Ratios of small counts: a few float64 roundings each, so 1e-15 absolute.
const TOL = { abs: 1e-15 };

describe('precisionRecall', () => {
  it('per class: precision over predictions, recall over true rows, F1 their harmonic mean; macro: unweighted means', () => {
    // bird: 1 of 1 predicted, 1 of 1 true; cat: 2 of 3 predicted, 2 of 3 true; dog: 1 of 2, 1 of 2.
    const a = precisionRecall(TRUE_ANIMALS, PRED_ANIMALS);
    expect(a.labels).toEqual(['bird', 'cat', 'dog']);
    expect(a.support).toEqual([1, 3, 2]);
    expectClose(a.precision, [1, 2 / 3, 1 / 2], TOL, 'precision');
    expectClose(a.recall, [1, 2 / 3, 1 / 2], TOL, 'recall');
    expectClose(a.f1, [1, 2 / 3, 1 / 2], TOL, 'f1');
    expectClose([a.macro.precision, a.macro.recall, a.macro.f1], [13 / 18, 13 / 18, 13 / 18], TOL, 'macro');
  });

  it('a class never predicted has precision 0 (not NaN); macro F1 is the mean of the F1s', () => {
    // 0: 2 of 3 predicted, 2 of 2 true (F1 0.8); 1: 1 of 2, 1 of 2; 2: never predicted, 0 of 1 true.
    const c = precisionRecall(TRUE_CODES, PRED_CODES);
    expect(c.labels).toEqual([0, 1, 2]);
    expect(c.support).toEqual([2, 2, 1]);
    expectClose(c.precision, [2 / 3, 1 / 2, 0], TOL, 'precision');
    expectClose(c.recall, [1, 1 / 2, 0], TOL, 'recall');
    expectClose(c.f1, [0.8, 1 / 2, 0], TOL, 'f1');
    expectClose([c.macro.precision, c.macro.recall, c.macro.f1], [7 / 18, 1 / 2, 1.3 / 3], TOL, 'macro');
    // A label with no rows at all: support 0, recall 0, and it counts in the macro means.
    const d = precisionRecall(['a', 'b'], ['a', 'b'], ['a', 'b', 'c']);
    expect(d).toEqual({ labels: ['a', 'b', 'c'], precision: [1, 1, 0], recall: [1, 1, 0], f1: [1, 1, 0], support: [1, 1, 0], macro: { precision: 2 / 3, recall: 2 / 3, f1: 2 / 3 } });
  });
});
