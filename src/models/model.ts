// The one model core: every model type (LinearRegression, LogisticRegression,
// SoftmaxRegression, MLP) is a network shape (input width, dense layers, head)
// with this class's construction, fitting (fit, fitAsync, partialFit, restarts),
// validation, parameters, serialization and disposal, written once against the
// Engine interface. A model class adds only what is its own: labels and metrics.
import type { Engine, EngineName, EngineOption, Trainer, TrainerState, TrainingData, DataSize } from '../engines/engine.js';
import { getEngine } from '../engines/select.js';
import { BusyError, DisposedError, DivergenceError, ValidationError } from '../errors.js';
import { headLoss, networkLoss } from '../reference/network.js';
import { networkLayout, type NetworkShape } from '../engines/network.js';
import { below, nextU32, seedState, type RngState } from '../reference/random.js';
import { createSchedule, type Schedule } from '../optim/schedules.js';
import { resolveOptimizer, type ResolvedOptimizer } from '../optim/optimizers.js';
import { FLOAT32_MAX } from '../engines/engine.js';
import { isCSR, inputSource, dataSize, takeCSRRows, checkIndptr } from '../data/csr.js';
import { article, copyRows, matrixSource, show, toMatrix, optionsObject, type MatrixInput, type MatrixSource, type TargetInput } from '../validate.js';
import { baseRate, batchRows, defaultOptimizer, streamFitOptions, rejectAsyncOnly, resolveFitOptions, trainingRecord, type FitAsyncOptions, type FitOptions, type ResolvedFitOptions } from './fitOptions.js';
import type { History, RateSearch } from './history.js';
import { longPasses, penalty, SAMPLE_ROWS, sampleIndices, searchRate, trialPasses } from './autoRate.js';
import { isLrFree } from '../optim/lrFree.js';
import { initialParams, type InitOption } from './initializers.js';
import { requireTwoClasses, rowWeights, splitIndices, sum } from './split.js';
import { takeRows } from '../data/rows.js';
import { classCount, encodeTargets, targetColumns, type TargetKind } from './targets.js';
import { readModelJSON, writeModelJSON, type ModelJSON, type ReadJSON } from './serialize.js';
import { abortError, runAsync, runEpochs, runSync, type Run, type Step } from './trainLoop.js';
import { getRuntime } from '../wasm/runtime.js';
import type { FitStreamOptions, StreamSource } from './fitStream.js';
import { Restarts } from './restarts.js';
import { modelPreprocessing, type Preprocessor, type RawRows } from '../preprocess/Preprocessor.js';

export type { InitOption };

/** Targets any model accepts: numbers (one per row, or rows x outputs as number[][] or flat), or string labels. */
export type Targets = TargetInput | readonly string[] | readonly (readonly number[])[];

/** Constructor options every model takes. */
export interface CommonOptions {
  /** 'auto' (default) picks the fastest engine this runtime supports. */
  engine?: EngineOption;
  /** Initial parameters (default 'zeros'; MLP: Xavier per layer, He for relu layers). */
  init?: InitOption;
  /** Seeds initialization, shuffling, validation splits and restarts (default 0). */
  seed?: number;
}

/** Constructor options of the one-layer models. */
export interface ModelOptions extends CommonOptions {
  /** Number of input features (columns of X). */
  features: number;
}

/** The most parameters a model may have: seven float32 vectors of them must fit in one 1 GiB WASM block. */
export const MAX_PARAMETERS = 2 ** 25;

/** The keys CommonOptions allows, for a subclass's own knownKeys check. */
export const COMMON_KEYS = ['engine', 'init', 'seed'] as const;

/** What a subclass tells the base: its name, its shape, what its targets are. */
export interface ModelSpec {
  name: string;
  shape: NetworkShape;
  targets: TargetKind;
  /** Whether the default init is the network one (Xavier / He per layer) rather than zeros. */
  networkInit?: boolean;
}

/** One layer's parameters: W (units x inputs, row-major) and b (units). */
export interface LayerParams {
  weights: Float64Array;
  bias: Float64Array;
}

// A model garbage-collected without dispose() frees its engine memory. The held value is the
// trainer, which holds no reference back to the model.
const finalizer = new FinalizationRegistry<Trainer>((trainer) => trainer.dispose());

