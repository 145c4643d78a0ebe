// StandardScaler: statistics checked against hand-computed values on data where every
// step is exact, against the test helper's independent float64 standardization on
// breast_cancer, and its messages word for word. No model is involved (no engines).
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/index.js';
import { StandardScaler } from '../../src/preprocess/index.js';
import { standardize } from '../helpers/data.js';
import { loadCsv } from '../helpers/data.js';
import { expectThrows } from '../helpers/errors.js';
import { thrown } from '../helpers/training.js';
import { expectClose, expectSame } from '../helpers/tolerance.js';

// Column 0: 2, 4, 4, 4, 5, 5, 7, 9 has mean 5 and population standard deviation 2 exactly
// (the sample one, divided by n - 1, would be 2.138...). Column 1 is constant 0.1. Column 2
// alternates -1, 1: mean 0, deviation 1.
const COL0 = [2, 4, 4, 4, 5, 5, 7, 9];
const ROWS = COL0.map((v, r) => [v, 0.1, r % 2 ? 1 : -1]);
const FLAT = Float64Array.from(ROWS.flat());
// (x - 5) / 2, 0, and the alternating column itself: every value exact in float32.
const WANT = Float32Array.from(COL0.flatMap((v, r) => [(v - 5) / 2, 0, r % 2 ? 1 : -1]));

