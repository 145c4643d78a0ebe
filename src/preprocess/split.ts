// A seeded train/test split of any data a model takes (flat typed arrays, rows of numbers
// or raw values, string labels), by the same row selection fit's validationFraction uses.
import { ValidationError } from '../errors.js';
import { seedState } from '../reference/random.js';
import { knownKeys, optionsObject, show } from '../validate.js';
import { splitIndices } from '../models/split.js';
import { takeRows, type RowArray } from '../data/rows.js';
import type { RawRows } from './Preprocessor.js';

/** trainTestSplit's options. */
export interface TrainTestSplitOptions {
  /** Fraction of the rows held out for testing (default 0.25), rounded to whole rows. */
  testFraction?: number;
  /** Seeds the choice of test rows (default 0): the same seed gives the same split. */
  seed?: number;
  /** Hold out round(count * testFraction) rows of each class, so both sets keep the class proportions (default false). */
  stratify?: boolean;
}

/** Feature data trainTestSplit accepts: a flat row-major Float32Array or Float64Array, or rows. */
export type SplitFeatures = Float32Array | Float64Array | RawRows | readonly (readonly number[])[];
/** Targets trainTestSplit accepts: one value or label per row, or rows of values. */
export type SplitTargets = RowArray | readonly number[] | readonly string[] | readonly (readonly number[])[];

/** The four parts, each of its input's kind. */
export interface TrainTestSplit<X, Y> {
  XTrain: X;
  XTest: X;
  yTrain: Y;
  yTest: Y;
}

const TYPED = [Float32Array, Float64Array, Int32Array, Uint8Array];

/**
 * Splits (X, y) into training and test rows, each part of its input's kind (rows are
 * copied, never shared with the caller). Both parts keep the rows' original order. The
 * row count is y's length; a flat X holds X.length / rows values per row.
 */
export function trainTestSplit<X extends SplitFeatures, Y extends SplitTargets>(
  X: X, y: Y, options: TrainTestSplitOptions = {},
): TrainTestSplit<X, Y> {
  const o = optionsObject('trainTestSplit options', options);
  knownKeys('trainTestSplit option', o, ['testFraction', 'seed', 'stratify']);
  const fraction = o.testFraction ?? 0.25;
  if (typeof fraction !== 'number' || !(fraction > 0 && fraction < 1)) {
    throw new ValidationError(`testFraction must be a number between 0 and 1 (both excluded), got ${show(fraction)}`);
  }
  const seed = o.seed ?? 0;
  if (typeof seed !== 'number' || !Number.isInteger(seed)) throw new ValidationError(`seed must be an integer, got ${show(seed)}`);
  const stratify = o.stratify ?? false;
  if (typeof stratify !== 'boolean') throw new ValidationError(`stratify must be true or false, got ${show(stratify)}`);
  const rows = targetRows(y);
  const cols = featureWidth(X, rows);
  const split = splitIndices(rows, fraction, seedState(seed), stratify ? groups(y) : null, 'testFraction', 'test');
  const part = (idx: Uint32Array) => ({ X: pick(X, cols, idx) as X, y: pick(y, 1, idx) as Y });
  const train = part(split.train);
  const test = part(split.val);
  return { XTrain: train.X, XTest: test.X, yTrain: train.y, yTest: test.y };
}

function targetRows(y: unknown): number {
  if (!Array.isArray(y) && !TYPED.some((T) => y instanceof T)) {
    throw new ValidationError(`y must be a Float32Array, Float64Array, Int32Array, Uint8Array, or an array of numbers, strings or rows, got ${show(y)}`);
  }
  const n = (y as ArrayLike<unknown>).length;
  if (n === 0) throw new ValidationError('y is empty');
  return n;
}

// Values per row of a flat X (1 for rows, which are copied whole).
function featureWidth(X: unknown, rows: number): number {
  if (X instanceof Float32Array || X instanceof Float64Array) {
    if (X.length === 0 || X.length % rows !== 0) throw new ValidationError(`X has length ${X.length}, which is not a multiple of y's ${rows} rows`);
    return X.length / rows;
  }
  if (!Array.isArray(X)) throw new ValidationError(`X must be a Float32Array, Float64Array or an array of rows, got ${show(X)}`);
  if (X.length !== rows) throw new ValidationError(`X has ${X.length} rows but y has ${rows} values`);
  X.forEach((row: unknown, r: number) => {
    if (!Array.isArray(row) && !TYPED.some((T) => row instanceof T)) throw new ValidationError(`X row ${r} must be an array, got ${show(row)}`);
  });
  return 1;
}

// Each row's class as a group index (numbers ascending, then strings sorted), for splitIndices.
function groups(y: unknown): Float32Array {
  const labels = Array.from(y as ArrayLike<unknown>);
  labels.forEach((v, i) => {
    if (typeof v !== 'number' && typeof v !== 'string') {
      throw new ValidationError(`stratify needs one label (a number or a string) per row, got ${show(v)} at index ${i} of y`);
    }
  });
  const keys = [...new Set(labels as (number | string)[])].sort((a, b) =>
    typeof a === 'number' && typeof b === 'number' ? a - b : typeof a === typeof b ? (a < b ? -1 : a > b ? 1 : 0) : typeof a === 'number' ? -1 : 1);
  const id = new Map(keys.map((k, g) => [k, g]));
  return Float32Array.from(labels, (v) => id.get(v as number | string)!);
}

function pick(v: unknown, cols: number, idx: Uint32Array): unknown {
  if (TYPED.some((T) => v instanceof T)) return takeRows(v as RowArray, cols, idx);
  const a = v as readonly unknown[];
  return Array.from(idx, (i) => {
    const e = a[i];
    return Array.isArray(e) || ArrayBuffer.isView(e) ? (e as unknown as { slice(): unknown }).slice() : e;
  });
}