/** Validated options and data for one call: X's shape is checked, its values are checked as the engine copies them in. */
interface Prepared {
  opts: ResolvedFitOptions;
  X: MatrixSource;
  /** Every row's targets and weights (the engine takes the split's rows). */
  y: Float32Array;
  sw: Float32Array | null;
  /** validationFraction's rows (both increasing), or null. */
  split: { train: Uint32Array; val: Uint32Array } | null;
  /** Training rows. */
  rows: number;
  batchSize: number;
  /** Explicit validationData, or null. */
  valSource: { X: MatrixSource; y: Float32Array } | null;
  /** The validation rows' targets (from the split or validationData), or null. */
  valY: Float32Array | null;
  rng: RngState;
  /** Class names the call's string labels defined (kept only if the call succeeds). */
  classes: string[] | null;
  /** The call's settings as the model file records them (kept only if the call succeeds). */
  training: Record<string, unknown>;
  /** What a stream's run takes instead of loaded data (fitStream: feed, validate). */
  run?: Partial<Run>;
}

/** A call's data in the engine. */
interface Loaded {
  train: TrainingData;
  val: TrainingData | null;
}

export abstract class Model {
  /** Number of input features (the network's input width). */
  readonly features: number;
  /** The network: input width, dense layers (hidden ones, then the output layer) and head. */
  readonly shape: NetworkShape;
  /** The engine chosen at construction. */
  readonly engine: EngineName;
  private trainer: Trainer | null;
  private rng: RngState;
  private init: InitOption | undefined; // set only by the constructor and importTraining
  /** The optimizer the trainer holds, and its settings as a key (a new key resets its state). */
  private optimizer: ResolvedOptimizer = resolveOptimizer('sgd');
  private optimizerKey = '';
  /** partialFit's schedule and how many epochs it has run. */
  private partial: { key: string; scheduleOption: unknown; schedule: Schedule; epochs: number; rate: number } | null = null;
  private readonly targets: TargetKind;
  /** The class name, used in messages and JSON. */
  protected readonly modelName: string;
  private readonly networkInit: boolean;
  /** Class names, when the model was trained on string labels (index = class). */
  private classNames: string[] | null = null;
  /** The options of the last successful training call, as JSON stores them. */
  private training: Record<string, unknown> | null = null;
  /** The training call in progress, if any: calls that change the model wait for it. */
  private running: 'fit' | 'partialFit' | 'fitAsync' | 'fitStream' | 'trainInWorker' | null = null;
  private disposeRequested = false;
  /** Whether a fit, fitAsync or partialFit call has completed (a later fit may then continue on one class). */
  private trained = false;
  /** What turns raw rows into features for predict and evaluate, or null. */
  private prep: Preprocessor | null = null;

  /** options: already checked for unknown keys by the subclass. */
  constructor(options: CommonOptions, spec: ModelSpec) {
    this.modelName = spec.name;
    this.targets = spec.targets;
    this.networkInit = spec.networkInit ?? false;
    this.shape = freezeShape(spec.shape);
    this.features = spec.shape.inputs;
    const count = networkLayout(this.shape).count;
    if (count > MAX_PARAMETERS) {
      throw new ValidationError(
        `this ${spec.name} would have ${count} parameters; at most ${MAX_PARAMETERS} fit (its parameters, gradients and optimizer state must fit in one block of WebAssembly memory)`,
      );
    }
    const seed = options.seed ?? 0;
    if (typeof seed !== 'number' || !Number.isInteger(seed)) throw new ValidationError(`seed must be an integer, got ${show(seed)}`);
    this.rng = seedState(seed);
    this.init = options.init;
    const params = initialParams(this.init, this.shape, this.rng, this.networkInit);
    const engine: Engine = getEngine(options.engine ?? 'auto');
    this.engine = engine.name;
    this.trainer = engine.createTrainer(this.shape);
    this.trainer.setParams(params);
    this.trainer.commit();
    finalizer.register(this, this.trainer, this);
  }

  /** Trains by gradient descent; returns the per-epoch history. */
  fit(X: MatrixInput, y: Targets, options: FitOptions = {}): History {
    return runSync(this.fitSteps(X, y, options)); // without offload it yields nothing to act on
  }

  /**
   * @internal fit() as a generator, for fits side by side on a pool (crossValidate): with
   * offload, each chunk's export call is yielded, to be made on any thread, and its status
   * sent back. A failure leaves the model as fit's does.
   */
  *fitSteps(X: MatrixInput, y: Targets, options: FitOptions, offload = false): Generator<Step, History, unknown> {
    const p = this.prepare(X, y, options, 'fit');
    const snap = this.snapshot();
    this.running = 'fit';
    try {
      const history = yield* this.fitRuns(p, offload, false);
      this.succeeded(p);
      return history;
    } catch (err) {
      this.settle(err, p, snap);
      throw err;
    } finally {
      this.finish();
    }
  }

