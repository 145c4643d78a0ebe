// Module Web Worker: the same training as the page's main thread, posted back.
import * as lib from '/dist/index.js';
import { trainAll } from './common.js';

try {
  postMessage({ ok: true, result: await trainAll(lib) });
} catch (err) {
  postMessage({ ok: false, error: String((err && err.stack) || err) });
}
