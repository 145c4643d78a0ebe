// Picks the target and feature columns out of a table and checks their values:
// every numeric feature and the target must be present and (numeric features) a
// number, or the row is reported by its line (or skipped with --drop-invalid).
import { parseNumber, type RawValue } from '../preprocess/Preprocessor.js';
import { CliError, UsageError } from './errors.js';
import { columnIndex, type CsvTable } from '../datasets/csv.js';

/** The columns a model reads, in table order, and each column's position. */
export interface ColumnPlan {
  features: string[];
  featureIndex: number[];
  categorical: string[];
  targetIndex: number | null;
}

/** Rows that passed the checks: feature values per row and the target's raw values. */
export interface CleanRows {
  features: RawValue[][];
  target: RawValue[];
  lines: number[];
  /** Rows skipped by --drop-invalid, and the first problem in words. */
  dropped: number;
  firstProblem: string | null;
}

/** Features: every column but the target, or exactly `inputs` (a saved model's columns) when given. */
export function planColumns(table: CsvTable, target: string | null, categorical: readonly string[], inputs?: readonly string[]): ColumnPlan {
  const targetIndex = target === null ? null : columnIndex(table, target);
  for (const c of categorical) {
    if (c === target) throw new UsageError(`--categorical names the target column '${c}'; the target's classes are found on their own`);
    columnIndex(table, c);
  }
  if (inputs) {
    const missing = inputs.filter((c) => !table.header.includes(c));
    if (missing.length > 0) {
      throw new CliError(`${table.source} does not have the model's column${missing.length > 1 ? 's' : ''} ${missing.map((c) => `'${c}'`).join(', ')}; the model reads ${inputs.join(', ')}, the data has ${table.header.join(', ')}`);
    }
    return { features: [...inputs], featureIndex: inputs.map((c) => table.header.indexOf(c)), categorical: [...categorical], targetIndex };
  }
  const featureIndex = table.header.flatMap((_, i) => (i === targetIndex ? [] : [i]));
  if (featureIndex.length === 0) throw new CliError(`${table.source} has no column besides the target '${target}'`);
  return { features: featureIndex.map((i) => table.header[i]), featureIndex, categorical: [...categorical], targetIndex };
}

/** Checks every row: the target present, numeric features numbers. drop skips bad rows, else the first is a CliError. */
export function cleanRows(table: CsvTable, plan: ColumnPlan, drop: boolean): CleanRows {
  const numeric = plan.features.map((c) => !plan.categorical.includes(c));
  const out: CleanRows = { features: [], target: [], lines: [], dropped: 0, firstProblem: null };
  table.rows.forEach((row, r) => {
    const problem = rowProblem(table, plan, numeric, row, table.lines[r]);
    if (problem) {
      if (!drop) throw new CliError(`${problem}; --drop-invalid skips such rows`);
      out.dropped++;
      out.firstProblem ??= problem;
      return;
    }
    out.features.push(plan.featureIndex.map((i) => row[i]));
    if (plan.targetIndex !== null) out.target.push(row[plan.targetIndex]);
    out.lines.push(table.lines[r]);
  });
  if (out.features.length === 0) throw new CliError(`every row of ${table.source} has an empty or non-numeric value (first: ${out.firstProblem})`);
  return out;
}

function rowProblem(table: CsvTable, plan: ColumnPlan, numeric: boolean[], row: RawValue[], line: number): string | null {
  const at = `${table.source} line ${line}`;
  if (plan.targetIndex !== null && String(row[plan.targetIndex]).trim() === '') return `${at}: the target column '${table.header[plan.targetIndex]}' is empty`;
  for (let k = 0; k < plan.features.length; k++) {
    const v = row[plan.featureIndex[k]];
    if (String(v).trim() === '') return `${at}: column '${plan.features[k]}' is empty`;
    if (numeric[k] && parseNumber(v) === null) {
      const hint = looksCategorical(table, plan.featureIndex[k]) ? `; --categorical ${plan.features[k]} one-hot encodes the column` : '';
      return `${at}: column '${plan.features[k]}' has '${String(v)}', which is not a number${hint}`;
    }
  }
  return null;
}

// A column most of whose values are text is probably categorical.
function looksCategorical(table: CsvTable, c: number): boolean {
  const sample = table.rows.slice(0, 200);
  return sample.filter((row) => parseNumber(row[c]) === null).length > sample.length / 2;
}
