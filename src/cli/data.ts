// `<data>` resolved: a CSV file, standard input ('-'), or a bundled data set by name
// (which names its target column). A file of that name wins over a bundled set.
import { existsSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { readCsv, type CsvTable } from '../datasets/csv.js';
import { CliError } from './errors.js';

/** The table, a short name for titles, and the target column a bundled data set names. */
export interface Data {
  table: CsvTable;
  name: string;
  target: string | null;
  /** A bundled set's task: true for regression (its target has no classes), false for classes; null for a CSV. */
  regression: boolean | null;
}

/** Reads `<data>`; a table without rows is a CliError. */
export async function readData(arg: string, stdin: Readable): Promise<Data> {
  let data: Data;
  if (arg === '-') data = { table: await readCsv(stdin, { name: 'standard input' }), name: 'standard input', target: null, regression: null };
  else if (existsSync(arg)) data = { table: await readFile(arg), name: arg.split(/[\\/]/).pop()!, target: null, regression: null };
  else {
    // Loaded only here: the bundled sets are about 400 kB of modules.
    const sets = await import('../datasets/index.js');
    if (!sets.names().includes(arg)) {
      throw new CliError(`cannot read '${arg}': no such file, and no bundled data set has that name (they are ${sets.names().join(', ')})`);
    }
    const table = sets.table(arg);
    data = { table, name: arg, target: table.header[table.header.length - 1], regression: sets.load(arg).classes === null };
  }
  if (data.table.rows.length === 0) throw new CliError(`${data.table.source} has a header but no rows`);
  return data;
}

async function readFile(path: string): Promise<CsvTable> {
  try {
    return await readCsv(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EISDIR') throw new CliError(`cannot read '${path}': it is a directory`);
    if (code === 'EACCES') throw new CliError(`cannot read '${path}': permission denied`);
    throw err;
  }
}
