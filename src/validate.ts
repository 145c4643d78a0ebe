// Input checks. Everything here runs before anything is written to WASM memory,
// reads the caller's arrays without modifying them, and names the argument,
// the position and the value in its error.
import { ValidationError } from './errors.js';
import type { CSR } from './data/csr.js';

/** A value as an error prints it: NaN, Infinity, 1e+39, 'text', [0.9, 1], or a type name. */
export function show(v: unknown): string {
  if (typeof v === 'number') return Object.is(v, -0) ? '0' : String(v);
  if (typeof v === 'string') return `'${v}'`;
  if (v === null) return 'null';
  if (Array.isArray(v)) return v.length <= 8 ? `[${v.map(show).join(', ')}]` : `an array of ${v.length} values`;
  if (ArrayBuffer.isView(v)) return `${article(v.constructor.name)} ${v.constructor.name}`;
  if (typeof v === 'function') return 'a function';
  return typeof v === 'object' ? 'an object' : String(v);
}

/** 'a' or 'an' by sound: an Int32Array, a Uint8Array ("you-int"), a Float32Array, an MLP (initials read as letters: "em"). */
export function article(word: string): string {
  return /^[AEIO]|^[FHLMNRSX][A-Z]/.test(word) ? 'an' : 'a';
}

// Whether a typed array's buffer has been detached (transferred by postMessage, structuredClone or transfer()).
function isDetached(v: ArrayBufferView): boolean {
  const buffer = v.buffer as ArrayBuffer & { detached?: boolean };
  if (typeof buffer.detached === 'boolean') return buffer.detached; // Node 22+, current browsers
  if (buffer.byteLength !== 0) return false;
  try {
    new Uint8Array(buffer); // throws only for a detached buffer
    return false;
  } catch {
    return true;
  }
}

/** Throws if v is a typed array whose buffer was transferred away (it then reads as empty). */
export function notDetached(name: string, v: unknown): void {
  if (ArrayBuffer.isView(v) && isDetached(v)) {
    throw new ValidationError(`${name} is a detached ${v.constructor.name} (its buffer was transferred)`);
  }
}

/** Throws unless v is an integer >= 1. */
export function positiveInteger(name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
    throw new ValidationError(`${name} must be a positive integer, got ${show(v)}`);
  }
  return v;
}

/** Throws unless v is a finite number > 0. */
export function positiveFinite(name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
    throw new ValidationError(`${name} must be a finite number > 0, got ${show(v)}`);
  }
  return v;
}

/** Throws unless v is a finite number. */
export function finite(name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new ValidationError(`${name} must be a finite number, got ${show(v)}`);
  }
  return v;
}

/** Throws if options has a key outside allowed (catches typos like `epoch`). */
export function knownKeys(what: string, options: object, allowed: readonly string[]): void {
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) {
      throw new ValidationError(`unknown ${what} '${key}' (expected one of ${allowed.join(', ')})`);
    }
  }
}

/** Throws unless v is undefined or a plain options object. */
export function optionsObject(name: string, v: unknown): Record<string, unknown> {
  if (v === undefined) return {};
  if (v === null || typeof v !== 'object' || Array.isArray(v) || ArrayBuffer.isView(v)) {
    throw new ValidationError(`${name} must be an options object, got ${show(v)}`);
  }
  return v as Record<string, unknown>;
}

/** Feature matrices accepted by fit, predict and evaluate: dense (flat row-major or rows) or CSR (src/data/csr.ts). */
export type MatrixInput = Float32Array | Float64Array | readonly (readonly number[])[] | CSR;
/** Targets accepted by fit and evaluate. */
export type TargetInput = Float32Array | Float64Array | Int32Array | Uint8Array | readonly number[];

/** A validated copy of X: rows x features, row-major float32. */
export interface Matrix {
  data: Float32Array;
  rows: number;
}

/** Why a value cannot be stored as float32 ('NaN', 'too large', ...), or null if it can. */
export function badValue(v: unknown): string | null {
  if (typeof v !== 'number') return 'a non-number';
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '-Infinity';
  if (!Number.isFinite(Math.fround(v))) return 'too large';
  return null;
}

/** The error for a bad value of X at a row and column (badValue's reason as `why`). */
export function matrixValueError(name: string, v: unknown, row: number, col: number, why: string): ValidationError {
  if (why === 'too large') {
    return new ValidationError(
      `${name} value ${show(v)} at row ${row}, column ${col} is too large for float32 (largest magnitude is 3.4028234663852886e+38)`,
    );
  }
  if (why === 'a non-number') {
    return new ValidationError(`${name} contains a non-number at row ${row}, column ${col}: ${show(v)}`);
  }
  return new ValidationError(`${name} contains ${why} at row ${row}, column ${col}`);
}

/**
 * X with its shape checked (type, detached buffer, emptiness, length or row count),
 * its values not yet read: they are checked as they are copied (copyRows, then
 * findNonFinite and valueError for typed arrays), so data is read once.
 */
export interface MatrixSource {
  readonly X: Float32Array | Float64Array | readonly unknown[];
  readonly rows: number;
  readonly features: number;
  /** The argument's name in messages ('X', 'validationData.X'). */
  readonly name: string;
  /** A CSR matrix (src/data/csr.ts; X is then its data): its shape checked, indptr's order and values not yet. */
  readonly csr?: CSR;
}

