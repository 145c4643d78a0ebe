// What 'auto' picks for a target column, and how the target reaches each model type.
import { describe, expect, it } from 'vitest';
import { chooseModel, planTarget, targetColumn } from '../../src/cli/target.js';
import { CliError } from '../../src/cli/errors.js';
import { expectThrows } from '../helpers/errors.js';

const col = (values: (string | number)[]) => targetColumn('y', values);

describe('chooseModel', () => {
  it('follows the rule: 2 values logistic; text or 3-50 integers softmax; anything else linear', () => {
    expect(chooseModel(col(['0', '1', '1'])).kind).toBe('logistic');
    expect(chooseModel(col(['yes', 'no'])).kind).toBe('logistic');
    expect(chooseModel(col(['a', 'b', 'c'])).kind).toBe('softmax');
    expect(chooseModel(col(['1', '2', '3'])).kind).toBe('softmax');
    expect(chooseModel(col(Array.from({ length: 50 }, (_, i) => String(i)))).kind).toBe('softmax');
    expect(chooseModel(col(Array.from({ length: 51 }, (_, i) => String(i)))).kind).toBe('linear');
    expect(chooseModel(col(['1.5', '2', '3'])).kind).toBe('linear');
    expect(chooseModel(col(['a', 'b', 'c'])).reason).toBe("target 'y' holds text with 3 distinct values");
  });
});

describe('planTarget', () => {
  it('passes class numbers 0..k-1 as numbers and anything else as labels the model keeps', () => {
    expect(planTarget(col(['0', '1', '0']), 'logistic')).toEqual({ kind: 'classes', count: 2, y: Float32Array.of(0, 1, 0) });
    expect(planTarget(col(['2', '4', '2']), 'logistic')).toEqual({ kind: 'classes', count: 2, y: ['2', '4', '2'] });
    expect(planTarget(col(['b', 'a', 'c']), 'softmax')).toEqual({ kind: 'classes', count: 3, y: ['b', 'a', 'c'] });
    expect(planTarget(col(['1.5', '2']), 'linear')).toEqual({ kind: 'values', y: Float32Array.of(1.5, 2) });
  });

  it('gives an mlp classes or values as auto would choose', () => {
    expect(planTarget(col(['x', 'y', 'z']), 'mlp').kind).toBe('classes');
    expect(planTarget(col(['0.5', '1.5', '2.25']), 'mlp').kind).toBe('values');
  });

  it('says why a target does not fit the model', () => {
    expectThrows(() => planTarget(col(['a', 'b', 'c']), 'linear'), CliError,
      "target 'y' holds text ('a'); linear regression needs numbers (use --model logistic or softmax, or leave --model out)");
    expectThrows(() => planTarget(col(['a', 'b', 'c']), 'logistic'), CliError,
      "target 'y' has 3 distinct values; logistic regression needs exactly 2 (use --model softmax for more classes)");
    expectThrows(() => planTarget(col(['a', 'a']), 'softmax'), CliError,
      "target 'y' has only one value (a); a classifier needs at least 2 classes");
  });
});
