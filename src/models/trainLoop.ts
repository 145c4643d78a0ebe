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
  /** The data (a stream's: the last block fed). */
  data: TrainingData;
  /** Rows per epoch (a stream's: an estimate, 0 if unknown, replaced by the rows each epoch counted). */
  rows: number;
  batchSize: number;
  opts: ResolvedFitOptions;
  schedule: Schedule;
  /** Epochs trained before this run (partialFit continues a schedule). */
  epochOffset: number;
  rng: RngState;
  /** Validation loss at the current parameters (a stream's may come as a promise), or null without validation data. */
  validate: (() => number | Promise<number>) | null;
  /** Whether to yield after every chunk so a driver can await (fitAsync). */
  async: boolean;
  /** The error that ends the run after a callback (e.g. the model was disposed inside it), or null. */
  stopped: () => Error | null;
  /**
   * A stream (fitStream) instead of data: the epoch's next block of rows, loaded into the
   * engine unshuffled, or null after the epoch's last. An epoch is its blocks in turn, as
   * one epoch of data (its totals carry on across blocks); the async driver awaits it.
   */
  feed?: () => Promise<TrainingData | null>;
  /** Yield each chunk's export call instead of making it, and take its status back (fits side by side on a pool). */
  offload?: boolean;
}

/** What runEpochs yields: progress between chunks (async), a stream's next block to await, or (offload) a chunk's export call to make. */
export type Step = Progress | Promise<unknown> | Task | null; // null: fits side by side ended a round with no progress to report yet