/** Checks X's shape against the feature count (same messages as toMatrix), without reading its values. */
export function matrixSource(X: unknown, features: number, name = 'X'): MatrixSource {
  if (X instanceof Float32Array || X instanceof Float64Array) {
    notDetached(name, X);
    if (X.length === 0) throw new ValidationError(`${name} is empty`);
    if (X.length % features !== 0) {
      throw new ValidationError(`${name} has length ${X.length}, which is not a multiple of features (${features})`);
    }
    return { X, rows: X.length / features, features, name };
  }
  if (Array.isArray(X)) {
    if (X.length === 0) throw new ValidationError(`${name} is empty`);
    return { X, rows: X.length, features, name };
  }
  throw new ValidationError(`${name} must be a Float32Array, Float64Array or number[][], got ${show(X)}`);
}

/**
 * Copies rows from..from+n of src into dst at element offset at, as float32. A typed
 * array is one bulk set (float64 rounds to float32; follow with findNonFinite over
 * the copy); rows of number[][] are checked cell by cell as they are written,
 * throwing the first problem in row-major order.
 */
export function copyRows(src: MatrixSource, from: number, n: number, dst: Float32Array | Float64Array, at: number): void {
  const F = src.features;
  const X = src.X;
  if (!Array.isArray(X)) {
    dst.set((X as Float32Array | Float64Array).subarray(from * F, (from + n) * F), at);
    return;
  }
  const name = src.name;
  for (let r = from; r < from + n; r++) {
    const row: unknown = X[r];
    if (!Array.isArray(row) && !(row instanceof Float32Array) && !(row instanceof Float64Array)) {
      throw new ValidationError(`${name} row ${r} must be an array of ${F} numbers, got ${show(row)}`);
    }
    notDetached(`${name} row ${r}`, row);
    const cells = row as ArrayLike<unknown>;
    if (cells.length !== F) throw new ValidationError(`${name} row ${r} has ${cells.length} columns, expected ${F}`);
    const base = at + (r - from) * F;
    for (let c = 0; c < F; c++) {
      const why = badValue(cells[c]);
      if (why) throw matrixValueError(name, cells[c], r, c, why);
      dst[base + c] = cells[c] as number;
    }
  }
}

/** The error for src's flat element i, found not finite after a copy (the original value is named). */
export function valueError(src: MatrixSource, i: number): ValidationError {
  const v = (src.X as ArrayLike<number>)[i];
  return matrixValueError(src.name, v, Math.floor(i / src.features), i % src.features, badValue(v) ?? 'too large');
}

/** Validates X against the feature count and returns a float32 copy (for code that needs X in JS). */
export function toMatrix(X: unknown, features: number, name = 'X'): Matrix {
  const src = matrixSource(X, features, name);
  const data = new Float32Array(src.rows * features);
  copyRows(src, 0, src.rows, data, 0);
  for (let i = 0; i < data.length; i++) if (data[i] - data[i] !== 0) throw valueError(src, i);
  return { data, rows: src.rows };
}

/** toMatrix's checks, keeping the values in float64 (for statistics computed before any rounding). */
export function toMatrix64(X: unknown, features: number, name = 'X'): { data: Float64Array; rows: number } {
  const src = matrixSource(X, features, name);
  const data = new Float64Array(src.rows * features);
  copyRows(src, 0, src.rows, data, 0);
  for (let i = 0; i < data.length; i++) if (!Number.isFinite(Math.fround(data[i]))) throw valueError(src, i);
  return { data, rows: src.rows };
}

const TARGET_TYPES = [Float32Array, Float64Array, Int32Array, Uint8Array];

/** Validates y against the row count (and 0/1 labels when binary) and returns a float32 copy. */
export function toTargets(y: unknown, rows: number, binaryFor: string | null, name = 'y'): Float32Array {
  if (!Array.isArray(y) && !TARGET_TYPES.some((T) => y instanceof T)) {
    throw new ValidationError(
      `${name} must be a Float32Array, Float64Array, Int32Array, Uint8Array or number[], got ${show(y)}`,
    );
  }
  notDetached(name, y);
  const values = y as ArrayLike<unknown>;
  if (values.length !== rows) {
    throw new ValidationError(`${name} has ${values.length} values but X has ${rows} rows`);
  }
  const out = new Float32Array(rows);
  // Typed arrays: one bulk conversion and one tight scan; the loop below only runs to name a bad value.
  if (!Array.isArray(y) && cleanTargets(out, y as Float32Array, binaryFor !== null)) return out;
  for (let i = 0; i < rows; i++) {
    const v = values[i];
    const why = badValue(v);
    if (why === 'too large') {
      throw new ValidationError(`${name} value ${show(v)} at index ${i} is too large for float32 (largest magnitude is 3.4028234663852886e+38)`);
    }
    if (why === 'a non-number') throw new ValidationError(`${name} contains a non-number at index ${i}: ${show(v)}`);
    if (why) throw new ValidationError(`${name} contains ${why} at index ${i}`);
    if (binaryFor && v !== 0 && v !== 1) {
      throw new ValidationError(`${name} must contain only 0 or 1 for ${binaryFor}, got ${show(v)} at index ${i}`);
    }
    out[i] = v as number;
  }
  return out;
}

/** Converts a typed array of targets into out; whether every value is finite in float32 (and 0 or 1 when binary). */
function cleanTargets(out: Float32Array, y: Float32Array, binary: boolean): boolean {
  out.set(y); // float64 beyond float32's range becomes Infinity here, and is caught below
  if (binary) {
    for (let i = 0; i < y.length; i++) if (y[i] !== 0 && y[i] !== 1) return false; // the source: 1 + 2^-30 is not 1
  } else {
    for (let i = 0; i < out.length; i++) if (out[i] - out[i] !== 0) return false; // NaN or +-Infinity
  }
  return true;
}

/** The row count X's shape implies, read without touching its values (toMatrix checks everything). */
export function matrixRows(X: unknown, features: number): number {
  if (X instanceof Float32Array || X instanceof Float64Array) return Math.floor(X.length / features);
  return Array.isArray(X) ? X.length : 0;
}
