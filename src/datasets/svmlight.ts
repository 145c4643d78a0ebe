// svmlight / libsvm text files: one row per line, `label index:value index:value ...`,
// indices increasing along a line, 1-based unless zeroBased; `#` starts a comment to the end
// of the line; a `qid:N` right after the label (SVMrank's query id) is read and ignored.
// The reader streams: text or bytes in chunks of any size (a Node file stream, a browser
// ReadableStream, fetch's body), rows out in CSR chunks. No Node modules: it runs anywhere.
import { ValidationError } from '../errors.js';
import { checkCSR, isCSR, type CSR } from '../data/csr.js';
import { knownKeys, optionsObject, positiveInteger, show, toMatrix64, toTargets, type MatrixInput, type TargetInput } from '../validate.js';

/** Rows read from svmlight text: X (float64 values, int32 indices) and one label per row. */
export interface SvmlightChunk {
  X: CSR;
  y: Float64Array;
}

/** Options of readSvmlight and streamSvmlight. */
export interface SvmlightReadOptions {
  /** Indices count from 0 (default false: from 1, as svmlight and libsvm write them). */
  zeroBased?: boolean;
  /** The column count; an index past it is an error. Default: the largest column read so far + 1 (for a stream, chunks can then widen). */
  features?: number;
  /** streamSvmlight: rows per chunk (the last one may be shorter). Default 10,000. */
  chunkRows?: number;
  /** What messages call the data (default 'the svmlight input'). */
  name?: string;
}

/** Options of writeSvmlight. */
export interface SvmlightWriteOptions {
  /** Write indices from 0 (default false: from 1). */
  zeroBased?: boolean;
  /** Columns of a flat (Float32Array or Float64Array) dense X; for CSR, checked against its shape if given. */
  features?: number;
}

/** Text or bytes in chunks: any async iterable of them (Node streams) or a ReadableStream (browsers). */
export type TextSource = AsyncIterable<string | Uint8Array> | ReadableStream<string | Uint8Array>;

const READ_OPTIONS = ['zeroBased', 'features', 'chunkRows', 'name'] as const;
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const INDEX = /^\d+$/;
const QID = /^qid:[+-]?\d+$/;
const MAX_COLUMNS = 2 ** 31 - 1; // int32 indices

/** Reads a whole svmlight text; X has features columns, or as many as its largest index needs. */
export function readSvmlight(text: string, options: Omit<SvmlightReadOptions, 'chunkRows'> = {}): SvmlightChunk {
  if (typeof text !== 'string') throw new ValidationError(`text must be a string, got ${show(text)}`);
  const rows = new RowBuilder(readOptions(options));
  let line = 0;
  for (let start = 0; start <= text.length; ) {
    const end = text.indexOf('\n', start);
    rows.parse(text.slice(start, end === -1 ? text.length : end), ++line);
    if (end === -1) break;
    start = end + 1;
  }
  return rows.take();
}

/**
 * Reads svmlight text from a stream, yielding chunks of options.chunkRows rows. Bytes are
 * decoded as UTF-8 across chunk boundaries (a character may be split anywhere). Errors are
 * ValidationErrors naming the line and the token.
 */
export async function* streamSvmlight(source: TextSource, options: SvmlightReadOptions = {}): AsyncGenerator<SvmlightChunk, void, undefined> {
  const o = readOptions(options);
  const rows = new RowBuilder(o);
  const decoder = new TextDecoder('utf-8');
  let rest = '';
  let line = 0;
  for await (const chunk of chunks(source)) {
    let text: string;
    if (typeof chunk === 'string') text = decoder.decode() + chunk; // bytes pending from a split character end first
    else if (chunk instanceof Uint8Array) text = decoder.decode(chunk, { stream: true });
    else throw new ValidationError(`${o.name} gave a chunk that is not a string or Uint8Array: ${show(chunk)}`);
    text = rest + text;
    let start = 0;
    for (let end = text.indexOf('\n'); end !== -1; start = end + 1, end = text.indexOf('\n', start)) {
      rows.parse(text.slice(start, end), ++line);
      if (rows.count === o.chunkRows) yield rows.take();
    }
    rest = text.slice(start);
  }
  rows.parse(rest + decoder.decode(), ++line);
  if (rows.count > 0) yield rows.take();
}