  /** fit() that yields to the event loop every yieldEveryMs, reports progress and honours an AbortSignal. */
  async fitAsync(X: MatrixInput, y: Targets, options: FitAsyncOptions = {}): Promise<History> {
    const p = this.prepare(X, y, options, 'fitAsync');
    const { yieldEveryMs, onProgress, signal } = p.opts;
    const snap = this.snapshot();
    // Between chunks other code runs: it may read the model, but not train it or free it under us.
    this.running = 'fitAsync';
    try {
      const history = await runAsync(this.fitRuns(p, false, true), yieldEveryMs, onProgress, signal, this.stopped);
      this.succeeded(p);
      return history;
    } catch (err) {
      this.settle(err, p, snap);
      throw err;
    } finally {
      this.finish();
    }
  }

  /**
   * Trains on rows read in chunks from source (a function giving an iterable of { X, y } per
   * epoch; in Node a CSV or svmlight file's path; a Blob or a ReadableStream factory), shuffled
   * through a bounded buffer: memory bounded by options.shuffleBuffer, not by the data
   * (docs/streams.md). Loaded on first use.
   */
  async fitStream(source: StreamSource, options?: FitStreamOptions): Promise<History> {
    return (await import('./fitStream.js')).fitStream(this, source, options, {
      resolveFitOptions: (o: unknown) => streamFitOptions(o, this.shape), trainingRecord, createSchedule, encodeTargets, targetColumns, runAsync, abortError, headLoss, seedState, below,
      baseRate, sampleIndices, sampleRows: SAMPLE_ROWS, withSearch,
    });
  }

  /**
   * One pass over (X, y) that keeps the optimizer state and the schedule's
   * position from earlier partialFit calls: training on data that arrives in pieces.
   */
  partialFit(X: MatrixInput, y: Targets, options: FitOptions = {}): History {
    const o = optionsObject('fit options', options);
    for (const key of ['epochs', 'restarts', 'validationFraction', 'validationData', 'earlyStopping', 'warmStart']) {
      if (key in o) throw new ValidationError(`partialFit does not take ${key} (it makes one pass; use fit)`);
    }
    const p = this.prepare(X, y, { ...o, epochs: 1 } as FitOptions, 'partialFit');
    // The same settings continue the schedule (a function schedule: the same function object).
    const key = JSON.stringify([p.opts.learningRate, typeof p.opts.schedule === 'function' ? 'fn' : p.opts.schedule, p.opts.warmup]);
    const old = this.partial;
    const same = old && old.key === key && !(old.scheduleOption !== p.opts.schedule && typeof p.opts.schedule === 'function');
    return this.guarded('partialFit', p, () => {
      // learningRate 'auto': the first call with these settings searches on its rows; later calls keep that rate.
      const search = same ? null : this.autoRate(p);
      const rate = same ? old.rate : baseRate(p.opts, search);
      const partial = same ? old : { key, scheduleOption: p.opts.schedule, schedule: createSchedule(p.opts.schedule, rate, p.opts.warmup), epochs: 0, rate };
      const history = withSearch(this.runOnce(p, this.loadData(p), partial.schedule, partial.epochs, (gen) => runSync(gen)), search, p, this.live());
      partial.epochs++;
      this.partial = partial;
      return history;
    });
  }

  /** Number of parameters (weights and biases of every layer). */
  get parameterCount(): number {
    return networkLayout(this.shape).count;
  }

  /** Copies of each layer's weights (units x inputs, row-major) and biases. */
  get layers(): LayerParams[] {
    const p = this.live().getParams();
    return networkLayout(this.shape).layers.map((l) => ({
      weights: p.slice(l.weights, l.weights + l.units * l.inputs),
      bias: p.slice(l.bias, l.bias + l.units),
    }));
  }

  /** The class names of a model trained on string labels (index = class), else null. */
  get classes(): string[] | null {
    return this.classNames ? [...this.classNames] : null;
  }

  /**
   * What turns raw feature values into this model's features (a copy), or null. While
   * it is set, predict, predictProba, predictLabels and evaluate take raw rows, always
   * (never the feature matrix): fit still takes the feature matrix. Saved in the file.
   */
  get preprocessing(): Preprocessor | null {
    return this.prep && modelPreprocessing(this.prep, this.features, this.modelName);
  }

  set preprocessing(p: Preprocessor | null) {
    this.live();
    this.prep = modelPreprocessing(p, this.features, this.modelName);
  }

  /** Plain data (format 'steepest', version 3) that fromJSON and loadModel turn back into an equal model. */
  toJSON(): ModelJSON {
    return writeModelJSON(this.modelName, this.shape, this.live().getParams(), this.classNames, this.training, this.prep);
  }

  /**
   * Frees the model's engine memory. Idempotent; any later use throws. Called
   * while the model trains (from its own callback, or during fitAsync), it stops
   * the run, which then throws DisposedError, and frees the memory after that.
   */
  dispose(): void {
    if (this.running) {
      this.disposeRequested = true;
      return;
    }
    finalizer.unregister(this);
    this.trainer?.dispose();
    this.trainer = null;
  }

