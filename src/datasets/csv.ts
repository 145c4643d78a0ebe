// Reading a CSV file or stream into a table of strings for the steepest command:
// header row, quoted fields, comma, semicolon or tab separators, streamed through
// csv-parse. Node only (it reads files); not loaded by 'steepest' or 'steepest/datasets'.
import { createReadStream } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { pipeline } from 'node:stream/promises';
import { parse } from 'csv-parse';
import { parse as parseSync } from 'csv-parse/sync';
import { ValidationError } from '../errors.js';
import { show } from '../validate.js';

/** A field separator readCsv recognizes. */
export type Separator = ',' | ';' | '\t';

/** A CSV as read: its header, then rows of strings (fields trimmed of surrounding spaces). */
export interface CsvTable {
  /** Column names, from the first row. */
  header: string[];
  /** Data rows, each with header.length fields. */
  rows: string[][];
  /** The line (1-based, the header is line 1) where each row starts, for messages. */
  lines: number[];
  /** The separator found in the header (or given). */
  separator: Separator;
  /** What messages call the data: the file's path, options.name, or 'the CSV input'. */
  source: string;
}

/** readCsv's options. */
export interface ReadCsvOptions {
  /** What messages call the data (default: the path, or 'the CSV input' for a stream). */
  name?: string;
  /** The separator, instead of finding it in the header. */
  separator?: Separator;
}

const SEPARATORS: readonly Separator[] = [',', '\t', ';'];

/**
 * Reads a CSV file (a path or file URL) or stream (any async iterable of text or bytes,
 * such as process.stdin). The separator is the one of comma, tab and semicolon that
 * splits the header into the most fields (ties in that order), with quotes respected.
 * Errors are ValidationErrors naming the data and the line; a file that cannot be read
 * rejects with Node's own error (err.code 'ENOENT', 'EISDIR', ...).
 */
export async function readCsv(source: string | URL | AsyncIterable<string | Uint8Array>, options: ReadCsvOptions = {}): Promise<CsvTable> {
  const fromFile = typeof source === 'string' || source instanceof URL;
  const name = options.name ?? (typeof source === 'string' ? source : source instanceof URL ? fileURLToPath(source) : 'the CSV input');
  if (options.separator !== undefined && !SEPARATORS.includes(options.separator)) {
    throw new ValidationError(`separator must be ',', ';' or '\\t', got ${show(options.separator)}`);
  }
  const chunks = text(fromFile ? createReadStream(source) : source)[Symbol.asyncIterator]();
  // Read until the header line is complete, to find the separator before parsing starts.
  let head = '';
  let done = false;
  while (!head.includes('\n') && !done) {
    const next = await chunks.next();
    if (next.done) done = true;
    else head += next.value;
  }
  const separator = options.separator ?? detect(head);
  const rest = async function* () {
    yield head;
    for (let next = await chunks.next(); !next.done; next = await chunks.next()) yield next.value;
  };
  let header: string[] | null = null;
  const rows: string[][] = [];
  const lines: number[] = [];
  const parser = parse({ delimiter: separator, bom: true, trim: true, skip_empty_lines: true, relax_column_count: true, info: true });
  try {
    await pipeline(rest, parser, async (records: AsyncIterable<{ record: string[]; info: { lines: number } }>) => {
      for await (const { record, info } of records) {
        // info.lines is the record's last line: a quoted field may span several.
        const line = info.lines - record.reduce((n, f) => n + (f.match(/\n/g)?.length ?? 0), 0);
        if (!header) {
          header = checkedHeader(record, name);
          continue;
        }
        if (record.length !== header.length) {
          throw new ValidationError(`${name} line ${line} has ${record.length} fields; the header has ${header.length}`);
        }
        rows.push(record);
        lines.push(line);
      }
    });
  } catch (err) {
    if (err instanceof ValidationError) throw err;
    const code = (err as { code?: string }).code;
    if (typeof code === 'string' && code.startsWith('CSV_')) throw new ValidationError(`${name}: ${(err as Error).message}`, { cause: err });
    throw err;
  } finally {
    await chunks.return?.(undefined); // closes the file when parsing stopped early
  }
  if (!header) throw new ValidationError(`${name} is empty (expected a header row)`);
  return { header, rows, lines, separator, source: name };
}

/** The index of column in table.header; an error listing the columns when it is not there. */
export function columnIndex(table: Pick<CsvTable, 'header' | 'source'>, column: string): number {
  const i = table.header.indexOf(column);
  if (i < 0) throw new ValidationError(`${table.source} has no column ${show(column)} (its columns are ${table.header.join(', ')})`);
  return i;
}

// Chunks as text: a multi-byte character split between two chunks is decoded whole.
async function* text(input: AsyncIterable<string | Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  for await (const chunk of input) yield typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
  const tail = decoder.decode();
  if (tail) yield tail;
}

// The separator that splits the first line into the most fields, parsed by csv-parse so
// quotes count (csv-parse's own delimiter_auto throws on a quoted field followed by a separator).
function detect(head: string): Separator {
  const first = head.split('\n', 1)[0];
  let best: Separator = ',';
  let most = 0;
  for (const sep of SEPARATORS) {
    let fields = 0;
    try {
      fields = (parseSync(first, { delimiter: sep, bom: true, to_line: 1 }) as string[][])[0]?.length ?? 0;
    } catch {
      fields = 0; // not this separator (or a header with a quoted line break: the comma default then)
    }
    if (fields > most) {
      best = sep;
      most = fields;
    }
  }
  return best;
}

function checkedHeader(record: string[], name: string): string[] {
  record.forEach((field, i) => {
    if (field === '') throw new ValidationError(`${name}: field ${i + 1} of the header is empty; every column needs a name`);
    const first = record.indexOf(field);
    if (first !== i) throw new ValidationError(`${name}: the header names column ${show(field)} twice (fields ${first + 1} and ${i + 1})`);
  });
  return record;
}
