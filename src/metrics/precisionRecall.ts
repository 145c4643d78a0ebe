// Precision, recall and F1 per class, and their unweighted (macro) means.
import { confusionMatrix } from './confusionMatrix.js';
import type { Label, LabelInput } from './labels.js';

/** Per-class precision, recall, F1 and support, and their macro averages. */
export interface PrecisionRecall {
  /** The classes, in the order of the other arrays. */
  labels: Label[];
  /** Of the rows predicted as the class, the fraction that are (0 when none are predicted as it). */
  precision: number[];
  /** Of the rows of the class, the fraction predicted as it (0 when it has none). */
  recall: number[];
  /** 2 precision recall / (precision + recall), 0 when both are 0. */
  f1: number[];
  /** Rows whose true label is the class. */
  support: number[];
  /** Unweighted means over the classes (macro F1 is the mean of the F1s, as in scikit-learn). */
  macro: { precision: number; recall: number; f1: number };
}

/** Precision and recall of each class (labels as in confusionMatrix), with macro averages. */
export function precisionRecall(yTrue: LabelInput, yPred: LabelInput, labels?: readonly Label[]): PrecisionRecall {
  const { labels: order, matrix } = confusionMatrix(yTrue, yPred, labels);
  const k = order.length;
  const support = matrix.map((row) => row.reduce((a, b) => a + b, 0));
  const predicted = order.map((_, j) => matrix.reduce((a, row) => a + row[j], 0));
  // A class never predicted (or never present) has no defined ratio: 0, as scikit-learn's zero_division default.
  const precision = order.map((_, i) => (predicted[i] ? matrix[i][i] / predicted[i] : 0));
  const recall = order.map((_, i) => (support[i] ? matrix[i][i] / support[i] : 0));
  const f1 = order.map((_, i) => (precision[i] + recall[i] ? (2 * precision[i] * recall[i]) / (precision[i] + recall[i]) : 0));
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / k;
  return { labels: order, precision, recall, f1, support, macro: { precision: mean(precision), recall: mean(recall), f1: mean(f1) } };
}
