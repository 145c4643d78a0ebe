// The node project's globalSetup: Node cannot load the TypeScript worker script, so it is
// bundled once per run with esbuild into a temporary .mjs file that test/helpers/worker.ts
// starts instead (the built package's own script is tested by test/worker/dist.test.ts).
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
  }
}

export default async function setup(project: TestProject): Promise<() => void> {
  const result = await build({
    entryPoints: [fileURLToPath(new URL('../../src/worker/nodeWorker.ts', import.meta.url))],
    bundle: true, format: 'esm', platform: 'node', write: false, logLevel: 'silent',
  });
  const dir = mkdtempSync(path.join(tmpdir(), 'steepest-worker-'));
  const file = path.join(dir, 'nodeWorker.mjs');
  writeFileSync(file, result.outputFiles[0].contents);
  project.provide('nodeWorkerScript', pathToFileURL(file).href);
  return () => rmSync(dir, { recursive: true, force: true });
}
