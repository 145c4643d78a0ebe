// steepest/worker in browsers (and for bundlers): trainInWorker runs fit in a module
// Web Worker. The `new Worker(new URL(...), { type: 'module' })` form is the one Vite,
// webpack 5 and Parcel recognize, so bundled apps get the worker with no configuration.
import type { History } from '../models/history.js';
import type { Model, Targets } from '../models/model.js';
import type { MatrixInput } from '../validate.js';
import { WorkerError } from './protocol.js';
import { trainWith, type Spawn, type TrainInWorkerOptions } from './trainInWorker.js';

export { WorkerError, type WorkerProgress } from './protocol.js';
export type { TrainInWorkerOptions } from './trainInWorker.js';

/** @internal Tests set this to start another script (one that dies, say) in place of ./browserWorker.js. */
export const workerScript: { url: URL | null } = { url: null };

const spawnWebWorker: Spawn = (on) => {
  const worker = workerScript.url
    ? new Worker(workerScript.url, { type: 'module' })
    : new Worker(new URL('./browserWorker.js', import.meta.url), { type: 'module' });
  worker.onmessage = (e) => on.message(e.data);
  worker.onerror = (e) => {
    e.preventDefault(); // reported through the promise, not as an uncaught error
    on.died(new WorkerError(e.message
      ? `the training worker failed (${e.message})`
      : 'the training worker failed to start or died (its script ./browserWorker.js beside steepest/worker did not load?)'));
  };
  worker.onmessageerror = () => on.died(new WorkerError('a message from the training worker could not be read'));
  return {
    post: (message, transfer) => worker.postMessage(message, transfer),
    terminate: () => worker.terminate(),
  };
};

/**
 * Runs model.fit(X, y, options) in a Web Worker; on success the model holds the
 * trained parameters, optimizer state and random stream exactly as a local fit would
 * leave them, and the promise gives fit's history. After a DivergenceError it keeps the
 * last finite epoch, as fit does; on any other failure or abort it is as it was.
 * Options: fit's (functions cannot cross threads) plus onProgress, progressEveryMs,
 * signal and transfer.
 */
export function trainInWorker(model: Model, X: MatrixInput, y: Targets, options?: TrainInWorkerOptions): Promise<History> {
  return trainWith(spawnWebWorker, model, X, y, options);
}
