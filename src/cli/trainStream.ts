// steepest train --stream: a CSV larger than memory, trained from the file through
// model.fitStream. A first pass reads the columns' means and scales (Welford) and the
// target's distinct values; training reads the file again each epoch in chunks,
// standardizing each; a last pass measures the metrics. Memory: the shuffle buffer and a
// few chunks, whatever the file's size. Numeric feature columns only (categories would
// need every category before training starts).
import { createReadStream, statSync } from 'node:fs';
import cliProgress from 'cli-progress';
import { ready, Preprocessor, type AnyModel, type EpochRecord, type History } from '../index.js';
import { streamCsv, type CsvChunk } from '../datasets/csvStream.js';
import { formatNumber } from '../plot/scale.js';
import { plotHistory } from '../plot/index.js';
import { CliError, UsageError } from './errors.js';
import { say, type IO } from './io.js';
import { progress as epochProgress, type ProgressMode } from './progress.js';
import { chooseModel, planTarget, targetColumn, type ModelKind } from './target.js';
import { trainSummary } from './summary.js';
import { writeOutputFile } from './outputPath.js';
import type { Metrics } from './metrics.js';
import { build, describe, modelFile, schedule, type TrainOptions, type TrainResult } from './train.js';

const CHUNK_ROWS = 10_000;
/** Distinct target values kept in the first pass: more than this is a regression target. */
const MAX_DISTINCT = 1000;

/** The file's rows as chunks, counting bytes read (for the progress bar). */
async function* fileChunks(path: string, target: string, labels: boolean, onBytes: (n: number) => void): AsyncGenerator<CsvChunk> {
  const file = createReadStream(path, { highWaterMark: 1 << 20 });
  const counted = (async function* () {
    for await (const b of file) {
      onBytes((b as Buffer).length);
      yield b as Uint8Array;
    }
  })();
  yield* streamCsv(counted, { target, labels, chunkRows: CHUNK_ROWS, name: path });
}

