// The caller's side of trainInWorker, the same in browsers and Node: check the
// options, send the model's file, full training state and the data to a fresh
// worker, and on success take the trained state back into the model. Until then
// the model is untouched (busy, as during fitAsync), so a failure, an abort or a
// dead worker leaves it as it was.
import { ValidationError } from '../errors.js';
import { resolveFitOptions, type FitOptions } from '../models/fitOptions.js';
import type { History } from '../models/history.js';
import { Model, type Targets } from '../models/model.js';
import { abortError } from '../models/trainLoop.js';
import { getRuntime } from '../wasm/runtime.js';
import { optionsObject, show, type MatrixInput } from '../validate.js';
import { errorFromData, WorkerError, type FitRequest, type WorkerMessage, type WorkerProgress } from './protocol.js';

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
  let request: { req: FitRequest; transfer: ArrayBuffer[] };
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
    try {
      worker = spawn({
        message(m) {
          if (settled) return;
          if (m.type === 'progress') {
            const { type: _, ...progress } = m;
            try {
              o.onProgress?.(progress);
            } catch (err) {
              end(() => reject(err));
            }
          } else if (m.type === 'error') {
            end(() => reject(errorFromData(m.error)));
          } else {
            const stop = hold.stopped();
            if (stop) return end(() => reject(stop));
            try {
              model.importTraining(m.state);
            } catch (err) {
              return end(() => reject(err));
            }
            end(() => resolve(m.history));
          }
        },
        died(err) {
          end(() => reject(err));
        },
      });
    } catch (err) {
      end(() => reject(new WorkerError(`could not start the training worker (${describe(err)})`, { cause: err })));
      return;
    }
    try {
      worker.post(request.req, request.transfer);
    } catch (err) {
      // Something in X, y or the options that structured clone cannot copy (or a buffer that cannot be transferred).
      end(() => reject(new ValidationError(`trainInWorker cannot send its arguments to the worker (${describe(err)})`, { cause: err })));
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
  const every = o.progressEveryMs ?? 16;
  if (typeof every !== 'number' || !(every >= 0 && every < Infinity)) {
    throw new ValidationError(`progressEveryMs must be a finite number >= 0, got ${show(every)}`);
  }
  if (o.transfer !== undefined && typeof o.transfer !== 'boolean') throw new ValidationError(`transfer must be true or false, got ${show(o.transfer)}`);
  return { fit: fit as FitOptions, epochs: resolved.epochs, onProgress: options.onProgress, every, signal: resolved.signal, transfer: o.transfer === true };
}

function makeRequest(model: Model, X: MatrixInput, y: Targets, o: ReturnType<typeof checkOptions>): { req: FitRequest; transfer: ArrayBuffer[] } {
  const state = model.exportTraining(); // throws DisposedError or BusyError first
  const simd = getRuntime(true);
  const scalar = getRuntime(false);
  const modules: FitRequest['modules'] = {};
  if (simd) modules.simd = simd.module;
  if (scalar) modules.scalar = scalar.module;
  const req: FitRequest = {
    type: 'fit', modules, engine: model.engine, json: model.toJSON(), state, X, y, options: o.fit, epochs: o.epochs,
    progressEveryMs: o.onProgress ? o.every : null,
  };
  const buffers = new Set<ArrayBuffer>();
  if (o.transfer) {
    const vd = o.fit.validationData;
    for (const a of [X, y, o.fit.sampleWeight, vd?.X, vd?.y]) {
      if (ArrayBuffer.isView(a) && a.buffer instanceof ArrayBuffer) buffers.add(a.buffer);
    }
  }
  return { req, transfer: [...buffers] };
}

function describe(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}
