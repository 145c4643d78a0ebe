// The messages between trainInWorker and its worker, and how errors cross: an
// error thrown inside the worker arrives as the same class with the same message.
import type { EngineName } from '../engines/engine.js';
import { BusyError, DisposedError, DivergenceError, EngineError, ValidationError } from '../errors.js';
import type { FitOptions } from '../models/fitOptions.js';
import type { History } from '../models/history.js';
import type { Targets, TrainingState } from '../models/model.js';
import type { ModelJSON } from '../models/serialize.js';
import type { MatrixInput } from '../validate.js';

/** What onProgress receives: the epoch just completed (1-based, counted within each restart) and its losses. */
export interface WorkerProgress {
  epoch: number;
  /** Epochs requested. */
  epochs: number;
  /** Mean training loss of the epoch. */
  loss: number;
  /** Mean validation loss, when there is validation data. */
  valLoss?: number;
}

/** The one request: fit this model (its file, engine and full training state) on this data. */
export interface FitRequest {
  type: 'fit';
  /** The compiled WASM builds the caller's thread uses, so the worker compiles nothing. */
  modules: { simd?: WebAssembly.Module; scalar?: WebAssembly.Module };
  engine: EngineName;
  json: ModelJSON;
  state: TrainingState;
  X: MatrixInput;
  y: Targets;
  /** fit's options, without functions. */
  options: FitOptions;
  /** Epochs requested (options.epochs or its default), for progress messages. */
  epochs: number;
  /** Milliseconds between progress messages, or null for none. */
  progressEveryMs: number | null;
}

/** An error as data: enough to rebuild it on the other side. */
export interface ErrorData {
  name: string;
  message: string;
  stack?: string;
  /** DivergenceError's epoch and the history up to it. */
  epoch?: number;
  history?: History;
}

/** What the worker sends back. */
export type WorkerMessage =
  | ({ type: 'progress' } & WorkerProgress)
  | { type: 'done'; history: History; state: TrainingState }
  /** state: after a DivergenceError, what the diverged fit left (the last finite epoch), which a local fit keeps too. */
  | { type: 'error'; error: ErrorData; state?: TrainingState };

/** A worker that died, could not start, or could not read or send a message. */
export class WorkerError extends Error {
  override name = 'WorkerError';
}

/** An error as one line: its class and message. */
export function describeError(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

/** An error as data (any thrown value). */
export function errorData(err: unknown): ErrorData {
  if (!(err instanceof Error)) return { name: 'Error', message: String(err) };
  const out: ErrorData = { name: err.name, message: err.message, stack: err.stack };
  if (err instanceof DivergenceError) {
    out.epoch = err.epoch;
    const history = (err as DivergenceError & { history?: History }).history;
    if (history) out.history = history;
  }
  return out;
}

const CLASSES: Record<string, new (message: string) => Error> = {
  ValidationError, DisposedError, EngineError, BusyError, WorkerError, Error, TypeError, RangeError, SyntaxError, ReferenceError, EvalError, URIError,
};

/** The error ErrorData describes, as its own class (unknown names become an Error with that name). */
export function errorFromData(d: ErrorData): Error {
  let err: Error;
  if (d.name === 'DivergenceError') {
    err = new DivergenceError(d.message, d.epoch ?? 0);
    if (d.history) (err as DivergenceError & { history?: History }).history = d.history;
  } else {
    err = new (CLASSES[d.name] ?? Error)(d.message);
    if (err.name !== d.name) err.name = d.name;
  }
  // The worker's stack says where it failed; this thread's would only show the message handler.
  if (d.stack) Object.defineProperty(err, 'stack', { value: d.stack, configurable: true, writable: true });
  return err;
}
