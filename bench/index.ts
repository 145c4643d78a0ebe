// `npm run bench [-- --quick] [train] [optimizers] [converge] [dot] [marshal] [mlp]`: runs the named cases (all
// by default), prints their tables, writes bench/results/<case>.json, and exits
// non-zero if any result was NaN, wrong, or a case crashed. Slow is never a failure.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { check, machineLine, parseArgs, problems, type BenchOptions } from './harness.js';

type Case = (options: BenchOptions) => Promise<void>;

// Imported lazily so a missing build is reported in words, and `-- dot` loads only what it needs.
const CASES: Record<string, () => Promise<Case>> = {
  train: async () => (await import('./train.js')).run,
  optimizers: async () => (await import('./optimizers.js')).run,
  converge: async () => (await import('./converge.js')).run,
  dot: async () => (await import('./dot.js')).run,
  marshal: async () => (await import('./marshal.js')).run,
  mlp: async () => (await import('./mlp.js')).run,
};

const { quick, cases, unknownFlags } = parseArgs(process.argv.slice(2));
const unknown = [...unknownFlags, ...cases.filter((c) => !(c in CASES))];
if (unknown.length > 0) {
  console.error(`unknown argument ${unknown.join(', ')}; usage: npm run bench -- [--quick] [${Object.keys(CASES).join('] [')}]`);
  process.exit(2);
}
if (!existsSync(fileURLToPath(new URL('../src/wasm/binaries.ts', import.meta.url)))) {
  console.error('src/wasm/binaries.ts is missing: run `npm run build` first.');
  process.exit(2);
}

console.log(`steepest bench${quick ? ' (quick)' : ''}: ${machineLine()}`);
const t0 = performance.now();
for (const name of cases.length > 0 ? cases : Object.keys(CASES)) {
  try {
    await (await CASES[name]())({ quick });
  } catch (err) {
    check(false, `case ${name} crashed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  }
}
console.log(`\nbench finished in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
if (problems().length > 0) {
  // First lines only: any stack was printed when the problem was recorded.
  console.error(`\n${problems().length} problem(s):\n${problems().map((p) => `- ${p.split('\n')[0]}`).join('\n')}`);
  process.exitCode = 1;
}
