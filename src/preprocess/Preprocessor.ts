// What a model file carries to predict from raw feature values: the ordered input
// columns, each numeric (standardized with its mean and scale) or categorical (one-hot
// encoded over its categories, sorted), turning rows as a CSV reader gives them
// (strings and numbers) into the model's float32 feature matrix.
import { ValidationError } from '../errors.js';
import { knownKeys, optionsObject, show } from '../validate.js';
import { jsonObject, jsonRoot, knownFields } from '../jsonFields.js';
import { standardize, standardStats, type StandardScaler } from './StandardScaler.js';

/** One raw value: a number, or a string as read from a file. */
export type RawValue = string | number;

/** Rows of raw values (numbers, numeric strings, category names), one array per row. */
export type RawRows = readonly (readonly RawValue[])[];

/** One input column of a Preprocessor. */
export type PreprocessorColumn =
  | { name: string; kind: 'numeric'; mean: number; scale: number }
  | { name: string; kind: 'categorical'; categories: string[] };

/** A Preprocessor's file form (the `preprocessing` field of a model file). */
export interface PreprocessorJSON {
  columns: PreprocessorColumn[];
  /** The target column's name in the data it was fit on, if given. */
  target?: string;
}

/** Preprocessor.fit's options. */
export interface PreprocessorFitOptions {
  /** Columns to one-hot encode (the others are numeric). */
  categorical?: readonly string[];
  /** The target column's name, kept for tools that read the same kind of file again (steepest eval). */
  target?: string;
  /** Standardize numeric columns (default true); false keeps their values (mean 0, scale 1). */
  standardize?: boolean;
}

// A decimal number as files write it: 12, -0.5, .5, 5., 1e-3. Not hex, not 'Infinity', not '1,5'.
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** The number a raw value stands for (a finite number, or a string in decimal or exponent notation, spaces around it allowed), else null. */
export function parseNumber(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v !== 'string') return null;
  const s = v.trim();
  if (!NUMBER.test(s)) return null;
  const n = Number(s);
  return Number.isFinite(n) ? n : null; // '1e999' is Infinity
}

/** Turns raw rows (numbers and strings) into a model's feature matrix: standardized numeric columns, one-hot categorical ones. */
export class Preprocessor {
  private cols: PreprocessorColumn[] | null = null;
  private targetName: string | null = null;

  /**
   * Learns each column's statistics from raw rows: numeric columns their mean and
   * population standard deviation (see StandardScaler), categorical columns their
   * distinct values, sorted. columns: the name of each position of a row.
   */
  fit(rows: RawRows | Float32Array | Float64Array, columns: readonly string[], options: PreprocessorFitOptions = {}): this {
    const names = columnNames(columns);
    const o = fitOptions(options, names);
    const values = readRows(rows, names.length, 'rows');
    const numeric = names.map((n) => !o.categorical.includes(n));
    // Numeric columns as one float64 matrix, so the statistics are StandardScaler's own.
    const numIdx = names.flatMap((_, c) => (numeric[c] ? [c] : []));
    const data = new Float64Array(values.rows * numIdx.length);
    for (let r = 0; r < values.rows; r++) {
      numIdx.forEach((c, k) => (data[r * numIdx.length + k] = numberAt(values, r, c, names[c], 'rows')));
    }
    const stats = o.standardize ? standardStats(data, values.rows, numIdx.length) : null;
    const cols = names.map((name, c): PreprocessorColumn => {
      if (numeric[c]) {
        const k = numIdx.indexOf(c);
        return { name, kind: 'numeric', mean: stats ? stats.mean[k] : 0, scale: stats ? stats.scale[k] : 1 };
      }
      const seen = new Set<string>();
      for (let r = 0; r < values.rows; r++) seen.add(categoryAt(values, r, c, name, 'rows'));
      return { name, kind: 'categorical', categories: [...seen].sort() };
    });
    this.cols = cols;
    this.targetName = o.target;
    return this;
  }

  /** The feature matrix of raw rows, rows x features, float32. */
  transform(rows: RawRows | Float32Array | Float64Array): Float32Array {
    return this.matrix(rows, 'rows').data;
  }

  /** fit(rows, columns, options) then transform(rows). */
  fitTransform(rows: RawRows | Float32Array | Float64Array, columns: readonly string[], options: PreprocessorFitOptions = {}): Float32Array {
    return this.fit(rows, columns, options).transform(rows);
  }

