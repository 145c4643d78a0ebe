// The worker_threads script behind trainInWorker in Node: one request, one answer.
import { parentPort } from 'node:worker_threads';
import { crash, serve, unreadable, type Post } from './serve.js';
import type { FitRequest } from './protocol.js';

const post: Post = (message, transfer) => parentPort!.postMessage(message, transfer ?? []);
parentPort!.once('message', (req: FitRequest) => void serve(req, post).catch(crash));
parentPort!.once('messageerror', (err: Error) => unreadable(`${err.name}: ${err.message}`, post));
