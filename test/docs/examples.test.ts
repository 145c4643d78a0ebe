// README.md and docs/*.md run as written (a doctest): every js block as an .mjs file and every
// ts block with its types stripped (and type-checked by tsc, strict), in a fresh project whose
// node_modules/steepest is this package (dist/, from `npm run build`); every sh line and every
// `$ ` line of a console transcript through the built command, its output compared with the one
// shown (durations and versions masked); html pages in Chromium. One temporary directory per
// markdown file, so a command can read what an earlier block of the same file wrote.
// Directives (skip with a reason, continue): test/helpers/docBlocks.ts.
import { transformSync } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectProblems, launchChromium } from '../helpers/chromium.js';
import { extractBlocks, parseTranscript, transcriptMismatch, type DocBlock } from '../helpers/docBlocks.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLI = join(ROOT, 'dist/cli/main.js');
/** Per block: a doc example that needs longer is too slow to be an example. */
const TIMEOUT_MS = 30_000;

const DOCS = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).sort().map((f) => `docs/${f}`)];
const BLOCKS = DOCS.map((file) => ({ file, blocks: extractBlocks(readFileSync(join(ROOT, file), 'utf8'), file) }));

const temp = mkdtempSync(join(tmpdir(), 'steepest-doctest-'));
const binDir = join(temp, 'bin');
const skipped: string[] = [];
let browser: Browser | undefined;

beforeAll(() => {
  for (const built of [CLI, join(ROOT, 'dist/index.js')]) {
    if (!existsSync(built)) throw new Error(`${built} is missing: run npm run build first (the doctest runs the built package)`);
  }
  // `steepest` on PATH is the built command, as an installed package's bin would be.
  mkdirSync(binDir);
  writeFileSync(join(binDir, 'steepest'), `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`);
  chmodSync(join(binDir, 'steepest'), 0o755);
});

afterAll(async () => {
  await browser?.close();
  rmSync(temp, { recursive: true, force: true });
  if (skipped.length > 0) console.log(`doctest: skipped ${skipped.length} block(s):\n${skipped.map((s) => `  ${s}`).join('\n')}`);
});

/** A project directory per markdown file: ESM package.json, node_modules/steepest -> this repository. */
function projectFor(file: string): string {
  const dir = join(temp, file.replace(/[/.]/g, '_'));
  if (!existsSync(dir)) {
    mkdirSync(join(dir, 'node_modules'), { recursive: true });
    symlinkSync(ROOT, join(dir, 'node_modules/steepest'), 'dir');
    writeFileSync(join(dir, 'package.json'), '{ "private": true, "type": "module" }\n');
  }
  return dir;
}

interface Ran { status: number | null; output: string }