  /** @internal transform() naming the argument (X when a model calls it), with the row count. */
  matrix(rows: unknown, name: string): { data: Float32Array; rows: number } {
    const cols = this.columnList();
    const values = readRows(rows, cols.length, name);
    const width = outputWidth(cols);
    const out = new Float32Array(values.rows * width);
    const index = cols.map((c) => (c.kind === 'categorical' ? new Map(c.categories.map((v, k) => [v, k])) : null));
    for (let r = 0; r < values.rows; r++) {
      let at = r * width;
      cols.forEach((col, c) => {
        if (col.kind === 'numeric') {
          out[at++] = standardize(numberAt(values, r, c, col.name, name), col.mean, col.scale, name, r, c);
          return;
        }
        const v = categoryAt(values, r, c, col.name, name);
        const k = index[c]!.get(v);
        if (k === undefined) {
          throw new ValidationError(
            `${name} contains ${show(v)} at row ${r}, column ${c} (categorical column '${col.name}'), a category fit did not see (it saw ${preview(col.categories)})`,
          );
        }
        out[at + k] = 1;
        at += col.categories.length;
      });
    }
    return { data: out, rows: values.rows };
  }

  /** Whether fit (or fromJSON) has set the columns. */
  get fitted(): boolean {
    return this.cols !== null;
  }

  /** A copy of the input columns, in order. */
  get columns(): PreprocessorColumn[] {
    return this.columnList().map(copyColumn);
  }

  /** The input columns' names, in order (what each position of a raw row is). */
  get inputs(): string[] {
    return this.columnList().map((c) => c.name);
  }

  /** Width of the feature matrix: 1 per numeric column, one per category of each categorical column. */
  get features(): number {
    return outputWidth(this.columnList());
  }

  /** A name for each feature: the column's name, or name=category for a one-hot column. */
  get featureNames(): string[] {
    return this.columnList().flatMap((c) => (c.kind === 'numeric' ? [c.name] : c.categories.map((v) => `${c.name}=${v}`)));
  }

  /** The target column's name given to fit, or null. */
  get target(): string | null {
    this.columnList();
    return this.targetName;
  }

  /** Plain data that fromJSON turns back into an equal Preprocessor. */
  toJSON(): PreprocessorJSON {
    const json: PreprocessorJSON = { columns: this.columns };
    if (this.targetName !== null) json.target = this.targetName;
    return json;
  }

  /** Rebuilds a Preprocessor from toJSON() output, or its JSON text. */
  static fromJSON(json: unknown): Preprocessor {
    return Preprocessor.read(jsonRoot(json), '');
  }

  /** @internal Reads the file form; prefix names its place in a model file ('preprocessing.'). */
  static read(o: Record<string, unknown>, prefix: string): Preprocessor {
    const { cols, target } = readColumns(o, prefix);
    const p = new Preprocessor();
    p.cols = cols;
    p.targetName = target;
    return p;
  }

  /** The numeric Preprocessor that standardizes as scaler does; columns: names (default x0, x1, ...). */
  static fromScaler(scaler: StandardScaler, columns?: readonly string[]): Preprocessor {
    // Read by shape, not instanceof: a model holds a Preprocessor, so this class is in the main entry
    // point, and naming StandardScaler here would carry that class (steepest/preprocess) into it.
    const s = scaler as unknown as { mean?: unknown; scale?: unknown } | null;
    if (s === null || typeof s !== 'object' || !('mean' in s) || !('scale' in s)) {
      throw new ValidationError(`scaler must be a StandardScaler, got ${show(scaler)}`);
    }
    const mean = s.mean; // an unfitted StandardScaler throws its own error here
    const scale = s.scale;
    if (!(mean instanceof Float64Array) || !(scale instanceof Float64Array) || mean.length !== scale.length || mean.length === 0) {
      throw new ValidationError(`scaler must be a fitted StandardScaler (mean and scale: Float64Arrays of one length), got ${show(scaler)}`);
    }
    for (let i = 0; i < mean.length; i++) {
      if (!Number.isFinite(mean[i]) || !(scale[i] > 0 && scale[i] < Infinity)) {
        throw new ValidationError(`scaler's column ${i} has mean ${mean[i]} and scale ${scale[i]}: a mean must be finite and a scale finite and > 0`);
      }
    }
    const names = columns === undefined ? Array.from(mean, (_, i) => `x${i}`) : columnNames(columns);
    if (names.length !== mean.length) throw new ValidationError(`columns has ${names.length} names but the scaler has ${mean.length} features`);
    const p = new Preprocessor();
    p.cols = names.map((name, i) => ({ name, kind: 'numeric', mean: mean[i], scale: scale[i] }));
    return p;
  }

