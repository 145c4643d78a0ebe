// What every bench case shares: command-line options, timing statistics, a
// table printer, a guard against NaN results, and the JSON writer.
import os from 'node:os';
import { join, relative } from 'node:path';
import { writeOutputFile } from '../cli/outputPath.js';

/** Options every case receives. */
export interface BenchOptions {
  /** Smaller sizes and fewer repetitions: a smoke run for CI, numbers only indicative. */
  quick: boolean;
  /** Larger sizes too (case fit: N = 10^7). */
  full?: boolean;
  /** Where writeResult puts <case>.json; undefined writes nothing (`steepest bench` prints only). */
  resultsDir?: string;
  /** Rows of the synthetic data, instead of each case's own N (a smaller N is a smoke run, not a measurement). */
  rows?: number;
}

/** Splits the command line into flags and case names (`--quick train dot`). */
export function parseArgs(argv: readonly string[]): { quick: boolean; full: boolean; cases: string[]; unknownFlags: string[] } {
  const flags = argv.filter((a) => a.startsWith('-'));
  return {
    quick: flags.includes('--quick'),
    full: flags.includes('--full'),
    cases: argv.filter((a) => !a.startsWith('-')),
    unknownFlags: flags.filter((f) => f !== '--quick' && f !== '--full'),
  };
}

/** Summary of repeated timings, all in milliseconds. */
export interface Stats {
  median: number;
  min: number;
  q1: number;
  q3: number;
  iqr: number;
  samples: number[];
}

/** Median, min and interquartile range of samples (quantiles interpolated linearly). */
export function summarize(samples: readonly number[]): Stats {
  if (samples.length === 0) throw new Error('summarize: no samples');
  const s = [...samples].sort((a, b) => a - b);
  const q = (p: number) => {
    const i = p * (s.length - 1);
    const lo = Math.floor(i);
    return s[lo] + (s[Math.min(lo + 1, s.length - 1)] - s[lo]) * (i - lo);
  };
  const q1 = q(0.25);
  const q3 = q(0.75);
  return { median: q(0.5), min: s[0], q1, q3, iqr: q3 - q1, samples: [...samples] };
}

/** How measure() repeats an operation. */
export interface MeasureOptions {
  /** Untimed batches run first, so the code is compiled and caches are warm (default 3). */
  warmup?: number;
  /** ...and warm-up lasts at least this long, so the JIT has optimized the loop before timing starts (default 30). */
  warmupMs?: number;
  /** Timed batches (default 15). */
  samples?: number;
  /** Each batch repeats the operation until it lasts at least this long, so short calls stay above timer noise (default 0: one call). */
  minBatchMs?: number;
}

type Loop = (fn: () => number, reps: number) => number;

// Results of measured calls land here so the JIT cannot drop a call whose result looks unused.
let sink = 0;

/** Times fn (one operation per call, setup done beforehand) and returns ms per operation. */
export function measure(fn: () => number, options: MeasureOptions = {}): Stats {
  const { warmup = 3, warmupMs = 30, samples = 15, minBatchMs = 0 } = options;
  // A fresh loop per measurement: a shared one would see many different fns, its call
  // site would turn megamorphic, and small operations would time slower in later cases.
  const loop = new Function('fn', 'reps', 'let acc = 0; for (let r = 0; r < reps; r++) acc += fn(); return acc;') as Loop;
  let reps = 1;
  for (;;) {
    const t = timeBatch(loop, fn, reps);
    if (t >= minBatchMs || reps >= 1 << 30) break;
    // Aim a little past the target so one more round usually settles it.
    reps = Math.min(1 << 30, Math.max(reps * 2, Math.ceil((reps * minBatchMs * 1.2) / Math.max(t, 1e-3))));
  }
  const warmStart = performance.now();
  for (let i = 0; i < warmup || performance.now() - warmStart < warmupMs; i++) timeBatch(loop, fn, reps);
  const perOp: number[] = [];
  for (let i = 0; i < samples; i++) perOp.push(timeBatch(loop, fn, reps) / reps);
  return summarize(perOp);
}

function timeBatch(loop: Loop, fn: () => number, reps: number): number {
  const t0 = performance.now();
  sink += loop(fn, reps);
  return performance.now() - t0;
}

/** A column of a printed table; text columns align left, numbers right. */
export interface Column {
  title: string;
  left?: boolean;
}

/** Prints a titled plain-text table (cells already formatted). */
export function printTable(title: string, columns: readonly Column[], rows: readonly string[][], notes: readonly string[] = []): void {
  const widths = columns.map((c, i) => Math.max(c.title.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells.map((cell, i) => (columns[i].left ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ').trimEnd();
  console.log(`\n${title}`);
  console.log(line(columns.map((c) => c.title)));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
  for (const n of notes) console.log(n);
}

/** n significant digits without exponent for ordinary magnitudes. */
export function sig(x: number, digits = 3): string {
  if (!Number.isFinite(x)) return String(x);
  if (x !== 0 && (Math.abs(x) >= 1e6 || Math.abs(x) < 1e-6)) return x.toExponential(digits - 1);
  if (Math.abs(x) >= 10 ** digits) return x.toFixed(0);
  return x.toPrecision(digits);
}

/** A ratio such as a speed-up, to 3 significant digits: `6.42x`, `14.1x`. */
export function times(x: number): string {
  return Number.isFinite(x) ? `${sig(x)}x` : String(x);
}

/** A rate per second with an SI prefix: `12.4 M/s`. */
export function perSecond(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const [div, unit] = x >= 1e9 ? [1e9, 'G'] : x >= 1e6 ? [1e6, 'M'] : x >= 1e3 ? [1e3, 'k'] : [1, ''];
  return `${sig(x / div)} ${unit}/s`;
}

const problemList: string[] = [];

/** Records a problem (NaN, wrong result, crash) when ok is false; any problem makes `npm run bench` exit non-zero. */
export function check(ok: boolean, message: string): boolean {
  if (!ok) {
    problemList.push(message);
    console.error(`PROBLEM: ${message}`);
  }
  return ok;
}

/** Checks that every value is a finite number. */
export function checkFinite(label: string, values: readonly number[]): boolean {
  const bad = values.findIndex((v) => !Number.isFinite(v));
  return check(bad < 0, `${label}: value ${bad} is ${values[bad]}`);
}

/** The problems recorded so far. */
export function problems(): readonly string[] {
  return problemList;
}

/** What the numbers were measured on; written into every JSON file. */
export function machineInfo() {
  return {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    nproc: os.availableParallelism(),
    node: process.version,
    v8: process.versions.v8,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    loadavg: os.loadavg().map((l) => Math.round(l * 100) / 100),
    date: new Date().toISOString(),
  };
}

/** One line about the machine, printed before the tables. */
export function machineLine(): string {
  const m = machineInfo();
  return `${m.cpu}, ${m.nproc} cpus, Node ${m.node}, ${m.os}, load ${m.loadavg.join(' ')}, ${m.date}`;
}

/** Writes <resultsDir>/<name>.json with the machine info and options beside the data; returns its path relative to the working directory, or null without a resultsDir. */
export function writeResult(name: string, options: BenchOptions, data: Record<string, unknown>): string | null {
  if (options.resultsDir === undefined) return null;
  const path = join(options.resultsDir, `${name}.json`);
  const payload = { case: name, quick: options.quick, rows: options.rows, machine: machineInfo(), ...data };
  writeOutputFile(path, `${JSON.stringify(payload, null, 2)}\n`);
  return relative(process.cwd(), path);
}
