// Accuracy: the fraction of predictions equal to the truth.
import { labelPairs, type LabelInput } from './labels.js';

/** The fraction of rows where yPred equals yTrue (labels as numbers or strings). */
export function accuracy(yTrue: LabelInput, yPred: LabelInput): number {
  const { t, p } = labelPairs(yTrue, yPred);
  return matchFraction(t, p);
}

/** @internal accuracy without the checks, for evaluate (several sigmoid outputs: every output of every row). */
export function matchFraction(t: ArrayLike<unknown>, p: ArrayLike<unknown>): number {
  let correct = 0;
  for (let i = 0; i < p.length; i++) if (p[i] === t[i]) correct++;
  return correct / p.length;
}
