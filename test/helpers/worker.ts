// trainInWorker for the runtime a test runs in: the Web Worker entry in the browser, the
// worker_threads one in Node, each starting the worker script that workerSetup.ts bundled.
import { inject } from 'vitest';
import type * as Entry from '../../src/worker/node.js';

/** Whether this test runs in the browser project. */
export const inBrowser = typeof window !== 'undefined' && typeof document !== 'undefined';

const entry: typeof Entry = inBrowser
  ? ((await import('../../src/worker/browser.js')) as unknown as typeof Entry)
  : await import('../../src/worker/node.js');
const script = entry.workerScript as { url: URL | null };
const bundled = inBrowser
  ? new URL(URL.createObjectURL(new Blob([inject('browserWorkerCode')], { type: 'text/javascript' })))
  : new URL(inject('nodeWorkerScript'));
script.url = bundled;

export const { trainInWorker, WorkerError } = entry;

/** Runs body with trainInWorker starting the script at url (null: the entry's own, browser only) instead of the bundle. */
export async function withScript<T>(url: URL | null, body: () => Promise<T>): Promise<T> {
  script.url = url;
  try {
    return await body();
  } finally {
    script.url = bundled;
  }
}
