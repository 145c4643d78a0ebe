// A CSV of numbers read as a stream, in chunks of rows, for training from data larger
// than memory (fitStream): a header row, then one value per column; the target column's
// values are numbers or (for a model with class names) labels. Comma, tab or semicolon,
// found in the header as readCsv finds it; double-quoted fields. No Node modules, and no
// csv-parse: it runs in browsers too. readCsv (csv.ts) is the whole-table reader the command uses.
import { ValidationError } from '../errors.js';
import { show } from '../validate.js';
import { chunks, type TextSource } from './svmlight.js';

/** Rows of a CSV chunk: X (rows x features, row-major) and the target column's values. */
export interface CsvChunk {
  X: Float64Array;
  y: Float64Array | string[];
  /** The line (1-based; the header is line 1) of the chunk's first row. */
  line: number;
}

/** Options of streamCsv. */
export interface CsvStreamOptions {
  /** The target column: its name in the header, or its index (default: the last column). */
  target?: string | number;
  /** Read the target as text labels instead of numbers (default false). */
  labels?: boolean;
  /** Rows per chunk (default 10,000). */
  chunkRows?: number;
  /** What messages call the data (default 'the CSV input'). */
  name?: string;
}

/** The header's columns once read, for callers that name features. */
export interface CsvHeader {
  columns: string[];
  target: number;
}

/** Splits a line at sep outside double quotes; "" inside quotes is a quote. Fields are trimmed. */
export function splitCsvLine(line: string, sep: string): string[] {
  if (!line.includes('"')) return line.split(sep).map((f) => f.trim());
  const out: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') field += line[++i];
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === sep) {
      out.push(field.trim());
      field = '';
    } else field += c;
  }
  out.push(field.trim());
  return out;
}

/** The separator of comma, tab and semicolon that splits the header into the most fields. */
function separator(header: string): string {
  let best = ',';
  for (const sep of ['\t', ';']) if (splitCsvLine(header, sep).length > splitCsvLine(header, best).length) best = sep;
  return best;
}

/**
 * Reads a CSV of numbers from a stream of text or bytes, yielding chunks of chunkRows rows.
 * Every column but the target is a feature, in header order. Empty lines are skipped; a
 * line with another number of fields, or a value that is not a finite number, is a
 * ValidationError naming the line, the column and the value. onHeader receives the header.
 */
export async function* streamCsv(
  source: TextSource, options: CsvStreamOptions = {}, onHeader?: (h: CsvHeader) => void,
): AsyncGenerator<CsvChunk, void, undefined> {
  const name = options.name ?? 'the CSV input';
  const chunkRows = options.chunkRows ?? 10000;
  const decoder = new TextDecoder('utf-8');
  let header: string[] | null = null;
  let sep = ',';
  let target = -1;
  let X: number[] = [];
  let y: (number | string)[] = [];
  let first = 0;
  let line = 0;
  let rest = '';
  const take = (): CsvChunk => {
    const out = { X: Float64Array.from(X), y: options.labels ? (y as string[]) : Float64Array.from(y as number[]), line: first };
    X = [];
    y = [];
    return out;
  };
  const parse = (text: string): void => {
    line++;
    if (text.endsWith('\r')) text = text.slice(0, -1);
    if (text.trim() === '') return;
    if (!header) {
      if (line === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      sep = separator(text);
      header = splitCsvLine(text, sep);
      const t = options.target ?? header.length - 1;
      target = typeof t === 'number' ? t : header.indexOf(t);
      if (target < 0 || target >= header.length || header.length < 2) {
        throw new ValidationError(`${name} has no target column ${show(t)} (its columns are ${header.join(', ')})`);
      }
      onHeader?.({ columns: header, target });
      return;
    }
    const fields = splitCsvLine(text, sep);
    if (fields.length !== header.length) {
      throw new ValidationError(`${name} line ${line} has ${fields.length} fields; the header has ${header.length}`);
    }
    if (y.length === 0) first = line;
    for (let c = 0; c < fields.length; c++) {
      const f = fields[c];
      if (c === target && options.labels) {
        y.push(f);
        continue;
      }
      const v = f === '' ? NaN : Number(f);
      if (!Number.isFinite(v)) {
        throw new ValidationError(`${name} line ${line}, column '${header[c]}': ${show(f)} is not a finite number`);
      }
      if (c === target) y.push(v);
      else X.push(v);
    }
  };
  for await (const chunk of chunks(source)) {
    let text: string;
    if (typeof chunk === 'string') text = decoder.decode() + chunk;
    else if (chunk instanceof Uint8Array) text = decoder.decode(chunk, { stream: true });
    else throw new ValidationError(`${name} gave a chunk that is not a string or Uint8Array: ${show(chunk)}`);
    text = rest + text;
    let start = 0;
    for (let end = text.indexOf('\n'); end !== -1; start = end + 1, end = text.indexOf('\n', start)) {
      parse(text.slice(start, end));
      if (y.length === chunkRows) yield take();
    }
    rest = text.slice(start);
  }
  parse(rest + decoder.decode());
  if (!header) throw new ValidationError(`${name} is empty (expected a header row)`);
  if (y.length > 0) yield take();
}
