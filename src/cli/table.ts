// `<data>` as a table of raw values: a CSV file, standard input ('-'), or a bundled
// data set by name. Rows keep the line each starts on, so messages can name it.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import type { RawValue } from '../preprocess/Preprocessor.js';
import { CliError } from './errors.js';

/** Rows of raw values under named columns, and where they came from. */
export interface Table {
  /** How messages name the data: the file path, 'standard input', or 'data set iris'. */
  source: string;
  columns: string[];
  rows: RawValue[][];
  /** The file line each row starts on (1 is the header). */
  lines: number[];
}

/** Reads `<data>`: '-' is standard input, a name of a bundled data set is that set, anything else a CSV path. */
export async function readTable(arg: string, stdin: Readable): Promise<Table> {
  if (arg === '-') return readCsv(stdin, 'standard input');
  const info = await stat(arg).catch(() => null);
  if (!info) throw new CliError(`cannot read '${arg}': no such file`);
  if (info.isDirectory()) throw new CliError(`cannot read '${arg}': it is a directory`);
  return readCsv(createReadStream(arg), arg);
}

/** A CSV stream as a table: header row, quoted fields, comma, semicolon or tab separators. */
async function readCsv(stream: Readable, source: string): Promise<Table> {
  const chunks = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
  // The separator is whichever of , ; tab the header line has most of (outside quotes).
  let head = '';
  const first: (Buffer | string)[] = [];
  try {
    while (!/[\r\n]/.test(head)) {
      const next = await chunks.next();
      if (next.done) break;
      first.push(next.value);
      head += next.value.toString();
    }
  } catch (err) {
    throw new CliError(`cannot read ${source}: ${(err as Error).message}`);
  }
  const delimiter = sniff(head);
  const rest = (async function* () {
    yield* first;
    for (let n = await chunks.next(); !n.done; n = await chunks.next()) yield n.value;
  })();
  const parser = Readable.from(rest).pipe(parse({ delimiter, bom: true, skip_empty_lines: true, trim: true, info: true }));
  let columns: string[] | null = null;
  const rows: RawValue[][] = [];
  const lines: number[] = [];
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      if (!columns) columns = record;
      else {
        rows.push(record);
        lines.push(info.lines);
      }
    }
  } catch (err) {
    throw new CliError(`cannot read ${source}: ${(err as Error).message}`);
  }
  if (!columns) throw new CliError(`${source} is empty`);
  if (rows.length === 0) throw new CliError(`${source} has a header but no rows`);
  return { source, columns, rows, lines };
}

// The most frequent separator in the first line, counting only outside double quotes; comma when none.
function sniff(text: string): string {
  const line = text.split(/\r?\n/)[0];
  const counts: Record<string, number> = { ',': 0, ';': 0, '\t': 0 };
  let quoted = false;
  for (const ch of line) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && ch in counts) counts[ch]++;
  }
  return Object.entries(counts).reduce((a, b) => (b[1] > a[1] ? b : a), [',', 0])[0];
}
