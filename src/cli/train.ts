// steepest train: reads the data, standardizes and one-hot encodes the features,
// picks (or takes) the model type, trains with progress, prints a summary, and
// writes the model (with its preprocessing) and the plots.
import {
  ready, LinearRegression, LogisticRegression, SoftmaxRegression, MLP, Preprocessor,
  type AnyModel, type EpochRecord, type FitAsyncOptions, type History, type OptimizerName, type ScheduleOptions, type EngineOption,
} from '../index.js';
import { trainTestSplit } from '../preprocess/split.js';
import { defaultLearningRate } from '../optim/optimizers.js';
import { isLrFree } from '../optim/lrFree.js';
import { plotHistory, plotPath, type ParameterPoint } from '../plot/index.js';
import { choice, list, num, parse, positionals, str, type CommandSpec } from './args.js';
import { cleanRows, planColumns } from './columns.js';
import { CliError, UsageError } from './errors.js';
import { commandHelp } from './help.js';
import { checkOutputFile, writeOutputFile } from './outputPath.js';
import { say, type IO } from './io.js';
import { progress, progressMode } from './progress.js';
import { modelMetrics, type Metrics } from './metrics.js';
import { trainSummary } from './summary.js';
import { readData, type Data } from './data.js';
import { dataFormat, hashingOptions, hashTexts, readSvmlightFile, type InputSpec } from './input.js';
import { isCSR, takeCSRRows, type CSR } from '../data/csr.js';
import { below, seedState } from '../reference/random.js';
import { statSync } from 'node:fs';
import { columnIndex } from '../datasets/csv.js';
import type { Preprocessor as PreprocessorType } from '../preprocess/Preprocessor.js';
import type { TargetColumn } from './target.js';
import type { ModelJSON } from '../models/serialize.js';
import { chooseModel, MODEL_KINDS, planTarget, targetColumn, type ModelKind, type TargetPlan } from './target.js';

const OPTIMIZERS: readonly OptimizerName[] = [
  'sgd', 'adam', 'adamw', 'rmsprop', 'adagrad', 'prodigy', 'dadapt-sgd', 'dadapt-adam', 'dog', 'schedule-free-sgd', 'schedule-free-adamw',
];
const SCHEDULES = ['constant', 'cosine', 'step', 'exponential', 'plateau'] as const;
const ENGINES: readonly EngineOption[] = ['auto', 'wasm-simd', 'wasm-scalar', 'js'];
const ACTIVATIONS = ['sigmoid', 'tanh', 'relu'] as const;

