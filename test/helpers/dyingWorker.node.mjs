// A worker_threads script that dies on the first message, as a crashed worker would.
import { parentPort } from 'node:worker_threads';

parentPort.once('message', () => process.exit(3));