/**
 * svmlight text for X (CSR, number[][], or a flat Float32Array / Float64Array with
 * options.features columns) and y: one line per row, its non-zero values in increasing
 * column order (a CSR row's repeated columns added first). Numbers are written in the
 * shortest form that reads back to the same value (for float32 arrays, the same float32).
 */
export function writeSvmlight(data: { X: CSR | MatrixInput; y: TargetInput }, options: SvmlightWriteOptions = {}): string {
  const o = optionsObject('options', options);
  knownKeys('writeSvmlight option', o, ['zeroBased', 'features']);
  const base = zeroBasedOption(o.zeroBased) ? 0 : 1;
  const features = o.features === undefined ? undefined : positiveInteger('features', o.features);
  if (data === null || typeof data !== 'object') throw new ValidationError(`data must be { X, y }, got ${show(data)}`);
  const { X, y } = data;
  let rows: number;
  let row: (r: number) => [number[], number[]];
  const f32 = X instanceof Float32Array || (isCSR(X) && (X as CSR).data instanceof Float32Array);
  if (isCSR(X)) {
    const csr = checkCSR(X, 'X', features);
    rows = csr.shape[0];
    row = (r) => sparseRow(csr, r);
  } else {
    const width = features ?? (Array.isArray(X) && Array.isArray(X[0]) ? X[0].length : undefined);
    if (width === undefined) throw new ValidationError('features is required to write a flat Float32Array or Float64Array X (its column count)');
    const dense = toMatrix64(X, width);
    rows = dense.rows;
    row = (r) => {
      const cols: number[] = [];
      const values: number[] = [];
      for (let c = 0; c < width; c++) {
        const v = dense.data[r * width + c];
        if (v !== 0) cols.push(c), values.push(v);
      }
      return [cols, values];
    };
  }
  toTargets(y, rows, null); // checks only: the labels are written from y itself, unrounded
  const labels = y as ArrayLike<number>;
  const lines: string[] = [];
  for (let r = 0; r < rows; r++) {
    const [cols, values] = row(r);
    let line = number(labels[r], y instanceof Float32Array);
    for (let k = 0; k < cols.length; k++) line += ` ${cols[k] + base}:${number(values[k], f32)}`;
    lines.push(`${line}\n`);
  }
  return lines.join('');
}

// Row r of a CSR matrix as increasing columns with their summed values, zeros left out.
function sparseRow(X: CSR, r: number): [number[], number[]] {
  const from = X.indptr[r];
  const to = X.indptr[r + 1];
  const order: number[] = [];
  let sorted = true;
  for (let k = from; k < to; k++) {
    order.push(k);
    if (k > from && X.indices[k] <= X.indices[k - 1]) sorted = false;
  }
  if (!sorted) order.sort((a, b) => X.indices[a] - X.indices[b]); // stable: repeated columns add in stored order
  const cols: number[] = [];
  const values: number[] = [];
  for (let i = 0; i < order.length; ) {
    const c = X.indices[order[i]];
    let sum = 0;
    for (; i < order.length && X.indices[order[i]] === c; i++) sum += X.data[order[i]];
    if (sum !== 0) cols.push(c), values.push(sum);
  }
  return [cols, values];
}

// The shortest decimal that reads back to v (as float32 when it came from a float32 array).
function number(v: number, float32: boolean): string {
  if (!float32) return String(v);
  for (let digits = 1; digits < 9; digits++) {
    const s = String(Number(v.toPrecision(digits)));
    if (Math.fround(Number(s)) === v) return s;
  }
  return String(Number(v.toPrecision(9)));
}

interface ReadOptions {
  zeroBased: boolean;
  features: number | undefined;
  chunkRows: number;
  name: string;
}

function readOptions(options: unknown): ReadOptions {
  const o = optionsObject('options', options);
  knownKeys('svmlight option', o, READ_OPTIONS);
  if (o.name !== undefined && typeof o.name !== 'string') throw new ValidationError(`name must be a string, got ${show(o.name)}`);
  const features = o.features === undefined ? undefined : positiveInteger('features', o.features);
  if (features !== undefined && features > MAX_COLUMNS) throw new ValidationError(`features must be at most ${MAX_COLUMNS}, got ${features}`);
  return {
    zeroBased: zeroBasedOption(o.zeroBased),
    features,
    chunkRows: o.chunkRows === undefined ? 10_000 : positiveInteger('chunkRows', o.chunkRows),
    name: (o.name as string | undefined) ?? 'the svmlight input',
  };
}

