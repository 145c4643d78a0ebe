// The package as a user gets it: this repository copied to a temporary folder, compiled
// there, packed with `npm pack`, and installed from the tarball into a fresh project
// (offline from npm's cache when it can). Tests then run its `steepest` command.
import { execFile, spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The repository root. */
export const ROOT = resolve(import.meta.dirname, '../..');

// Not part of a clean checkout: build output, dependencies, local scratch.
const SKIP = new Set(['node_modules', 'dist', 'build', '.git', 'out', 'scratch', '.vitest-attachments', 'results']);

/** An installed copy of the package. */
export interface Installed {
  /** The temporary folder holding the copy, the tarball and the project; remove() deletes it. */
  stage: string;
  /** The folder of the project that installed it. */
  project: string;
  /** The tarball npm pack wrote. */
  tarball: string;
  /** The installed `steepest` executable (node_modules/.bin/steepest). */
  bin: string;
  /** Whether npm install needed the network (the cache did not have every dependency). */
  online: boolean;
}

/** Copies, compiles, packs and installs the package; takes about 15 s. */
export async function packAndInstall(): Promise<Installed> {
  const stage = mkdtempSync(join(tmpdir(), 'steepest-pack-'));
  const pkg = join(stage, 'package');
  cpSync(ROOT, pkg, { recursive: true, filter: (src) => !SKIP.has(basename(src)) });
  symlinkSync(realpathSync(join(ROOT, 'node_modules')), join(pkg, 'node_modules'));
  // A clean compile of the sources as they are (the repository's own dist/ may be stale).
  await run(process.execPath, [join(pkg, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], { cwd: pkg });
  const packed = await run('npm', ['pack', '--ignore-scripts', '--pack-destination', stage], { cwd: pkg });
  const tarball = join(stage, packed.stdout.trim().split('\n').pop()!);
  const project = join(stage, 'project');
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'uses-steepest', version: '1.0.0', private: true, type: 'module' }));
  const install = (offline: boolean) =>
    run('npm', ['install', tarball, '--no-audit', '--no-fund', ...(offline ? ['--offline'] : [])], { cwd: project });
  let online = false;
  try {
    await install(true);
  } catch {
    online = true; // a dependency missing from the cache: fetch it
    await install(false);
  }
  return { stage, project, tarball, bin: join(project, 'node_modules/.bin/steepest'), online };
}

/** Deletes everything packAndInstall made. */
export function remove(installed: Installed): void {
  rmSync(installed.stage, { recursive: true, force: true });
}

/** What one run of a command printed, and its exit code. */
export interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs file with args in cwd, feeding input on stdin; never rejects. After timeoutMs the
 * child is killed and the result has code -1 and '[timed out]' on stderr, so a hang fails.
 */
export function exec(file: string, args: readonly string[], cwd: string, input?: string, timeoutMs = Infinity): Promise<Ran> {
  return new Promise((done, fail) => {
    const child = spawn(file, args, { cwd, env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const timer = Number.isFinite(timeoutMs) ? setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, timeoutMs) : null;
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', fail);
    child.on('close', (code) => {
      if (timer) clearTimeout(timer);
      done(timedOut ? { code: -1, stdout, stderr: `${stderr}[timed out]` } : { code: code ?? -1, stdout, stderr });
    });
    child.stdin.end(input ?? '');
  });
}

/**
 * Runs `file args | head -1` in bash (pipefail: the code is file's unless head fails) in cwd: a
 * real pipe (64 KB; Node's own child pipes are sockets that buffer more), which head closes
 * after the first line, so file's later writes fail with EPIPE. Never rejects; a hang past
 * timeoutMs is killed (the whole process group) and reported as code -1.
 */
export function execFirstLine(file: string, args: readonly string[], cwd: string, timeoutMs: number): Promise<Ran> {
  return new Promise((done, fail) => {
    const child = spawn('bash', ['-c', 'set -o pipefail; "$0" "$@" | head -1', file, ...args], { cwd, env: { ...process.env, NO_COLOR: '1' }, detached: true });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      process.kill(-child.pid!, 'SIGKILL');
    }, timeoutMs);
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', fail);
    child.on('close', (code) => {
      clearTimeout(timer);
      done(timedOut ? { code: -1, stdout, stderr: `${stderr}[timed out]` } : { code: code ?? -1, stdout, stderr });
    });
    child.stdin.end();
  });
}