/** Runs steepest train --stream; returns the exit code. */
export async function trainStream(path: string, o: TrainOptions, io: IO, mode: ProgressMode): Promise<number> {
  for (const [flag, given] of [['--val', o.val !== undefined], ['--early-stopping', o.earlyStopping], ['--categorical', o.categorical.length > 0],
    ['--plot-path', o.plotPath !== undefined], ['--batch full', o.batch === 'full'], ['--drop-invalid', o.dropInvalid]] as const) {
    if (given) throw new UsageError(`${flag} does not apply with --stream (the file is read in chunks and never held whole; see docs/streams.md)`);
  }
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    throw new UsageError(`--stream reads a CSV file; cannot read '${path}'`);
  }
  if (!o.target) throw new UsageError('steepest train --stream needs --target COLUMN');
  const target = o.target;

  // Pass 1: columns, their means and scales, the target's values.
  let columns: string[] = [];
  let mean = new Float64Array(0);
  let m2 = new Float64Array(0);
  let rows = 0;
  const distinct = new Set<string>();
  let yMean = 0;
  let yM2 = 0;
  let numericTarget = true;
  for await (const c of streamCsv((async function* () { for await (const b of createReadStream(path, { highWaterMark: 1 << 20 })) yield b as Uint8Array; })(),
    { target, labels: true, chunkRows: CHUNK_ROWS, name: path }, (h) => {
      columns = h.columns.filter((_, i) => i !== h.target);
      mean = new Float64Array(columns.length);
      m2 = new Float64Array(columns.length);
    })) {
    const F = columns.length;
    const ys = c.y as string[];
    for (let r = 0; r < ys.length; r++) {
      rows++;
      for (let j = 0; j < F; j++) {
        const v = c.X[r * F + j];
        const d = v - mean[j];
        mean[j] += d / rows;
        m2[j] += d * (v - mean[j]);
      }
      if (distinct.size <= MAX_DISTINCT) distinct.add(ys[r]);
      const t = ys[r].trim() === '' ? NaN : Number(ys[r]);
      if (Number.isFinite(t)) {
        const d = t - yMean;
        yMean += d / rows;
        yM2 += d * (t - yMean);
      } else numericTarget = false;
    }
  }
  if (rows === 0) throw new CliError(`${path} has a header but no rows`);
  const F = columns.length;
  const scale = Array.from(m2, (v) => Math.sqrt(v / rows) || 1);
  const prep = Preprocessor.fromJSON({ columns: columns.map((name, j) => ({ name, kind: 'numeric', mean: mean[j], scale: scale[j] })), target });

  // The target's plan from its distinct values, as train's.
  const values = [...distinct];
  const t = targetColumn(target, distinct.size > MAX_DISTINCT ? values.concat('0.5') : values);
  const auto = o.model === undefined;
  const picked = !auto ? { kind: o.model!, reason: `--model ${o.model}` } : chooseModel(t);
  const kind: ModelKind = picked.kind;
  const tplan = planTarget(t, kind);
  if (tplan.kind === 'values' && !numericTarget) throw new CliError(`target '${target}' holds text; ${describe(kind)} needs numbers`);
  const indexLabels = tplan.kind === 'classes' && t.numeric && t.distinct.every((v, i) => v === i);
  const stringLabels = tplan.kind === 'classes' && !indexLabels;
  if (mode === 'bar' || mode === 'lines') say(io.stdout, `model: ${describe(kind)}${auto ? ` (auto: ${picked.reason}; --model to choose)` : ''}; streaming ${rows} rows from ${path}`);

  await ready(o.engine === 'wasm-scalar' ? { scalar: true } : {});
  const model: AnyModel = build(kind, tplan, F, o);
  const toFeatures = (c: CsvChunk) => {
    const X = new Float32Array(c.X.length);
    for (let i = 0; i < X.length; i++) X[i] = (c.X[i] - mean[i % F]) / scale[i % F];
    return X;
  };
  let bytes = 0;
  const chunks = () => (async function* () {
    bytes = 0;
    for await (const c of fileChunks(path, target, stringLabels, (n) => (bytes += n))) yield { X: toFeatures(c), y: c.y };
  })();
  const show = display(mode, io, o.epochs, size);
  const abort = new AbortController();
  const interrupt = () => abort.abort();
  process.once('SIGINT', interrupt);
  let history: History;
  const t0 = performance.now();
  try {
    history = await model.fitStream(chunks, {
      epochs: o.epochs, learningRate: o.lr, optimizer: o.optimizer, l2: o.l2, shuffleBuffer: o.shuffleBuffer, signal: abort.signal,
      ...(o.batch !== undefined ? { batchSize: o.batch as number } : {}), ...(o.seed !== undefined ? { seed: o.seed } : {}),
      schedule: schedule(o.schedule, o.epochs),
      ...(stringLabels ? { classes: [...(t.distinct as (string | number)[]).map(String)].sort() } : {}),
      onProgress: (p) => show.bytes(p.epoch, bytes), onEpochEnd: (r: EpochRecord) => show.epoch(r),
    });
  } catch (err) {
    if (abort.signal.aborted) throw new CliError('interrupted; no model written', 130);
    throw err;
  } finally {
    show.stop();
    process.off('SIGINT', interrupt);
  }
  const timeMs = performance.now() - t0;

  // Metrics over the file, a chunk at a time (R^2 from the target's variance found in pass 1).
  const sums = { rows: 0, loss: 0, accuracy: 0, mse: 0, mae: 0 };
  for await (const c of fileChunks(path, target, stringLabels, () => {})) {
    const X = toFeatures(c);
    const n = c.y.length;
    const e = model.evaluate(X, c.y as unknown as Float32Array) as unknown as Record<string, number>;
    sums.rows += n;
    for (const k of ['loss', 'accuracy', 'mse', 'mae'] as const) if (e[k] !== undefined) sums[k] += e[k] * n;
  }
  const train: Metrics = { rows: sums.rows, loss: sums.loss / sums.rows };
  if (tplan.kind === 'classes') train.accuracy = sums.accuracy / sums.rows;
  else Object.assign(train, { mse: sums.mse / sums.rows, mae: sums.mae / sums.rows, r2: 1 - sums.mse / sums.rows / (yM2 / rows) });

  model.preprocessing = prep;
  const files: TrainResult['files'] = {};
  if (o.out) {
    writeOutputFile(o.out, `${JSON.stringify(modelFile(model, null))}\n`);
    files.model = o.out;
  }
  if (o.plot) {
    writeOutputFile(o.plot, plotHistory(history, { title: `${describe(kind)}: ${path.split(/[\\/]/).pop()}`, logScale: o.logScale }));
    files.plot = o.plot;
  }
  const result: TrainResult = {
    type: 'result', command: 'train',
    data: { source: path, rows, dropped: 0, trainRows: rows, validationRows: 0, columns: F, features: F, categorical: [] },
    target: { name: target, classes: model.classes ?? (tplan.kind === 'classes' ? tplan.count : null) },
    model: { type: kind, auto, reason: picked.reason, parameters: model.parameterCount },
    engine: history.engine, epochs: history.epochs.length, stopReason: history.stopReason, bestEpoch: history.bestEpoch,
    timeMs, msPerEpoch: history.timeMs.length ? [...history.timeMs].sort((a, b) => a - b)[history.timeMs.length >> 1] : NaN,
    metrics: { train }, files, history: { loss: history.loss, valLoss: history.valLoss },
    learningRateSearch: null, // a stream cannot search: the default optimizer takes its own rate (docs/streams.md)
  };
  model.dispose();
  if (mode === 'json') say(io.stdout, JSON.stringify(result));
  else io.stdout.write(trainSummary(result, mode === 'quiet'));
  return 0;
}

/** Progress while streaming: on a terminal a bar over the bytes of every epoch; otherwise train's epoch lines or JSON. */
function display(mode: ProgressMode, io: IO, epochs: number, size: number): { bytes(epoch: number, n: number): void; epoch(r: EpochRecord): void; stop(): void } {
  if (mode !== 'bar') {
    const p = epochProgress(mode, io.stdout, epochs);
    return { bytes() {}, epoch: (r) => p.epoch(r), stop: () => p.stop() };
  }
  const mb = (n: number) => `${(n / 2 ** 20).toFixed(0)}`;
  const bar = new cliProgress.SingleBar({
    stream: io.stdout, format: 'epoch {epoch}/{epochs} {bar} {mb}/{total_mb} MB  loss {loss}  ETA {eta_formatted}',
    barsize: 24, hideCursor: true, clearOnComplete: false, etaBuffer: 50,
  }, cliProgress.Presets.shades_classic);
  bar.start(epochs * size, 0, { epoch: 1, epochs, mb: '0', total_mb: mb(size), loss: '-' });
  let last = 0;
  return {
    bytes(epoch, n) {
      bar.update((epoch - 1) * size + Math.min(n, size), { epoch, mb: mb(n) });
    },
    epoch(r) {
      last = r.epoch;
      bar.update(r.epoch * size, { epoch: r.epoch, mb: mb(size), loss: formatNumber(r.loss) });
    },
    stop() {
      if (last > 0 && last < epochs) bar.setTotal(last * size);
      bar.stop();
    },
  };
}
