// The worker_threads script behind trainInWorker in Node: one request, one answer.
import { parentPort } from 'node:worker_threads';
import { serve } from './serve.js';
import type { FitRequest } from './protocol.js';

parentPort!.once('message', (req: FitRequest) => {
  void serve(req, (message, transfer) => parentPort!.postMessage(message, transfer ?? []));
});
