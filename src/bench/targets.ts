// The performance targets for the train and optimizers cases, judged PASS or MISS.
// A MISS is reported, never fatal: shared machines are noisy.

/** The configuration the targets are stated for. */
export const TARGET_CONFIG = { rows: 100_000, features: 64, batch: 64 } as const;

/** Median epoch and bound times (ms) of the target configuration; undefined when not measured. */
export interface TargetInputs {
  jsShuffled?: number;
  simdShuffled?: number;
  simdInOrder?: number;
  randomReadBound?: number;
  sequentialReadBound?: number;
}

/** One target: what was measured against what it should be, and whether it passed (null: not measured). */
export interface TargetResult {
  target: string;
  measured: number;
  goal: string;
  pass: boolean | null;
}

/** Judges the three targets. */
export function judgeTargets(t: TargetInputs): TargetResult[] {
  const ratio = (a?: number, b?: number) => (a !== undefined && b !== undefined ? a / b : NaN);
  const judge = (target: string, measured: number, goal: string, ok: (x: number) => boolean): TargetResult => ({
    target, measured, goal, pass: Number.isFinite(measured) ? ok(measured) : null,
  });
  return [
    judge('shuffled: js / wasm-simd', ratio(t.jsShuffled, t.simdShuffled), '>= 8', (x) => x >= 8),
    judge('shuffled: wasm-simd / random-read bound', ratio(t.simdShuffled, t.randomReadBound), '< 1', (x) => x < 1),
    judge('unshuffled: wasm-simd / sequential-read bound', ratio(t.simdInOrder, t.sequentialReadBound), '<= 2', (x) => x <= 2),
  ];
}

/** PASS, MISS or n/a. */
export function verdict(pass: boolean | null): string {
  return pass === null ? 'n/a' : pass ? 'PASS' : 'MISS';
}

/** The configuration of the optimizer-overhead target (case `optimizers`, engine wasm-simd). */
export const ADAM_TARGET = { rows: 100_000, features: 64, batch: 64, maxRatio: 1.1 } as const;

/** Judges "the fused Adam update adds less than 10% to an SGD epoch" from the two interleaved medians (ms). */
export function judgeAdamOverhead(label: string, sgdMs: number, adamMs: number): TargetResult {
  const measured = adamMs / sgdMs;
  return {
    target: label,
    measured,
    goal: `< ${ADAM_TARGET.maxRatio.toFixed(2)}`,
    pass: Number.isFinite(measured) ? measured < ADAM_TARGET.maxRatio : null,
  };
}

/** The configuration of the MLP targets (case `mlp`), and the goals issue 7 sets for it on this 2-core machine. */
export const MLP_TARGET = {
  rows: 50_000, inputs: 64, hidden: 64, batch: 64,
  /** wasm-simd at least this many times faster than the hand-written plain-JS loop. */
  minSpeedup: 10,
  /** wasm-simd at most this many ms per epoch. */
  maxMs: 40,
  /** wasm-simd at least this fraction of the measured arithmetic peak. */
  minPeakFraction: 0.5,
} as const;

/** Judges the three MLP targets from the median epoch times (ms), the epoch's FLOP count and the measured peak (FLOP/s). */
export function judgeMlpTargets(t: { plainJsMs?: number; simdMs?: number; flopsPerEpoch: number; peakFlopsPerSec?: number }): TargetResult[] {
  const simd = t.simdMs ?? NaN;
  const judge = (target: string, measured: number, goal: string, ok: (x: number) => boolean): TargetResult => ({
    target, measured, goal, pass: Number.isFinite(measured) ? ok(measured) : null,
  });
  return [
    judge('plain JS / wasm-simd', (t.plainJsMs ?? NaN) / simd, `>= ${MLP_TARGET.minSpeedup}x`, (x) => x >= MLP_TARGET.minSpeedup),
    judge('wasm-simd ms per epoch', simd, `<= ${MLP_TARGET.maxMs} ms`, (x) => x <= MLP_TARGET.maxMs),
    judge(
      'wasm-simd GFLOP/s / peak', t.flopsPerEpoch / (simd / 1000) / (t.peakFlopsPerSec ?? NaN),
      `>= ${MLP_TARGET.minPeakFraction * 100}%`, (x) => x >= MLP_TARGET.minPeakFraction,
    ),
  ];
}
