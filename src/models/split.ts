// Validation splits and row weights, prepared in TS before data reaches an engine.
import { ValidationError } from '../errors.js';
import { below, type RngState } from '../reference/random.js';
import { show, toTargets } from '../validate.js';

/**
 * Row indices of a seeded split: stratified by label when labels is given.
 * Each label's rows (ascending) get a Fisher-Yates shuffle and the first
 * round(count * fraction) go to validation; both index lists come out ascending.
 * O(rows) in typed arrays, no per-row JS arrays: 2,000,000 rows take about 0.1 s, mostly random draws.
 * option and set name the fraction and the held-out set in the message for an empty side.
 */
export function splitIndices(
  rows: number, fraction: number, rng: RngState, labels: Float32Array | null,
  option = 'validationFraction', set = 'validation',
): { train: Uint32Array; val: Uint32Array } {
  const { order, starts } = shuffledGroups(rows, rng, labels);
  // Mark each group's first round(count * fraction) shuffled rows as validation.
  const isVal = new Uint8Array(rows);
  let nVal = 0;
  for (let g = 0; g + 1 < starts.length; g++) {
    const n = Math.round((starts[g + 1] - starts[g]) * fraction);
    for (let k = 0; k < n; k++) isVal[order[starts[g] + k]] = 1;
    nVal += n;
  }
  if (nVal === 0 || nVal === rows) {
    throw new ValidationError(`${option} ${fraction} of ${rows} rows leaves an empty training or ${set} set`);
  }
  // One ascending sweep lists both sets in row order.
  const val = new Uint32Array(nVal);
  const train = new Uint32Array(rows - nVal);
  for (let i = 0, v = 0, t = 0; i < rows; i++) {
    if (isVal[i]) val[v++] = i;
    else train[t++] = i;
  }
  return { train, val };
}

/**
 * Rows 0..rows-1 grouped by label (groups in ascending label order; one group without
 * labels), each group in a seeded Fisher-Yates order: group g is order[starts[g]..starts[g+1]).
 * The seeded splits (validationFraction, crossValidate's folds) are cut from it.
 */
export function shuffledGroups(rows: number, rng: RngState, labels: Float32Array | null): { order: Uint32Array; starts: Uint32Array } {
  // Group rows by label with a counting sort: group ids in ascending label order.
  const groupOf = new Uint32Array(labels ? rows : 0);
  let counts = [rows];
  if (labels) {
    const ids = new Map<number, number>();
    for (let i = 0; i < rows; i++) if (!ids.has(labels[i])) ids.set(labels[i], 0);
    const keys = Float64Array.from(ids.keys()).sort();
    keys.forEach((key, g) => ids.set(key, g));
    counts = Array.from(keys, () => 0);
    for (let i = 0; i < rows; i++) counts[(groupOf[i] = ids.get(labels[i])!)]++;
  }
  const starts = new Uint32Array(counts.length + 1);
  counts.forEach((c, g) => (starts[g + 1] = starts[g] + c));
  const order = new Uint32Array(rows);
  const cursor = starts.slice(0, counts.length);
  for (let i = 0; i < rows; i++) order[cursor[labels ? groupOf[i] : 0]++] = i;
  for (let g = 0; g < counts.length; g++) {
    const s = starts[g];
    for (let k = counts[g]; k > 1; k--) {
      const j = below(rng, k);
      const t = order[s + k - 1];
      order[s + k - 1] = order[s + j];
      order[s + j] = t;
    }
  }
  return { order, starts };
}

/**
 * Per-row weights from sampleWeight and classWeight (multiplied), or null when
 * both are absent. 'balanced' is scikit-learn's n / (classes * count(label)).
 * classes: the model's class labels, or null for a regression model.
 */
export function rowWeights(
  sampleWeight: unknown, classWeight: 'balanced' | Record<number, number> | undefined, y: Float32Array,
  model: string, classes: readonly number[] | null, width = 1,
): Float32Array | null {
  if (sampleWeight === undefined && classWeight === undefined) return null;
  const rows = y.length / width; // y holds width targets per row
  const w = sampleWeight === undefined ? new Float32Array(rows).fill(1) : toTargets(sampleWeight, rows, null, 'sampleWeight');
  for (let i = 0; i < w.length; i++) {
    if (w[i] < 0) throw new ValidationError(`sampleWeight must be >= 0, got ${show(w[i])} at index ${i}`);
  }
  if (sampleWeight !== undefined && sum(w) === 0) {
    throw new ValidationError(`sampleWeight is 0 for all ${w.length} rows; at least one row needs a weight > 0`);
  }
  if (classWeight !== undefined) {
    if (!classes) throw new ValidationError(`classWeight applies to classifiers, not ${model}`);
    if (classWeight !== 'balanced') {
      for (const key of Object.keys(classWeight)) {
        if (!classes.includes(Number(key))) {
          throw new ValidationError(`classWeight key ${key} is not a class of ${model} (its classes are ${classes.join(', ')})`);
        }
      }
    }
    const counts = new Map<number, number>();
    for (const label of y) counts.set(label, (counts.get(label) ?? 0) + 1);
    for (let i = 0; i < y.length; i++) {
      const cw = classWeight === 'balanced' ? y.length / (counts.size * counts.get(y[i])!) : (classWeight[y[i]] ?? 1);
      w[i] *= cw;
    }
    if (sum(w) === 0) {
      const what = sampleWeight === undefined ? 'classWeight' : 'sampleWeight times classWeight';
      throw new ValidationError(`${what} is 0 for all ${w.length} rows; at least one row needs a weight > 0`);
    }
  }
  return w;
}

/** The sum of v, in float64. */
export function sum(v: Float32Array): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i];
  return s;
}

/**
 * Throws unless the class labels y (one per row) hold at least two classes: a
 * classifier trained from scratch on one class learns nothing but that class's
 * prior (and reports accuracy 1). The one check for every classifier head.
 * subject starts the message ('y contains', 'the training rows ... contain');
 * names are the model's class names (string labels), or null for numeric labels.
 */
export function requireTwoClasses(
  y: Float32Array, classes: number, names: readonly string[] | null, model: string, subject: string, remedy: string,
): void {
  for (let i = 1; i < y.length; i++) if (y[i] !== y[0]) return;
  const label = (k: number) => show(names ? names[k] : k);
  const rows = y.length === 1 ? `its only row is ${label(y[0])}` : `all ${y.length} rows are ${label(y[0])}`;
  const needs = classes === 2 ? `both ${label(0)} and ${label(1)}` : `at least 2 of its ${classes} classes`;
  throw new ValidationError(`${subject} only one class (${rows}); ${model} needs ${needs} to fit a new model (${remedy})`);
}
