// The one interface every engine implements. Models are written once against it;
// the WASM engines and the pure-TypeScript reference engine sit behind it.
import type { NetworkShape } from './network.js';
import type { MatrixSource } from '../validate.js';
import type { RngState } from '../reference/random.js';
import type { ResolvedOptimizer } from '../optim/optimizers.js';
import type { Task } from '../threads/pool.js';

/** The largest finite float32: the WASM engines store parameters, gradients and row losses as float32. */
export const FLOAT32_MAX = 3.4028234663852886e38;

/** Whether any value is past the float32 range (or NaN): where the WASM engines see Infinity, every engine stops. */
export function outOfFloat32(v: ArrayLike<number>): boolean {
  for (let i = 0; i < v.length; i++) if (!(Math.abs(v[i]) <= FLOAT32_MAX)) return true;
  return false;
}

/** What one epoch measured; the same fields the WASM stats block holds. */
export interface EpochStats {
  /** Sum of (weighted) row losses plus penalties, each at the parameters its batch saw. */
  lossSum: number;
  /** L2 norm of the epoch's average data gradient (the exact gradient for full-batch GD). */
  gradNorm: number;
  /** Largest single-step parameter change. */
  maxStep: number;
  /** Batches whose update was applied. */
  batches: number;
  /** Index of the batch whose loss or update was not finite, else -1. */
  diverged: number;
}

/** Engines by name; 'auto' picks the fastest one this runtime supports. */
export type EngineName = 'wasm-simd' | 'wasm-scalar' | 'js';
export type EngineOption = EngineName | 'auto';

/** How to train a run of batches. */
export interface BatchConfig {
  batchSize: number;
  /** Learning rate of each batch of the epoch. */
  lrs: Float64Array;
  /** Weight penalties l2/2 ||w||^2 + l1 ||w||_1 (the bias is not penalized). */
  l1: number;
  l2: number;
  /** At most this many threads (undefined: the engine's pool); results do not depend on it. */
  threads?: number;
  /** A stream's block of rows (fitStream): the epoch's rows before it. The epoch's totals carry on unless it is 0. */
  firstRow?: number;
}

/** A source of trainers for one engine. */
export interface Engine {
  readonly name: EngineName;
  /** A trainer for a network of this shape (a linear model is one dense layer without hidden ones). */
  createTrainer(shape: NetworkShape): Trainer;
}

/** Training data copied into the engine, with room for the shuffle. */
export interface TrainingData {
  readonly rows: number;
  /** The call is done with it; blocks the engine keeps for the next call stay (Trainer.release frees them). */
  free(): void;
}

/** The size of a data set an engine is asked to hold. */
export interface DataSize {
  rows: number;
  /** Stored values of a CSR table (absent: dense). */
  nnz?: number;
  weighted: boolean;
  shuffle: boolean;
}

/** Parameters and optimizer state saved for a later restore (divergence, best weights). */
export interface TrainerState {
  readonly params: Float64Array;
  readonly optimizerStep: number;
  readonly slots: Float64Array[];
  /** The optimizer's scalar state (OptimizerState.scalars: d, sums). */
  readonly optimizerScalars: Float64Array;
}

/** The parameters of one model and the optimizer state that goes with them. */
export interface Trainer {
  readonly shape: NetworkShape;
  /** Length of the flat parameter vector: layer by layer, W (units x inputs) then b. */
  readonly paramCount: number;
  /** The most threads its training calls have run on at once since the count was set to 1 (absent: always 1). */
  mostThreads?: number;
  /** A copy of the flat parameter vector. */
  getParams(): Float64Array;
  /** Sets the flat parameter vector. */
  setParams(params: ArrayLike<number>): void;
  /** Chooses the optimizer and resets its state. */
  setOptimizer(opt: ResolvedOptimizer): void;
  saveState(): TrainerState;
  restoreState(state: TrainerState): void;
  /** Records the current state as the one to restore if the engine has to be rebuilt after a fault. */
  commit(): void;
  /** Throws a ValidationError naming the limit if data sets of these sizes cannot be held (what: the call, for the message). */
  checkCapacity(what: string, sets: DataSize[]): void;
  /**
   * Copies X into the engine in one pass, checking its values on the way (a bad
   * value throws the ValidationError naming its row and column, and what was
   * allocated for it is freed or, if reused, marked empty), with y (every row's
   * targets, targetWidth(shape) each: values, 0/1 labels, or a class index for a
   * softmax head) and optional row weights. With split, the rows split.val become
   * validation data and split.train the training data (both increasing). The
   * engine keeps the blocks for the next call on data of the same or smaller size.
   * batches: how many batches an epoch has (room for their learning rates is made with the data).
   */
  loadData(
    X: MatrixSource, y: Float32Array, sampleWeight: Float32Array | null, shuffle: boolean,
    split: { train: Uint32Array; val: Uint32Array } | null, batches: number,
  ): { train: TrainingData; val: TrainingData | null };
  /**
   * A view of data that a trainer of this engine loaded: the same rows, read where they are and
   * never written, with a shuffle arrangement of its own that starts from storage order (a
   * bucketed shuffle's arrangements are two buffers of its own: the rows' copies it visits).
   * Restarts train on views, so that each run starts from the same data whatever ran before it,
   * and runs side by side share one copy of X. free() releases a view's own blocks (a run frees
   * its view before the next is made, so the allocator hands the same blocks out again). Absent
   * where an engine has no pool (js): restarts there load the data again for each run.
   */
  viewData?(data: TrainingData): TrainingData;
  /**
   * Copies validation data in (as loadData, without split), into its own kept blocks. With shuffle
   * (the rate search's sample) each epoch visits it in a fresh order, one bucket: storage order stays put.
   */
  loadValidation(X: MatrixSource, y: Float32Array, shuffle?: boolean): TrainingData;
  /** Frees the data blocks kept between calls (the model's parameters stay). */
  release(): void;
  /** Starts an epoch: draws this epoch's visit order when the data was loaded with shuffle. */
  beginEpoch(data: TrainingData, rng: RngState): void;
  /** Trains batches first..last of the epoch (one update each); returns the epoch's totals so far. */
  trainBatches(data: TrainingData, config: BatchConfig, first: number, last: number): EpochStats;
  /**
   * trainBatches split around its one export call, so that any thread of the pool can make
   * it (fits side by side): the call (only numbers), then the totals from its status.
   * Absent where the engine has no such call (js).
   */
  prepareBatches?(data: TrainingData, config: BatchConfig, first: number, last: number): Task;
  batchesDone?(status: number): EpochStats;
  /** Ends the epoch. */
  endEpoch(data: TrainingData): void;
  /** The output layer's values (the logits a head takes; values for mse), rows x outputs; X's values are checked as they are copied in. */
  outputs(X: MatrixSource): Float64Array;
  /** The same for data already loaded (without shuffle, so in the order given). */
  dataOutputs(data: TrainingData): Float64Array;
  /** Mean (weighted) loss over rows, without penalties, and its gradient by backpropagation, at the current parameters. */
  gradient(X: MatrixSource, y: Float32Array, sampleWeight: Float32Array | null): { loss: number; grad: Float64Array };
  /** Frees engine memory; idempotent. */
  dispose(): void;
}
