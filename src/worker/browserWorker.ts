// The module Web Worker script behind trainInWorker in browsers: one request, one answer.
import { serve } from './serve.js';
import type { FitRequest } from './protocol.js';

const scope = self as unknown as { onmessage: ((e: MessageEvent<FitRequest>) => void) | null; postMessage(m: unknown, t: Transferable[]): void };
scope.onmessage = (e) => {
  scope.onmessage = null;
  void serve(e.data, (message, transfer) => scope.postMessage(message, transfer ?? []));
};