  /** `using model = new LogisticRegression(...)` disposes it at the end of the block. */
  [Symbol.dispose](): void {
    this.dispose();
  }

  /** Whether dispose() has been called. */
  get disposed(): boolean {
    return this.trainer === null;
  }

  /** Sets the flat parameter vector directly (closed-form initializers, fromJSON). */
  protected setParams(params: Float64Array): void {
    const trainer = this.idle();
    trainer.setParams(params);
    // The optimizer's state belonged to other parameters (Schedule-Free's z and x would replace these): the next fit starts it afresh.
    this.optimizerKey = '';
    trainer.commit();
  }

  /** Restores what a file holds: parameters, class names, training options (disposing itself if the shapes differ). */
  protected load(j: ReadJSON): this {
    if (JSON.stringify(j.shape) !== JSON.stringify(this.shape)) {
      this.dispose();
      throw new ValidationError(`json's shape ${JSON.stringify(j.shape)} is not ${article(this.modelName)} ${this.modelName}'s (${JSON.stringify(this.shape)})`);
    }
    this.setParams(j.params);
    this.classNames = j.classes;
    this.training = j.training;
    this.prep = j.preprocessing;
    this.trained = true; // a saved model continues: a later fit may see one class (see prepare)
    return this;
  }

  /** The output layer's values (logits; values for mse) for each row of X, rows x outputs. */
  protected rawOutputs(X: MatrixInput | RawRows): { z: Float64Array; rows: number } {
    const trainer = this.live();
    const src = this.featureSource(X);
    return { z: checkedOutputs(trainer.outputs(src)), rows: src.rows };
  }

  /** Outputs and encoded targets for evaluate(). */
  protected outputsAndTargets(X: MatrixInput | RawRows, y: Targets): { z: Float64Array; t: Float32Array; rows: number } {
    const trainer = this.live();
    const src = this.featureSource(X);
    const t = encodeTargets(y, src.rows, this.targets, this.classNames, this.modelName).y;
    return { z: checkedOutputs(trainer.outputs(src)), t, rows: src.rows };
  }

  /** X for predict and evaluate: raw rows through the preprocessing when the model has one, else the feature matrix. */
  private featureSource(X: unknown): MatrixSource {
    if (this.prep && isCSR(X)) {
      throw new ValidationError(`X is a CSR matrix, but this ${this.modelName} has preprocessing, which takes raw rows`);
    }
    return inputSource(this.prep ? this.prep.matrix(X, 'X').data : X, this.features);
  }

  /** Class indices as the labels the model was trained on: its string classes, or the indices themselves. */
  protected labelsOf(indices: ArrayLike<number>): (string | number)[] {
    const names = this.classNames;
    return Array.from(indices, (k) => (names ? names[k] : k));
  }

  /**
   * @internal For gradientCheck(model, X, y): the engine's mean loss and backpropagated
   * gradient at the current parameters, and the float64 reference loss as a function
   * of the parameters on the same (float32) data.
   */
  gradientProbe(X: MatrixInput, y: Targets): {
    loss: number; grad: Float64Array; params: Float64Array; lossAt: (params: Float64Array) => number;
  } {
    const trainer = this.live();
    const { data, rows } = toMatrix(X, this.features);
    const t = encodeTargets(y, rows, this.targets, this.classNames, this.modelName).y;
    const { loss, grad } = trainer.gradient(matrixSource(data, this.features), t, null);
    const shape = this.shape;
    return { loss, grad, params: trainer.getParams(), lossAt: (p) => networkLoss(shape, p, data, t, null, rows) / rows };
  }

  /**
   * @internal For trainInWorker: everything a fit reads or changes (parameters, optimizer
   * settings and state, random stream, init, class names, training record), as
   * structured-cloneable data. partialFit's schedule position is not in it: fit neither
   * reads nor changes it (and a function schedule cannot be copied), so each model keeps its own.
   */
  exportTraining(): TrainingState {
    const trainer = this.idle();
    return {
      init: this.init, state: trainer.saveState(), optimizer: this.optimizer, optimizerKey: this.optimizerKey,
      rng: this.rng.slice(), trained: this.trained, classNames: this.classNames, training: this.training,
    };
  }

  /** @internal For trainInWorker: takes what exportTraining gave on a model of the same class and shape. */
  importTraining(s: TrainingState): void {
    const trainer = this.live(); // during trainInWorker's hold, which is what imports
    if (s.state.params.length !== trainer.paramCount) {
      throw new ValidationError(`a training state of ${s.state.params.length} parameters cannot be imported into this ${this.modelName} of ${trainer.paramCount}`);
    }
    trainer.setOptimizer(s.optimizer);
    trainer.restoreState(s.state);
    trainer.commit();
    this.init = s.init;
    this.optimizer = s.optimizer;
    this.optimizerKey = s.optimizerKey;
    this.rng = s.rng.slice();
    this.trained = s.trained;
    this.classNames = s.classNames;
    this.training = s.training;
  }

