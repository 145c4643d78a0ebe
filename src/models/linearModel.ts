// What LinearRegression and LogisticRegression share: construction, fitting
// (fit, fitAsync, partialFit, restarts), parameters, serialization and
// disposal, written once against the Engine interface.
import type { Engine, EngineName, EngineOption, Trainer, TrainerState, TrainingData } from '../engines/engine.js';
import { getEngine } from '../engines/select.js';
import { BusyError, DisposedError, DivergenceError, ValidationError } from '../errors.js';
import { rowLoss, type LossKind } from '../reference/losses.js';
import { nextU32, seedState, type RngState } from '../reference/random.js';
import { createSchedule, type Schedule } from '../optim/schedules.js';
import { resolveOptimizer, type ResolvedOptimizer } from '../optim/optimizers.js';
import { FLOAT32_MAX } from '../reference/train.js';
import { finite, knownKeys, matrixRows, optionsObject, positiveInteger, show, toMatrix, toTargets, type MatrixInput, type TargetInput } from '../validate.js';
import { batchRows, rejectAsyncOnly, resolveFitOptions, type FitAsyncOptions, type FitOptions, type ResolvedFitOptions } from './fitOptions.js';
import type { History } from './history.js';
import { initialParams, type InitOption } from './initializers.js';
import { requireBothClasses, rowWeights, splitIndices, sum, take, takeRows } from './split.js';
import { runAsync, runEpochs, runSync } from './trainLoop.js';
import { Restarts } from './restarts.js';

export type { InitOption };

/** Constructor options shared by the linear models. */
export interface ModelOptions {
  /** Number of input features (columns of X). */
  features: number;
  /** 'auto' (default) picks the fastest engine this runtime supports. */
  engine?: EngineOption;
  /** Initial parameters (default 'zeros'). */
  init?: InitOption;
  /** Seeds initialization, shuffling, validation splits and restarts (default 0). */
  seed?: number;
}

/** The serialized form of a linear model. */
export interface LinearModelJSON {
  format: 'steepest';
  version: 1;
  model: string;
  features: number;
  weights: number[];
  bias: number;
}

/** What a subclass tells the base: its loss, its name, whether labels are 0/1. */
export interface ModelSpec {
  loss: LossKind;
  name: string;
  binary: boolean;
}

const MODEL_KEYS = ['features', 'engine', 'init', 'seed'] as const;

// A model garbage-collected without dispose() frees its engine memory. The held value is the
// trainer, which holds no reference back to the model.
const finalizer = new FinalizationRegistry<Trainer>((trainer) => trainer.dispose());

/** Validated data for one run. */
interface Prepared {
  opts: ResolvedFitOptions;
  X: Float32Array;
  y: Float32Array;
  sw: Float32Array | null;
  rows: number;
  batchSize: number;
  val: { X: Float32Array; y: Float32Array; rows: number } | null;
  rng: RngState;
}

export abstract class LinearModel {
  /** Number of input features. */
  readonly features: number;
  /** The engine chosen at construction. */
  readonly engine: EngineName;
  private trainer: Trainer | null;
  private rng: RngState;
  private readonly init: InitOption | undefined;
  /** The optimizer the trainer holds, and its settings as a key (a new key resets its state). */
  private optimizer: ResolvedOptimizer = resolveOptimizer('sgd');
  private optimizerKey = '';
  /** partialFit's schedule and how many epochs it has run. */
  private partial: { key: string; scheduleOption: unknown; schedule: Schedule; epochs: number } | null = null;
  private readonly lossKind: LossKind;
  /** The class name, used in messages and JSON. */
  protected readonly modelName: string;
  private readonly binary: boolean;
  /** The training call in progress, if any: calls that change the model wait for it. */
  private running: 'fit' | 'partialFit' | 'fitAsync' | null = null;
  private disposeRequested = false;
  /** Whether a fit, fitAsync or partialFit call has completed (a later fit may then continue on one class). */
  private trained = false;

  constructor(options: ModelOptions, spec: ModelSpec) {
    this.lossKind = spec.loss;
    this.modelName = spec.name;
    this.binary = spec.binary;
    const o = optionsObject('model options', options);
    knownKeys('model option', o, MODEL_KEYS);
    this.features = positiveInteger('features', o.features);
    const seed = o.seed ?? 0;
    if (typeof seed !== 'number' || !Number.isInteger(seed)) throw new ValidationError(`seed must be an integer, got ${show(seed)}`);
    this.rng = seedState(seed);
    this.init = o.init as InitOption | undefined;
    const params = initialParams(this.init, this.features, this.rng);
    const engine: Engine = getEngine(o.engine ?? 'auto');
    this.engine = engine.name;
    this.trainer = engine.createTrainer(this.features, this.lossKind);
    this.trainer.setParams(params);
    this.trainer.commit();
    finalizer.register(this, this.trainer, this);
  }