/** steepest train's options. */
export const spec: CommandSpec = {
  name: 'train',
  summary: 'Train a model on a CSV file, standard input (-) or a bundled data set, and save it with its preprocessing.',
  positionals: ['data'],
  options: {
    target: { type: 'string', value: 'COLUMN', help: 'the column to predict (a bundled data set names its own)' },
    model: { type: 'string', value: 'TYPE', default: 'auto', help: 'linear, logistic, softmax or mlp; auto picks from the target: 2 values logistic, text or 3-50 integers softmax, else linear' },
    hidden: { type: 'string', value: 'N,N', default: '64', help: 'mlp: units of each hidden layer' },
    activation: { type: 'string', value: 'NAME', default: 'sigmoid', help: 'mlp: sigmoid, tanh or relu' },
    optimizer: { type: 'string', value: 'NAME', default: "the library's for the model without --lr, adam with it", help: 'sgd, adam, adamw, rmsprop, adagrad, or learning-rate-free: prodigy, dadapt-sgd, dadapt-adam, dog, schedule-free-sgd, schedule-free-adamw' },
    lr: { type: 'string', value: 'RATE|auto', default: 'auto; 1 (a multiplier) for the learning-rate-free ones', help: 'learning rate; auto: a short search on a sample picks it (printed)' },
    epochs: { type: 'string', value: 'N', default: '50', help: 'maximum passes over the data' },
    batch: { type: 'string', value: 'N|full', default: '32, at most the row count', help: 'rows per update; 1 is stochastic, full is batch gradient descent' },
    schedule: { type: 'string', value: 'NAME', default: 'constant', help: 'constant, cosine (to 0 over the epochs), step (x0.1 every third of the epochs), exponential (x0.95 per epoch) or plateau (x0.1 after 10 epochs without progress)' },
    l2: { type: 'string', value: 'A', default: '0', help: 'L2 penalty A/2 |w|^2 on the weights' },
    val: { type: 'string', value: 'FRACTION', default: '0, or 0.1 with --early-stopping', help: 'hold out this fraction of rows as validation data (stratified for classifiers)' },
    'early-stopping': { type: 'boolean', help: 'stop when the validation loss stops improving (5 epochs) and keep the best epoch' },
    seed: { type: 'string', value: 'N', default: '0', help: 'seeds initialization, shuffles and the validation split' },
    engine: { type: 'string', value: 'NAME', default: 'auto', help: 'auto, wasm-simd, wasm-scalar or js' },
    categorical: { type: 'string', value: 'COL,COL', help: 'columns to one-hot encode (the categories are stored in the model)' },
    'drop-invalid': { type: 'boolean', help: 'skip rows with an empty or non-numeric value (and say how many) instead of stopping' },
    out: { type: 'string', short: 'o', value: 'FILE', help: 'write the model, with its preprocessing, to FILE (JSON)' },
    plot: { type: 'string', value: 'FILE', help: 'write the loss curve as SVG' },
    'plot-path': { type: 'string', value: 'FILE', help: 'linear regression on one feature: write the path of (theta0, theta1) over the contours of J as SVG' },
    'log-scale': { type: 'boolean', help: 'plot the loss on a log scale' },
    quiet: { type: 'boolean', short: 'q', help: 'no progress and no loss curve: one line at the end' },
    json: { type: 'boolean', help: 'print one JSON object per epoch, then one with the result' },
    format: { type: 'string', value: 'csv|svmlight', default: 'from the extension: .svm, .svmlight, .libsvm are svmlight', help: 'the data\'s format; svmlight rows are `label index:value ...`' },
    'zero-based': { type: 'boolean', help: 'svmlight: indices count from 0 (default: from 1)' },
    text: { type: 'string', value: 'COLUMN', help: 'hash this text column into word counts (HashingVectorizer) as the features; stored in the model for predict and eval' },
    'hash-features': { type: 'string', value: 'N', default: '1048576 (2^20)', help: '--text: columns words are hashed into' },
    ngram: { type: 'string', value: 'MIN,MAX', default: '1,1', help: '--text: word n-gram lengths, e.g. 1,2 for words and word pairs' },
    'no-alternate-sign': { type: 'boolean', help: '--text: add every word as +1 (default: a sign from its hash, so collisions tend to cancel)' },
    stream: { type: 'boolean', help: 'train a CSV or svmlight file larger than memory from the file, one chunk at a time (automatic above 256 MB; see docs/streams.md)' },
    'shuffle-buffer': { type: 'string', value: 'N', default: '100000', help: '--stream: rows the shuffle buffer holds' },
  },
  notes: [
    'Numeric columns are standardized (means and scales stored in the model); --categorical columns are one-hot encoded.',
    'A target of text maps to classes whose names are stored in the model and printed back by predict and eval.',
    '',
    'Examples:',
    '  steepest train breast_cancer --out model.json --plot loss.svg',
    '  steepest train houses.csv --target price --categorical city --val 0.2 --early-stopping --out model.json',
    '  steepest train digits --model mlp --hidden 64 --activation relu --epochs 30 --out digits.json',
    '  steepest train rcv1.svm --epochs 5 --out rcv1.json',
    '  steepest train reviews.csv --target label --text review --ngram 1,2 --out reviews.json',
    '  steepest train big.csv --target y --stream --epochs 3 --out big.json',
  ],
};