  /**
   * @internal For trainInWorker: marks the model busy as fitAsync does (calls that change it
   * throw BusyError; dispose() is deferred). stopped() tells whether dispose() was asked
   * for meanwhile; release() ends the hold (and carries out that dispose).
   */
  holdTraining(): { stopped: () => Error | null; release: () => void } {
    this.idle();
    this.running = 'trainInWorker';
    return { stopped: this.stopped, release: () => this.finish() };
  }

  // Validates everything and splits off validation data, touching no engine state.
  private prepare(X: MatrixInput, y: Targets, options: FitOptions, method: 'fit' | 'fitAsync' | 'partialFit'): Prepared {
    const trainer = this.idle();
    if (method !== 'fitAsync') rejectAsyncOnly(optionsObject('fit options', options), method);
    const opts = resolveFitOptions(options, defaultOptimizer(this.shape));
    this.checkCapacity(trainer, X, opts);
    createSchedule(opts.schedule, baseRate(opts, null), opts.warmup); // validates the schedule options
    const m = inputSource(X, this.features);
    const encoded = encodeTargets(y, m.rows, this.targets, this.classNames, this.modelName);
    const t = encoded.y;
    const width = targetColumns(this.targets);
    const classes = classCount(this.targets);
    const labels = classes > 0;
    // One class, as in scikit-learn, for every classifier head (sigmoid with one output, softmax):
    // an error for a model trained from its initializer, but data that arrives in pieces
    // (partialFit) may hold one, and so may a fit that continues from trained weights (an earlier
    // completed call, or explicit init weights as fromJSON gives) with warmStart and one restart.
    // Multi-label targets are not class labels: a label absent from the data is allowed.
    const continuing = this.trained || (typeof this.init === 'object' && this.init !== null && ('weights' in this.init || 'layers' in this.init));
    const needsTwo = labels && method !== 'partialFit' && !(continuing && opts.warmStart && opts.restarts === 1);
    const oneClass = (rowsOf: Float32Array, subject: string, remedy: string) =>
      requireTwoClasses(rowsOf, classes, encoded.classes ?? this.classNames, this.modelName, subject, remedy);
    if (needsTwo) oneClass(t, 'y contains', 'partialFit, and fit continuing an already-trained model, accept one class');
    const classIds = labels ? Array.from({ length: classes }, (_, k) => k) : null;
    const sw = rowWeights(opts.sampleWeight, opts.classWeight, t, this.modelName, classIds, width);
    const rng = opts.seed === undefined ? this.rng.slice() : seedState(opts.seed);
    let rows = m.rows;
    let split: Prepared['split'] = null;
    let valSource: Prepared['valSource'] = null;
    let valY: Float32Array | null = null;
    if (opts.validationData) {
      const vm = inputSource(opts.validationData.X, this.features, 'validationData.X');
      valY = encodeTargets(opts.validationData.y, vm.rows, this.targets, encoded.classes ?? this.classNames, this.modelName, 'validationData.y').y;
      valSource = { X: vm, y: valY };
    } else if (opts.validationFraction !== undefined) {
      split = splitIndices(rows, opts.validationFraction, rng, labels ? t : null);
      valY = takeRows(t, width, split.val);
      rows = split.train.length;
      const left = `the training rows left by validationFraction ${opts.validationFraction}`;
      if (needsTwo) oneClass(takeRows(t, width, split.train), `${left} contain`, 'use a smaller validationFraction or more rows of the rarer class');
      if (sw && sum(takeRows(sw, 1, split.train)) === 0) {
        throw new ValidationError(`${left} all have weight 0; at least one needs a weight > 0 (use a smaller validationFraction or other weights)`);
      }
    }
    return {
      opts, X: m, y: t, sw, split, rows, batchSize: batchRows(opts.batchSize, rows), valSource, valY, rng, classes: encoded.classes,
      training: trainingRecord(opts),
    };
  }

  /** Copies the call's data into the engine once, however many runs (restarts) use it. */
  private loadData(p: Prepared): Loaded {
    const trainer = this.live();
    const { train, val } = trainer.loadData(p.X, p.y, p.sw, p.opts.shuffle, p.split, Math.ceil(p.rows / p.batchSize));
    if (!p.valSource) return { train, val };
    return { train, val: trainer.loadValidation(p.valSource.X, p.valSource.y) };
  }