  /** Trains by gradient descent; returns the per-epoch history. */
  fit(X: MatrixInput, y: TargetInput, options: FitOptions = {}): History {
    const p = this.prepare(X, y, options, 'fit');
    return this.guarded('fit', p, () => this.withRestarts(p, (run) => runSync(run)));
  }

  /** fit() that yields to the event loop every yieldEveryMs, reports progress and honours an AbortSignal. */
  async fitAsync(X: MatrixInput, y: TargetInput, options: FitAsyncOptions = {}): Promise<History> {
    const p = this.prepare(X, y, options, 'fitAsync');
    const { yieldEveryMs, onProgress, signal } = p.opts;
    const snap = this.snapshot();
    // Between chunks other code runs: it may read the model, but not train it or free it under us.
    this.running = 'fitAsync';
    try {
      const history = await this.restartsAsync(p, (gen) => runAsync(gen, yieldEveryMs, onProgress, signal, this.stopped));
      this.rng = p.rng;
      this.trained = true;
      return history;
    } catch (err) {
      this.settle(err, p, snap);
      throw err;
    } finally {
      this.finish();
    }
  }

  /**
   * One pass over (X, y) that keeps the optimizer state and the schedule's
   * position from earlier partialFit calls: training on data that arrives in pieces.
   */
  partialFit(X: MatrixInput, y: TargetInput, options: FitOptions = {}): History {
    const o = optionsObject('fit options', options);
    for (const key of ['epochs', 'restarts', 'validationFraction', 'validationData', 'earlyStopping', 'warmStart']) {
      if (key in o) throw new ValidationError(`partialFit does not take ${key} (it makes one pass; use fit)`);
    }
    const p = this.prepare(X, y, { ...o, epochs: 1 } as FitOptions, 'partialFit');
    // The same settings continue the schedule (a function schedule: the same function object).
    const key = JSON.stringify([p.opts.learningRate, typeof p.opts.schedule === 'function' ? 'fn' : p.opts.schedule, p.opts.warmup]);
    let partial = this.partial;
    if (!partial || partial.key !== key || partial.scheduleOption !== p.opts.schedule && typeof p.opts.schedule === 'function') {
      partial = { key, scheduleOption: p.opts.schedule, schedule: createSchedule(p.opts.schedule, p.opts.learningRate, p.opts.warmup), epochs: 0 };
    }
    return this.guarded('partialFit', p, () => {
      const history = this.runOnce(p, partial.schedule, partial.epochs, (gen) => runSync(gen));
      partial.epochs++;
      this.partial = partial;
      return history;
    });
  }

  /** A copy of the weights (one per feature). */
  get weights(): Float64Array {
    return this.live().getParams().subarray(0, this.features).slice();
  }

  /** The bias (intercept). */
  get bias(): number {
    return this.live().getParams()[this.features];
  }

