// crossValidate's folds: a seeded shuffle cut into k parts (scikit-learn's KFold with
// shuffle), stratified by label for classifiers (StratifiedKFold, scikit-learn's default
// for classifiers): each class's rows are shuffled and dealt to the folds in turn.
import { ValidationError } from '../errors.js';
import type { RngState } from '../reference/random.js';
import { shuffledGroups } from '../models/split.js';
import { show } from '../validate.js';

/**
 * The test rows of each of k folds (ascending), which together hold every row once.
 * Fold sizes differ by at most one (the first rows % k folds have the extra row); with
 * labels, every class's count in a fold also differs by at most one between folds.
 */
export function foldIndices(rows: number, k: number, rng: RngState, labels: Float32Array | null): Uint32Array[] {
  const { order } = shuffledGroups(rows, rng, labels);
  const sizes = Array.from({ length: k }, (_, f) => Math.floor(rows / k) + (f < rows % k ? 1 : 0));
  const folds = sizes.map((n) => new Uint32Array(n));
  const filled = new Uint32Array(k);
  if (labels) {
    // Classes lie in runs of order: dealing positions round-robin spreads each class evenly.
    for (let i = 0; i < rows; i++) folds[i % k][filled[i % k]++] = order[i];
  } else {
    for (let f = 0, i = 0; f < k; f++) for (let j = 0; j < sizes[f]; j++) folds[f][j] = order[i++];
  }
  for (const fold of folds) fold.sort();
  return folds;
}

/**
 * Checks explicit folds (each a list of test rows; the rest of the rows train) and
 * returns them as ascending Uint32Arrays. Folds may overlap or leave rows out, as
 * scikit-learn's cv= iterables may; each must hold distinct rows and leave some to train on.
 */
export function explicitFolds(folds: readonly ArrayLike<number>[], rows: number): Uint32Array[] {
  if (folds.length < 1) throw new ValidationError('folds must hold at least one fold (a list of test rows), got []');
  return folds.map((fold, f) => {
    if (fold === null || typeof fold !== 'object' || typeof fold.length !== 'number') {
      throw new ValidationError(`folds[${f}] must be an array of row indices, got ${show(fold)}`);
    }
    const seen = new Uint8Array(rows);
    const out = new Uint32Array(fold.length);
    for (let i = 0; i < fold.length; i++) {
      const r = fold[i];
      if (!Number.isInteger(r) || r < 0 || r >= rows) {
        throw new ValidationError(`folds[${f}][${i}] must be a row index from 0 to ${rows - 1}, got ${show(r)}`);
      }
      if (seen[r]) throw new ValidationError(`folds[${f}] lists row ${r} twice (at index ${i})`);
      seen[r] = 1;
      out[i] = r;
    }
    if (out.length === 0 || out.length === rows) {
      throw new ValidationError(`folds[${f}] holds ${out.length} of ${rows} rows; a fold needs at least one test row and one training row`);
    }
    return out.sort();
  });
}

/** The rows 0..rows-1 not in test (ascending test). */
export function complement(test: Uint32Array, rows: number): Uint32Array {
  const out = new Uint32Array(rows - test.length);
  for (let r = 0, t = 0, o = 0; r < rows; r++) {
    if (t < test.length && test[t] === r) t++;
    else out[o++] = r;
  }
  return out;
}