/** The result --json prints last, and the summary reads. */
export interface TrainResult {
  type: 'result';
  command: 'train';
  data: { source: string; rows: number; dropped: number; trainRows: number; validationRows: number; columns: number; features: number; categorical: string[] };
  target: { name: string; classes: string[] | number | null };
  model: { type: ModelKind; auto: boolean; reason: string; hidden?: number[]; activation?: string; parameters: number };
  engine: string;
  epochs: number;
  stopReason: { rule: string; epoch: number; message: string };
  bestEpoch: number;
  timeMs: number;
  msPerEpoch: number;
  /** The rate learningRate 'auto' chose and what its search cost, or null with --lr RATE. */
  learningRateSearch: { rate: number; epochs: number; timeMs: number; trials: number } | null;
  metrics: { train: Metrics; validation?: Metrics };
  files: { model?: string; plot?: string; plotPath?: string };
  history: { loss: number[]; valLoss: number[] };
}

/** Runs steepest train; returns the exit code. */
export async function run(argv: readonly string[], io: IO): Promise<number> {
  const p = parse(spec, argv);
  if (p.values.help) {
    io.stdout.write(commandHelp(spec));
    return 0;
  }
  const [dataArg] = positionals(spec, p.positionals);
  const o = options(p);
  // Before the data is read and the model trained: a bad path fails now, not after the training.
  for (const file of [o.out, o.plot, o.plotPath]) if (file) checkOutputFile(file);
  const mode = progressMode(io.stdout, { json: o.json, quiet: o.quiet });
  const info = (text: string) => {
    if (mode === 'bar' || mode === 'lines') say(io.stdout, text);
  };

  // Data: columns, checked rows, target, features (or svmlight rows, or a hashed text column).
  const format = dataFormat(dataArg, o.format);
  if (format === 'svmlight' && (o.text || o.categorical.length > 0)) throw new UsageError(`--text and --categorical read CSV columns; ${dataArg} is svmlight`);
  if (streams(o, fileSize(dataArg))) return (await import('./trainStream.js')).trainStream(dataArg, format, o, io, mode);
  const d = format === 'svmlight' ? await svmlightData(dataArg, o) : await csvData(dataArg, o, io);
  const { X, features, target, targetName, prep, input, plan, rows, data } = d;
  const auto = o.model === undefined;
  // A bundled regression set says so itself (secret_number's 4 integer targets are values, not classes).
  const regressionSet = data.regression === true && targetName === data.target && target.numeric;
  const picked = !auto ? { kind: o.model!, reason: `--model ${o.model}` }
    : regressionSet ? { kind: 'linear' as const, reason: `${data.name} is a regression data set` } : chooseModel(target);
  const kind: ModelKind = picked.kind;
  const tplan = planTarget(target, kind);
  if (o.hidden && kind !== 'mlp') throw new UsageError(`--hidden applies to --model mlp only (the model is ${kind})`);
  if (o.activation && kind !== 'mlp') throw new UsageError(`--activation applies to --model mlp only (the model is ${kind})`);
  if (o.plotPath && !(kind === 'linear' && features === 1)) {
    throw new UsageError(`--plot-path draws linear regression on one feature; this is ${describe(kind)} on ${features} feature${features === 1 ? '' : 's'}`);
  }
  info(`model: ${describe(kind)}${auto ? ` (auto: ${picked.reason}; --model to choose)` : ''}`);

  // Validation rows: held out here, so the summary can report metrics on them.
  const valFraction = o.val ?? (o.earlyStopping ? 0.1 : 0);
  const classes = tplan.kind === 'classes';
  const split: { XTrain: Float32Array | CSR; yTrain: Float32Array | string[]; XTest: Float32Array | CSR | null; yTest: Float32Array | string[] | null } =
    valFraction <= 0 ? { XTrain: X, yTrain: tplan.y, XTest: null, yTest: null }
    : isCSR(X) ? csrSplit(X as CSR, tplan.y, valFraction, o.seed ?? 0)
    : trainTestSplit(X as Float32Array, tplan.y as Float32Array, { testFraction: valFraction, seed: o.seed ?? 0, stratify: classes });
  const rowsOf = (m: Float32Array | CSR) => (isCSR(m) ? (m as CSR).shape[0] : (m as Float32Array).length / features);
  const trainRows = rowsOf(split.XTrain);

  await ready(o.engine === 'wasm-scalar' ? { scalar: true } : {});
  const model = build(kind, tplan, features, o);
  const path: ParameterPoint[] = [];
  const batchRows = o.batch === 'full' ? trainRows : Math.min(o.batch ?? 32, trainRows);
  const onBatch = o.plotPath ? pathRecorder(model, path, o.epochs, Math.ceil(trainRows / batchRows)) : null;
  const bar = progress(mode, io.stdout, o.epochs);
  const abort = new AbortController();
  const interrupt = () => abort.abort();
  process.once('SIGINT', interrupt);
  let history: History;
  const t0 = performance.now();
  try {
    const fitOptions: FitAsyncOptions = {
      epochs: o.epochs, batchSize: o.batch, learningRate: o.lr, optimizer: o.optimizer, schedule: schedule(o.schedule, o.epochs),
      l2: o.l2, seed: o.seed, earlyStopping: o.earlyStopping, signal: abort.signal,
      onEpochEnd: (r: EpochRecord) => bar.epoch(r),
      ...(split.XTest ? { validationData: { X: split.XTest, y: split.yTest as Float32Array } } : {}),
      ...(onBatch ? { onBatchEnd: onBatch.record, batchCallbackEvery: onBatch.every } : {}),
    };
    history = await model.fitAsync(split.XTrain, split.yTrain as Float32Array, fitOptions);
  } catch (err) {
    if (abort.signal.aborted) throw new CliError('interrupted; no model written', 130);
    throw err;
  } finally {
    bar.stop();
    process.off('SIGINT', interrupt);
  }
  const timeMs = performance.now() - t0;

  const metrics = {
    train: modelMetrics(model, split.XTrain, split.yTrain),
    ...(split.XTest ? { validation: modelMetrics(model, split.XTest, split.yTest!) } : {}),
  };
  if (prep) model.preprocessing = prep;
  const files: TrainResult['files'] = {};
  if (o.out) files.model = write(o.out, `${JSON.stringify(modelFile(model, input))}\n`);
  if (o.plot) files.plot = write(o.plot, plotHistory(history, { title: `${describe(kind)}: ${data.name}`, logScale: o.logScale }));
  if (o.plotPath) files.plotPath = write(o.plotPath, plotPath(Array.from(split.XTrain as Float32Array), Array.from(split.yTrain as Float32Array), path, { title: `Gradient descent on J(θ0, θ1): ${data.name}` }));

  const result: TrainResult = {
    type: 'result', command: 'train',
    data: {
      source: data.source, rows: rows.count, dropped: rows.dropped, trainRows, validationRows: split.XTest ? rowsOf(split.XTest) : 0,
      columns: plan.columns, features, categorical: plan.categorical,
    },
    target: { name: targetName, classes: model.classes ?? (tplan.kind === 'classes' ? tplan.count : null) },
    model: {
      type: kind, auto, reason: picked.reason, parameters: model.parameterCount,
      ...(model instanceof MLP ? { hidden: [...model.hidden], activation: o.activation ?? 'sigmoid' } : {}),
    },
    engine: history.engine,
    epochs: history.epochs.length,
    stopReason: history.stopReason,
    bestEpoch: history.bestEpoch,
    timeMs,
    msPerEpoch: median(history.timeMs),
    learningRateSearch: searchSummary(history),
    metrics,
    files,
    history: { loss: history.loss, valLoss: history.valLoss },
  };
  model.dispose();
  if (mode === 'json') say(io.stdout, JSON.stringify(result));
  else io.stdout.write(trainSummary(result, mode === 'quiet'));
  return 0;
}