  private columnList(): PreprocessorColumn[] {
    if (!this.cols) throw new ValidationError('this Preprocessor is not fitted; call fit(rows, columns) first');
    return this.cols;
  }
}

/**
 * @internal The Preprocessor a model keeps (a copy, so a later fit of the caller's
 * object does not change the model), checked against the model's input width.
 */
export function modelPreprocessing(p: unknown, features: number, model: string): Preprocessor | null {
  if (p === null) return null;
  if (!(p instanceof Preprocessor) || !p.fitted) throw new ValidationError(`preprocessing must be a fitted Preprocessor or null, got ${show(p)}`);
  if (p.features !== features) {
    throw new ValidationError(`preprocessing produces ${p.features} features but this ${model} takes ${features}`);
  }
  return Preprocessor.fromJSON(p.toJSON());
}

// Checks every field of the file form, naming it as the file spells it.
function readColumns(o: Record<string, unknown>, prefix: string): { cols: PreprocessorColumn[]; target: string | null } {
  knownFields(o, ['columns', 'target'], prefix);
  if (!Array.isArray(o.columns) || o.columns.length === 0) {
    throw new ValidationError(`${prefix}columns must be a non-empty array of columns, got ${show(o.columns)}`);
  }
  const names = new Set<string>();
  const cols = o.columns.map((v: unknown, i: number): PreprocessorColumn => {
    const at = `${prefix}columns[${i}]`;
    const c = jsonObject(at, v);
    if (typeof c.name !== 'string' || c.name === '') throw new ValidationError(`${at}.name must be a non-empty string, got ${show(c.name)}`);
    if (names.has(c.name)) throw new ValidationError(`${at}.name ${show(c.name)} repeats an earlier column's name`);
    names.add(c.name);
    if (c.kind === 'numeric') {
      knownFields(c, ['name', 'kind', 'mean', 'scale'], `${at}.`);
      if (typeof c.mean !== 'number' || !Number.isFinite(c.mean)) throw new ValidationError(`${at}.mean must be a finite number, got ${show(c.mean)}`);
      if (typeof c.scale !== 'number' || !Number.isFinite(c.scale) || c.scale <= 0) {
        throw new ValidationError(`${at}.scale must be a finite number > 0, got ${show(c.scale)}`);
      }
      return { name: c.name, kind: 'numeric', mean: c.mean, scale: c.scale };
    }
    if (c.kind === 'categorical') {
      knownFields(c, ['name', 'kind', 'categories'], `${at}.`);
      const cats = c.categories;
      if (!Array.isArray(cats) || cats.length === 0) throw new ValidationError(`${at}.categories must be a non-empty array of strings, got ${show(cats)}`);
      cats.forEach((v: unknown, k: number) => {
        if (typeof v !== 'string') throw new ValidationError(`${at}.categories[${k}] must be a string, got ${show(v)}`);
      });
      if (new Set(cats).size !== cats.length) throw new ValidationError(`${at}.categories must be distinct, got ${show(cats)}`);
      return { name: c.name, kind: 'categorical', categories: [...cats] as string[] };
    }
    throw new ValidationError(`${at}.kind must be 'numeric' or 'categorical', got ${show(c.kind)}`);
  });
  if (o.target !== undefined && (typeof o.target !== 'string' || names.has(o.target))) {
    throw new ValidationError(`${prefix}target must be a string that is not an input column's name, got ${show(o.target)}`);
  }
  return { cols, target: (o.target as string | undefined) ?? null };
}

/** Raw rows as read: a value getter over row arrays or a flat typed array. */
interface Values {
  rows: number;
  at(r: number, c: number): unknown;
}

