// steepest: gradient-descent training with a WebAssembly SIMD inner loop: the models, their
// engines and files. Data preparation, metrics, the minimizer and gradient checks, plots and data
// sets have entry points of their own (steepest/preprocess, /metrics, /minimize, /plot, /datasets).
export { ready } from './wasm/ready.js';
export { availableEngines } from './engines/select.js';
export { threadCount } from './threads/access.js';
export { LinearRegression } from './models/LinearRegression.js';
export { LogisticRegression } from './models/LogisticRegression.js';
export { SoftmaxRegression, type SoftmaxOptions } from './models/SoftmaxRegression.js';
export { MLP, type MLPOptions, type HiddenActivation } from './models/MLP.js';
export { Model, type ModelOptions, type CommonOptions, type InitOption, type LayerParams } from './models/model.js';
export type { RegressionMetrics, ClassificationMetrics } from './models/metrics.js';
export { loadModel, type AnyModel } from './models/loadModel.js';
export type { ModelJSON } from './models/serialize.js';
export type { FromJSONOptions } from './models/fromJSONOptions.js';
export type { NetworkShape, LayerShape, ActivationName, HeadName } from './engines/network.js';
export { version } from './version.js';
export {
  Preprocessor, parseNumber, type PreprocessorColumn, type PreprocessorJSON, type PreprocessorFitOptions, type RawRows, type RawValue,
} from './preprocess/Preprocessor.js';
export type { FitOptions, FitAsyncOptions, BatchInfo, Progress } from './models/fitOptions.js';
export type { History, EpochRecord, RateSearch, StopReason, StopRule } from './models/history.js';
export { leastSquares } from './leastSquares.js';
export { createSchedule, type ScheduleOptions, type WarmupOptions, type Schedule } from './optim/schedules.js';
export type { EngineName, EngineOption } from './engines/engine.js';
export type { MatrixInput, TargetInput } from './validate.js';
export type { OptimizerName, OptimizerOptions } from './optim/optimizers.js';
export { resolveOptimizer } from './optim/optimizers.js';
export { DivergenceError, ValidationError, DisposedError, EngineError, BusyError } from './errors.js';
export type { ReadyOptions, WasmSource } from './wasm/runtime.js';
