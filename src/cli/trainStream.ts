// steepest train --stream: a CSV or svmlight file larger than memory, trained from the file
// through model.fitStream. A first pass (streamInput.ts) learns the width, the target's values
// and a CSV's column means and scales; training reads the file again each epoch in chunks; a
// last pass measures the metrics. Memory: the shuffle buffer and a few chunks, whatever the
// file's size. A CSV's feature columns must be numeric (categories would need every category
// before training starts).
import { statSync } from 'node:fs';
import cliProgress from 'cli-progress';
import { ready, type AnyModel, type EpochRecord, type History } from '../index.js';
import { formatNumber } from '../plot/scale.js';
import { plotHistory } from '../plot/index.js';
import { CliError, UsageError } from './errors.js';
import { say, type IO } from './io.js';
import { progress as epochProgress, type ProgressMode } from './progress.js';
import { chooseModel, planTarget, targetColumn, type ModelKind } from './target.js';
import { trainSummary } from './summary.js';
import { writeOutputFile } from './outputPath.js';
import type { Metrics } from './metrics.js';
import { heldOut, scanCsv, scanSvmlight, type RowPart } from './streamInput.js';
import { build, describe, modelFile, schedule, type TrainOptions, type TrainResult } from './train.js';

/** Runs steepest train --stream; returns the exit code. */
export async function trainStream(path: string, format: 'csv' | 'svmlight', o: TrainOptions, io: IO, mode: ProgressMode): Promise<number> {
  for (const [flag, given] of [['--categorical', o.categorical.length > 0],
    ['--plot-path', o.plotPath !== undefined], ['--batch full', o.batch === 'full'], ['--drop-invalid', o.dropInvalid], ['--text', o.text !== undefined]] as const) {
    if (given) throw new UsageError(`${flag} does not apply with --stream (the file is read in chunks and never held whole; see docs/streams.md)`);
  }
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    throw new UsageError(`--stream reads a file; cannot read '${path}'`);
  }
  const scan = format === 'svmlight' ? await scanSvmlight(path, o.zeroBased) : await scanCsv(path, o.target);
  const { rows, features: F } = scan;
  if (rows === 0) throw new CliError(`${path} has ${format === 'csv' ? 'a header but ' : ''}no rows`);
  const target = o.target ?? 'label';

  // The target's plan from its distinct values, as train's.
  const t = targetColumn(target, scan.manyValues ? [...scan.distinct, '0.5'] : scan.distinct);
  const auto = o.model === undefined;
  const picked = !auto ? { kind: o.model!, reason: `--model ${o.model}` } : chooseModel(t);
  const kind: ModelKind = picked.kind;
  const tplan = planTarget(t, kind);
  if (tplan.kind === 'values' && !scan.numericTarget) throw new CliError(`target '${target}' holds text; ${describe(kind)} needs numbers`);
  const indexLabels = tplan.kind === 'classes' && t.numeric && t.distinct.every((v, i) => v === i);
  const stringLabels = tplan.kind === 'classes' && !indexLabels;
  if (mode === 'bar' || mode === 'lines') say(io.stdout, `model: ${describe(kind)}${auto ? ` (auto: ${picked.reason}; --model to choose)` : ''}; streaming ${rows} rows from ${path}`);

  await ready(o.engine === 'wasm-scalar' ? { scalar: true } : {});
  const model: AnyModel = build(kind, tplan, F, o);
  // --val (or --early-stopping's 0.1): rows held out by a seeded hash of their position, in every pass.
  const fraction = o.val ?? (o.earlyStopping ? 0.1 : 0);
  const seed = o.seed ?? 0;
  const split = fraction > 0 ? { train: { fraction, seed, held: false }, test: { fraction, seed, held: true } } : null;
  let heldRows = 0;
  if (split) for (let r = 0; r < rows; r++) if (heldOut(r, seed, fraction)) heldRows++;
  if (split && (heldRows === 0 || heldRows === rows)) throw new CliError(`--val ${fraction} holds out ${heldRows} of ${rows} rows; there must be rows on both sides`);
  let bytes = 0;
  const chunks = () => {
    bytes = 0;
    return scan.chunks(stringLabels, (n) => (bytes += n), split?.train);
  };
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
      ...(split ? { validationData: () => scan.chunks(stringLabels, () => {}, split.test), earlyStopping: o.earlyStopping } : {}),
    });
  } catch (err) {
    if (abort.signal.aborted) throw new CliError('interrupted; no model written', 130);
    throw err;
  } finally {
    show.stop();
    process.off('SIGINT', interrupt);
  }
  const timeMs = performance.now() - t0;

  // Metrics over the file, a chunk at a time, for each side of the split.
  const measure = async (part: RowPart | undefined): Promise<Metrics> => {
    const sums = { rows: 0, loss: 0, accuracy: 0, mse: 0, mae: 0 };
    const y = new Moments();
    for await (const c of scan.chunks(stringLabels, () => {}, part)) {
      const n = c.y.length;
      const e = model.evaluate(c.X, c.y as Float32Array) as unknown as Record<string, number>;
      sums.rows += n;
      for (const k of ['loss', 'accuracy', 'mse', 'mae'] as const) if (e[k] !== undefined) sums[k] += e[k] * n;
      if (tplan.kind === 'values') for (const t of c.y as Float32Array) y.add(t);
    }
    const m: Metrics = { rows: sums.rows, loss: sums.loss / sums.rows };
    if (tplan.kind === 'classes') m.accuracy = sums.accuracy / sums.rows;
    else Object.assign(m, { mse: sums.mse / sums.rows, mae: sums.mae / sums.rows, r2: 1 - sums.mse / sums.rows / (y.m2 / y.n) });
    return m;
  };
  const metrics = { train: await measure(split?.train), ...(split ? { validation: await measure(split.test) } : {}) };

  if (scan.prep) model.preprocessing = scan.prep;
  const files: TrainResult['files'] = {};
  if (o.out) {
    writeOutputFile(o.out, `${JSON.stringify(modelFile(model, scan.input))}\n`);
    files.model = o.out;
  }
  if (o.plot) {
    writeOutputFile(o.plot, plotHistory(history, { title: `${describe(kind)}: ${path.split(/[\\/]/).pop()}`, logScale: o.logScale }));
    files.plot = o.plot;
  }
  const result: TrainResult = {
    type: 'result', command: 'train',
    data: { source: path, rows, dropped: 0, trainRows: rows - heldRows, validationRows: heldRows, columns: F, features: F, categorical: [] },
    target: { name: target, classes: model.classes ?? (tplan.kind === 'classes' ? tplan.count : null) },
    model: { type: kind, auto, reason: picked.reason, parameters: model.parameterCount },
    engine: history.engine, epochs: history.epochs.length, stopReason: history.stopReason, bestEpoch: history.bestEpoch,
    timeMs, msPerEpoch: history.timeMs.length ? [...history.timeMs].sort((a, b) => a - b)[history.timeMs.length >> 1] : NaN,
    metrics, files, history: { loss: history.loss, valLoss: history.valLoss },
    learningRateSearch: null, // a stream cannot search: the default optimizer takes its own rate (docs/streams.md)
  };
  model.dispose();
  if (mode === 'json') say(io.stdout, JSON.stringify(result));
  else io.stdout.write(trainSummary(result, mode === 'quiet'));
  return 0;
}

/** Welford's running mean and sum of squared deviations (of the target, for R^2). */
class Moments {
  n = 0;
  mean = 0;
  m2 = 0;
  add(t: number): void {
    const d = t - this.mean;
    this.n++;
    this.mean += d / this.n;
    this.m2 += d * (t - this.mean);
  }
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
