// confusionMatrix, and the label checks every classification metric shares, on examples counted by hand.
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/index.js';
import { confusionMatrix } from '../../src/metrics/index.js';
import { expectThrows } from '../helpers/errors.js';
import { PRED_ANIMALS, PRED_CODES, TRUE_ANIMALS, TRUE_CODES } from '../helpers/metrics.js';

describe('confusionMatrix', () => {
  it('counts (true, predicted) pairs: rows are the truth, columns the prediction, labels sorted', () => {
    expect(confusionMatrix(TRUE_ANIMALS, PRED_ANIMALS)).toEqual({
      labels: ['bird', 'cat', 'dog'],
      matrix: [[1, 0, 0], [0, 2, 1], [0, 1, 1]],
    });
    expect(confusionMatrix(TRUE_CODES, PRED_CODES)).toEqual({ labels: [0, 1, 2], matrix: [[2, 0, 0], [1, 1, 0], [0, 1, 0]] });
    // Numbers sort as numbers (not as the strings '10' < '100' < '9').
    expect(confusionMatrix([10, 9, 100], [9, 9, 100]).labels).toEqual([9, 10, 100]);
    // Any mix of number arrays and typed arrays.
    expect(confusionMatrix(Array.from(TRUE_CODES), Int32Array.from(PRED_CODES))).toEqual(confusionMatrix(TRUE_CODES, PRED_CODES));
  });

  it('labels choose the classes and their order; a class absent from the data gets a row and a column of zeros', () => {
    expect(confusionMatrix(TRUE_ANIMALS, PRED_ANIMALS, ['dog', 'cat', 'bird', 'eel'])).toEqual({
      labels: ['dog', 'cat', 'bird', 'eel'],
      matrix: [[1, 1, 0, 0], [1, 2, 0, 0], [0, 0, 1, 0], [0, 0, 0, 0]],
    });
  });

  it('names the argument, the index and the value in its errors', () => {
    const bad = (fn: () => unknown, message: string) => expectThrows(fn, ValidationError, message);
    bad(() => confusionMatrix(['a', 'b'], ['a']), 'yPred has 1 values but yTrue has 2');
    bad(() => confusionMatrix([], []), 'yTrue is empty');
    bad(() => confusionMatrix(['a', 'b'], ['a', 1] as never), "yPred contains 1 at index 1, but yTrue[0] is 'a': labels must be all numbers or all strings");
    bad(() => confusionMatrix([0, NaN], [0, 1]), 'yTrue contains NaN at index 1');
    bad(() => confusionMatrix([0, null] as never, [0, 1]), 'yTrue contains null at index 1; labels are numbers or strings');
    bad(() => confusionMatrix('ab' as never, ['a', 'b']), "yTrue must be an array of labels (numbers or strings) or a typed array, got 'ab'");
    bad(() => confusionMatrix(TRUE_ANIMALS, PRED_ANIMALS, ['cat', 'dog']), "yTrue contains 'bird' at index 3, which is not one of labels ('cat', 'dog')");
    bad(() => confusionMatrix(TRUE_ANIMALS, PRED_ANIMALS, ['cat', 'cat']), "labels must be distinct, got ['cat', 'cat']");
    bad(() => confusionMatrix(TRUE_ANIMALS, PRED_ANIMALS, [1, 2]), "labels contains 1 at index 0, but yTrue[0] is 'cat': labels must be all numbers or all strings");
  });
});
