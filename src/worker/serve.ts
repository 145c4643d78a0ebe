// The worker's side of trainInWorker, the same in a Web Worker and in worker_threads:
// rebuild the caller's model from its file and full training state, fit, and send
// back the history and the new state (or the error, as data).
import { loadModel } from '../models/loadModel.js';
import { loadBuilds } from '../wasm/runtime.js';
import type { EpochRecord } from '../models/history.js';
import { errorData, type FitRequest, type WorkerMessage } from './protocol.js';

/** Sends a message to the caller's thread, transferring the listed buffers. */
export type Post = (message: WorkerMessage, transfer?: ArrayBuffer[]) => void;

/** Handles one request; never throws (a failure is posted as an error message). */
export async function serve(req: FitRequest, post: Post): Promise<void> {
  try {
    if (req.engine !== 'js') await loadBuilds(req.modules, null); // the caller's compiled builds: the worker carries none
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
      const history = model.fit(req.X, req.y, { ...req.options, onEpochEnd });
      if (last.record && !last.posted) progress(last.record);
      const state = model.exportTraining();
      post({ type: 'done', history, state }, [state.state.params.buffer, ...state.state.slots.map((s) => s.buffer)] as ArrayBuffer[]);
    } finally {
      model.dispose();
    }
  } catch (err) {
    post({ type: 'error', error: errorData(err) });
  }
}
