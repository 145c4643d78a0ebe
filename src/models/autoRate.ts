// learningRate 'auto': the base rate picked by trial before training, as Bottou's
// svmsgd picks its rate on a sample (try rates a factor apart, keep the one whose
// run ends at the lowest loss). Each trial starts from the same saved state and the
// state is restored after the last, so the model never sees a trial.
//
// Two stages. Short trials find the region: a few dozen steps rank rates well enough
// to discard the ones that crawl or blow up, but they are biased toward the rate that
// is best over a short horizon. For a classic optimizer at a fixed rate the best rate
// depends on the horizon (where the loss keeps falling, as on separable or
// ill-conditioned problems, a longer run wants a larger rate), so a second stage runs
// long trials, a quarter of the fit's training steps on the sample, and moves the rate up
// while that clearly helps (and down while the long run diverges). Those trials visit the
// sample in one order every pass, which hides the noise a fit's fresh order each epoch adds
// near the largest stable rate, so the last step up is kept only if it also holds on the
// sample reshuffled every pass, as the fit trains. Schedule-Free and
// the other learning-rate-free optimizers are built not to need the horizon; they
// stop after the first stage, which keeps the default fit's search cheap.
import type { BatchConfig, Trainer, TrainingData } from '../engines/engine.js';
import { below, type RngState } from '../reference/random.js';
import type { RateSearch } from './history.js';

/** The sample: at most this many training rows, drawn with the fit's seed. */
export const SAMPLE_ROWS = 1024;
/** At most this many short trials; each is `passes` training passes over the sample and one evaluation. */
export const MAX_TRIALS = 12;
/**
 * At most this many long trials (classic optimizers only); each is `longPasses` passes. Two more
 * (reshuffled) check the last step up.
 */
export const MAX_LONG_TRIALS = 6;
/**
 * Rates whose losses are within this fraction count as tied. Among the short trials the
 * smallest tied rate wins (at a fixed rate a larger one is noisier over a long run); a long
 * trial moves the rate up only if it beats the current one by more than this.
 */
export const TIE = 0.05;
/**
 * Trials walk from START in half-decade steps (down to 1e-8, up to 100), then try the quarter-decades
 * beside the best. A learning-rate-free optimizer's walk starts at LR_FREE_START: the default,
 * Schedule-Free AdamW, chose 0.056 to 56 on every bench problem, so two trials below 0.1 were spent
 * on every default fit (the same rates are chosen from either start there, with 15-30% fewer
 * search epochs).
 */
const START = 0.01;
const LR_FREE_START = 0.1;
const STEP = Math.sqrt(10);
/** The second stage moves in quarter-decades (x1.78): near the largest stable rate half a decade is too coarse. */
const FINE = Math.sqrt(STEP);
/** A long trial is scored by the highest of the losses after its last this many passes. */
export const LONG_ENDS = 3;
const LOWEST = 1e-8;
const HIGHEST = 100;

/**
 * Row indices of the sample, in a seeded random order: min(rows, SAMPLE_ROWS) of 0..rows-1.
 * Random order, not sorted: the trials visit the sample in this order every pass, and data
 * stored by class (iris) would otherwise give batches of one class.
 */
export function sampleIndices(rows: number, rng: RngState): Uint32Array {
  const n = Math.min(rows, SAMPLE_ROWS);
  const pick = new Uint32Array(rows);
  for (let i = 0; i < rows; i++) pick[i] = i;
  for (let i = 0; i < n; i++) {
    const j = i + below(rng, rows - i); // partial Fisher-Yates
    [pick[i], pick[j]] = [pick[j], pick[i]];
  }
  return pick.slice(0, n);
}

/**
 * Passes over the sample per short trial: enough for 8 steps, but at most epochs/50 (so the
 * first stage costs a bounded share of a short fit: the default's whole search, on data of at
 * most 1024 rows) and at least 1.
 */
export function trialPasses(sampleRows: number, batchSize: number, epochs: number): number {
  return Math.max(1, Math.min(Math.ceil(8 / Math.ceil(sampleRows / batchSize)), Math.floor(epochs / 50)));
}

/**
 * Passes over the sample per long trial: a quarter of the fit's steps (the rate that is best
 * depends on how many steps it takes), but at most `epochs` passes (a sample of 1024 rows
 * stands for at most 4096). The second stage then costs at most about two fits.
 */
export function longPasses(epochs: number, sampleRows: number, trainRows: number): number {
  return Math.ceil((epochs / 4) * Math.min(4, trainRows / sampleRows));
}

/** How a search runs. */
export interface SearchPlan {
  batchSize: number;
  /** Passes per short trial (trialPasses). */
  passes: number;
  /** Passes per long trial (longPasses), or 0: no second stage (a learning-rate-free optimizer, whose walk also starts higher). */
  longPasses: number;
  l1: number;
  l2: number;
  /** The fit's training rows, to state the cost in its epochs. */
  trainRows: number;
  /** The sample's mean loss (penalties included) at the parameters the method is evaluated at. */
  evaluate: (sample: TrainingData) => number;
  /** The same sample loaded again to be visited in a fresh order every pass, as the fit visits its rows. */
  reshuffled: () => TrainingData;
}

/**
 * Tries rates on the sample (already in the engine, unshuffled) from the trainer's current
 * state; returns the rate chosen and what it cost. rng: a copy of the fit's stream (the
 * reshuffled check's visit orders come from it; the fit's own stream is not moved).
 */
