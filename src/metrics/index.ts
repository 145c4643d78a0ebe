// steepest/metrics: the numbers `steepest eval` prints, for any labels and predictions (models'
// evaluate() computes its own). Its own entry point: `import 'steepest'` does not load it.
export { accuracy } from './accuracy.js';
export { confusionMatrix, type ConfusionMatrix } from './confusionMatrix.js';
export { precisionRecall, type PrecisionRecall } from './precisionRecall.js';
export { mae, mse, r2, type ValueInput } from './regression.js';
export type { Label, LabelInput } from './labels.js';