/** The options of one run, parsed and checked. */
export interface TrainOptions {
  target?: string;
  model?: ModelKind;
  hidden?: number[];
  activation?: (typeof ACTIVATIONS)[number];
  /** Undefined: the library's default for the model (without --lr), adam (with it). */
  optimizer?: OptimizerName;
  lr: number | 'auto';
  epochs: number;
  /** Undefined: the library's default, 32 or the row count if smaller. */
  batch?: number | 'full';
  schedule: (typeof SCHEDULES)[number];
  l2: number;
  val?: number;
  earlyStopping: boolean;
  seed?: number;
  engine: EngineOption;
  categorical: string[];
  dropInvalid: boolean;
  out?: string;
  plot?: string;
  plotPath?: string;
  logScale: boolean;
  quiet: boolean;
  json: boolean;
  format?: string;
  zeroBased: boolean;
  text?: string;
  hashFeatures?: number;
  ngram?: string;
  alternateSign: boolean;
  stream: boolean;
  shuffleBuffer: number;
}

function options(p: ReturnType<typeof parse>): TrainOptions {
  const batchRaw = str(p, 'batch');
  const hidden = list(p, 'hidden')?.map((h) => {
    const n = Number(h);
    if (!Number.isInteger(n) || n < 1) throw new UsageError(`--hidden must list positive integers (units per layer), got '${str(p, 'hidden')}'`);
    return n;
  });
  const lr = str(p, 'lr');
  // A given --lr keeps the command's old default optimizer (adam), so its results do not change.
  const optimizer = choice(p, 'optimizer', OPTIMIZERS) ?? (lr === undefined || lr === 'auto' ? undefined : 'adam');
  return {
    target: str(p, 'target'),
    model: choice(p, 'model', MODEL_KINDS),
    hidden,
    activation: choice(p, 'activation', ACTIVATIONS),
    optimizer,
    lr: lr === 'auto' ? 'auto' : num(p, 'lr', { above: 0 }) ?? (optimizer && isLrFree(optimizer) ? defaultLearningRate(optimizer) : 'auto'),
    epochs: num(p, 'epochs', { integer: true, min: 1 }) ?? 50,
    batch: batchRaw === 'full' ? 'full' : num(p, 'batch', { integer: true, min: 1 }),
    schedule: choice(p, 'schedule', SCHEDULES) ?? 'constant',
    l2: num(p, 'l2', { min: 0 }) ?? 0,
    val: num(p, 'val', { min: 0, max: 0.9 }),
    earlyStopping: p.values['early-stopping'] === true,
    seed: num(p, 'seed', { integer: true, min: 0 }),
    engine: choice(p, 'engine', ENGINES) ?? 'auto',
    categorical: list(p, 'categorical') ?? [],
    dropInvalid: p.values['drop-invalid'] === true,
    out: str(p, 'out'),
    plot: str(p, 'plot'),
    plotPath: str(p, 'plot-path'),
    logScale: p.values['log-scale'] === true,
    quiet: p.values.quiet === true,
    json: p.values.json === true,
    format: str(p, 'format'),
    zeroBased: p.values['zero-based'] === true,
    text: str(p, 'text'),
    hashFeatures: num(p, 'hash-features', { integer: true, min: 1 }),
    ngram: str(p, 'ngram'),
    alternateSign: p.values['no-alternate-sign'] !== true,
    stream: p.values.stream === true,
    shuffleBuffer: num(p, 'shuffle-buffer', { integer: true, min: 1 }) ?? 100_000,
  };
}

