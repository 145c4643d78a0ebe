// The confusion matrix: how often each true class was predicted as each class.
import { labelPairs, type Label, type LabelInput } from './labels.js';

/** Counts of (true, predicted) label pairs. */
export interface ConfusionMatrix {
  /** The classes, in the order of the matrix's rows and columns. */
  labels: Label[];
  /** matrix[i][j]: rows whose true label is labels[i] and predicted label is labels[j] (rows: truth, columns: prediction, as scikit-learn). */
  matrix: number[][];
}

/**
 * The confusion matrix of yPred against yTrue. labels: the classes and their order
 * (default: every label in either, numbers ascending or strings sorted); a label
 * outside them is an error.
 */
export function confusionMatrix(yTrue: LabelInput, yPred: LabelInput, labels?: readonly Label[]): ConfusionMatrix {
  const { t, p, labels: order } = labelPairs(yTrue, yPred, labels);
  const index = new Map(order.map((l, i) => [l, i]));
  const matrix = order.map(() => order.map(() => 0));
  for (let i = 0; i < t.length; i++) matrix[index.get(t[i])!][index.get(p[i])!]++;
  return { labels: order, matrix };
}