function run(cmd: string, args: string[], cwd: string): Ran {
  const r = spawnSync(cmd, args, {
    cwd, encoding: 'utf8', timeout: TIMEOUT_MS,
    env: { ...process.env, PATH: `${binDir}:${process.env.PATH ?? ''}`, NO_COLOR: '1', FORCE_COLOR: '0' },
  });
  if (r.error) throw r.error;
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

/** A shell line as a user types it; `npx steepest` is the built bin on PATH. Output is stdout and stderr in order. */
function shell(command: string, cwd: string): Ran {
  return run('sh', ['-c', `{ ${command.replace(/\bnpx steepest\b/g, 'steepest')}\n} 2>&1`], cwd);
}

function expectSuccess(block: DocBlock, ran: Ran, what: string): void {
  if (ran.status !== 0) throw new Error(`${block.where}: ${what} exited with ${ran.status}:\n${ran.output}`);
}

/** js as an .mjs file; ts with its types stripped by esbuild (what tsx does, without a process per block to load it). */
function runScript(block: DocBlock, dir: string): void {
  const name = `${block.where.replace(/[/.:]/g, '_')}.mjs`;
  const code = block.kind === 'js' ? block.program : transformSync(block.program, { loader: 'ts', format: 'esm', target: 'node20' }).code;
  writeFileSync(join(dir, name), code);
  expectSuccess(block, run(process.execPath, [name], dir), name);
}

function runShell(block: DocBlock, dir: string): void {
  for (const line of block.program.split('\n')) {
    const command = line.replace(/\s+#.*$/, '').trim();
    if (command === '' || command.startsWith('#')) continue;
    expectSuccess(block, shell(command, dir), command);
  }
}

function runTranscript(block: DocBlock, dir: string): void {
  for (const step of parseTranscript(block.program)) {
    const ran = shell(step.command, dir);
    const mismatch = transcriptMismatch(step.output, ran.output.split('\n'));
    if (mismatch) throw new Error(`${block.where}: \`${step.command}\` printed something else; ${mismatch}\nit printed:\n${ran.output}`);
    expect(ran.status, `${block.where}: exit code of \`${step.command}\``).toBe(step.exitCode);
  }
}

/** Serves the project directory (following node_modules/steepest) to Chromium and loads the page. */
async function runPage(block: DocBlock, dir: string): Promise<void> {
  const name = `${block.where.replace(/[/.:]/g, '_')}.html`;
  writeFileSync(join(dir, name), block.program);
  const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm' };
  const missing: string[] = [];
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
    if (path === '/favicon.ico') { res.writeHead(204); res.end(); return; }   // asked by the browser, not the page
    readFile(join(dir, path)).then((body) => {
      res.writeHead(200, { 'Content-Type': types[extname(path)] ?? 'application/octet-stream' });
      res.end(body);
    }, () => { missing.push(path); res.writeHead(404); res.end(); });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  try {
    browser ??= await launchChromium();
    const page = await browser.newPage();
    const problems = collectProblems(page);
    const { port } = server.address() as { port: number };
    await page.goto(`http://127.0.0.1:${port}/${name}`);
    // The page has run when it shows something (a module script with top-level await ends after load).
    await page.waitForFunction(() => document.body.innerText.trim() !== '' || undefined, undefined, { timeout: TIMEOUT_MS })
      .catch(() => undefined);
    const text = await page.evaluate(() => document.body.innerText.trim());
    await page.close();
    expect(missing, `${block.where}: files the page asked for that are not there`).toEqual([]);
    expect(problems, `${block.where}: errors on the page`).toEqual([]);
    expect(text, `${block.where}: the page shows nothing`).not.toBe('');
  } finally {
    server.closeAllConnections();
    await new Promise((done) => server.close(done));
  }
}

describe('the doctest itself', () => {
  it('rejects a skip without a reason and an unknown directive', () => {
    expect(() => extractBlocks('<!-- doctest: skip -->\n```js\n1\n```\n', 'x.md')).toThrow('x.md:1: doctest skip needs a reason');
    expect(() => extractBlocks('<!-- doctest: skip ( ) -->\n```js\n1\n```\n', 'x.md')).toThrow('x.md:1: doctest skip needs a reason');
    expect(() => extractBlocks('<!-- doctest: sikp (no) -->\n```js\n1\n```\n', 'x.md')).toThrow("unknown doctest directive 'sikp (no)'");
  });

  it('joins a continued block to the one before it and keeps prose blocks out', () => {
    const blocks = extractBlocks('```ts\nconst a = 1;\n```\n\n```\noutput\n```\n<!-- doctest: continue -->\n```ts\na;\n```\n', 'x.md');
    expect(blocks.map((b) => [b.where, b.program])).toEqual([['x.md:1', 'const a = 1;'], ['x.md:9', 'const a = 1;\na;']]);
  });

  it('holds a transcript to everything but durations and versions', () => {
    const shown = parseTranscript('$ steepest eval m.json data\naccuracy 98.2%  loss 0.07566\ntime      80.5 ms for 32 epochs\n\n$ steepest x\n[exit code 2]')[0].output;
    expect(transcriptMismatch(shown, ['accuracy 98.2%  loss 0.07566', 'time      3.1 ms for 32 epochs', ''])).toBeUndefined();
    expect(transcriptMismatch(shown, ['accuracy 98.1%  loss 0.07566', 'time      3.1 ms for 32 epochs']))
      .toBe('line 1: the doc shows "accuracy 98.2%  loss 0.07566", the command printed "accuracy 98.1%  loss 0.07566"');
    expect(transcriptMismatch(shown, ['accuracy 98.2%  loss 0.07566'])).toMatch(/^line 2: /);
  });
});

// The ts blocks as a TypeScript user compiles them: tsx above only strips types.
describe('every ts block type-checks', () => {
  const programs = BLOCKS.flatMap(({ blocks }) => blocks.filter((b) => b.kind === 'ts' && !b.skip));
  it(`${programs.length} blocks, strict, as a NodeNext ES module project`, () => {
    const dir = join(temp, 'typecheck');
    mkdirSync(join(dir, 'node_modules'), { recursive: true });
    symlinkSync(ROOT, join(dir, 'node_modules/steepest'), 'dir');
    writeFileSync(join(dir, 'package.json'), '{ "private": true, "type": "module" }\n');
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
      compilerOptions: {
        target: 'ES2022', lib: ['ES2022', 'DOM'], module: 'NodeNext', moduleResolution: 'NodeNext', strict: true,
        noEmit: true, skipLibCheck: true, types: ['node'], typeRoots: [join(ROOT, 'node_modules/@types')],
      },
      include: ['*.ts'],
    }));
    for (const b of programs) writeFileSync(join(dir, `${b.where.replace(/[/.:]/g, '_')}.ts`), b.program);
    const ran = run(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', dir], dir);
    expect(ran.output, 'tsc errors, by file (README_md_66.ts is the block at README.md:66)').toBe('');
    expect(ran.status).toBe(0);
  });
});