/**
 * A file this large (bytes) trains from the file (--stream) without being asked: read whole, a
 * CSV's fields are kept as strings and an svmlight file as one string, several times its size.
 */
export const STREAM_ABOVE_BYTES = 256 * 2 ** 20;

/** Whether train reads the file in chunks: --stream, or a file past STREAM_ABOVE_BYTES (a hashed --text column is read whole). */
export function streams(o: Pick<TrainOptions, 'stream' | 'text'>, fileBytes: number): boolean {
  return o.stream || (!o.text && fileBytes > STREAM_ABOVE_BYTES);
}

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0; // standard input, a bundled data set, or a missing file (readData names it)
  }
}

/** The training data as the rest of train uses it, whatever its format. */
interface TrainData {
  /** Dense rows (CSV columns), or CSR (svmlight rows, hashed text). */
  X: Float32Array | CSR;
  features: number;
  target: TargetColumn;
  targetName: string;
  /** CSV columns' preprocessing, or null for svmlight and text inputs. */
  prep: PreprocessorType | null;
  input: InputSpec | null;
  plan: { columns: number; categorical: string[] };
  rows: { count: number; dropped: number };
  data: Pick<Data, 'name' | 'target' | 'regression'> & { source: string };
}

async function svmlightData(path: string, o: TrainOptions): Promise<TrainData> {
  const { X, y } = await readSvmlightFile(path, { zeroBased: o.zeroBased });
  const targetName = o.target ?? 'label';
  return {
    X, features: X.shape[1], target: targetColumn(targetName, Array.from(y)), targetName, prep: null,
    input: { format: 'svmlight', zeroBased: o.zeroBased }, plan: { columns: X.shape[1], categorical: [] },
    rows: { count: y.length, dropped: 0 }, data: { name: path.split(/[\\/]/).pop()!, target: null, regression: null, source: path },
  };
}