  // One run of epochs on prepared, loaded data. The caller decides what a failure leaves behind (see settle).
  private runOnce<T>(
    p: Prepared, data: Loaded, schedule: Schedule, epochOffset: number, drive: (gen: ReturnType<typeof runEpochs>) => T, async = false,
    offload = false,
  ): T {
    const trainer = this.useOptimizer(p);
    const validate = data.val && p.valY ? this.validator(trainer, data.val, p.valY) : null;
    const gen = runEpochs({
      trainer, engine: this.engine, data: data.train, rows: p.rows, batchSize: p.batchSize, opts: p.opts, schedule,
      epochOffset, rng: p.rng, validate, async, stopped: this.stopped, offload, ...p.run,
    });
    return drive(gen);
  }

  /** The trainer, holding the call's optimizer (the same settings: warm start keeps the optimizer state). */
  private useOptimizer(p: Prepared): Trainer {
    const trainer = this.live();
    const key = JSON.stringify(p.opts.optimizer);
    if (key !== this.optimizerKey) {
      trainer.setOptimizer(p.opts.optimizer);
      this.optimizer = p.opts.optimizer;
      this.optimizerKey = key;
    }
    return trainer;
  }

  /**
   * learningRate 'auto': searches for the base rate on a seeded sample of the training rows,
   * from the parameters and optimizer state the run starts from (restored afterwards); else null.
   * Runs before loadData: the sample goes into the validation block, which loadData then refills.
   */
  private autoRate(p: Prepared): RateSearch | null {
    if (p.opts.learningRate !== 'auto') return null;
    const trainer = this.useOptimizer(p);
    const rng = p.rng.slice(); // the fit's own stream is not moved: a trial run draws nothing from it
    const F = this.features;
    const width = targetColumns(this.targets);
    const picked = sampleIndices(p.rows, rng);
    const rows = p.split ? picked.map((i) => p.split!.train[i]) : picked;
    let sampleX: MatrixSource;
    if (p.X.csr) {
      // A CSR sample keeps its sparsity; its values are checked as loadValidation copies them in.
      sampleX = inputSource(takeCSRRows(checkIndptr(p.X.csr, 'X'), rows), F);
    } else {
      const X = new Float32Array(rows.length * F);
      for (let i = 0; i < rows.length; i++) copyRows(p.X, rows[i], 1, X, i * F);
      for (let i = 0; i < X.length; i++) if (!Number.isFinite(X[i])) this.loadData(p); // throws the error naming the row
      sampleX = matrixSource(X, F);
    }
    const sampleY = takeRows(p.y, width, rows);
    let sample;
    try {
      sample = trainer.loadValidation(sampleX, sampleY);
    } catch (err) {
      if (p.X.csr) this.loadData(p); // a bad stored value: the error that names its row in X, not in the sample
      throw err;
    }
    return this.searchOnSample(p, sample, sampleX, sampleY, p.rows, rng);
  }

  /**
   * The search itself, on sample rows already picked and loaded into the validation block (by autoRate,
   * or by fitStream from the start of its stream; sampleY: the same rows' targets, for the loss in JS),
   * from the run's start state. trainRows: the rows of one epoch of the real data, for the cost in epochs.
   */
  private searchOnSample(
    p: Prepared, sample: TrainingData, sampleX: MatrixSource, sampleY: Float32Array, trainRows: number, rng: RngState,
  ): RateSearch {
    const trainer = this.useOptimizer(p);
    const batch = Math.min(p.batchSize, sample.rows);
    const { l1, l2, epochs } = p.opts;
    const weights = networkLayout(this.shape).layers.map((l) => ({ start: l.weights, count: l.units * l.inputs }));
    // The loss at the point the method is evaluated at (Schedule-Free's x), as evaluate() measures it, plus the penalties.
    let delta = new Float64Array(0);
    const evaluate = (data: TrainingData) => {
      const z = trainer.dataOutputs(data);
      const loss = headLoss(this.shape, z, sampleY, null, data.rows, delta.length === z.length ? delta : (delta = new Float64Array(z.length))) / data.rows;
      return l1 === 0 && l2 === 0 ? loss : loss + penalty(trainer.getParams(), weights, l1, l2);
    };
    return searchRate(trainer, sample, {
      batchSize: batch, passes: trialPasses(sample.rows, batch, epochs), longPasses: isLrFree(p.opts.optimizer.name) ? 0 : longPasses(epochs, sample.rows, trainRows),
      l1, l2, trainRows, evaluate, reshuffled: () => trainer.loadValidation(sampleX, sampleY, true),
    }, rng);
  }

  /** Runs a synchronous training call: on success the random stream moves on; on failure see settle. */
  private guarded(call: 'fit' | 'partialFit', p: Prepared, body: () => History): History {
    const snap = this.snapshot();
    this.running = call;
    try {
      const history = body();
      this.succeeded(p);
      return history;
    } catch (err) {
      this.settle(err, p, snap);
      throw err;
    } finally {
      this.finish();
    }
  }