  /** Plain data that fromJSON turns back into an equal model. */
  toJSON(): LinearModelJSON {
    const params = this.live().getParams();
    return {
      format: 'steepest',
      version: 1,
      model: this.modelName,
      features: this.features,
      weights: Array.from(params.subarray(0, this.features)),
      bias: params[this.features],
    };
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

  /** Sets [w, bias] directly (used by closed-form initializers). */
  protected setParams(params: Float64Array): void {
    const trainer = this.idle();
    trainer.setParams(params);
    trainer.commit();
  }

  /** Validated logits w.x + b for each row of X. */
  protected logits(X: MatrixInput): Float64Array {
    const trainer = this.live();
    const { data, rows } = toMatrix(X, this.features);
    return checkedLogits(trainer.logits(data, rows));
  }

  /** Validated logits and targets for evaluate(). */
  protected logitsAndTargets(X: MatrixInput, y: TargetInput): { z: Float64Array; t: Float32Array } {
    const trainer = this.live();
    const { data, rows } = toMatrix(X, this.features);
    const t = toTargets(y, rows, this.binary ? this.modelName : null);
    return { z: checkedLogits(trainer.logits(data, rows)), t };
  }

  // Validates everything and splits off validation data, touching no engine state.
  private prepare(X: MatrixInput, y: TargetInput, options: FitOptions, method: 'fit' | 'fitAsync' | 'partialFit'): Prepared {
    const trainer = this.idle();
    if (method !== 'fitAsync') rejectAsyncOnly(optionsObject('fit options', options), method);
    const opts = resolveFitOptions(options);
    this.checkCapacity(trainer, X, opts);
    createSchedule(opts.schedule, opts.learningRate, opts.warmup); // validates the schedule options
    const m = toMatrix(X, this.features);
    const t = toTargets(y, m.rows, this.binary ? this.modelName : null);
    // One class, as in scikit-learn: an error for a model trained from its initializer, but data that
    // arrives in pieces (partialFit) may hold one, and so may a fit that continues from trained weights
    // (an earlier completed call, or explicit init weights as fromJSON gives) with warmStart and one restart.
    const continuing = this.trained || (typeof this.init === 'object' && this.init !== null && 'weights' in this.init);
    const needsBoth = this.binary && method !== 'partialFit' && !(continuing && opts.warmStart && opts.restarts === 1);
    if (needsBoth) {
      requireBothClasses(t, this.modelName, 'y contains', 'partialFit, and fit continuing an already-trained model, accept one class');
    }
    let sw = rowWeights(opts.sampleWeight, opts.classWeight, t, this.modelName, this.binary ? [0, 1] : null);
    const rng = opts.seed === undefined ? this.rng.slice() : seedState(opts.seed);
    let Xt = m.data;
    let yt = t;
    let rows = m.rows;
    let val: Prepared['val'] = null;
    if (opts.validationData) {
      const vm = toMatrix(opts.validationData.X, this.features, 'validationData.X');
      val = { X: vm.data, y: toTargets(opts.validationData.y, vm.rows, this.binary ? this.modelName : null, 'validationData.y'), rows: vm.rows };
    } else if (opts.validationFraction !== undefined) {
      const split = splitIndices(rows, opts.validationFraction, rng, this.binary ? t : null);
      val = { X: takeRows(Xt, this.features, split.val), y: take(yt, split.val), rows: split.val.length };
      Xt = takeRows(Xt, this.features, split.train);
      yt = take(yt, split.train);
      if (sw) sw = take(sw, split.train);
      rows = split.train.length;
      const left = `the training rows left by validationFraction ${opts.validationFraction}`;
      if (needsBoth) requireBothClasses(yt, this.modelName, `${left} contain`, 'use a smaller validationFraction or more rows of the rarer class');
      if (sw && sum(sw) === 0) {
        throw new ValidationError(`${left} all have weight 0; at least one needs a weight > 0 (use a smaller validationFraction or other weights)`);
      }
    }
    return { opts, X: Xt, y: yt, sw, rows, batchSize: batchRows(opts.batchSize, rows), val, rng };
  }

  // One run of epochs on prepared data. The caller decides what a failure leaves behind (see settle).
  private runOnce<T>(
    p: Prepared, schedule: Schedule, epochOffset: number, drive: (gen: ReturnType<typeof runEpochs>) => T, async = false,
  ): T {
    const trainer = this.live();
    const key = JSON.stringify(p.opts.optimizer);
    if (key !== this.optimizerKey) {
      trainer.setOptimizer(p.opts.optimizer); // the same settings: warm start keeps the optimizer state
      this.optimizer = p.opts.optimizer;
      this.optimizerKey = key;
    }
    const data = trainer.loadData(p.X, p.y, p.sw, p.rows, p.opts.shuffle);
    // Validation data is copied into the engine once per run, not once per epoch.
    let valData: TrainingData | null = null;
    try {
      if (p.val) valData = trainer.loadData(p.val.X, p.val.y, null, p.val.rows, false);
    } catch (err) {
      data.free();
      throw err;
    }
    const validate = valData && p.val ? this.validator(trainer, valData, p.val.y) : null;
    const stopped = this.stopped;
    const free = () => {
      data.free();
      valData?.free();
    };
    const gen = runEpochs({
      trainer, engine: this.engine, data, rows: p.rows, batchSize: p.batchSize, opts: p.opts, schedule,
      epochOffset, rng: p.rng, validate, async, stopped,
    });
    let result: T;
    try {
      result = drive(gen);
    } catch (err) {
      free();
      throw err;
    }
    if (result instanceof Promise) {
      return result.finally(free) as T;
    }
    free();
    return result;
  }

  /** Runs a synchronous training call: on success the random stream moves on; on failure see settle. */
  private guarded(call: 'fit' | 'partialFit', p: Prepared, body: () => History): History {
    const snap = this.snapshot();
    this.running = call;
    try {
      const history = body();
      this.rng = p.rng;
      this.trained = true;
      return history;
    } catch (err) {
      this.settle(err, p, snap);
      throw err;
    } finally {
      this.finish();
    }
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
    const rows = matrixRows(X, this.features);
    const weighted = opts.sampleWeight !== undefined || opts.classWeight !== undefined;
    const sets = [{ rows, weighted, shuffle: opts.shuffle }];
    if (opts.validationData) sets.push({ rows: matrixRows(opts.validationData.X, this.features), weighted: false, shuffle: false });
    trainer.checkCapacity(this.running ?? 'fit', sets);
  }

  /** Everything a failed call must put back: parameters, optimizer and its state. */
  private snapshot(): { state: TrainerState; optimizer: ResolvedOptimizer; key: string } {
    return { state: this.live().saveState(), optimizer: this.optimizer, key: this.optimizerKey };
  }

  /**
   * After a failed call: divergence keeps the last finite epoch's weights and
   * cancellation the last completed epoch's (the loop has already restored
   * them); any other error puts the model back as it was before the call.
   */
  private settle(err: unknown, p: Prepared, snap: ReturnType<LinearModel['snapshot']>): void {
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
    return () => {
      const z = trainer.dataLogits(val);
      let sum = 0;
      for (let i = 0; i < val.rows; i++) sum += rowLoss(this.lossKind, z[i], y[i]);
      return sum / val.rows;
    };
  }

  // Restarts: each run starts from freshly drawn parameters and optimizer state; the best final loss wins.
  private restarts(p: Prepared): Restarts {
    const trainer = this.live();
    if (!p.opts.warmStart || p.opts.restarts > 1) this.optimizerKey = ''; // the next run resets the optimizer
    return new Restarts(trainer, p.opts.restarts, (k) => {
      if (p.opts.restarts > 1) {
        trainer.setParams(initialParams(this.init, this.features, seedState(nextU32(p.rng))));
        this.optimizerKey = '';
      } else if (!p.opts.warmStart && k === 0) {
        trainer.setParams(initialParams(this.init, this.features, p.rng));
      }
    });
  }

  private withRestarts(p: Prepared, drive: (gen: ReturnType<typeof runEpochs>) => History): History {
    const runs = this.restarts(p);
    for (let k = 0; k < runs.count; k++) {
      runs.begin(k);
      runs.end(k, this.runOnce(p, createSchedule(p.opts.schedule, p.opts.learningRate, p.opts.warmup), 0, drive));
    }
    return runs.finish();
  }

  private async restartsAsync(p: Prepared, drive: (gen: ReturnType<typeof runEpochs>) => Promise<History>): Promise<History> {
    const runs = this.restarts(p);
    for (let k = 0; k < runs.count; k++) {
      runs.begin(k);
      runs.end(k, await this.runOnce(p, createSchedule(p.opts.schedule, p.opts.learningRate, p.opts.warmup), 0, drive, true));
    }
    return runs.finish();
  }

  private live(): Trainer {
    if (!this.trainer || this.disposeRequested) throw new DisposedError(`this ${this.modelName} was disposed; create a new model`);
    return this.trainer;
  }

  /** The trainer, for calls that change the model: not while it trains. */
  private idle(): Trainer {
    const trainer = this.live();
    if (this.running === 'fitAsync') {
      throw new BusyError(`this ${this.modelName} is training in fitAsync; await it (or abort it) before changing the model`);
    }
    if (this.running) {
      throw new BusyError(`this ${this.modelName} is training (${this.running} is in progress and this call came from its callback); calls that change the model must wait until it returns`);
    }
    return trainer;
  }
}

/** Logits as predict returns them: a value past the float32 range is an error, never a silent Infinity. */
function checkedLogits(z: Float64Array): Float64Array {
  for (let r = 0; r < z.length; r++) {
    if (!(Math.abs(z[r]) <= FLOAT32_MAX)) {
      throw new ValidationError(
        `the model's output for row ${r} is ${show(Math.fround(z[r]))}, outside the float32 range: X's values times the weights overflow (standardize X)`,
      );
    }
  }
  return z;
}

/** Checks a serialized model before fromJSON builds one. */
export function checkJSON(json: unknown, model: string): LinearModelJSON {
  const o = optionsObject('json', json) as Partial<LinearModelJSON>;
  if (o.format !== 'steepest' || o.version !== 1) {
    throw new ValidationError(`json is not a steepest model (format ${show(o.format)}, version ${show(o.version)})`);
  }
  if (o.model !== model) throw new ValidationError(`json holds a ${String(o.model)}, not a ${model}`);
  positiveInteger('json.features', o.features);
  if (!Array.isArray(o.weights)) throw new ValidationError(`json.weights must be an array, got ${show(o.weights)}`);
  finite('json.bias', o.bias);
  return o as LinearModelJSON;
}

