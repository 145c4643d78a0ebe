// What LinearRegression and LogisticRegression share: construction, fitting
// (fit, fitAsync, partialFit, restarts), parameters, serialization and
// disposal, written once against the Engine interface.
import type { Engine, EngineName, EngineOption, Trainer, TrainerState, TrainingData } from '../engines/engine.js';
import { getEngine } from '../engines/select.js';
import { DisposedError, DivergenceError, ValidationError } from '../errors.js';
import { rowLoss, type LossKind } from '../reference/losses.js';
import { nextU32, seedState, type RngState } from '../reference/random.js';
import { createSchedule, type Schedule } from '../optim/schedules.js';
import { resolveOptimizer, type ResolvedOptimizer } from '../optim/optimizers.js';
import { knownKeys, optionsObject, positiveInteger, show, toMatrix, toTargets, type MatrixInput, type TargetInput } from '../validate.js';
import { batchRows, resolveFitOptions, type FitAsyncOptions, type FitOptions, type ResolvedFitOptions } from './fitOptions.js';
import type { History } from './history.js';
import { initialParams, type InitOption } from './initializers.js';
import { rowWeights, splitIndices, take, takeRows } from './split.js';
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
  private asyncRunning = false;
  private disposeRequested = false;

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
  }

  /** Trains by gradient descent; returns the per-epoch history. */
  fit(X: MatrixInput, y: TargetInput, options: FitOptions = {}): History {
    const p = this.prepare(X, y, options);
    return this.guarded(p, () => this.withRestarts(p, (run) => runSync(run)));
  }

  /** fit() that yields to the event loop every yieldEveryMs, reports progress and honours an AbortSignal. */
  async fitAsync(X: MatrixInput, y: TargetInput, options: FitAsyncOptions = {}): Promise<History> {
    const p = this.prepare(X, y, options);
    const { yieldEveryMs, onProgress, signal } = p.opts;
    const snap = this.snapshot();
    // Between chunks other code runs: it may read the model, but not train it or free it under us.
    this.asyncRunning = true;
    const stopped = () => (this.disposeRequested ? new DisposedError(`this ${this.modelName} was disposed during fitAsync`) : null);
    try {
      const history = await this.restartsAsync(p, (gen) => runAsync(gen, yieldEveryMs, onProgress, signal, stopped));
      this.rng = p.rng;
      return history;
    } catch (err) {
      this.settle(err, p, snap);
      throw err;
    } finally {
      this.asyncRunning = false;
      if (this.disposeRequested) this.dispose();
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
    const p = this.prepare(X, y, { ...o, epochs: 1 } as FitOptions);
    // The same settings continue the schedule (a function schedule: the same function object).
    const key = JSON.stringify([p.opts.learningRate, typeof p.opts.schedule === 'function' ? 'fn' : p.opts.schedule, p.opts.warmup]);
    let partial = this.partial;
    if (!partial || partial.key !== key || partial.scheduleOption !== p.opts.schedule && typeof p.opts.schedule === 'function') {
      partial = { key, scheduleOption: p.opts.schedule, schedule: createSchedule(p.opts.schedule, p.opts.learningRate, p.opts.warmup), epochs: 0 };
    }
    return this.guarded(p, () => {
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

  /** Frees the model's engine memory. Idempotent; any later use throws. */
  dispose(): void {
    if (this.asyncRunning) {
      this.disposeRequested = true; // fitAsync stops at its next chunk and frees the memory then
      return;
    }
    this.trainer?.dispose();
    this.trainer = null;
  }

  /** Whether dispose() has been called. */
  get disposed(): boolean {
    return this.trainer === null;
  }

  /** Sets [w, bias] directly (used by closed-form initializers). */
  protected setParams(params: Float64Array): void {
    this.idle().setParams(params);
  }

  /** Validated logits w.x + b for each row of X. */
  protected logits(X: MatrixInput): Float64Array {
    const trainer = this.live();
    const { data, rows } = toMatrix(X, this.features);
    return trainer.logits(data, rows);
  }

  /** Validated logits and targets for evaluate(). */
  protected logitsAndTargets(X: MatrixInput, y: TargetInput): { z: Float64Array; t: Float32Array } {
    const trainer = this.live();
    const { data, rows } = toMatrix(X, this.features);
    const t = toTargets(y, rows, this.binary ? this.modelName : null);
    return { z: trainer.logits(data, rows), t };
  }

  // Validates everything and splits off validation data, touching no engine state.
  private prepare(X: MatrixInput, y: TargetInput, options: FitOptions): Prepared {
    this.idle();
    const opts = resolveFitOptions(options);
    createSchedule(opts.schedule, opts.learningRate, opts.warmup); // validates the schedule options
    const m = toMatrix(X, this.features);
    const t = toTargets(y, m.rows, this.binary ? this.modelName : null);
    let sw = rowWeights(opts.sampleWeight, opts.classWeight, t, this.modelName, this.binary);
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
    const free = () => {
      data.free();
      valData?.free();
    };
    const gen = runEpochs({
      trainer, engine: this.engine, data, rows: p.rows, batchSize: p.batchSize, opts: p.opts, schedule,
      epochOffset, rng: p.rng, validate, async,
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
  private guarded(p: Prepared, body: () => History): History {
    const snap = this.snapshot();
    try {
      const history = body();
      this.rng = p.rng;
      return history;
    } catch (err) {
      this.settle(err, p, snap);
      throw err;
    }
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
    if (err instanceof DivergenceError || p.opts.signal?.aborted) {
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

  /** The trainer, for calls that change the model: not while fitAsync is running. */
  private idle(): Trainer {
    const trainer = this.live();
    if (this.asyncRunning) {
      throw new Error(`this ${this.modelName} is training in fitAsync; await it (or abort it) before changing the model`);
    }
    return trainer;
  }
}

/** Options of fromJSON. */
export interface FromJSONOptions {
  /** The engine of the new model (default 'auto'). */
  engine?: EngineOption;
}

const JSON_FIELDS = ['format', 'version', 'model', 'features', 'weights', 'bias'] as const;
const FROM_JSON_KEYS = ['engine'] as const;
const F32_MAX = 'largest magnitude is 3.4028234663852886e+38';

// A number that the model stores (float32 in the WASM engines, so the same file loads into every engine).
function storable(name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new ValidationError(`${name} must be a finite number, got ${show(v)}`);
  if (!Number.isFinite(Math.fround(v))) throw new ValidationError(`${name} value ${show(v)} is too large for float32 (${F32_MAX})`);
  return v;
}

/**
 * Checks fromJSON's arguments before any model exists: the file (toJSON()
 * output, or its JSON text) field by field, naming the field as the file
 * spells it, and the options. Returns the file and the engine to load it into.
 */
export function checkJSON(json: unknown, model: string, options: unknown): { file: LinearModelJSON; engine: EngineOption | undefined } {
  const opts = optionsObject('fromJSON options', options);
  knownKeys('fromJSON option', opts, FROM_JSON_KEYS);
  if (typeof json === 'string') {
    try {
      json = JSON.parse(json);
    } catch (err) {
      throw new ValidationError(`json is not valid JSON: ${(err as Error).message}`, { cause: err });
    }
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json) || ArrayBuffer.isView(json)) {
    throw new ValidationError(`json must be toJSON() output (an object) or its JSON text, got ${show(json)}`);
  }
  const o = json as Record<string, unknown>;
  if (o.format !== 'steepest') {
    throw new ValidationError(`json is not a steepest model (format ${show(o.format)}, version ${show(o.version)})`);
  }
  if (o.version !== 1) throw new ValidationError(`json has file format version ${show(o.version)}; this version of steepest reads version 1`);
  if (typeof o.model !== 'string') throw new ValidationError(`model must be a string, got ${show(o.model)}`);
  if (o.model !== model) throw new ValidationError(`json holds a ${o.model}, not a ${model}`);
  knownKeys('json field', o, JSON_FIELDS);
  const features = positiveInteger('features', o.features);
  const w = o.weights;
  if (!Array.isArray(w) && !(w instanceof Float32Array) && !(w instanceof Float64Array)) {
    throw new ValidationError(`weights must be an array of ${features} numbers, got ${show(w)}`);
  }
  if (w.length !== features) throw new ValidationError(`weights has ${w.length} values but features is ${features}`);
  const weights: number[] = [];
  for (let i = 0; i < features; i++) weights.push(storable(`weights[${i}]`, w[i]));
  const bias = storable('bias', o.bias);
  return {
    file: { format: 'steepest', version: 1, model, features, weights, bias },
    engine: opts.engine as EngineOption | undefined,
  };
}