export function searchRate(trainer: Trainer, sample: TrainingData, plan: SearchPlan, rng: RngState): RateSearch {
  const t0 = performance.now();
  const start = trainer.saveState();
  const rows = sample.rows;
  const batches = Math.ceil(rows / plan.batchSize);
  const config: BatchConfig = { batchSize: plan.batchSize, lrs: new Float64Array(batches), l1: plan.l1, l2: plan.l2 };
  const tried: [number, number][] = [];
  const longTried: [number, number][] = [];
  const shuffledTried: [number, number][] = [];
  let steps = 0;
  let visits = 0;
  const order = new Uint32Array(4);
  // A run of passes at rate lr from the start (Infinity if any step diverged), scored by the highest loss after
  // each of its last `ends` passes: a rate that bounces is judged by where a fit could end, not by a lucky pass.
  // On the reshuffled sample (mean) their mean: each pass's loss is then a draw of where a fit could end.
  const run = (lr: number, passes: number, ends: number, mean = false): number => {
    trainer.restoreState(start);
    order.set(rng); // every run visits the same sequence of orders: rates are compared on equal terms
    config.lrs.fill(lr);
    let worst = 0;
    for (let p = 0; p < passes; p++) {
      trainer.beginEpoch(sample, order);
      const s = trainer.trainBatches(sample, config, 0, batches);
      visits += rows;
      steps += s.batches;
      if (s.diverged >= 0 || !Number.isFinite(s.gradNorm) || !Number.isFinite(s.lossSum)) return Infinity;
      if (p >= passes - ends) {
        visits += rows; // the evaluation's forward pass
        const loss = plan.evaluate(sample);
        worst = mean ? worst + loss / ends : Math.max(worst, loss);
      }
    }
    return Number.isFinite(worst) ? worst : Infinity;
  };
  const first = plan.longPasses > 0 ? START : LR_FREE_START; // long trials: a classic optimizer
  let best = first;
  let bestLoss = Infinity;
  const consider = (lr: number): boolean => {
    const loss = run(lr, plan.passes, 1);
    tried.push([lr, loss]);
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
  let rate: number;
  try {
    consider(first);
    walk(STEP); // up from the start, or down if going up did not help
    if (best === first) walk(1 / STEP);
    const coarse = best;
    consider(coarse * FINE);
    consider(coarse / FINE);
    // If every trial diverged, the smallest tried: training then stops with DivergenceError as any fixed rate would.
    rate = bestLoss < Infinity
      ? Math.min(...tried.filter((t) => t[1] <= bestLoss * (1 + TIE)).map((t) => t[0]))
      : Math.min(...tried.map((t) => t[0]));
    if (plan.longPasses > 0 && bestLoss < Infinity) rate = lengthen(rate);
  } finally {
    trainer.restoreState(start);
  }

  // The second stage: long trials from the first stage's rate. A rate whose long run diverges
  // steps down; otherwise each quarter-decade up is kept while its long run ends clearly lower.
  function lengthen(from: number): number {
    trainer.restoreState(start);
    visits += rows;
    const initial = plan.evaluate(sample);
    // A long run that ends above where it started is diverging, slowly: it counts as diverged.
    const long = (lr: number) => {
      let loss = run(lr, plan.longPasses, LONG_ENDS);
      if (loss > initial) loss = Infinity;
      longTried.push([lr, loss]);
      return loss;
    };
    let lr = from;
    let loss = long(lr);
    const diverged = loss === Infinity;
    while (loss === Infinity && longTried.length < MAX_LONG_TRIALS && lr / FINE >= LOWEST) loss = long((lr /= FINE));
    if (loss === Infinity) return Math.min(...longTried.map((t) => t[0]));
    // Up only from a rate whose long run held: above one that diverged there is nothing to gain.
    while (!diverged && longTried.length < MAX_LONG_TRIALS && lr * FINE <= HIGHEST) {
      const next = long(lr * FINE);
      if (!(next * (1 + TIE) < loss)) break;
      lr *= FINE;
      loss = next;
    }
    if (!(lr > from)) return lr; // no step up (or only down, from a rate that diverged): nothing to check
    // The last step up, checked on the sample reshuffled every pass: a rate that settles into a good
    // cycle for one order can end far worse when the order changes every epoch (iris at 17.8).
    sample = plan.reshuffled();
    for (const r of [lr / FINE, lr]) shuffledTried.push([r, run(r, plan.longPasses, LONG_ENDS, true)]);
    return shuffledTried[1][1] <= shuffledTried[0][1] * (1 + TIE) ? lr : lr / FINE;
  }

  return { rate, tried, longTried, shuffledTried, rows, steps, epochs: visits / plan.trainRows, timeMs: performance.now() - t0 };
}

/** The weights' penalty l2/2 ||w||^2 + l1 ||w||_1 (biases are not penalized), as training adds it. */
export function penalty(params: Float64Array, weights: { start: number; count: number }[], l1: number, l2: number): number {
  let sq = 0;
  let abs = 0;
  for (const w of weights) {
    for (let i = w.start; i < w.start + w.count; i++) {
      sq += params[i] * params[i];
      abs += Math.abs(params[i]);
    }
  }
  return (l2 / 2) * sq + l1 * abs;
}
