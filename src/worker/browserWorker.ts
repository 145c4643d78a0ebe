// The module Web Worker script behind trainInWorker in browsers: one request, one answer.
import { crash, serve, unreadable, type Post } from './serve.js';
import type { FitRequest } from './protocol.js';

const scope = self as unknown as {
  onmessage: ((e: MessageEvent<FitRequest>) => void) | null;
  onmessageerror: (() => void) | null;
  postMessage(m: unknown, t: Transferable[]): void;
};
const post: Post = (message, transfer) => scope.postMessage(message, transfer ?? []);
scope.onmessage = (e) => {
  scope.onmessage = null;
  void serve(e.data, post).catch(crash);
};
scope.onmessageerror = () => unreadable('', post); // the event says nothing more
