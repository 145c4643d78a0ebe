// `<data>` resolved: a CSV file, standard input, or a bundled data set (which knows its target).
import type { Readable } from 'node:stream';
import { readTable, type Table } from './table.js';

/** The table, a short name for titles, and the target column a bundled data set names. */
export interface Data {
  table: Table;
  name: string;
  target: string | null;
}

/** Reads `<data>`: '-' for standard input, a file path, or a bundled data set's name. */
export async function readData(arg: string, stdin: Readable): Promise<Data> {
  const table = await readTable(arg, stdin);
  return { table, name: arg === '-' ? 'standard input' : arg.split(/[\\/]/).pop()!, target: null };
}