/** Yields progress between chunks (and a stream's promises, for the driver to await and send back); returns the run's history. */
export function* runEpochs(run: Run): Generator<Step, History, unknown> {
  const { trainer, batchSize, opts, schedule, feed } = run;
  let { data, rows } = run;
  const rules = new StoppingRules(opts, run.validate !== null);
  const config: BatchConfig = { batchSize, lrs: new Float64Array(0), l1: opts.l1, l2: opts.l2, threads: opts.threads };
  const records: EpochRecord[] = [];
  const t0 = performance.now();
  let best: TrainerState | null = null;
  let stop: StopReason | null = null;
  let msPerBatch = 0;
  for (let epoch = 1; !stop; epoch++) {
    const tEpoch = performance.now();
    const start = trainer.saveState();
    const at = run.epochOffset + epoch - 1;
    // A stream's batch count is its last epoch's: the schedule's steps per epoch, and progress's batches.
    const nBatches = Math.max(1, Math.ceil(rows / batchSize));
    let stats;
    let done = 0; // batches of the epoch before the current block
    let seen = 0; // rows of the epoch before the current block
    let lr = 0;
    try {
      for (let block = 0; !stop; block++) {
        if (feed) {
          const next = (yield feed()) as TrainingData | null;
          if (!next) break;
          data = next;
          config.firstRow = seen;
        } else if (block) break;
        const batches = Math.ceil(data.rows / batchSize);
        if (config.lrs.length < batches) config.lrs = new Float64Array(batches);
        for (let b = 0; b < batches; b++) {
          const step = done + b;
          config.lrs[b] = schedule.perStep || step === 0 ? schedule.lrAt(at, Math.min(step, nBatches - 1), nBatches) : config.lrs[0];
        }
        trainer.beginEpoch(data, run.rng);
        let b = 0;
        while (b < batches) {
          const size = opts.onBatchEnd ? opts.batchCallbackEvery
            : run.async && msPerBatch > 0 ? Math.max(1, Math.floor(opts.yieldEveryMs / 2 / msPerBatch))
            : run.async ? Math.min(batches, 8) : batches;
          const last = Math.min(b + size, batches);
          const tChunk = performance.now();
          stats = run.offload
            ? trainer.batchesDone!((yield trainer.prepareBatches!(data, config, b, last)) as number)
            : trainer.trainBatches(data, config, b, last);
          msPerBatch = (performance.now() - tChunk) / (last - b);
          if (stats.diverged >= 0 || !Number.isFinite(stats.lossSum) || !Number.isFinite(stats.gradNorm)) {
            // The batch is known when a batch's own loss or step went non-finite; an epoch total can overflow later.
            const where = stats.diverged >= 0 ? `epoch ${epoch}, batch ${done + stats.diverged + 1}` : `epoch ${epoch}`;
            throw new DivergenceError(
              `training diverged in ${where}: the loss or gradient stopped being finite ` +
                `at learningRate ${config.lrs[Math.max(0, stats.diverged)]}. The model keeps its weights from the end of epoch ${epoch - 1}. ` +
                `Try a smaller learningRate or standardize the features.`,
              epoch,
            );
          }
          b = last;
          const loss = stats.lossSum / (seen + Math.min(b * batchSize, data.rows));
          if (opts.onBatchEnd) {
            const result = opts.onBatchEnd({ epoch, batch: done + b, batches: nBatches, loss });
            const stopped = run.stopped();
            if (stopped) throw stopped;
            if (result === false) {
              stop = { rule: 'callback', epoch, message: `onBatchEnd returned false after batch ${done + b} of epoch ${epoch}` };
              break;
            }
          }
          if (run.async) yield { epoch, epochs: opts.epochs, batch: done + b, batches: nBatches, loss };
        }
        done += b;
        seen += Math.min(b * batchSize, data.rows);
        lr = config.lrs[Math.max(0, b - 1)];
        if (!stop) trainer.endEpoch(data); // a stopped epoch's half-built next arrangement is never used
      }
    } catch (err) {
      trainer.restoreState(start); // divergence or abort: back to the last completed epoch
      if (err instanceof DivergenceError) {
        (err as DivergenceError & { history?: History }).history = makeHistory(run.engine, records, {
          rule: 'diverged', epoch: records.length, message: err.message,
        });
      }
      throw err;
    }
    rows = seen;
    const after = trainer.getParams();
    let paramChange = 0;
    for (let i = 0; i < after.length; i++) paramChange = Math.max(paramChange, Math.abs(after[i] - start.params[i]));
    const record: EpochRecord = {
      epoch,
      loss: stats!.lossSum / seen,
      gradNorm: stats!.gradNorm,
      learningRate: lr,
      paramChange,
      timeMs: performance.now() - tEpoch,
    };
    if (run.validate) {
      const v = run.validate();
      record.valLoss = typeof v === 'number' ? v : ((yield v) as number);
    }
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
export function runSync<T>(gen: Generator<Step, T, unknown>): T {
  for (;;) {
    const r = gen.next();
    if (r.done) return r.value;
  }
}

/**
 * Runs the generator, giving the event loop a turn whenever yieldEveryMs has
 * passed, reporting progress then, and stopping with an AbortError when signal
 * aborts (or with the error stopped() returns, e.g. after dispose()). A promise
 * the generator yields (a stream's next block) is awaited and its value sent back.
 */
export async function runAsync<T = History>(
  gen: Generator<Step, T, unknown>, yieldEveryMs: number,
  onProgress: ((p: Progress) => void) | undefined, signal: AbortSignal | undefined,
  stopped: () => Error | null = () => null, call = 'fitAsync',
): Promise<T> {
  let last = performance.now();
  let sent: unknown;
  for (;;) {
    if (signal?.aborted) gen.throw(abortError(signal, call));
    const stop = stopped();
    if (stop) gen.throw(stop);
    const r = gen.next(sent);
    sent = undefined;
    if (r.done) return r.value;
    if (r.value instanceof Promise) {
      sent = await r.value.catch((err: unknown) => gen.throw(err)); // the generator restores the epoch's start and rethrows
      continue;
    }
    if (performance.now() - last >= yieldEveryMs) {
      if (r.value) onProgress?.(r.value as Progress); // without offload, every step is progress (side by side: null before any)
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
