// The caller's side of trainInWorker, the same in browsers and Node: check the
// options, send the model's file, full training state and the data to a fresh
// worker, and on success (or divergence, which keeps the last finite epoch as fit
// does) take the worker's state back into the model. Until then the model is
// untouched (busy, as during fitAsync), so any other failure, an abort or a dead
// worker leaves it as it was.
import { ValidationError } from '../errors.js';
import { baseRate, resolveFitOptions, type FitOptions } from '../models/fitOptions.js';
import type { History } from '../models/history.js';
import { Model, type Targets, type TrainingState } from '../models/model.js';
import { abortError } from '../models/trainLoop.js';
import { createSchedule } from '../optim/schedules.js';
import { getRuntime } from '../wasm/runtime.js';
import { notDetached, optionsObject, show, type MatrixInput } from '../validate.js';
import { describeError, errorFromData, WorkerError, type FitRequest, type WorkerMessage, type WorkerProgress } from './protocol.js';

/** trainInWorker's options: fit's (without its callbacks) plus progress, cancellation and transfer. */
export interface TrainInWorkerOptions extends Omit<FitOptions, 'onEpochEnd' | 'onBatchEnd'> {
  /** Called on this thread after an epoch, at most every progressEveryMs (the last epoch always). */
  onProgress?: (progress: WorkerProgress) => void;
  /** Milliseconds between onProgress calls (default 16; 0: after every epoch). */
  progressEveryMs?: number;
  /** Aborting stops the worker at once and rejects with the signal's reason (an AbortError by default); the model stays as it was. */
  signal?: AbortSignal;
  /** true: hand the buffers of X, y, sampleWeight and validationData to the worker (they become unusable here) instead of copying them (default false). */
  transfer?: boolean;
}

/** A started worker, as trainInWorker drives it. */
export interface WorkerHandle {
  post(message: FitRequest, transfer: ArrayBuffer[]): void;
  terminate(): void;
}

/** Starts a worker that runs serve() on the request it is sent, reporting its messages and its death. */
export type Spawn = (on: { message(m: WorkerMessage): void; died(err: WorkerError): void }) => WorkerHandle;

const WORKER_KEYS = ['onProgress', 'progressEveryMs', 'signal', 'transfer'];

/** Runs model.fit(X, y, options) in a worker started by spawn; see the entry points. */
export function trainWith(spawn: Spawn, model: Model, X: MatrixInput, y: Targets, options: TrainInWorkerOptions = {}): Promise<History> {
  let request: Request;
  let hold: ReturnType<Model['holdTraining']>;
  let o: ReturnType<typeof checkOptions>;
  try {
    if (!(model instanceof Model)) throw new ValidationError(`model must be a steepest model (LinearRegression, LogisticRegression, SoftmaxRegression or MLP), got ${show(model)}`);
    o = checkOptions(options);
    if (o.signal?.aborted) return Promise.reject(abortError(o.signal, 'trainInWorker'));
    request = makeRequest(model, X, y, o);
    hold = model.holdTraining();
  } catch (err) {
    return Promise.reject(err);
  }
  return new Promise<History>((resolve, reject) => {
    let worker: WorkerHandle | null = null;
    let settled = false;
    const poll = setInterval(() => {
      const stop = hold.stopped(); // dispose() was called meanwhile
      if (stop) end(() => reject(stop));
    }, 100);
    const onAbort = () => end(() => reject(abortError(o.signal!, 'trainInWorker')));
    // Settles once: stops the worker and the poll, releases the model, then resolves or rejects.
    function end(settle: () => void): void {
      if (settled) return;
      settled = true;
      clearInterval(poll);
      o.signal?.removeEventListener('abort', onAbort);
      worker?.terminate();
      hold.release();
      settle();
    }
    o.signal?.addEventListener('abort', onAbort);
    // Takes the worker's training state into the model, unless dispose() was asked for meanwhile (then that error ends the call).
    function take(state: TrainingState): void {
      const stop = hold.stopped();
      if (stop) throw stop;
      model.importTraining(state);
    }
    function handle(m: WorkerMessage): void {
      if (m.type === 'progress') {
        const { type: _, ...progress } = m;
        o.onProgress?.(progress);
      } else if (m.type === 'error') {
        const err = errorFromData(m.error);
        if (m.state) take(m.state); // a DivergenceError: the model keeps the last finite epoch, as after a local fit
        end(() => reject(err));
      } else {
        take(m.state);
        end(() => resolve(m.history));
      }
    }
    try {
      worker = spawn({
        message(m) {
          if (settled) return;
          try {
            handle(m);
          } catch (err) {
            end(() => reject(err)); // onProgress threw, or the state could not be taken
          }
        },
        died(err) {
          end(() => reject(err));
        },
      });
    } catch (err) {
      end(() => reject(new WorkerError(`could not start the training worker (${describeError(err)})`, { cause: err })));
      return;
    }
    try {
      worker.post(request.req, request.transfer);
    } catch (err) {
      end(() => reject(unsendable(err, request)));
    }
  });
}