// README's Install section, as prose: ES modules only, and what a CommonJS project sees.
describe('README.md: the package in a CommonJS project', () => {
  it("require('steepest') throws ERR_PACKAGE_PATH_NOT_EXPORTED, import lines in a .js file are a SyntaxError, .mjs and import() work", () => {
    const dir = join(temp, 'commonjs');
    mkdirSync(join(dir, 'node_modules'), { recursive: true });
    symlinkSync(ROOT, join(dir, 'node_modules/steepest'), 'dir');
    writeFileSync(join(dir, 'package.json'), '{ "private": true, "type": "commonjs" }\n');
    const esm = "import { ready, availableEngines } from 'steepest';\nawait ready();\nconsole.log(availableEngines()[0]);\n";
    writeFileSync(join(dir, 'required.js'), "require('steepest');\n");
    writeFileSync(join(dir, 'imports.js'), esm);
    writeFileSync(join(dir, 'imports.mjs'), esm);
    writeFileSync(join(dir, 'dynamic.js'), "import('steepest').then(async (s) => { await s.ready(); console.log(s.availableEngines()[0]); });\n");
    const node = (file: string) => run(process.execPath, [file], dir);
    expect(node('required.js').output).toContain('ERR_PACKAGE_PATH_NOT_EXPORTED');
    expect(node('imports.js').output).toContain('SyntaxError: Cannot use import statement outside a module');
    expect(node('imports.mjs')).toEqual({ status: 0, output: 'wasm-simd\n' });
    expect(node('dynamic.js')).toEqual({ status: 0, output: 'wasm-simd\n' });
  });
});

for (const { file, blocks } of BLOCKS.filter((d) => d.blocks.length > 0)) {
  describe(file, () => {
    for (const block of blocks) {
      const title = `${block.where} (${block.kind})`;
      if (block.skip) {
        skipped.push(`${title}: ${block.skip}`);
        it.skip(`${title}: ${block.skip}`, () => {});
        continue;
      }
      it(title, async () => {
        const dir = projectFor(file);
        if (block.kind === 'js' || block.kind === 'ts') runScript(block, dir);
        else if (block.kind === 'sh') runShell(block, dir);
        else if (block.kind === 'console') runTranscript(block, dir);
        else await runPage(block, dir);
      }, TIMEOUT_MS * 2);
    }
  });
}
