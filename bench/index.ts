// `npm run bench [-- --quick] [--full] [fit] [train] [optimizers] [converge] [dot] [marshal] [mlp] [hashing] [threads] [team] [sparse] [autolr]`: runs the named
// cases (all by default), prints their tables, writes bench/results/<case>.json, and exits
// non-zero if any result was NaN, wrong, or a case crashed. Slow is never a failure.
// The cases that ship in the package (`steepest bench`: fit, train) live in src/bench/; the dev-only ones here.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from '../src/bench/harness.js';
import { runBench, SHIPPED_CASES, type BenchCase } from '../src/bench/index.js';

// Imported lazily so a missing build is reported in words, and `-- dot` loads only what it needs.
const CASES: Record<string, () => Promise<BenchCase>> = {
  ...SHIPPED_CASES,
  optimizers: async () => (await import('./optimizers.js')).run,
  converge: async () => (await import('./converge.js')).run,
  dot: async () => (await import('./dot.js')).run,
  marshal: async () => (await import('./marshal.js')).run,
  mlp: async () => (await import('./mlp.js')).run,
  hashing: async () => (await import('./hashing.js')).run,
  threads: async () => (await import('./threads.js')).run,
  team: async () => (await import('./team.js')).run,
  sparse: async () => (await import('./sparse.js')).run,
  autolr: async () => (await import('./autolr.js')).run,
};

const { quick, full, cases, unknownFlags } = parseArgs(process.argv.slice(2));
const unknown = [...unknownFlags, ...cases.filter((c) => !(c in CASES))];
if (unknown.length > 0) {
  console.error(`unknown argument ${unknown.join(', ')}; usage: npm run bench -- [--quick] [--full] [${Object.keys(CASES).join('] [')}]`);
  process.exit(2);
}
// The cases run the embedded builds and, for the kernel bounds, the testing build: both come from `npm run build`.
for (const file of ['../src/wasm/simdBinary.ts', '../build/steepest.testing.simd.wasm']) {
  if (!existsSync(fileURLToPath(new URL(file, import.meta.url)))) {
    console.error(`${file.slice(3)} is missing: run \`npm run build\` first.`);
    process.exit(2);
  }
}

const resultsDir = fileURLToPath(new URL('./results/', import.meta.url));
const found = await runBench(CASES, cases.length > 0 ? cases : Object.keys(CASES), { quick, full, resultsDir });
if (found.length > 0) process.exitCode = 1;
