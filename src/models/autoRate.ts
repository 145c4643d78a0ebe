// learningRate 'auto': the base rate picked by trial before training, as Bottou's
// svmsgd picks its rate on a sample (try rates a factor apart, keep the one whose
// short run ends at the lowest loss). Each trial starts from the same saved state
// and the state is restored after the last, so the model never sees a trial.
import type { BatchConfig, Trainer, TrainingData } from '../engines/engine.js';
import { below, type RngState } from '../reference/random.js';
import type { RateSearch } from './history.js';

/** The sample: at most this many training rows, drawn with the fit's seed. */
export const SAMPLE_ROWS = 1024;
/** At most this many trials; each is `passes` training passes over the sample and one evaluating pass. */
export const MAX_TRIALS = 12;
/** Trials walk from 0.01 in half-decade steps (down to 1e-8, up to 100), then try the quarter-decades beside the best. */
const START = 0.01;
const STEP = Math.sqrt(10);
const LOWEST = 1e-8;
const HIGHEST = 100;

/** Row indices of the sample, increasing: a seeded uniform choice of min(rows, SAMPLE_ROWS) of 0..rows-1. */
export function sampleIndices(rows: number, rng: RngState): Uint32Array {
  const n = Math.min(rows, SAMPLE_ROWS);
  const pick = new Uint32Array(rows);
  for (let i = 0; i < rows; i++) pick[i] = i;
  for (let i = 0; i < n; i++) {
    const j = i + below(rng, rows - i); // partial Fisher-Yates
    [pick[i], pick[j]] = [pick[j], pick[i]];
  }
  return pick.subarray(0, n).sort();
}

/**
 * Passes over the sample per trial: enough for 8 steps, but at most epochs/25 (so the
 * search costs a bounded share of a short fit) and at least 1.
 */
export function trialPasses(sampleRows: number, batchSize: number, epochs: number): number {
  return Math.max(1, Math.min(Math.ceil(8 / Math.ceil(sampleRows / batchSize)), Math.floor(epochs / 25)));
}

/**
 * Tries rates on the sample (already in the engine, unshuffled) from the trainer's current
 * state; returns the best and what it cost. trainRows: the fit's training rows, to state the
 * cost in its epochs.
 */
export function searchRate(
  trainer: Trainer, sample: TrainingData, batchSize: number, passes: number, l1: number, l2: number, trainRows: number, rng: RngState,
): RateSearch {
  const t0 = performance.now();
  const start = trainer.saveState();
  const rows = sample.rows;
  const batches = Math.ceil(rows / batchSize);
  const config: BatchConfig = { batchSize, lrs: new Float64Array(batches), l1, l2 };
  const tried: [number, number][] = [];
  let steps = 0;
  let visits = 0;
  // One pass at rate lr; its mean loss (each row at the parameters its batch saw), Infinity if it diverged.
  const pass = (lr: number): number => {
    config.lrs.fill(lr);
    trainer.beginEpoch(sample, rng);
    const s = trainer.trainBatches(sample, config, 0, batches);
    visits += rows;
    if (lr > 0) steps += batches;
    return s.diverged < 0 && Number.isFinite(s.gradNorm) ? s.lossSum / rows : Infinity;
  };
  const trial = (lr: number): number => {
    trainer.restoreState(start);
    let loss = 0;
    for (let p = 0; p < passes && loss < Infinity; p++) loss = pass(lr);
    if (loss < Infinity) loss = pass(0); // rate 0 changes no parameter: the loss where the trial ended
    tried.push([lr, loss]);
    return loss;
  };
  let best = START;
  let bestLoss = Infinity;
  const consider = (lr: number): boolean => {
    const loss = trial(lr);
    if (!(loss < bestLoss)) return false;
    best = lr;
    bestLoss = loss;
    return true;
  };
  // Walk while the loss improves. While every trial so far diverged, the walk down takes whole decades.
  const walk = (factor: number) => {
    let lr = best;
    while (tried.length < MAX_TRIALS - 2) {
      lr *= bestLoss === Infinity && factor < 1 ? factor * factor : factor;
      if (lr < LOWEST || lr > HIGHEST) return;
      if (!consider(lr) && (bestLoss < Infinity || factor > 1)) return;
    }
  };
  try {
    consider(START);
    walk(STEP); // up from the start, or down if going up did not help
    if (best === START) walk(1 / STEP);
    const coarse = best;
    consider(coarse * Math.sqrt(STEP));
    consider(coarse / Math.sqrt(STEP));
  } finally {
    trainer.restoreState(start);
  }
  // If every trial diverged, the smallest tried: training then stops with DivergenceError as any fixed rate would.
  const rate = bestLoss < Infinity ? best : Math.min(...tried.map((t) => t[0]));
  return { rate, tried, rows, steps, epochs: visits / trainRows, timeMs: performance.now() - t0 };
}