  /** A training call completed: the random stream moves on, string labels are kept, the options are recorded. */
  private succeeded(p: Prepared): void {
    this.rng = p.rng;
    this.trained = true;
    if (p.classes) this.classNames = p.classes;
    this.training = p.training;
  }

  /** After every training call: what the model holds now is what an engine rebuild restores; a dispose() asked for during the call happens now. */
  private finish(): void {
    this.running = null;
    if (this.disposeRequested) {
      this.disposeRequested = false;
      this.dispose();
      return;
    }
    this.trainer?.commit();
  }

  /** Why a run must stop after a callback returns: the model was disposed inside it. */
  private readonly stopped = (): Error | null =>
    this.disposeRequested ? new DisposedError(`this ${this.modelName} was disposed during ${this.running}`) : null;

  /** Rejects data the engine cannot hold before anything is copied (a few GB would take seconds to copy first). */
  private checkCapacity(trainer: Trainer, X: MatrixInput, opts: ResolvedFitOptions): void {
    const weighted = opts.sampleWeight !== undefined || opts.classWeight !== undefined;
    const sets: DataSize[] = [{ ...dataSize(X, this.features), weighted, shuffle: opts.shuffle }];
    if (opts.validationData) sets.push({ ...dataSize(opts.validationData.X, this.features), weighted: false, shuffle: false });
    trainer.checkCapacity(this.running ?? 'fit', sets);
  }

  /** Everything a failed call must put back: parameters, optimizer and its state. */
  private snapshot(): { state: TrainerState; optimizer: ResolvedOptimizer; key: string } {
    const t = this.live();
    t.mostThreads &&= 1; // a training call starts its count (History.threads)
    return { state: t.saveState(), optimizer: this.optimizer, key: this.optimizerKey };
  }

  /**
   * After a failed call: divergence keeps the last finite epoch's weights and
   * cancellation the last completed epoch's (the loop has already restored
   * them); any other error puts the model back as it was before the call.
   */
  private settle(err: unknown, p: Prepared, snap: ReturnType<Model['snapshot']>): void {
    // A cancellation only if err is the abort itself (runAsync throws the signal's reason or an AbortError), not a callback's error.
    const aborted = p.opts.signal?.aborted && (err === p.opts.signal.reason || (err instanceof DOMException && err.name === 'AbortError'));
    if (err instanceof DivergenceError || aborted) {
      this.rng = p.rng;
      return;
    }
    const trainer = this.trainer;
    if (!trainer) return;
    trainer.setOptimizer(snap.optimizer);
    trainer.restoreState(snap.state);
    this.optimizer = snap.optimizer;
    this.optimizerKey = snap.key;
  }

  private validator(trainer: Trainer, val: TrainingData, y: Float32Array): () => number {
    const shape = this.shape;
    return () => {
      const z = trainer.dataOutputs(val);
      return headLoss(shape, z, y, null, val.rows, new Float64Array(z.length)) / val.rows;
    };
  }

  /** A fit's only run starts from the initializer's parameters and a fresh optimizer, unless it continues (warmStart). */
  private firstRun(p: Prepared): void {
    if (p.opts.warmStart) return;
    this.optimizerKey = ''; // the run resets the optimizer
    this.live().setParams(initialParams(this.init, this.shape, p.rng, this.networkInit));
  }

