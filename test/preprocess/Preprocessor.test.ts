// Preprocessor: raw rows (numbers and strings, as a CSV reader gives them) to a model's
// features, checked on data where every value is exact, against StandardScaler on
// breast_cancer, and its messages word for word. Models using it: modelPreprocessing.test.ts.
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/index.js';
import { thrown } from '../helpers/training.js';
import { Preprocessor, StandardScaler, parseNumber } from '../../src/preprocess/index.js';
import { loadCsv } from '../helpers/data.js';
import { expectThrows } from '../helpers/errors.js';
import { expectSame } from '../helpers/tolerance.js';

// age: 2, 4, 4, 4, 5, 5, 7, 9 (mean 5, population deviation 2), written as strings the way a
// CSV gives them; color: three categories; size: -1/1 as numbers (mean 0, deviation 1).
const AGE = ['2', '4', '4.0', ' 4 ', '5', '5e0', '7', '+9'];
const COLOR = ['red', 'blue', 'green', 'red', 'blue', 'red', 'green', 'red'];
const ROWS = AGE.map((a, r) => [a, COLOR[r], r % 2 ? 1 : -1]);
const COLUMNS = ['age', 'color', 'size'];
// Features: (age - 5) / 2, one-hot over blue, green, red (sorted), size.
const ONE_HOT: Record<string, number[]> = { blue: [1, 0, 0], green: [0, 1, 0], red: [0, 0, 1] };
const AGES = [2, 4, 4, 4, 5, 5, 7, 9];
const WANT = Float32Array.from(AGES.flatMap((a, r) => [(a - 5) / 2, ...ONE_HOT[COLOR[r]], r % 2 ? 1 : -1]));

