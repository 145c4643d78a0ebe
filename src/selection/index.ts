// steepest/selection: choosing and judging models by cross-validation. Its own entry
// point: `import 'steepest'` does not load it.
export {
  crossValidate, type CrossValidateOptions, type CrossValidation, type FoldResult, type FoldScores, type MetricsOf,
} from './crossValidate.js';
export { foldIndices } from './folds.js';
export {
  randomizedSearchCV, type Candidate, type Distribution, type RandomizedSearch, type RandomizedSearchOptions,
} from './randomizedSearchCV.js';
