// Rows of a data file checked against a saved model: its columns present, numeric
// values numbers, categories ones it was trained on (or the row skipped with --drop-invalid).
import type { Preprocessor, RawValue } from '../preprocess/Preprocessor.js';
import { cleanRows, planColumns, type CleanRows } from './columns.js';
import { CliError } from './errors.js';
import type { CsvTable } from '../datasets/csv.js';
import type { Readable } from 'node:stream';
import type { LoadedModel } from './modelFile.js';
import { readData } from './data.js';
import { columnIndex } from '../datasets/csv.js';
import { dataFormat, hashTexts, readSvmlightFile } from './input.js';
import type { CSR } from '../data/csr.js';

/** Rows for predict and eval, however the model reads them: raw CSV rows (through its preprocessing) or its feature matrix. */
export interface InputRows {
  features: RawValue[][] | CSR;
  /** The target's raw values (when target was given). */
  target: RawValue[];
  lines: number[];
  dropped: number;
  firstProblem: string | null;
  /** The data's name in messages, and its row count before any was dropped. */
  source: string;
  total: number;
}

/** Reads dataArg as the loaded model reads its input: CSV columns, svmlight rows, or a CSV's hashed text column. */
export async function readRows(m: LoadedModel, dataArg: string, target: string | null, drop: boolean, stdin: Readable, format?: string): Promise<InputRows> {
  const input = m.input;
  if (input?.format === 'svmlight') {
    if (dataFormat(dataArg, format ?? 'svmlight') !== 'svmlight') throw new CliError(`the model reads svmlight rows; ${dataArg} was given as CSV`);
    const { X, y } = await readSvmlightFile(dataArg, { zeroBased: input.zeroBased, features: m.model.features });
    const rows = y.length;
    return {
      features: X, target: Array.from(y), lines: Array.from({ length: rows }, (_, r) => r + 1),
      dropped: 0, firstProblem: null, source: dataArg, total: rows,
    };
  }
  const data = await readData(dataArg, stdin);
  const table = data.table;
  if (input?.format === 'text') {
    const c = columnIndex(table, input.column);
    const t = target === null ? -1 : columnIndex(table, target);
    const X = hashTexts(table.rows.map((r) => r[c]), input.hashing);
    return {
      features: X, target: t < 0 ? [] : table.rows.map((r) => r[t]),
      lines: table.lines, dropped: 0, firstProblem: null, source: table.source, total: table.rows.length,
    };
  }
  const clean = modelRows(table, m.prep!, target, drop);
  return { ...clean, features: clean.features as RawValue[][], target: clean.target as RawValue[], source: table.source, total: table.rows.length };
}

/** The rows a saved model can take from table, and the target column's values when target is given. */
export function modelRows(table: CsvTable, prep: Preprocessor, target: string | null, drop: boolean): CleanRows {
  const cols = prep.columns;
  const categorical = cols.flatMap((c) => (c.kind === 'categorical' ? [c.name] : []));
  const plan = planColumns(table, target, categorical, prep.inputs);
  const clean = cleanRows(table, plan, drop);
  // Categories the model never saw have no one-hot column.
  const known = cols.map((c) => (c.kind === 'categorical' ? new Set(c.categories) : null));
  const keep: number[] = [];
  let firstProblem = clean.firstProblem;
  clean.features.forEach((row: RawValue[], r: number) => {
    const k = row.findIndex((v, c) => known[c] !== null && !known[c]!.has(String(v)));
    if (k < 0) return void keep.push(r);
    const c = cols[k] as { name: string; categories: string[] };
    const problem = `${table.source} line ${clean.lines[r]}: column '${c.name}' has '${String(row[k])}', a category the model was not trained on (it knows ${c.categories.join(', ')})`;
    if (!drop) throw new CliError(`${problem}; --drop-invalid skips such rows`);
    firstProblem ??= problem;
  });
  if (keep.length === clean.features.length) return clean;
  if (keep.length === 0) throw new CliError(`no row of ${table.source} can be used (first problem: ${firstProblem})`);
  return {
    features: keep.map((r) => clean.features[r]),
    target: clean.target.length ? keep.map((r) => clean.target[r]) : [],
    lines: keep.map((r) => clean.lines[r]),
    dropped: clean.dropped + clean.features.length - keep.length,
    firstProblem,
  };
}
