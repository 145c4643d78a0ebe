// The epoch loop behind fit, fitAsync and partialFit, written once as a
// generator: it yields between chunks of batches (each chunk's batch loop runs
// inside the engine), so the async driver can give the event loop a turn.
import type { BatchConfig, EngineName, Trainer, TrainerState, TrainingData } from '../engines/engine.js';
import { DivergenceError } from '../errors.js';
import type { Schedule } from '../optim/schedules.js';
import type { RngState } from '../reference/random.js';
import type { Progress, ResolvedFitOptions } from './fitOptions.js';
import type { Task } from '../threads/pool.js';
import { makeHistory, type EpochRecord, type History, type StopReason } from './history.js';
import { StoppingRules } from './stopping.js';

/** Everything one run of epochs needs. */
export interface Run {
  trainer: Trainer;
  engine: EngineName;
  data: TrainingData;
  rows: number;
  batchSize: number;
  opts: ResolvedFitOptions;
  schedule: Schedule;
  /** Epochs trained before this run (partialFit continues a schedule). */
  epochOffset: number;
  rng: RngState;
  /** Validation loss at the current parameters, or null without validation data. */
  validate: (() => number) | null;
  /** Whether to yield after every chunk so a driver can await (fitAsync). */
  async: boolean;
  /** The error that ends the run after a callback (e.g. the model was disposed inside it), or null. */
  stopped: () => Error | null;
  /** Yield each chunk's export call instead of making it, and take its status back (fits side by side on a pool). */
  offload?: boolean;
}

/** What runEpochs yields: progress between chunks (async), or a chunk's export call to make (offload). */
export type Step = Progress | Task;

