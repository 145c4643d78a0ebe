// In-page script of the browser smoke test: trains on every engine on the main
// thread, then in a module Web Worker, and leaves { userAgent, main, worker } (or
// { error }) in the promise window.smoke for run.mjs to read.
import * as lib from '/dist/index.js';
import { trainAll } from './common.js';

function runWorker() {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
    const fail = (message) => {
      worker.terminate();
      reject(new Error(message));
    };
    worker.onmessage = (event) => {
      worker.terminate();
      if (event.data && event.data.ok) resolve(event.data.result);
      else reject(new Error(`worker: ${event.data && event.data.error}`));
    };
    worker.onerror = (event) =>
      fail(`worker error: ${event.message || 'failed to load or run worker.js'}` +
        (event.filename ? ` at ${event.filename}:${event.lineno}:${event.colno}` : ''));
    worker.onmessageerror = () => fail('worker message could not be deserialized');
  });
}

async function run() {
  const main = await trainAll(lib);
  const worker = await runWorker();
  return { userAgent: navigator.userAgent, main, worker };
}

const out = document.getElementById('out');
window.smoke = run().catch((err) => ({ error: String((err && err.stack) || err) }));
window.smoke.then((result) => {
  out.textContent = result.error
    ? `error: ${result.error}`
    : [result.main, result.worker]
        .flatMap((r) => r.results.map((e) => `${r.context} ${e.engine}: accuracy ${e.accuracy}, final loss hex ${e.loss.at(-1)}`))
        .join('\n');
});
