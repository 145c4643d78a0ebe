// A script that trains with threads and ends exits on its own: the pool's workers are
// unref'd and block in Atomics.wait, so none keeps Node's event loop alive. Runs the built
// package (dist/, from `npm run build`) in a child process that checks it did use a worker.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

const SCRIPT = `
import { ready, threadCount, LogisticRegression } from './dist/index.js';
import { getRuntime } from './dist/wasm/runtime.js';
await ready();
const N = 5000, D = 64;
const X = Float32Array.from({ length: N * D }, (_, i) => Math.sin(i * 12.9898) % 1);
const y = Float32Array.from({ length: N }, (_, i) => (X[i * D] > 0 ? 1 : 0));
const m = new LogisticRegression({ features: D, seed: 1 });
m.fit(X, y, { epochs: 3, batchSize: 64, seed: 2 });
console.log(JSON.stringify({ threads: threadCount(), tasks: getRuntime(true).threaded.pool().tasks }));
`;

describe('process exit', () => {
  it('a script that trains on two threads and ends exits by itself, with code 0', () => {
    const t0 = performance.now();
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', SCRIPT], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    expect(child.error).toBeUndefined(); // a timeout (a live worker holding the process) would set it
    expect(child.stderr).toBe('');
    expect(child.status).toBe(0);
    const out = JSON.parse(child.stdout);
    expect(out.threads).toBeGreaterThan(1);
    expect(out.tasks).toBe(3); // the worker did run: one rewrite per epoch
    expect(performance.now() - t0).toBeLessThan(60_000);
  });
});
