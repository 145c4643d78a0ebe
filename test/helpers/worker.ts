// trainInWorker for the runtime a test runs in: the Web Worker entry in the browser (Vite
// serves and transforms its worker script), the worker_threads one in Node, where the
// worker starts the script nodeWorkerSetup.ts bundled (Node cannot load TypeScript).
import { inject } from 'vitest';
import type * as Entry from '../../src/worker/node.js';

/** Whether this test runs in the browser project. */
export const inBrowser = typeof window !== 'undefined' && typeof document !== 'undefined';

const entry: typeof Entry = inBrowser
  ? ((await import('../../src/worker/browser.js')) as unknown as typeof Entry)
  : await import('../../src/worker/node.js');
const script = entry.workerScript as { url: URL | null };
const real = inBrowser ? null : new URL(inject('nodeWorkerScript'));
script.url = real;

export const { trainInWorker, WorkerError } = entry;

/** Runs body with trainInWorker starting the script at url instead of the real one. */
export async function withScript<T>(url: URL, body: () => Promise<T>): Promise<T> {
  script.url = url;
  try {
    return await body();
  } finally {
    script.url = real;
  }
}