function checkOptions(options: TrainInWorkerOptions) {
  const o = optionsObject('trainInWorker options', options);
  for (const key of ['onEpochEnd', 'onBatchEnd']) {
    if (o[key] !== undefined) {
      throw new ValidationError(`${key} cannot run in a worker (a function cannot be copied to another thread); use onProgress, which runs on this thread`);
    }
  }
  if (typeof o.schedule === 'function') {
    throw new ValidationError("a schedule function cannot run in a worker (a function cannot be copied to another thread); use a schedule's options, e.g. { type: 'step', stepSize: 10 }");
  }
  if (o.yieldEveryMs !== undefined) {
    throw new ValidationError('yieldEveryMs applies to fitAsync; trainInWorker never blocks this thread (progressEveryMs paces onProgress)');
  }
  const fit: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(o)) if (!WORKER_KEYS.includes(key)) fit[key] = value;
  // Everything fit would reject is rejected here, with fit's message, before the worker starts.
  const resolved = resolveFitOptions({ ...fit, onProgress: o.onProgress, signal: o.signal });
  createSchedule(resolved.schedule, baseRate(resolved, null), resolved.warmup); // fit checks its options only when it starts
  const every = o.progressEveryMs ?? 16;
  if (typeof every !== 'number' || !(every >= 0 && every < Infinity)) {
    throw new ValidationError(`progressEveryMs must be a finite number >= 0, got ${show(every)}`);
  }
  if (o.transfer !== undefined && typeof o.transfer !== 'boolean') throw new ValidationError(`transfer must be true or false, got ${show(o.transfer)}`);
  return { fit: fit as FitOptions, epochs: resolved.epochs, onProgress: options.onProgress, every, signal: resolved.signal, transfer: o.transfer === true };
}

/** A request, the buffers it hands over (each with the arguments it holds) and its data arguments by name. */
interface Request {
  req: FitRequest;
  transfer: ArrayBuffer[];
  holders: string[][];
  args: [string, unknown][];
}

function makeRequest(model: Model, X: MatrixInput, y: Targets, o: ReturnType<typeof checkOptions>): Request {
  const state = model.exportTraining(); // throws DisposedError or BusyError first
  const args = dataArguments(X, y, o.fit);
  // A detached buffer cannot cross (Node even drops, silently, a message whose transfer list holds one, after
  // taking the other listed buffers): fit's own error, before anything is sent.
  for (const [name, v] of args) {
    notDetached(name, v);
    if (Array.isArray(v)) v.forEach((row, r) => notDetached(`${name} row ${r}`, row));
  }
  const simd = getRuntime(true);
  const scalar = getRuntime(false);
  const modules: FitRequest['modules'] = {};
  if (simd) modules.simd = simd.module;
  if (scalar) modules.scalar = scalar.module;
  const req: FitRequest = {
    type: 'fit', modules, engine: model.engine, json: model.toJSON(), state, X, y, options: o.fit, epochs: o.epochs,
    progressEveryMs: o.onProgress ? o.every : null,
  };
  const buffers = new Map<ArrayBuffer, string[]>();
  if (o.transfer) {
    for (const [name, v] of args) {
      if (ArrayBuffer.isView(v) && v.buffer instanceof ArrayBuffer) buffers.set(v.buffer, [...(buffers.get(v.buffer) ?? []), name]);
    }
  }
  return { req, transfer: [...buffers.keys()], holders: [...buffers.values()], args };
}

/** X, y and the options that carry data, by the names fit's errors give them, in the order fit reads them. */
function dataArguments(X: MatrixInput, y: Targets, fit: FitOptions): [string, unknown][] {
  const args: [string, unknown][] = [['X', X], ['y', y]];
  if (fit.sampleWeight !== undefined) args.push(['sampleWeight', fit.sampleWeight]);
  if (fit.validationData !== undefined) args.push(['validationData.X', fit.validationData.X], ['validationData.y', fit.validationData.y]);
  return args;
}

/**
 * The error for a request postMessage refused: the argument structured clone cannot copy
 * (the other options are checked as fit checks them, so they can hold nothing of the kind),
 * else the buffers that could not be transferred.
 */
function unsendable(err: unknown, r: Request): ValidationError {
  // Typed arrays last: cloning one copies its buffer.
  const order = [...r.args.filter(([, v]) => !ArrayBuffer.isView(v)), ...r.args.filter(([, v]) => ArrayBuffer.isView(v))];
  for (const [name, v] of order) {
    try {
      structuredClone(v);
    } catch {
      return new ValidationError(`trainInWorker cannot send ${name} to the worker (${describeError(err)})`, { cause: err });
    }
  }
  // E.g. a WebAssembly memory's buffer, which browsers cannot detach.
  if (r.transfer.length > 0) {
    return new ValidationError(`trainInWorker cannot transfer the buffers of ${r.holders.flat().join(', ')} to the worker (${describeError(err)}); transfer: false copies them instead`, { cause: err });
  }
  return new ValidationError(`trainInWorker cannot send its arguments to the worker (${describeError(err)})`, { cause: err });
}