/** Yields progress between chunks (or, with offload, their export calls); returns the run's history. */
export function* runEpochs(run: Run): Generator<Step, History, number> {
  const { trainer, data, rows, batchSize, opts, schedule } = run;
  const nBatches = Math.ceil(rows / batchSize);
  const rules = new StoppingRules(opts, run.validate !== null);
  const config: BatchConfig = { batchSize, lrs: new Float64Array(nBatches), l1: opts.l1, l2: opts.l2, threads: opts.threads };
  const records: EpochRecord[] = [];
  const t0 = performance.now();
  let best: TrainerState | null = null;
  let stop: StopReason | null = null;
  let msPerBatch = 0;
  for (let epoch = 1; !stop; epoch++) {
    const tEpoch = performance.now();
    const start = trainer.saveState();
    const at = run.epochOffset + epoch - 1;
    for (let b = 0; b < nBatches; b++) config.lrs[b] = schedule.perStep || b === 0 ? schedule.lrAt(at, b, nBatches) : config.lrs[0];
    let stats;
    let done = 0;
    try {
      trainer.beginEpoch(data, run.rng);
      while (done < nBatches) {
        const size = opts.onBatchEnd ? opts.batchCallbackEvery
          : run.async && msPerBatch > 0 ? Math.max(1, Math.floor(opts.yieldEveryMs / 2 / msPerBatch))
          : run.async ? Math.min(nBatches, 8) : nBatches;
        const last = Math.min(done + size, nBatches);
        const tChunk = performance.now();
        stats = run.offload
          ? trainer.batchesDone!(yield trainer.prepareBatches!(data, config, done, last))
          : trainer.trainBatches(data, config, done, last);
        msPerBatch = (performance.now() - tChunk) / (last - done);
        if (stats.diverged >= 0 || !Number.isFinite(stats.lossSum) || !Number.isFinite(stats.gradNorm)) {
          // The batch is known when a batch's own loss or step went non-finite; an epoch total can overflow later.
          const where = stats.diverged >= 0 ? `epoch ${epoch}, batch ${stats.diverged + 1}` : `epoch ${epoch}`;
          throw new DivergenceError(
            `training diverged in ${where}: the loss or gradient stopped being finite ` +
              `at learningRate ${config.lrs[Math.max(0, stats.diverged)]}. The model keeps its weights from the end of epoch ${epoch - 1}. ` +
              `Try a smaller learningRate or standardize the features.`,
            epoch,
          );
        }
        done = last;
        const loss = stats.lossSum / Math.min(done * batchSize, rows);
        if (opts.onBatchEnd) {
          const result = opts.onBatchEnd({ epoch, batch: done, batches: nBatches, loss });
          const stopped = run.stopped();
          if (stopped) throw stopped;
          if (result === false) {
            stop = { rule: 'callback', epoch, message: `onBatchEnd returned false after batch ${done} of epoch ${epoch}` };
            break;
          }
        }
        if (run.async) yield { epoch, epochs: opts.epochs, batch: done, batches: nBatches, loss };
      }
      if (!stop) trainer.endEpoch(data); // a stopped epoch's half-built next arrangement is never used
    } catch (err) {
      trainer.restoreState(start); // divergence or abort: back to the last completed epoch
      if (err instanceof DivergenceError) {
        (err as DivergenceError & { history?: History }).history = makeHistory(run.engine, records, {
          rule: 'diverged', epoch: records.length, message: err.message,
        });
      }
      throw err;
    }
    const after = trainer.getParams();
    let paramChange = 0;
    for (let i = 0; i < after.length; i++) paramChange = Math.max(paramChange, Math.abs(after[i] - start.params[i]));
    const record: EpochRecord = {
      epoch,
      loss: stats!.lossSum / Math.min(done * batchSize, rows),
      gradNorm: stats!.gradNorm,
      learningRate: config.lrs[Math.max(0, done - 1)],
      paramChange,
      timeMs: performance.now() - tEpoch,
    };
    if (run.validate) record.valLoss = run.validate();
    records.push(record);
    schedule.observe(at, rules.monitored(record));
    if (rules.observe(record) && opts.restoreBestWeights) best = trainer.saveState();
    if (!stop && opts.onEpochEnd) {
      const result = opts.onEpochEnd(record);
      const stopped = run.stopped();
      if (stopped) throw stopped;
      if (result === false) stop = { rule: 'callback', epoch, message: `onEpochEnd returned false after epoch ${epoch}` };
    }
    stop ??= rules.check(record, performance.now() - t0);
  }
  let bestEpoch = records.length;
  if (opts.restoreBestWeights && best) {
    trainer.restoreState(best);
    bestEpoch = rules.bestEpoch;
  }
  return makeHistory(run.engine, records, stop, bestEpoch);
}

/** Runs the generator to the end without pausing (fit, partialFit). */
export function runSync(gen: Generator<Step, History, number>): History {
  for (;;) {
    const r = gen.next();
    if (r.done) return r.value;
  }
}

/**
 * Runs the generator, giving the event loop a turn whenever yieldEveryMs has
 * passed, reporting progress then, and stopping with an AbortError when signal
 * aborts (or with the error stopped() returns, e.g. after dispose()).
 */
export async function runAsync(
  gen: Generator<Step, History, number>, yieldEveryMs: number,
  onProgress: ((p: Progress) => void) | undefined, signal: AbortSignal | undefined,
  stopped: () => Error | null = () => null,
): Promise<History> {
  let last = performance.now();
  for (;;) {
    if (signal?.aborted) gen.throw(abortError(signal));
    const stop = stopped();
    if (stop) gen.throw(stop);
    const r = gen.next();
    if (r.done) return r.value;
    if (performance.now() - last >= yieldEveryMs) {
      onProgress?.(r.value as Progress); // without offload, every step is progress
      await new Promise((resolve) => setTimeout(resolve, 0));
      last = performance.now();
    }
  }
}

/** What an aborted call rejects with: the signal's reason if it is an Error, else an AbortError naming the call. */
export function abortError(signal: AbortSignal, call = 'fitAsync'): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof Error) return reason;
  return new DOMException(`${call} was aborted`, 'AbortError');
}