describe('Preprocessor', () => {
  const fitted = () => new Preprocessor().fit(ROWS, COLUMNS, { categorical: ['color'], target: 'price' });

  it('standardizes numeric columns and one-hot encodes categorical ones in sorted order', () => {
    const p = fitted();
    expect(p.columns).toEqual([
      { name: 'age', kind: 'numeric', mean: 5, scale: 2 },
      { name: 'color', kind: 'categorical', categories: ['blue', 'green', 'red'] },
      { name: 'size', kind: 'numeric', mean: 0, scale: 1 },
    ]);
    expect(p.inputs).toEqual(COLUMNS);
    expect(p.features).toBe(5);
    expect(p.featureNames).toEqual(['age', 'color=blue', 'color=green', 'color=red', 'size']);
    expect(p.target).toBe('price');
    expectSame(p.transform(ROWS), WANT, 'transform');
    expectSame(new Preprocessor().fitTransform(ROWS, COLUMNS, { categorical: ['color'] }), WANT, 'fitTransform');
  });

  it('reads numbers and numeric strings alike, and category numbers as their strings', () => {
    const p = fitted();
    const numbers = AGES.map((a, r) => [a, COLOR[r], String(r % 2 ? 1 : -1)]);
    expectSame(p.transform(numbers), WANT, 'numbers for age, strings for size');
    const codes = new Preprocessor().fit([[1, 2], [2, 10], [3, 2]], ['x', 'zone'], { categorical: ['zone'] });
    // Categories are strings sorted as strings: '10' before '2'.
    expect(codes.columns[1]).toEqual({ name: 'zone', kind: 'categorical', categories: ['10', '2'] });
    expectSame(codes.transform([[2, '2'], [2, 10]]), [0, 0, 1, 0, 1, 0], "the number 10 and the string '2'");
  });

  it('takes a flat Float32Array or Float64Array of raw values (columns wide)', () => {
    const flat = Float64Array.from(AGES.flatMap((a, r) => [a, r % 2 ? 1 : -1]));
    const p = new Preprocessor().fit(flat, ['age', 'size']);
    expectSame(p.transform(Float32Array.from(flat)), WANT.filter((_, i) => i % 5 === 0 || i % 5 === 4), 'flat');
  });

  it('with only numeric columns standardizes exactly as StandardScaler does (breast_cancer, strings as in the CSV)', () => {
    const d = loadCsv('breast_cancer.csv');
    const names = d.header.slice(0, -1);
    const strings = Array.from({ length: d.rows }, (_, r) => Array.from(d.X.subarray(r * d.features, (r + 1) * d.features), String));
    const p = new Preprocessor().fit(strings, names);
    const s = new StandardScaler().fit(d.X, d.features);
    expectSame(p.transform(strings), s.transform(d.X), 'Preprocessor vs StandardScaler');
    expectSame(p.columns.map((c) => (c.kind === 'numeric' ? c.mean : NaN)), s.mean, 'means');
    const q = Preprocessor.fromScaler(s, names);
    expect(q.columns).toEqual(p.columns);
    expect(Preprocessor.fromScaler(s).inputs.slice(0, 3)).toEqual(['x0', 'x1', 'x2']);
  });

  it('fromScaler rejects what is not a fitted StandardScaler, naming it', () => {
    expect(thrown(() => Preprocessor.fromScaler(null as never)).message).toBe('scaler must be a StandardScaler, got null');
    expect(thrown(() => Preprocessor.fromScaler({ mean: [0], scale: [1] } as never)).message).toBe(
      "scaler must be a fitted StandardScaler (mean and scale: Float64Arrays of one length), got an object",
    );
    expect(thrown(() => Preprocessor.fromScaler(new StandardScaler())).message).toBe('this StandardScaler is not fitted; call fit(X) first');
    const bad = { mean: Float64Array.of(0, 1), scale: Float64Array.of(1, 0) };
    expect(thrown(() => Preprocessor.fromScaler(bad as never)).message).toBe(
      "scaler's column 1 has mean 1 and scale 0: a mean must be finite and a scale finite and > 0",
    );
    for (const f of [() => Preprocessor.fromScaler(null as never), () => Preprocessor.fromScaler(bad as never)]) expect(thrown(f)).toBeInstanceOf(ValidationError);
  });

  it('standardize: false keeps numeric values (mean 0, scale 1)', () => {
    const p = new Preprocessor().fit(ROWS, COLUMNS, { categorical: ['color'], standardize: false });
    expect(p.columns[0]).toEqual({ name: 'age', kind: 'numeric', mean: 0, scale: 1 });
    expectSame(p.transform([['4.5', 'red', 3]]), [4.5, 0, 0, 1, 3], 'transform');
  });

  it('toJSON and fromJSON round-trip, also through JSON text, and return copies', () => {
    const p = fitted();
    expect(p.toJSON()).toEqual({ columns: p.columns, target: 'price' });
    expect('target' in new Preprocessor().fit(ROWS, COLUMNS, { categorical: ['color'] }).toJSON()).toBe(false);
    const back = Preprocessor.fromJSON(JSON.stringify(p));
    expectSame(back.transform(ROWS), WANT, 'after JSON text');
    expect(back.target).toBe('price');
    const cols = p.columns;
    (cols[1] as { categories: string[] }).categories.push('zzz');
    expect(p.features).toBe(5);
  });

  it('never changes the caller rows', () => {
    const rows = ROWS.map((r) => [...r]);
    fitted().transform(rows);
    new Preprocessor().fit(rows, COLUMNS, { categorical: ['color'] });
    expect(rows).toEqual(ROWS);
  });

  it('parseNumber reads decimal and exponent notation only', () => {
    for (const [v, n] of [['12', 12], [' -0.5 ', -0.5], ['.5', 0.5], ['5.', 5], ['+1e-3', 0.001], ['1E3', 1000], [7, 7], [-0, -0]] as const) {
      expect(parseNumber(v)).toBe(n);
    }
    for (const v of ['', '  ', 'abc', '0x10', '1,5', '1e', 'Infinity', 'NaN', '1e999', '--1', '1 2', NaN, Infinity, null, undefined, true]) {
      expect(parseNumber(v)).toBe(null);
    }
  });

  it('names the argument, the row, the column and the value in its errors; a failed fit keeps the old columns', () => {
    const p = fitted();
    const bad = (fn: () => unknown, message: string) => expectThrows(fn, ValidationError, message);
    bad(() => p.transform([['4', 'purple', 1]]), "rows contains 'purple' at row 0, column 1 (categorical column 'color'), a category fit did not see (it saw 'blue', 'green', 'red')");
    bad(() => p.transform([['4', 'red', 1], ['abc', 'red', 1]]), "rows contains a non-number at row 1, column 0 (numeric column 'age'): 'abc'");
    bad(() => p.transform([['4', 'red', 1], ['4', 'red', '']]), "rows contains an empty value at row 1, column 2 (numeric column 'size')");
    bad(() => p.transform([['4', 'red', NaN]]), "rows contains NaN at row 0, column 2 (numeric column 'size')");
    bad(() => p.transform([['4', null, 1]] as never), "rows contains a non-string null at row 0, column 1 (categorical column 'color')");
    bad(() => p.transform([['4', 'red']]), 'rows row 0 has 2 columns, expected 3');
    bad(() => p.transform(['4,red,1'] as never), "rows row 0 must be an array of 3 values, got '4,red,1'");
    bad(() => p.transform([]), 'rows is empty');
    bad(() => p.transform(new Float32Array(4)), 'rows has length 4, which is not a multiple of the 3 input columns');
    bad(() => p.transform('a,b' as never), "rows must be an array of rows (arrays of numbers and strings), a Float32Array or a Float64Array, got 'a,b'");
    bad(() => p.fit(ROWS, ['age', 'color']), 'rows row 0 has 3 columns, expected 2');
    bad(() => p.fit(ROWS, ['age', 'color', 'age']), "columns names 'age' twice (at 0 and 2)");
    bad(() => p.fit(ROWS, []), 'columns must be a non-empty array of column names, got []');
    bad(() => p.fit(ROWS, COLUMNS), "rows contains a non-number at row 0, column 1 (numeric column 'color'): 'red'");
    bad(() => p.fit(ROWS, COLUMNS, { categorical: ['colour'] }), "categorical names 'colour', which is not one of the columns (age, color, size)");
    bad(() => p.fit(ROWS, COLUMNS, { categorical: ['color'], target: 'age' }), "target must be a column name that is not an input column, got 'age'");
    bad(() => p.fit(ROWS, COLUMNS, { categorical: ['color'], scale: true } as never), "unknown fit option 'scale' (expected one of categorical, target, standardize)");
    expectSame(p.transform(ROWS), WANT, 'transform after the failed fits');
    const empty = new Preprocessor();
    expect(empty.fitted).toBe(false);
    bad(() => empty.transform(ROWS), 'this Preprocessor is not fitted; call fit(rows, columns) first');
    bad(() => empty.toJSON(), 'this Preprocessor is not fitted; call fit(rows, columns) first');
  });

  it('fromJSON checks every field, naming it as the file spells it', () => {
    const bad = (json: unknown, message: string) => expectThrows(() => Preprocessor.fromJSON(json), ValidationError, message);
    const num = { name: 'a', kind: 'numeric', mean: 0, scale: 1 };
    bad({ columns: [] }, 'columns must be a non-empty array of columns, got []');
    bad({ columns: [num], extra: 1 }, "unknown json field 'extra' (expected one of columns, target)");
    bad({ columns: [num, 5] }, 'columns[1] must be an object, got 5');
    bad({ columns: [{ ...num, name: '' }] }, "columns[0].name must be a non-empty string, got ''");
    bad({ columns: [num, num] }, "columns[1].name 'a' repeats an earlier column's name");
    bad({ columns: [{ ...num, kind: 'ordinal' }] }, "columns[0].kind must be 'numeric' or 'categorical', got 'ordinal'");
    bad({ columns: [{ ...num, mean: null }] }, 'columns[0].mean must be a finite number, got null');
    bad({ columns: [{ ...num, scale: 0 }] }, 'columns[0].scale must be a finite number > 0, got 0');
    bad({ columns: [{ ...num, categories: ['x'] }] }, "unknown json field 'columns[0].categories' (expected one of name, kind, mean, scale)");
    bad({ columns: [{ name: 'c', kind: 'categorical', categories: [] }] }, 'columns[0].categories must be a non-empty array of strings, got []');
    bad({ columns: [{ name: 'c', kind: 'categorical', categories: ['x', 1] }] }, 'columns[0].categories[1] must be a string, got 1');
    bad({ columns: [{ name: 'c', kind: 'categorical', categories: ['x', 'x'] }] }, "columns[0].categories must be distinct, got ['x', 'x']");
    bad({ columns: [num], target: 'a' }, "target must be a string that is not an input column's name, got 'a'");
  });
});
