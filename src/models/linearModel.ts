// What LinearRegression and LogisticRegression share: construction, the fit
// loop, parameters, serialization and disposal, written once against Engine.
import type { Engine, EngineName, EngineOption, Trainer } from '../engines/engine.js';
import { getEngine } from '../engines/select.js';
import { DisposedError, DivergenceError, ValidationError } from '../errors.js';
import type { LossKind } from '../reference/losses.js';
import { seedState, uniform, type RngState } from '../reference/random.js';
import { finite, knownKeys, optionsObject, positiveInteger, show, toMatrix, toTargets, type MatrixInput, type TargetInput } from '../validate.js';
import { batchRows, resolveFitOptions, type FitOptions } from './fitOptions.js';
import { makeHistory, type EpochRecord, type History } from './history.js';

/** Initial weights: zeros, PyTorch's default uniform(-1/sqrt(features), 1/sqrt(features)), or explicit values. */
export type InitOption = 'zeros' | 'random' | { weights: ArrayLike<number>; bias?: number };

/** Constructor options shared by the linear models. */
export interface ModelOptions {
  /** Number of input features (columns of X). */
  features: number;
  /** 'auto' (default) picks the fastest engine this runtime supports. */
  engine?: EngineOption;
  /** Initial parameters (default 'zeros'). */
  init?: InitOption;
  /** Seeds random initialization and the shuffle stream (default 0). */
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

export abstract class LinearModel {
  /** Number of input features. */
  readonly features: number;
  /** The engine chosen at construction. */
  readonly engine: EngineName;
  private trainer: Trainer | null;
  private rng: RngState;
  private optimizerKey = '';

  private readonly lossKind: LossKind;
  /** The class name, used in messages and JSON. */
  protected readonly modelName: string;
  /** Whether targets must be 0/1 labels. */
  private readonly binary: boolean;

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
    const params = initialParams(o.init as InitOption | undefined, this.features, this.rng);
    const engine: Engine = getEngine(o.engine ?? 'auto');
    this.engine = engine.name;
    this.trainer = engine.createTrainer(this.features, this.lossKind);
    this.trainer.setParams(params);
  }

  /** Trains by gradient descent; returns the per-epoch history. */
  fit(X: MatrixInput, y: TargetInput, options: FitOptions = {}): History {
    const trainer = this.live();
    const opts = resolveFitOptions(options);
    const { data, rows } = toMatrix(X, this.features);
    const targets = toTargets(y, rows, this.binary ? this.modelName : null);
    const batchSize = batchRows(opts.batchSize, rows);
    // Everything is valid: from here on the engine is touched.
    const rng = opts.seed === undefined ? this.rng.slice() : seedState(opts.seed);
    const before = trainer.saveState();
    const key = JSON.stringify(opts.optimizer);
    if (key !== this.optimizerKey) trainer.setOptimizer(opts.optimizer); // same optimizer: warm start keeps its state
    const lrs = new Float64Array(Math.ceil(rows / batchSize)).fill(opts.learningRate);
    const records: EpochRecord[] = [];
    let dataset = null;
    try {
      dataset = trainer.loadData(data, targets, rows, opts.shuffle);
      for (let epoch = 1; epoch <= opts.epochs; epoch++) {
        const t0 = performance.now();
        const start = trainer.saveState();
        const s = trainer.trainEpoch(dataset, batchSize, lrs, rng);
        if (s.diverged >= 0 || !Number.isFinite(s.lossSum) || !Number.isFinite(s.gradNorm)) {
          trainer.restoreState(start);
          throw new DivergenceError(
            `training diverged in epoch ${epoch}, batch ${s.diverged + 1}: the loss or gradient stopped being finite ` +
              `at learningRate ${opts.learningRate}. The model keeps its weights from the end of epoch ${epoch - 1}. ` +
              `Try a smaller learningRate or standardize the features.`,
            epoch,
          );
        }
        const after = trainer.getParams();
        let paramChange = 0;
        for (let i = 0; i < after.length; i++) paramChange = Math.max(paramChange, Math.abs(after[i] - start.params[i]));
        records.push({
          epoch,
          loss: s.lossSum / rows,
          gradNorm: s.gradNorm,
          learningRate: lrs[lrs.length - 1],
          paramChange,
          timeMs: performance.now() - t0,
        });
      }
    } catch (err) {
      if (err instanceof DivergenceError) {
        this.rng = rng;
        this.optimizerKey = key;
        (err as DivergenceError & { history?: History }).history = makeHistory(this.engine, records, {
          rule: 'maxEpochs', epoch: records.length, message: err.message,
        });
      } else {
        trainer.restoreState(before); // a failed call leaves the model as it was
        if (key !== this.optimizerKey) trainer.setOptimizer(opts.optimizer);
      }
      throw err;
    } finally {
      dataset?.free();
    }
    this.rng = rng;
    this.optimizerKey = key;
    return makeHistory(this.engine, records, {
      rule: 'maxEpochs',
      epoch: opts.epochs,
      message: `reached epochs = ${opts.epochs}`,
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
    this.trainer?.dispose();
    this.trainer = null;
  }

  /** Whether dispose() has been called. */
  get disposed(): boolean {
    return this.trainer === null;
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

  private live(): Trainer {
    if (!this.trainer) throw new DisposedError(`this ${this.modelName} was disposed; create a new model`);
    return this.trainer;
  }
}

function initialParams(init: InitOption | undefined, features: number, rng: RngState): Float64Array {
  const params = new Float64Array(features + 1);
  if (init === undefined || init === 'zeros') return params;
  if (init === 'random') {
    const bound = 1 / Math.sqrt(features); // PyTorch nn.Linear's default
    for (let i = 0; i <= features; i++) params[i] = (2 * uniform(rng) - 1) * bound;
    return params;
  }
  const o = optionsObject('init', init);
  knownKeys('init option', o, ['weights', 'bias']);
  const w = o.weights as ArrayLike<unknown> | undefined;
  if (!w || typeof w !== 'object' || typeof w.length !== 'number') {
    throw new ValidationError(`init must be 'zeros', 'random' or { weights, bias }, got ${show(init)}`);
  }
  if (w.length !== features) throw new ValidationError(`init.weights has ${w.length} values, expected ${features}`);
  for (let i = 0; i < features; i++) {
    const v = w[i];
    if (typeof v !== 'number' || !Number.isFinite(Math.fround(v))) {
      throw new ValidationError(`init.weights contains ${show(v)} at index ${i}`);
    }
    params[i] = v;
  }
  params[features] = finite('init.bias', o.bias ?? 0);
  return params;
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
