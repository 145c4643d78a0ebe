// globalSetup of both projects: the worker scripts, bundled once per run with esbuild (as an
// app's bundler would), for test/helpers/worker.ts to start. Node cannot load the TypeScript
// script at all, and a browser worker served module by module through Vite's dev server
// takes a few hundred milliseconds to start; the scripts as they ship are started by
// test/worker/dist.test.ts, test/browser/loading.test.ts and one test of trainInWorker.test.ts.
import { build } from 'esbuild';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** file: URL of the bundled src/worker/nodeWorker.ts. */
    nodeWorkerScript: string;
    /** The bundled src/worker/browserWorker.ts, as code (started from a blob: URL). */
    browserWorkerCode: string;
  }
}

async function bundle(file: string, platform: 'node' | 'browser'): Promise<string> {
  const result = await build({
    entryPoints: [fileURLToPath(new URL(`../../src/worker/${file}`, import.meta.url))],
    bundle: true, format: 'esm', platform, write: false, logLevel: 'silent',
  });
  return result.outputFiles[0].text;
}

export default async function setup(project: TestProject): Promise<() => void> {
  const [node, browser] = await Promise.all([bundle('nodeWorker.ts', 'node'), bundle('browserWorker.ts', 'browser')]);
  const dir = mkdtempSync(path.join(tmpdir(), 'steepest-worker-'));
  const file = path.join(dir, 'nodeWorker.mjs');
  writeFileSync(file, node);
  project.provide('nodeWorkerScript', pathToFileURL(file).href);
  project.provide('browserWorkerCode', browser);
  return () => rmSync(dir, { recursive: true, force: true });
}
