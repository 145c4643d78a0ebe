// The built package (dist/, from `npm run build`) in a plain Node process, as a user gets it:
// `steepest/worker` resolves through package.json's exports to the worker_threads entry,
// which finds its own worker script with no configuration, and trains as fit does.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

// Trains a LogisticRegression and an MLP locally and in a worker on each engine; prints the
// parameters' float64 bit patterns.
const SCRIPT = `
import * as lib from 'steepest';
const { trainInWorker } = await import('steepest/worker');
await lib.ready({ scalar: true });
const rows = 120, f = 3;
const X = Float32Array.from({ length: rows * f }, (_, i) => Math.sin(i * 0.7));
const y = Float32Array.from({ length: rows }, (_, r) => (X[r * f] - X[r * f + 2] > 0 ? 1 : 0));
const hex = (m) => m.layers.flatMap((l) => [...l.weights, ...l.bias]).map((v) => {
  const b = new DataView(new ArrayBuffer(8)); b.setFloat64(0, v); return b.getBigUint64(0).toString(16);
});
const out = { engines: lib.availableEngines(), runs: [] };
for (const engine of ['wasm-simd', 'wasm-scalar', 'js']) {
  const make = [
    () => new lib.LogisticRegression({ features: f, engine }),
    () => new lib.MLP({ inputs: f, hidden: [4], outputs: 1, engine, seed: 1 }),
  ];
  for (const m of make) {
    const a = m(), b = m();
    const opts = { epochs: 5, batchSize: 8, learningRate: 0.1, optimizer: 'adam' };
    a.fit(X, y, opts);
    const h = await trainInWorker(b, X, y, opts);
    out.runs.push({ engine, history: h.engine, local: hex(a), worker: hex(b) });
  }
}
console.log(JSON.stringify(out));
`;

describe('the built package', () => {
  it('steepest/worker trains in a worker_threads thread, bit for bit as fit, on every engine', () => {
    expect(existsSync(`${ROOT}/dist/worker/nodeWorker.js`), 'dist/worker/nodeWorker.js is missing: run `npm run build`').toBe(true);
    const stdout = execFileSync(process.execPath, ['--input-type=module', '-e', SCRIPT], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    const out = JSON.parse(stdout) as {
      engines: string[]; runs: { engine: string; history: string; local: string[]; worker: string[] }[];
    };
    expect(out.engines).toEqual(['wasm-simd', 'wasm-scalar', 'js']);
    expect(out.runs.length).toBe(6);
    for (const r of out.runs) {
      expect(r.history).toBe(r.engine);
      expect(r.local.length).toBeGreaterThan(0);
      expect(r.worker, `${r.engine}: worker parameters as float64 bits`).toEqual(r.local);
    }
  });

  it('exports the .wasm builds as steepest/steepest.simd.wasm and steepest/steepest.scalar.wasm', () => {
    const script = `
      const { readFileSync } = await import('node:fs');
      console.log(JSON.stringify(['simd', 'scalar'].map((b) => readFileSync(new URL(import.meta.resolve('steepest/steepest.' + b + '.wasm'))).toString('base64'))));`;
    const got = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8' })) as string[];
    expect(got).toEqual(['simd', 'scalar'].map((b) => readFileSync(`${ROOT}/build/steepest.${b}.wasm`).toString('base64')));
  });
});
