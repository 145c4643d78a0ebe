// .ci/run runs README's install and test commands as a new user would (its header says so):
// every npm command it calls is one that a sh block of README gives (CI may add arguments,
// such as the bench's --quick), and the Chromium it installs is the package README names.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { extractBlocks } from '../helpers/docBlocks.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CI = readFileSync(`${ROOT}.ci/run`, 'utf8');
const README = readFileSync(`${ROOT}README.md`, 'utf8');

/** The npm commands README's sh blocks give, without their comments: `npm test`, `npm run bench`. */
const readmeCommands = extractBlocks(README, 'README.md')
  .filter((b) => b.kind === 'sh')
  .flatMap((b) => b.code.split('\n'))
  .map((line) => line.replace(/#.*/, '').trim())
  .filter((line) => line.startsWith('npm '));

/** The npm commands .ci/run calls, without the arguments it adds after `--`. */
const ciCommands = CI.split('\n')
  .map((line) => line.trim())
  .filter((line) => line.startsWith('npm '))
  .map((line) => line.replace(/\s+--(\s.*)?$/, ''));

describe('.ci/run and README', () => {
  it('every npm command CI runs is one README gives a new user', () => {
    expect(ciCommands).toEqual(['npm ci', 'npm test', 'npm run test:browser', 'npm run bench']); // what CI covers
    const shown = new Set(readmeCommands);
    // README's install line is `npm install   # or npm ci`: both are given.
    if (shown.has('npm install') && /^npm install\s+#.*\bnpm ci\b/m.test(README)) shown.add('npm ci');
    for (const command of ciCommands) expect(shown.has(command), `README's sh blocks give \`${command}\``).toBe(true);
  });

  it('the Chromium CI installs is the one README tells a new user to install', () => {
    expect(CI).toMatch(/apt-get install -y --no-install-recommends chromium\b/);
    expect(README).toMatch(/`apt-get install -y --no-install-recommends chromium`/);
  });
});