async function csvData(dataArg: string, o: TrainOptions, io: IO): Promise<TrainData> {
  const data = await readData(dataArg, io.stdin);
  const targetName = o.target ?? data.target;
  if (targetName === null) {
    throw new UsageError(`steepest train needs --target: name the column to predict (${data.table.source} has columns ${data.table.header.join(', ')})`);
  }
  const about = { name: data.name, target: data.target, regression: data.regression, source: data.table.source };
  if (o.text) {
    if (o.categorical.length > 0) throw new UsageError('--categorical does not apply with --text (the features are the hashed text column)');
    const c = columnIndex(data.table, o.text);
    const t = columnIndex(data.table, targetName);
    const hashing = hashingOptions(o.hashFeatures, o.ngram, o.alternateSign);
    const X = hashTexts(data.table.rows.map((r) => r[c]), hashing);
    return {
      X, features: hashing.features, target: targetColumn(targetName, data.table.rows.map((r) => r[t])), targetName, prep: null,
      input: { format: 'text', column: o.text, target: targetName, hashing }, plan: { columns: 1, categorical: [] },
      rows: { count: data.table.rows.length, dropped: 0 }, data: about,
    };
  }
  if (o.hashFeatures !== undefined || o.ngram !== undefined || !o.alternateSign) throw new UsageError('--hash-features, --ngram and --no-alternate-sign apply with --text only');
  const plan = planColumns(data.table, targetName, o.categorical);
  const rows = cleanRows(data.table, plan, o.dropInvalid);
  if (rows.dropped > 0) say(io.stderr, `skipped ${rows.dropped} of ${data.table.rows.length} rows with an empty or non-numeric value (first: ${rows.firstProblem})`);
  const prep = new Preprocessor().fit(rows.features, plan.features, { categorical: plan.categorical, target: targetName });
  return {
    X: prep.transform(rows.features), features: prep.features, target: targetColumn(targetName, rows.target), targetName, prep, input: null,
    plan: { columns: plan.features.length, categorical: plan.categorical }, rows: { count: rows.features.length, dropped: rows.dropped }, data: about,
  };
}

