// The messages between the page and its training worker, and the settings they carry.
import type { EngineName, EngineOption, EpochRecord, OptimizerOptions, ScheduleOptions, StopReason } from 'steepest';
import type { Task } from './datasets.js';
import type { Part } from './prepare.js';

export type ModelKind = 'linear' | 'logistic' | 'softmax' | 'mlp';
export type Activation = 'sigmoid' | 'tanh' | 'relu';

/** Which model to build. */
export interface ModelSpec {
  kind: ModelKind;
  task: Task;
  inputs: number;
  /** Classes for multiclass tasks (softmax, MLP outputs). */
  classes: number;
  hidden: number[];
  activation: Activation;
  seed: number;
  /** The engine to train on ('auto': the fastest this browser supports). */
  engine: EngineOption;
}

/** fit() options the page sets; all structured-cloneable. */
export interface TrainSettings {
  epochs: number;
  batchSize: number | 'full';
  learningRate: number;
  optimizer: OptimizerOptions;
  schedule: Exclude<ScheduleOptions, (epoch: number) => number>;
  shuffle: boolean;
  seed: number;
}

/** What the page asks the worker for plotting while it trains. */
export interface Watch {
  /** Model inputs (rows x features) whose outputs are sent with each progress message, or null. */
  grid: Float32Array | null;
  /** Send (bias, weight) after each of about this many steps per epoch (two-parameter models), or 0. */
  pathStepsPerEpoch: number;
  /** Make each epoch last at least this long, so a fast run can be watched (0: full speed). */
  paceMs: number;
}

export type ToWorker =
  | { type: 'train'; id: number; model: ModelSpec; fit: TrainSettings; train: Part; val: Part | null; watch: Watch }
  | { type: 'stop'; id: number }
  | { type: 'bench'; id: number; model: ModelSpec; fit: TrainSettings; train: Part };

/** The stop reason's message of a run the visitor stopped. */
export const STOPPED = 'stopped from the page';

/** evaluate()'s result. */
export type Metrics = { loss: number; accuracy?: number; mse?: number; r2?: number };

/** One engine's measured speed. */
export interface BenchResult {
  engine: EngineName;
  /** Per epoch, from the difference of two timed fits (so the fixed copy-in cost cancels). */
  msPerEpoch: number;
  /** Epochs in the longer timed fit. */
  epochs: number;
}

export type FromWorker =
  | { type: 'ready'; engines: EngineName[] }
  | { type: 'start'; id: number; engine: EngineName; path: number[] }
  | { type: 'progress'; id: number; epochs: EpochRecord[]; path: number[]; grid: Float32Array | null }
  | {
      type: 'done'; id: number; stop: StopReason; train: Metrics; val: Metrics | null;
      /** Predicted classes of the validation rows (training rows without validation); null for regression. */
      predicted: Int32Array | null;
    }
  | { type: 'error'; id: number; name: string; message: string }
  | { type: 'bench'; id: number; results: BenchResult[]; skipped: string[] };
