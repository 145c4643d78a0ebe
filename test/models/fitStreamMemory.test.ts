// Memory is bounded by the shuffle buffer, not by the data: peak RSS training on 4,000,000
// rows streamed from a generator is within 1.2x (+20 MB) of training on 200,000 (issue 18).
// Each size runs in a fresh child process (test/helpers/streamRss.mjs, on the built dist/),
// which reports process.resourceUsage().maxRSS. 4M rows x 8 features is 128 MB of float32
// X: a run that kept its rows would exceed the bound by far. Node only.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const SCRIPT = fileURLToPath(new URL('../helpers/streamRss.mjs', import.meta.url));

function peak(rows: number): { rows: number; maxRSS: number; loss: number } {
  return JSON.parse(execFileSync(process.execPath, [SCRIPT, String(rows)], { encoding: 'utf8', timeout: 120_000 })) as { rows: number; maxRSS: number; loss: number };
}

it('peak RSS on 4M streamed rows is within 1.2x (+20 MB) of 200k rows', () => {
  const small = peak(200_000);
  const big = peak(4_000_000);
  const MB = 2 ** 20;
  console.log(`peak RSS: 200,000 rows ${(small.maxRSS / MB).toFixed(1)} MB, 4,000,000 rows ${(big.maxRSS / MB).toFixed(1)} MB (bound ${((1.2 * small.maxRSS + 20 * MB) / MB).toFixed(1)} MB)`);
  // The control that the big run trained on its rows: a finite loss below chance (ln 2).
  expect(big.loss).toBeLessThan(Math.LN2);
  expect(big.maxRSS).toBeLessThanOrEqual(1.2 * small.maxRSS + 20 * MB);
}, 240_000);
