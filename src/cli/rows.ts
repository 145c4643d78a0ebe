// Rows of a data file checked against a saved model: its columns present, numeric
// values numbers, categories ones it was trained on (or the row skipped with --drop-invalid).
import type { Preprocessor, RawValue } from '../preprocess/Preprocessor.js';
import { cleanRows, planColumns, type CleanRows } from './columns.js';
import { CliError } from './errors.js';
import type { CsvTable } from '../datasets/csv.js';

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
