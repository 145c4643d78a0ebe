// steepest: gradient-descent training with a WebAssembly SIMD inner loop.
export { ready } from './wasm/runtime.js';
export { availableEngines } from './engines/select.js';
export { LinearRegression, type RegressionMetrics } from './models/LinearRegression.js';
export { LogisticRegression, type ClassificationMetrics } from './models/LogisticRegression.js';
export type { ModelOptions, InitOption, LinearModelJSON, FromJSONOptions } from './models/linearModel.js';
export type { FitOptions, FitAsyncOptions, BatchInfo, Progress } from './models/fitOptions.js';
export type { History, EpochRecord, StopReason, StopRule } from './models/history.js';
export { minimize, randomSearch, gradientCheck, finiteDifferenceGradient } from './minimize.js';
export type { MinimizeOptions, MinimizeResult } from './minimize.js';
export { leastSquares } from './leastSquares.js';
export { createSchedule, type ScheduleOptions, type WarmupOptions, type Schedule } from './optim/schedules.js';
export type { EngineName, EngineOption } from './engines/engine.js';
export type { MatrixInput, TargetInput } from './validate.js';
export type { OptimizerName, OptimizerOptions } from './optim/optimizers.js';
export { resolveOptimizer } from './optim/optimizers.js';
export { DivergenceError, ValidationError, DisposedError } from './errors.js';