function zeroBasedOption(v: unknown): boolean {
  if (v !== undefined && typeof v !== 'boolean') throw new ValidationError(`zeroBased must be true or false, got ${show(v)}`);
  return v === true;
}

/** A TextSource as an async iterable of its chunks (a ReadableStream read through its reader). */
export function chunks(source: TextSource): AsyncIterable<unknown> {
  if (source !== null && typeof source === 'object') {
    if (Symbol.asyncIterator in source) return source as AsyncIterable<unknown>;
    if (typeof (source as ReadableStream).getReader === 'function') return readerChunks(source as ReadableStream);
  }
  throw new ValidationError(`source must be an async iterable of strings or Uint8Arrays (a Node stream) or a ReadableStream, got ${show(source)}`);
}

// A ReadableStream as an async iterable (not every browser makes it one).
export async function* readerChunks(stream: ReadableStream): AsyncGenerator<unknown> {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}

// Parsed lines collected into one CSR chunk; widths are the running maximum unless features is fixed.
class RowBuilder {
  private indptr: number[] = [0];
  private indices: number[] = [];
  private data: number[] = [];
  private labels: number[] = [];
  private width = 1;

  constructor(private readonly o: ReadOptions) {}

  get count(): number {
    return this.labels.length;
  }

  /** Adds the row on one line (number lineNo, 1-based), if it holds one; comments and blank lines hold none. */
  parse(line: string, lineNo: number): void {
    const hash = line.indexOf('#');
    const tokens = (hash === -1 ? line : line.slice(0, hash)).trim().split(/\s+/);
    if (tokens[0] === '') return;
    const fail = (what: string) => new ValidationError(`${this.o.name} line ${lineNo}: ${what}`);
    const label = tokens[0];
    const y = NUMBER.test(label) ? Number(label) : NaN;
    if (!Number.isFinite(y)) throw fail(`label '${label}' is not a finite number`);
    const first = tokens.length > 1 && tokens[1].startsWith('qid:') ? 2 : 1;
    if (first === 2 && !QID.test(tokens[1])) throw fail(`'${tokens[1]}' is not qid:<integer>`);
    let previous = -1;
    for (let t = first; t < tokens.length; t++) {
      const token = tokens[t];
      const colon = token.indexOf(':');
      if (colon === -1) throw fail(`expected index:value, got '${token}'`);
      const index = token.slice(0, colon);
      const text = token.slice(colon + 1);
      if (!INDEX.test(index)) throw fail(`index '${index}' in '${token}' is not a non-negative integer`);
      const column = Number(index) - (this.o.zeroBased ? 0 : 1);
      if (column < 0) throw fail(`index 0 in '${token}', but indices count from 1 (pass zeroBased: true for a file that counts from 0)`);
      if (column <= previous) throw fail(`index ${index} in '${token}' does not increase (the previous index is ${previous + (this.o.zeroBased ? 0 : 1)})`);
      const { features } = this.o;
      if (column >= (features ?? MAX_COLUMNS)) {
        throw fail(`index ${index} in '${token}' is past the last of the ${features ?? MAX_COLUMNS} features (indices count from ${this.o.zeroBased ? 0 : 1})`);
      }
      const value = NUMBER.test(text) ? Number(text) : NaN;
      if (!Number.isFinite(value)) throw fail(`value '${text}' in '${token}' is not a finite number`);
      previous = column;
      this.indices.push(column);
      this.data.push(value);
    }
    if (previous + 1 > this.width) this.width = previous + 1;
    this.labels.push(y);
    this.indptr.push(this.indices.length);
  }

  /** The rows collected so far, as a chunk; starts the next one (its width starts at this one's). */
  take(): SvmlightChunk {
    const X: CSR = {
      shape: [this.labels.length, this.o.features ?? this.width],
      indptr: Int32Array.from(this.indptr), indices: Int32Array.from(this.indices), data: Float64Array.from(this.data),
    };
    const y = Float64Array.from(this.labels);
    this.indptr = [0];
    this.indices = [];
    this.data = [];
    this.labels = [];
    return { X, y };
  }
}