  /**
   * The runs of one fit, fit and fitAsync alike (async: yield progress between chunks; offload:
   * yield each chunk's export call). With restarts, every run has its own random stream, drawn
   * from the fit's up front: run k starts from initial parameters drawn from it and shuffles with
   * it, over its own view of the one copy of the data in storage order (Trainer.viewData), as a
   * fresh model seeded with that stream would. No run depends on another, so where the pool may
   * be used they run side by side (src/threads/sideBySide.ts), with the bits of one after another; the
   * run with the lowest final loss is kept (ties: the earlier run).
   */
  private *fitRuns(p: Prepared, offload: boolean, async: boolean): Generator<Step, History, unknown> {
    const count = p.opts.restarts;
    if (count === 1) {
      this.firstRun(p);
      const search = this.autoRate(p);
      const schedule = createSchedule(p.opts.schedule, baseRate(p.opts, search), p.opts.warmup);
      return withSearch(yield* this.runOnce(p, this.loadData(p), schedule, 0, (gen) => gen, async, offload), search, p, this.live());
    }
    const trainer = this.live();
    const rngs = Array.from({ length: count }, () => seedState(nextU32(p.rng)));
    const starts = rngs.map((rng) => initialParams(this.init, this.shape, rng, this.networkInit));
    trainer.setParams(starts[0]);
    this.optimizerKey = '';
    // 'auto' searches once, from the first run's initial parameters; every run uses that rate.
    const search = this.autoRate(p);
    const rate = baseRate(p.opts, search);
    const data = this.loadData(p);
    const runs = new Restarts(count);
    /** Run k on trainer t over view (a fresh arrangement): epochs as runOnce runs them. */
    const run = (k: number, t: Trainer, view: TrainingData, side: boolean) => {
      t.setParams(starts[k]);
      t.setOptimizer(p.opts.optimizer);
      return runEpochs({
        trainer: t, engine: this.engine, data: view, rows: p.rows, batchSize: p.batchSize,
        opts: side ? { ...p.opts, threads: 1 } : p.opts, // side by side, the pool's threads are the runs'
        schedule: createSchedule(p.opts.schedule, rate, p.opts.warmup), epochOffset: 0, rng: rngs[k],
        validate: data.val && p.valY ? this.validator(t, data.val, p.valY) : null, async, stopped: this.stopped, offload: offload || side,
      });
    };
    this.optimizer = p.opts.optimizer;
    this.optimizerKey = JSON.stringify(p.opts.optimizer);
    // Side by side where the pool may be used (src/threads/sideBySide.ts decides: the cap, the data's size);
    // with a callback it may not (it sees the model, which holds one run at a time).
    const rt = offload || this.engine !== 'wasm-simd' || p.run || p.opts.onEpochEnd || p.opts.onBatchEnd ? null : getRuntime(true);
    const side = rt?.threaded && (yield* rt.threaded.restarts(rt, {
      bytes: p.X.csr ? p.X.csr.data.length * 8 : p.rows * (this.features + 1) * 4, cap: p.opts.threads, count, trainer,
      newTrainer: () => getEngine(this.engine).createTrainer(this.shape), data: data.train, runs, run: (k, t, view) => run(k, t, view, true), async,
    }));
    if (!side) {
      let view: TrainingData | null = null;
      try {
        for (let k = 0; k < count; k++) {
          view?.free(); // its blocks go to the next view
          view = trainer.viewData ? trainer.viewData(data.train) : k ? this.loadData(p).train : data.train;
          runs.end(k, yield* run(k, trainer, view, false), trainer);
        }
      } finally {
        view?.free();
      }
    }
    return withSearch(runs.finish(trainer), search, p, trainer);
  }

  /**
   * Frees the data blocks the model keeps between training calls (its copy of the
   * last training and validation data, and the shuffle's buffers); the next call
   * allocates them again. dispose() frees them too.
   */
  release(): void {
    this.idle().release();
  }

  private live(): Trainer {
    if (!this.trainer || this.disposeRequested) throw new DisposedError(`this ${this.modelName} was disposed; create a new model`);
    return this.trainer;
  }

  /** The trainer, for calls that change the model: not while it trains. */
  private idle(): Trainer {
    const trainer = this.live();
    if (this.running === 'fitAsync' || this.running === 'fitStream' || this.running === 'trainInWorker') {
      throw new BusyError(`this ${this.modelName} is training in ${this.running}; await it (or abort it) before changing the model`);
    }
    if (this.running) {
      throw new BusyError(`this ${this.modelName} is training (${this.running} is in progress and this call came from its callback); calls that change the model must wait until it returns`);
    }
    return trainer;
  }
}

/** @internal What exportTraining gives and importTraining takes. */
export interface TrainingState {
  init: InitOption | undefined;
  state: TrainerState;
  optimizer: ResolvedOptimizer;
  optimizerKey: string;
  rng: RngState;
  trained: boolean;
  classNames: string[] | null;
  training: Record<string, unknown> | null;
}

/** The history (and the file's training record) with the search that chose the rate, if one did. */
function withSearch(h: History, search: RateSearch | null, p: { training: Record<string, unknown> }, t: Trainer): History {
  h.threads = t.mostThreads ?? 1;
  if (search) {
    h.learningRateSearch = search;
    p.training.autoLearningRate = search.rate;
  }
  return h;
}

/** Outputs as predict uses them: a value past the float32 range is an error, never a silent Infinity. */
function checkedOutputs(z: Float64Array): Float64Array {
  for (let r = 0; r < z.length; r++) {
    if (!(Math.abs(z[r]) <= FLOAT32_MAX)) {
      throw new ValidationError(
        `the model's output for row ${r} is ${show(Math.fround(z[r]))}, outside the float32 range: X's values times the weights overflow (standardize X)`,
      );
    }
  }
  return z;
}

/** A copy of shape that callers cannot change. */
function freezeShape(shape: NetworkShape): NetworkShape {
  return Object.freeze({
    inputs: shape.inputs,
    layers: Object.freeze(shape.layers.map((l) => Object.freeze({ units: l.units, activation: l.activation }))),
    head: shape.head,
  });
}

export { readModelJSON };