// Checks the shape of rows (every row an array of width values) without reading the values.
function readRows(rows: unknown, width: number, name: string): Values {
  if (rows instanceof Float32Array || rows instanceof Float64Array) {
    if (rows.length === 0) throw new ValidationError(`${name} is empty`);
    if (rows.length % width !== 0) {
      throw new ValidationError(`${name} has length ${rows.length}, which is not a multiple of the ${width} input columns`);
    }
    return { rows: rows.length / width, at: (r, c) => rows[r * width + c] };
  }
  if (!Array.isArray(rows)) throw new ValidationError(`${name} must be an array of rows (arrays of numbers and strings), a Float32Array or a Float64Array, got ${show(rows)}`);
  if (rows.length === 0) throw new ValidationError(`${name} is empty`);
  rows.forEach((row: unknown, r: number) => {
    if (!Array.isArray(row) && !(row instanceof Float32Array) && !(row instanceof Float64Array)) {
      throw new ValidationError(`${name} row ${r} must be an array of ${width} values, got ${show(row)}`);
    }
    if ((row as ArrayLike<unknown>).length !== width) {
      throw new ValidationError(`${name} row ${r} has ${(row as ArrayLike<unknown>).length} columns, expected ${width}`);
    }
  });
  return { rows: rows.length, at: (r, c) => (rows[r] as ArrayLike<unknown>)[c] };
}

function numberAt(values: Values, r: number, c: number, column: string, name: string): number {
  const v = values.at(r, c);
  const n = parseNumber(v);
  if (n !== null) return n;
  const where = `at row ${r}, column ${c} (numeric column '${column}')`;
  if (typeof v === 'number') throw new ValidationError(`${name} contains ${show(v)} ${where}`);
  if (typeof v === 'string' && v.trim() === '') throw new ValidationError(`${name} contains an empty value ${where}`);
  throw new ValidationError(`${name} contains a non-number ${where}: ${show(v)}`);
}

function categoryAt(values: Values, r: number, c: number, column: string, name: string): string {
  const v = values.at(r, c);
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  throw new ValidationError(`${name} contains ${typeof v === 'number' ? show(v) : `a non-string ${show(v)}`} at row ${r}, column ${c} (categorical column '${column}')`);
}

function columnNames(columns: unknown): string[] {
  if (!Array.isArray(columns) || columns.length === 0) throw new ValidationError(`columns must be a non-empty array of column names, got ${show(columns)}`);
  columns.forEach((v: unknown, i: number) => {
    if (typeof v !== 'string' || v === '') throw new ValidationError(`columns[${i}] must be a non-empty string, got ${show(v)}`);
    const first = columns.indexOf(v);
    if (first !== i) throw new ValidationError(`columns names ${show(v)} twice (at ${first} and ${i})`);
  });
  return [...columns] as string[];
}

function fitOptions(options: unknown, names: readonly string[]): { categorical: string[]; target: string | null; standardize: boolean } {
  const o = optionsObject('fit options', options);
  knownKeys('fit option', o, ['categorical', 'target', 'standardize']);
  const categorical = o.categorical ?? [];
  if (!Array.isArray(categorical)) throw new ValidationError(`categorical must be an array of column names, got ${show(categorical)}`);
  categorical.forEach((v: unknown) => {
    if (typeof v !== 'string' || !names.includes(v)) {
      throw new ValidationError(`categorical names ${show(v)}, which is not one of the columns (${names.join(', ')})`);
    }
  });
  const target = o.target ?? null;
  if (target !== null && (typeof target !== 'string' || names.includes(target))) {
    throw new ValidationError(`target must be a column name that is not an input column, got ${show(target)}`);
  }
  const standardize = o.standardize ?? true;
  if (typeof standardize !== 'boolean') throw new ValidationError(`standardize must be true or false, got ${show(standardize)}`);
  return { categorical: categorical as string[], target: target as string | null, standardize };
}

function outputWidth(cols: readonly PreprocessorColumn[]): number {
  return cols.reduce((n, c) => n + (c.kind === 'numeric' ? 1 : c.categories.length), 0);
}

function copyColumn(c: PreprocessorColumn): PreprocessorColumn {
  return c.kind === 'numeric' ? { ...c } : { ...c, categories: [...c.categories] };
}

function preview(categories: readonly string[]): string {
  const shown = categories.slice(0, 8).map(show).join(', ');
  return categories.length > 8 ? `${shown}, ... (${categories.length} in all)` : shown;
}
