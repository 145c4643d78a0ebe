// steepest/worker in Node: trainInWorker runs fit in a worker_threads thread.
// (package.json's "exports" gives browsers and bundlers ./browser.js instead.)
import { Worker as ThreadWorker } from 'node:worker_threads';
import type { History } from '../models/history.js';
import type { Model, Targets } from '../models/model.js';
import type { MatrixInput } from '../validate.js';
import { WorkerError } from './protocol.js';
import { trainWith, type Spawn, type TrainInWorkerOptions } from './trainInWorker.js';

export { WorkerError, type WorkerProgress } from './protocol.js';
export type { TrainInWorkerOptions } from './trainInWorker.js';

/** @internal The worker's script: tests that run from the TypeScript sources point it at a loader for nodeWorker.ts. */
export const workerScript: { url: URL } = { url: new URL('./nodeWorker.js', import.meta.url) };

const spawnThread: Spawn = (on) => {
  const worker = new ThreadWorker(workerScript.url, { execArgv: threadArgv(process.execArgv) });
  worker.on('message', on.message);
  worker.on('error', (err) => on.died(new WorkerError(`the training worker failed (${err.name}: ${err.message})`, { cause: err })));
  worker.on('messageerror', (err) => on.died(new WorkerError(`a message from the training worker could not be read (${err.message})`, { cause: err })));
  worker.on('exit', (code) => on.died(new WorkerError(`the training worker exited (code ${code}) before it finished`)));
  return {
    post: (message, transfer) => worker.postMessage(message, transfer),
    terminate: () => void worker.terminate(),
  };
};

// A worker inherits node's options, but those of `node --input-type=module -e '...'` make a
// worker that loads a file fail: it gets the rest.
function threadArgv(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (['-e', '--eval', '-p', '--print', '--input-type'].includes(a)) i++; // and its value
    else if (!a.startsWith('--input-type=') && !a.startsWith('--eval=') && !a.startsWith('--print=')) out.push(a);
  }
  return out;
}

/**
 * Runs model.fit(X, y, options) in a worker thread; on success the model holds the
 * trained parameters, optimizer state and random stream exactly as a local fit would
 * leave them, and the promise gives fit's history. After a DivergenceError it keeps the
 * last finite epoch, as fit does; on any other failure or abort it is as it was.
 * Options: fit's (functions cannot cross threads) plus onProgress, progressEveryMs,
 * signal and transfer.
 */
export function trainInWorker(model: Model, X: MatrixInput, y: Targets, options?: TrainInWorkerOptions): Promise<History> {
  return trainWith(spawnThread, model, X, y, options);
}