/** --val for CSR rows: a seeded random fraction held out (not stratified), both parts in file order. */
function csrSplit(X: CSR, y: Float32Array | string[], fraction: number, seed: number) {
  const n = X.shape[0];
  const ids = Array.from({ length: n }, (_, i) => i);
  const rng = seedState(seed);
  for (let i = n - 1; i > 0; i--) {
    const j = below(rng, i + 1);
    [ids[i], ids[j]] = [ids[j], ids[i]];
  }
  const k = Math.round(n * fraction);
  const test = ids.slice(0, k).sort((a, b) => a - b);
  const train = ids.slice(k).sort((a, b) => a - b);
  const pick = (rows: number[]) => (y instanceof Float32Array ? Float32Array.from(rows, (r) => y[r]) : rows.map((r) => y[r]));
  return { XTrain: takeCSRRows(X, train), yTrain: pick(train), XTest: takeCSRRows(X, test), yTest: pick(test) };
}

/** What the summary says of learningRate 'auto''s search, or null when the rate was given. */
export function searchSummary(history: History): TrainResult['learningRateSearch'] {
  const s = history.learningRateSearch;
  return s ? { rate: s.rate, epochs: s.epochs, timeMs: s.timeMs, trials: s.tried.length + s.longTried.length + s.shuffledTried.length } : null;
}

/** The model file: the model, and how an svmlight or text model reads its input (training.input). */
export function modelFile(model: AnyModel, input: InputSpec | null): ModelJSON {
  const json = model.toJSON();
  if (input) json.training = { ...json.training, input };
  return json;
}

/** The model type in words. */
export function describe(kind: ModelKind): string {
  return { linear: 'linear regression', logistic: 'logistic regression', softmax: 'softmax regression', mlp: 'MLP' }[kind];
}

/** The model of this kind for the target plan and the options. */
export function build(kind: ModelKind, t: TargetPlan, features: number, o: TrainOptions): AnyModel {
  const common = { engine: o.engine, ...(o.seed !== undefined ? { seed: o.seed } : {}) };
  if (kind === 'linear') return new LinearRegression({ features, ...common });
  if (kind === 'logistic') return new LogisticRegression({ features, ...common });
  if (kind === 'softmax') return new SoftmaxRegression({ features, classes: (t as { count: number }).count, ...common });
  const head = t.kind === 'values' ? 'mse' : t.count === 2 ? 'sigmoid' : 'softmax';
  const outputs = t.kind === 'classes' && t.count > 2 ? t.count : 1;
  return new MLP({ inputs: features, hidden: o.hidden ?? [64], outputs, head, ...(o.activation ? { activation: o.activation } : {}), ...common });
}

/** The command's --schedule name as the library's schedule options (trainStream uses it too). */
export function schedule(name: TrainOptions['schedule'], epochs: number): ScheduleOptions {
  switch (name) {
    case 'cosine': return { type: 'cosine', tMax: epochs };
    case 'step': return { type: 'step', stepSize: Math.max(1, Math.round(epochs / 3)), gamma: 0.1 };
    case 'exponential': return { type: 'exponential', gamma: 0.95 };
    case 'plateau': return { type: 'plateau' };
    default: return 'constant';
  }
}

// Records (theta0, theta1) after every k-th batch, at most about 2000 points, starting at the initial weights.
function pathRecorder(model: AnyModel, path: ParameterPoint[], epochs: number, batchesPerEpoch: number) {
  const m = model as LinearRegression;
  path.push([m.bias, m.weights[0]]);
  return { every: Math.max(1, Math.ceil((epochs * batchesPerEpoch) / 2000)), record: () => void path.push([m.bias, m.weights[0]]) };
}

/** Writes a file the run produces; returns its path for the summary. */
function write(file: string, text: string): string {
  writeOutputFile(file, text);
  return file;
}

function median(v: readonly number[]): number {
  const s = [...v].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}
