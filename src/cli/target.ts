// The target column: what kind of values it holds, which model 'auto' picks for it,
// and how its values are handed to the model (numbers, 0/1, class indices or labels).
import { parseNumber, type RawValue } from '../preprocess/Preprocessor.js';
import { CliError } from './errors.js';

/** The model types the command trains. */
export type ModelKind = 'linear' | 'logistic' | 'softmax' | 'mlp';
export const MODEL_KINDS: readonly ModelKind[] = ['linear', 'logistic', 'softmax', 'mlp'];

/** What the target column holds. */
export interface TargetColumn {
  name: string;
  /** Every value is a number. */
  numeric: boolean;
  /** The values as numbers (numeric targets) or as the text the file has. */
  values: number[] | string[];
  /** Distinct values, sorted (numerically for numbers). */
  distinct: (number | string)[];
}

/** How the target reaches the model: regression values, or classes (two: binary). */
export type TargetPlan =
  | { kind: 'values'; y: Float32Array }
  | { kind: 'classes'; count: number; y: Float32Array | string[] };

/** Reads the target column's raw values (empty ones were dropped or reported before). */
export function targetColumn(name: string, raw: readonly RawValue[]): TargetColumn {
  const numbers = raw.map(parseNumber);
  const numeric = numbers.every((v) => v !== null);
  const values = numeric ? (numbers as number[]) : raw.map((v) => String(v).trim());
  const distinct = [...new Set<number | string>(values)].sort(numeric ? (a, b) => (a as number) - (b as number) : undefined);
  return { name, numeric, values, distinct };
}

/** The model 'auto' picks, and why in words: two values, logistic; text or 3 to 50 integers, softmax; else linear. */
export function chooseModel(t: TargetColumn): { kind: Exclude<ModelKind, 'mlp'>; reason: string } {
  const n = t.distinct.length;
  if (n === 2) return { kind: 'logistic', reason: `target '${t.name}' has 2 distinct values` };
  if (!t.numeric) return { kind: 'softmax', reason: `target '${t.name}' holds text with ${n} distinct values` };
  if (n >= 3 && n <= 50 && t.distinct.every((v) => Number.isInteger(v))) {
    return { kind: 'softmax', reason: `target '${t.name}' holds ${n} distinct integers` };
  }
  return { kind: 'linear', reason: `target '${t.name}' holds numbers with ${n} distinct values` };
}

/** The target as the chosen model takes it; a target that does not fit the model is a CliError saying why. */
export function planTarget(t: TargetColumn, model: ModelKind): TargetPlan {
  const n = t.distinct.length;
  const asClasses = (): TargetPlan => {
    if (n < 2) throw new CliError(`target '${t.name}' has only one value (${String(t.distinct[0])}); a classifier needs at least 2 classes`);
    if (!t.numeric && n > 50 && model !== 'logistic') {
      const text = (t.values as string[]).find((v) => parseNumber(v) === null);
      throw new CliError(`target '${t.name}' has ${n} distinct values, including text ('${text}'); for regression every value must be a number, for classes there are too many (at most 50)`);
    }
    // Integer labels 0..n-1 go in as they are; anything else as text labels, which the model keeps and prints back.
    if (t.numeric && t.distinct.every((v, i) => v === i)) return { kind: 'classes', count: n, y: Float32Array.from(t.values as number[]) };
    return { kind: 'classes', count: n, y: t.values.map((v) => String(v)) };
  };
  if (model === 'linear') {
    if (!t.numeric) {
      const text = (t.values as string[]).find((v) => parseNumber(v) === null);
      throw new CliError(`target '${t.name}' holds text ('${text}'); linear regression needs numbers (use --model logistic or softmax, or leave --model out)`);
    }
    return { kind: 'values', y: Float32Array.from(t.values as number[]) };
  }
  if (model === 'logistic') {
    if (n !== 2) throw new CliError(`target '${t.name}' has ${n} distinct values; logistic regression needs exactly 2 (use --model softmax for more classes)`);
    return asClasses();
  }
  if (model === 'softmax') return asClasses();
  // mlp: classes when 'auto' would pick a classifier, else regression values.
  return chooseModel(t).kind === 'linear' ? { kind: 'values', y: Float32Array.from(t.values as number[]) } : asClasses();
}
