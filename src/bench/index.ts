// The benchmark runner shared by `steepest bench` (the cases compiled into the
// package) and `npm run bench` (those plus the dev-only cases in bench/).
import { check, machineLine, problems, type BenchOptions } from './harness.js';

/** A bench case: prints its tables (and writes its JSON when asked). */
export type BenchCase = (options: BenchOptions) => Promise<void>;

/** Cases that ship in the package, in the order `steepest bench` runs them; imported lazily. */
export const SHIPPED_CASES: Record<string, () => Promise<BenchCase>> = {
  fit: async () => (await import('./fit.js')).run,
  train: async () => (await import('./train.js')).run,
};

/** Runs the named cases in order, each guarded so a crash is a recorded problem; returns the problems (none: every result was sound). */
export async function runBench(
  cases: Record<string, () => Promise<BenchCase>>, names: readonly string[], options: BenchOptions, title = 'steepest bench',
): Promise<readonly string[]> {
  console.log(`${title}${options.quick ? ' (quick)' : ''}: ${machineLine()}`);
  const t0 = performance.now();
  for (const name of names) {
    try {
      await (await cases[name]())(options);
    } catch (err) {
      check(false, `case ${name} crashed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    }
  }
  console.log(`\nbench finished in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const found = problems();
  if (found.length > 0) {
    // First lines only: any stack was printed when the problem was recorded.
    console.error(`\n${found.length} problem(s):\n${found.map((p) => `- ${p.split('\n')[0]}`).join('\n')}`);
  }
  return found;
}
