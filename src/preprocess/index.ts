// steepest/preprocess: preparing data for a model (standardizing, raw columns to features,
// text to hashed features, train/test splits). Its own entry point; Preprocessor is also in the main one, because a
// model holds its preprocessing.
export { StandardScaler, type StandardScalerJSON } from './StandardScaler.js';
export {
  Preprocessor, parseNumber, type PreprocessorColumn, type PreprocessorJSON, type PreprocessorFitOptions, type RawRows, type RawValue,
} from './Preprocessor.js';
export { trainTestSplit, type TrainTestSplit, type TrainTestSplitOptions, type SplitFeatures, type SplitTargets } from './split.js';
export { HashingVectorizer, type HashingVectorizerOptions } from './HashingVectorizer.js';
export type { CSR } from '../data/csr.js';
