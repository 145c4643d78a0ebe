// steepest bench: the WASM vs JS training benchmark, compiled into the package,
// run on the user's own machine.
import { join } from 'node:path';
import { parse, positionals, num, str, type CommandSpec } from './args.js';
import { commandHelp } from './help.js';
import { checkOutputFile } from './outputPath.js';
import type { IO } from './io.js';
import { runBench, SHIPPED_CASES } from '../bench/index.js';

/** steepest bench's options. */
export const spec: CommandSpec = {
  name: 'bench',
  summary: 'Benchmark training on this machine: the whole fit() cold and warm, then per-epoch time of every engine (wasm-simd, wasm-scalar, js) beside the memory bounds.',
  positionals: [],
  options: {
    quick: { type: 'boolean', help: 'fewer sizes and epochs; numbers only indicative' },
    rows: { type: 'string', value: 'N', default: 'each table\'s own (10^4 to 10^6)', help: 'rows of synthetic data for every table (at least 1024, the largest batch)' },
    out: { type: 'string', value: 'DIR', help: 'also write the results as JSON files into DIR' },
  },
  notes: [
    'Logistic regression on seeded synthetic data. fit: 10 epochs on wasm-simd, cold (a fresh process) and warm, split into',
    'setup, first and steady epochs. train: every engine, 16 to 256 features, batch 64 and 1024, shuffled and in order.',
    'Close other heavy programs first: timings are medians, but a busy machine still shows. A slow result never fails;',
    'the exit code is 1 only when a result is wrong (NaN, a crash).',
  ],
};

/** Runs steepest bench; returns the exit code. */
export async function run(argv: readonly string[], io: IO): Promise<number> {
  void io; // the cases print to the process's stdout
  const p = parse(spec, argv);
  if (p.values.help) {
    io.stdout.write(commandHelp(spec));
    return 0;
  }
  positionals(spec, p.positionals);
  const rows = num(p, 'rows', { integer: true, min: 1024 });
  const resultsDir = str(p, 'out');
  // Each case writes <DIR>/<case>.json at its end: a bad folder fails now, not after minutes of timing.
  if (resultsDir !== undefined) for (const name of Object.keys(SHIPPED_CASES)) checkOutputFile(join(resultsDir, `${name}.json`));
  const found = await runBench(SHIPPED_CASES, Object.keys(SHIPPED_CASES), { quick: p.values.quick === true, rows, resultsDir });
  return found.length > 0 ? 1 : 0;
}
