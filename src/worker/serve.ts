// The worker's side of trainInWorker, the same in a Web Worker and in worker_threads:
// rebuild the caller's model from its file and full training state, fit, and send
// back the history and the new state (or the error, as data).
import { DivergenceError } from '../errors.js';
import { loadModel } from '../models/loadModel.js';
import type { TrainingState } from '../models/model.js';
import { loadBuilds } from '../wasm/runtime.js';
import type { EpochRecord, History } from '../models/history.js';
import { describeError, errorData, type FitRequest, type WorkerMessage } from './protocol.js';

/** Sends a message to the caller's thread, transferring the listed buffers. */
export type Post = (message: WorkerMessage, transfer?: ArrayBuffer[]) => void;

/** A message for the caller and the buffers it hands over. */
interface Answer {
  message: WorkerMessage;
  transfer: ArrayBuffer[];
}

/**
 * Handles one request and posts its outcome: the history and new state, or the error as
 * data (with the state a DivergenceError leaves, which a local fit keeps). Rejects only
 * when not even a plain error could be posted (see crash).
 */
export async function serve(req: FitRequest, post: Post): Promise<void> {
  let answer: Answer;
  try {
    answer = await train(req, post);
  } catch (err) {
    answer = { message: { type: 'error', error: errorData(err) }, transfer: [] };
  }
  try {
    post(answer.message, answer.transfer);
  } catch (err) {
    // What structured clone could not copy (nothing built here should be, but the caller must hear of it either way).
    post({ type: 'error', error: { name: 'WorkerError', message: `the training worker could not send its answer (${describeError(err)})` } });
  }
}

// Fits a copy of the caller's model and returns what to send back.
async function train(req: FitRequest, post: Post): Promise<Answer> {
  // The caller's compiled builds: the worker carries none. A threaded build gets a pool of its own where this
  // runtime lets a worker start workers (nested worker_threads, or a Web Worker's workers in a cross-origin isolated page).
  if (req.engine !== 'js') await loadBuilds(req.modules, { threads: () => import('../threads/load.js') });
  const model = loadModel(req.json, { engine: req.engine });
  try {
    model.importTraining(req.state);
    const every = req.progressEveryMs;
    // The last epoch's record and whether it was posted: the final epoch is always reported.
    const last: { record: EpochRecord | null; posted: boolean; at: number } = { record: null, posted: true, at: -Infinity };
    const progress = (r: EpochRecord) => {
      last.posted = true;
      last.at = performance.now();
      post({ type: 'progress', epoch: r.epoch, epochs: req.epochs, loss: r.loss, ...(r.valLoss === undefined ? {} : { valLoss: r.valLoss }) });
    };
    const onEpochEnd = every === null ? undefined : (r: EpochRecord) => {
      last.record = r;
      last.posted = false;
      if (performance.now() - last.at >= every) progress(r);
    };
    let history: History;
    try {
      history = model.fit(req.X, req.y, { ...req.options, onEpochEnd });
    } catch (err) {
      // Divergence keeps the last finite epoch's weights and moves the random stream on, as a local fit does: hand that back too.
      if (!(err instanceof DivergenceError)) throw err;
      const state = model.exportTraining();
      return { message: { type: 'error', error: errorData(err), state }, transfer: buffersOf(state) };
    }
    if (last.record && !last.posted) progress(last.record);
    const state = model.exportTraining();
    return { message: { type: 'done', history, state }, transfer: buffersOf(state) };
  } finally {
    model.dispose();
  }
}

/** The buffers of a training state, which it hands over rather than copies. */
function buffersOf(s: TrainingState): ArrayBuffer[] {
  return [s.state.params.buffer, ...s.state.slots.map((x) => x.buffer)] as ArrayBuffer[];
}

/** A request that arrived but could not be read here: the caller hears so instead of waiting for an answer. */
export function unreadable(detail: string, post: Post): void {
  try {
    post({ type: 'error', error: { name: 'WorkerError', message: `the training worker could not read its request${detail ? ` (${detail})` : ''}` } });
  } catch (err) {
    crash(err);
  }
}

/**
 * The worker scripts' last resort when nothing could be posted: an uncaught error, which the
 * caller's thread sees as the worker failing (worker_threads' 'error', a Worker's onerror).
 */
export function crash(err: unknown): void {
  setTimeout(() => {
    throw err;
  });
}