describe('StandardScaler', () => {
  it('learns the mean and the population standard deviation of each column', () => {
    const s = new StandardScaler().fit(ROWS);
    expect(s.features).toBe(3);
    expectSame(s.mean, [5, 0.1, 0], 'mean');
    expectSame(s.scale, [2, 1, 1], 'scale (population: 2, not the sample 2.138; constant column: 1)');
    expectSame(s.transform(ROWS), WANT, 'transform');
  });

  it('takes number[][], a flat Float32Array or Float64Array (with features), and a subarray view', () => {
    const fromRows = new StandardScaler().fit(ROWS);
    const from64 = new StandardScaler().fit(FLAT, 3);
    // Float32 input: 0.1 becomes float32(0.1); the constant column still has that value as mean and scale 1.
    const f32 = Float32Array.from(FLAT);
    const from32 = new StandardScaler().fit(f32, 3);
    expectSame(from64.mean, fromRows.mean, 'Float64Array mean');
    expectSame(from32.mean, [5, Math.fround(0.1), 0], 'Float32Array mean');
    expectSame(from32.transform(f32), WANT, 'Float32Array transform');
    const padded = new Float64Array(FLAT.length + 5);
    padded.set(FLAT, 5);
    const view = padded.subarray(5);
    expectSame(new StandardScaler().fit(view, 3).mean, fromRows.mean, 'view with byteOffset 40');
    expectSame(fromRows.transform(view), WANT, 'transform of the view');
    expectSame(fromRows.transform(FLAT), WANT, 'flat input to a scaler fit on rows');
  });

  it('a column of equal values scales by 1 and transforms to 0 exactly, even where n equal values do not average back to the value', () => {
    // The trap this guards against: summing three 0.1s and dividing by 3 gives 0.10000000000000002,
    // a variance of about 1e-34, and a "scale" that blows rounding noise up to order 1.
    expect((0.1 + 0.1 + 0.1) / 3).not.toBe(0.1);
    const s = new StandardScaler().fit([[0.1], [0.1], [0.1]]);
    expectSame(s.mean, [0.1], 'mean');
    expectSame(s.scale, [1], 'scale');
    expectSame(s.transform([[0.1], [0.3]]), [0, Math.fround(0.19999999999999998)], 'transform');
  });

  it('inverseTransform undoes transform, and fitTransform is fit then transform', () => {
    const s = new StandardScaler();
    expectSame(s.fitTransform(ROWS), WANT, 'fitTransform');
    // Every standardized value is exact, so z * scale + mean gives the inputs back as float32.
    expectSame(s.inverseTransform(WANT), Float32Array.from(FLAT), 'inverseTransform');
  });

  it('agrees with an independent float64 standardization of breast_cancer (30 columns from 0.001 to 4000)', () => {
    const d = loadCsv('breast_cancer.csv');
    const s = new StandardScaler().fit(d.X, d.features);
    const ours = s.transform(d.X);
    const oracle = standardize(d.X, d.rows, d.features);
    // The oracle's one-pass mean and ours (corrected by a second pass) differ by about 1e-16
    // relative; standardized values are below 13 in magnitude, where one float32 step is at most
    // 9.5e-7: so the float32 results are the oracle rounded once, within one float32 step.
    expectClose(ours, oracle, { abs: 9.6e-7 }, 'standardized breast_cancer');
    for (let c = 0; c < d.features; c++) {
      let m = 0;
      for (let r = 0; r < d.rows; r++) m += ours[r * d.features + c];
      // Column means of the result: 569 float32 values of size <= 13, rounded at 2^-24 relative: <= 1e-6.
      expectClose(m / d.rows, 0, { abs: 1e-6 }, `mean of standardized column ${c}`);
    }
  });

  it('toJSON and fromJSON round-trip, also through JSON text', () => {
    const s = new StandardScaler().fit(ROWS);
    expect(s.toJSON()).toEqual({ mean: [5, 0.1, 0], scale: [2, 1, 1] });
    const back = StandardScaler.fromJSON(JSON.stringify(s));
    expectSame(back.transform(ROWS), WANT, 'transform after JSON text');
    expectSame(StandardScaler.fromJSON(s.toJSON()).mean, s.mean, 'mean after toJSON');
  });

  it('returns copies and never changes the caller arrays', () => {
    const rows = ROWS.map((r) => [...r]);
    const flat = FLAT.slice();
    const s = new StandardScaler().fit(rows);
    s.transform(flat);
    s.inverseTransform(flat);
    expect(rows).toEqual(ROWS);
    expectSame(flat, FLAT, 'flat input');
    s.mean[0] = 99;
    s.scale[0] = 99;
    expectSame(s.mean, [5, 0.1, 0], 'mean after writing to a copy');
    expectSame(s.scale, [2, 1, 1], 'scale after writing to a copy');
  });

  it('names the argument, the row, the column and the value in its errors, and a failed fit keeps the old statistics', () => {
    const s = new StandardScaler();
    expectThrows(() => s.transform(ROWS), ValidationError, 'this StandardScaler is not fitted; call fit(X) first');
    expectThrows(() => s.features, ValidationError, 'this StandardScaler is not fitted; call fit(X) first');
    expectThrows(() => s.toJSON(), ValidationError, 'this StandardScaler is not fitted; call fit(X) first');
    expect(s.fitted).toBe(false);
    s.fit(ROWS);
    expect(s.fitted).toBe(true);
    expectThrows(() => s.fit([[1, 2], [3, NaN]]), ValidationError, 'X contains NaN at row 1, column 1');
    expectThrows(() => s.fit([[1, 2], [3, '4' as unknown as number]]), ValidationError, "X contains a non-number at row 1, column 1: '4'");
    expectThrows(() => s.fit([[1, 2], [3]]), ValidationError, 'X row 1 has 1 columns, expected 2');
    expectThrows(() => s.fit(FLAT), ValidationError, 'features (the column count) is required when X is flat (a Float64Array): fit(X, features)');
    expectThrows(() => s.fit(FLAT, 5), ValidationError, 'X has length 24, which is not a multiple of features (5)');
    expectThrows(() => s.fit(FLAT, 0), ValidationError, 'features must be a positive integer, got 0');
    expectThrows(() => s.fit([]), ValidationError, 'X is empty');
    expectThrows(() => s.fit([[1e39]]), ValidationError, 'X value 1e+39 at row 0, column 0 is too large for float32 (largest magnitude is 3.4028234663852886e+38)');
    expectSame(s.mean, [5, 0.1, 0], 'mean after the failed fits');
    expectThrows(() => s.transform([[1, 2]]), ValidationError, 'X row 0 has 2 columns, expected 3');
    expectThrows(() => s.transform([[1, Infinity, 0]]), ValidationError, 'X contains Infinity at row 0, column 1');
    // A value far outside what fit saw, over a tiny scale, leaves the float32 range once standardized.
    // Mean and scale 2^-101 exactly; 2^30 standardizes to 2^131 - 1, which is 2^131 in float64.
    const tiny = new StandardScaler().fit([[0], [2 ** -100]]);
    expectThrows(() => tiny.transform([[0], [2 ** 30]]), ValidationError,
      'X value 1073741824 at row 1, column 0 standardizes to 2.722258935367508e+39, outside the float32 range (largest magnitude is 3.4028234663852886e+38)');
    expectThrows(() => new StandardScaler().fit([[0], [4]]).inverseTransform([[0], [3e38]]), ValidationError,
      'X value 3e+38 at row 1, column 0 inverse-transforms to 6e+38, outside the float32 range (largest magnitude is 3.4028234663852886e+38)');
  });

  it('fromJSON checks every field', () => {
    const bad = (json: unknown, message: string) => expectThrows(() => StandardScaler.fromJSON(json), ValidationError, message);
    bad(null, 'json must be toJSON() output (an object) or its JSON text, got null');
    // The parser's own words differ between V8 versions: only our part is asserted exactly.
    expect(thrown(() => StandardScaler.fromJSON('{"mean": [1]')).message).toMatch(/^json is not valid JSON: /);
    bad({ mean: [1], scale: [1], extra: 1 }, "unknown json field 'extra' (expected one of mean, scale)");
    bad({ mean: [], scale: [] }, 'mean must be a non-empty array of numbers, got []');
    bad({ mean: [1, 'x'], scale: [1, 1] }, "mean[1] must be a finite number, got 'x'");
    bad({ mean: [1, 2], scale: [1] }, 'scale has 1 values but mean has 2');
    bad({ mean: [1, 2], scale: [1, 0] }, 'scale[1] must be a finite number > 0, got 0');
    bad({ mean: [1, 2], scale: [1, -2] }, 'scale[1] must be a finite number > 0, got -2');
  });
});
