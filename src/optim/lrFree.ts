// Learning-rate-free optimizers in plain float64 TypeScript, each written from its paper's
// algorithm box; the reference assembly/lrFree.ts is held to. The one parameter group is the
// whole flat parameter vector (weights and biases). `lr` is the paper's gamma_k: a multiplier
// of the adapted step (default 1), or for Schedule-Free the step size itself; a schedule
// multiplies it. Deviations from the papers are marked "Deviation:".
import type { OptimizerState, ResolvedOptimizer } from './optimizers.js';

/** Names of the learning-rate-free optimizers. */
export type LrFreeName = 'prodigy' | 'dadapt-sgd' | 'dadapt-adam' | 'dog' | 'schedule-free-sgd' | 'schedule-free-adamw';

export const LR_FREE: readonly LrFreeName[] = ['prodigy', 'dadapt-sgd', 'dadapt-adam', 'dog', 'schedule-free-sgd', 'schedule-free-adamw'];

/** Whether name is a learning-rate-free optimizer. */
export function isLrFree(name: string): name is LrFreeName {
  return (LR_FREE as readonly string[]).includes(name);
}

const ADAM = { betas: [0.9, 0.999] as [number, number], eps: 1e-8, weightDecay: 0 };
const ADAPT = { d0: 1e-6, growthRate: Infinity };

/** The papers' defaults (and their authors' packages' where a box leaves one open); the keys listed are the only ones each accepts. */
export const LR_FREE_DEFAULTS = {
  prodigy: { ...ADAM, ...ADAPT },
  'dadapt-adam': { ...ADAM, ...ADAPT },
  'dadapt-sgd': { momentum: 0, weightDecay: 0, ...ADAPT },
  dog: { weightDecay: 0 },
  'schedule-free-sgd': { momentum: 0.9, weightDecay: 0 },
  'schedule-free-adamw': ADAM,
};

/** The learning rate fit uses when none is given: 1 (the multiplier) for the adaptive ones; Schedule-Free's authors' step sizes. */
export const LR_FREE_RATE: Record<LrFreeName, number> = {
  prodigy: 1, 'dadapt-sgd': 1, 'dadapt-adam': 1, dog: 1, 'schedule-free-sgd': 1, 'schedule-free-adamw': 0.0025,
};

/** State vectors per parameter (the extra memory, in parameter-sized float32 vectors in WASM). */
export const LR_FREE_SLOTS: Record<LrFreeName, number> = {
  prodigy: 4, // m, v, s, x0
  'dadapt-adam': 3, // m, v, s
  'dadapt-sgd': 2, // s, x0
  dog: 1, // x0
  'schedule-free-sgd': 2, // z, x
  'schedule-free-adamw': 3, // z, x, v
};

// scalars: [0] d (prodigy, dadapt-*), r-bar (dog), sum of gamma_t^2 (schedule-free);
// [1] d-hat's numerator r (prodigy, dadapt-*), sum of squared gradient norms (dog); [2] ||g_0|| (dadapt-sgd).

/** One step of a learning-rate-free optimizer (optimizerStep has counted it in state.step). */
export function lrFreeStep(o: ResolvedOptimizer, s: OptimizerState, p: Float64Array, grad: Float64Array, lr: number): void {
  // Step 1 records the starting point x0 (and Schedule-Free's z_1 = x_1 = x0).
  if (s.step === 1) {
    if (o.name === 'prodigy') s.slots[3].set(p);
    else if (o.name === 'dadapt-sgd' || o.name === 'dog') s.slots[s.slots.length - 1].set(p);
    else if (o.name.startsWith('schedule')) { s.slots[0].set(p); s.slots[1].set(p); }
  }
  const g = grad.map((gi, i) => (o.weightDecay !== 0 && o.name !== 'prodigy' && o.name !== 'schedule-free-adamw' ? gi + o.weightDecay * p[i] : gi));
  switch (o.name) {
    case 'prodigy': prodigy(o, s, p, g, lr); break;
    case 'dadapt-adam': dadaptAdam(o, s, p, g, lr); break;
    case 'dadapt-sgd': dadaptSgd(o, s, p, g, lr); break;
    case 'dog': dog(s, p, g, lr); break;
    case 'schedule-free-sgd': scheduleFree(o, s, p, g, lr, false); break;
    default: scheduleFree(o, s, p, g, lr, true);
  }
}

function norm(a: Float64Array): number {
  let sq = 0;
  for (const v of a) sq += v * v;
  return Math.sqrt(sq);
}

/** d_{k+1} = max(d_k, min(d-hat, d_k * growthRate)); no new estimate while its denominator is 0 (all gradients so far 0). */
function grow(o: ResolvedOptimizer, s: OptimizerState, num: number, den: number): void {
  const d = s.scalars[0];
  if (den > 0) s.scalars[0] = Math.max(d, Math.min(num / den, d * o.growthRate));
}

/*
 * Prodigy, Adam version: Mishchenko & Defazio 2023 (arXiv:2306.06101), Algorithm 3, k from 0, gamma_k = lr:
 *   m <- beta1 m + (1 - beta1) d_k g
 *   v <- beta2 v + (1 - beta2) d_k^2 g^2
 *   r <- sqrt(beta2) r + (1 - sqrt(beta2)) gamma_k d_k^2 <g, x0 - x_k>
 *   s <- sqrt(beta2) s + (1 - sqrt(beta2)) gamma_k d_k^2 g
 *   d_{k+1} = max(d_k, r / ||s||_1)
 *   x <- x - gamma_k d_k m / (sqrt(v) + d_k eps)
 * Weight decay (not in the box) is decoupled, x <- x (1 - weightDecay gamma_k d_k), as the authors' package does by default.
 */
function prodigy(o: ResolvedOptimizer, s: OptimizerState, p: Float64Array, g: Float64Array, lr: number): void {
  const [m, v, sv, x0] = s.slots;
  const [b1, b2] = o.betas;
  const b3 = Math.sqrt(b2);
  const d = s.scalars[0];
  let num = 0;
  let den = 0;
  for (let i = 0; i < p.length; i++) {
    num += g[i] * (x0[i] - p[i]);
    m[i] = b1 * m[i] + (1 - b1) * d * g[i];
    v[i] = b2 * v[i] + (1 - b2) * d * d * g[i] * g[i];
    sv[i] = b3 * sv[i] + (1 - b3) * lr * d * d * g[i];
    den += Math.abs(sv[i]);
    p[i] = p[i] * (1 - o.weightDecay * lr * d) - (lr * d * m[i]) / (Math.sqrt(v[i]) + d * o.eps);
  }
  s.scalars[1] = b3 * s.scalars[1] + (1 - b3) * lr * d * d * num;
  grow(o, s, s.scalars[1], den);
}

/*
 * D-Adapted Adam: Defazio & Mishchenko 2023 (ICML, arXiv:2301.07733), Adam variant, k from 0, gamma_k = lr,
 * in the form of the authors' package (v3): the inner product uses the denominator before this step's v.
 *   r <- sqrt(beta2) r + (1 - sqrt(beta2)) d_k gamma_k <g, s_k / (sqrt(v_k) + eps)>
 *   m <- beta1 m + (1 - beta1) d_k gamma_k g
 *   v <- beta2 v + (1 - beta2) g^2
 *   s <- sqrt(beta2) s + (1 - sqrt(beta2)) d_k gamma_k g
 *   d_{k+1} = max(d_k, r / ((1 - sqrt(beta2)) ||s||_1))
 *   x <- x - m / (sqrt(v) + eps)
 * Weight decay is added to g (coupled), the package's default.
 */
function dadaptAdam(o: ResolvedOptimizer, s: OptimizerState, p: Float64Array, g: Float64Array, lr: number): void {
  const [m, v, sv] = s.slots;
  const [b1, b2] = o.betas;
  const b3 = Math.sqrt(b2);
  const dl = s.scalars[0] * lr;
  let num = 0;
  let den = 0;
  for (let i = 0; i < p.length; i++) {
    num += (g[i] * sv[i]) / (Math.sqrt(v[i]) + o.eps);
    m[i] = b1 * m[i] + (1 - b1) * dl * g[i];
    v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
    sv[i] = b3 * sv[i] + (1 - b3) * dl * g[i];
    den += Math.abs(sv[i]);
    p[i] -= m[i] / (Math.sqrt(v[i]) + o.eps);
  }
  s.scalars[1] = b3 * s.scalars[1] + (1 - b3) * dl * num;
  grow(o, s, s.scalars[1], (1 - b3) * den);
}

/*
 * D-Adapted SGD: Defazio & Mishchenko 2023 (ICML, arXiv:2301.07733), SGD variant with momentum as primal averaging, k from 0:
 *   lambda_k = d_k gamma_k / ||g_0||
 *   r <- r + lambda_k <g, s_k>
 *   s <- s + lambda_k g
 *   x <- beta x + (1 - beta) (x0 - s)          (z_{k+1} = x0 - s_{k+1}; beta = momentum, 0 by default as in the package)
 *   d_{k+1} = max(d_k, 2 r / ||s||)
 * Deviation: ||g_0|| is the first non-zero gradient norm (the box divides by zero when the first gradient is 0; until then nothing moves).
 */
function dadaptSgd(o: ResolvedOptimizer, s: OptimizerState, p: Float64Array, g: Float64Array, lr: number): void {
  const [sv, x0] = s.slots;
  if (s.scalars[2] === 0) s.scalars[2] = norm(g);
  if (s.scalars[2] === 0) return;
  const lambda = (s.scalars[0] * lr) / s.scalars[2];
  let num = 0;
  let sq = 0;
  for (let i = 0; i < p.length; i++) {
    num += g[i] * sv[i];
    sv[i] += lambda * g[i];
    sq += sv[i] * sv[i];
    p[i] = o.momentum * p[i] + (1 - o.momentum) * (x0[i] - sv[i]);
  }
  s.scalars[1] += lambda * num;
  grow(o, s, 2 * s.scalars[1], Math.sqrt(sq));
}

/*
 * DoG (global): Ivgi, Hinder & Carmon 2023 (arXiv:2302.12022), Algorithm 1, t from 0:
 *   r-bar_t = max(r_eps, max_{i <= t} ||x_i - x_0||),  r_eps = 1e-6 (1 + ||x_0||)
 *   eta_t = gamma r-bar_t / sqrt(sum_{i <= t} ||g_i||^2)
 *   x <- x - eta_t g
 * Weight decay is added to g (coupled), as the authors' package does. No iterate averaging: the model is the last iterate.
 */
function dog(s: OptimizerState, p: Float64Array, g: Float64Array, lr: number): void {
  const x0 = s.slots[0];
  if (s.step === 1) s.scalars[0] = 1e-6 * (1 + norm(x0));
  let dist = 0;
  let gsq = 0;
  for (let i = 0; i < p.length; i++) {
    dist += (p[i] - x0[i]) ** 2;
    gsq += g[i] * g[i];
  }
  s.scalars[0] = Math.max(s.scalars[0], Math.sqrt(dist));
  s.scalars[1] += gsq;
  const eta = s.scalars[1] > 0 ? (lr * s.scalars[0]) / Math.sqrt(s.scalars[1]) : 0;
  for (let i = 0; i < p.length; i++) p[i] -= eta * g[i];
}

/*
 * Schedule-Free SGD and AdamW: Defazio et al. 2024 (arXiv:2405.15682), Algorithms 1 (SGD) and 2 (AdamW), t from 1,
 * without warmup (a schedule or warmup given to fit multiplies gamma_t instead):
 *   y_t = (1 - beta) z_t + beta x_t              (the parameters the gradient is taken at)
 *   SGD:   z <- z - gamma_t (g + weightDecay y),                    gamma_t = lr
 *   AdamW: v <- beta2 v + (1 - beta2) g^2;
 *          z <- z - gamma_t (g / (sqrt(v) + eps) + weightDecay y),  gamma_t = lr sqrt(1 - beta2^t)
 *   c = gamma_t^2 / sum_{i <= t} gamma_i^2
 *   x <- (1 - c) x + c z                         (the evaluation point)
 * beta is momentum (SGD) or betas[0] (AdamW). p holds y while training and x otherwise (toEvaluationPoint);
 * x is stored, not recovered from y and z, so switching is exact in float32 (one vector more than the authors' code).
 */
function scheduleFree(o: ResolvedOptimizer, s: OptimizerState, p: Float64Array, g: Float64Array, lr: number, adam: boolean): void {
  const [z, x, v] = s.slots;
  const beta = adam ? o.betas[0] : o.momentum;
  const b2 = o.betas[1];
  const gamma = adam ? lr * Math.sqrt(1 - b2 ** s.step) : lr;
  s.scalars[0] += gamma * gamma;
  const c = s.scalars[0] > 0 ? (gamma * gamma) / s.scalars[0] : 0;
  for (let i = 0; i < p.length; i++) {
    let u = g[i];
    if (adam) {
      v[i] = b2 * v[i] + (1 - b2) * u * u;
      u = u / (Math.sqrt(v[i]) + o.eps) + o.weightDecay * p[i];
    }
    z[i] -= gamma * u;
    x[i] = (1 - c) * x[i] + c * z[i];
    p[i] = (1 - beta) * z[i] + beta * x[i];
  }
}

/**
 * Where the model is evaluated: Schedule-Free's x once it has stepped (evaluation and saving
 * read the parameters), else the parameters as they are. The epoch calls this as it ends.
 */
export function toEvaluationPoint(o: ResolvedOptimizer, s: OptimizerState, p: Float64Array): void {
  if (o.name.startsWith('schedule') && s.step > 0) p.set(s.slots[1]);
}

/** Back to where gradients are taken (Schedule-Free's y from z and x, as its step computes it); the epoch calls this as it starts. */
export function toGradientPoint(o: ResolvedOptimizer, s: OptimizerState, p: Float64Array): void {
  if (!o.name.startsWith('schedule') || s.step === 0) return;
  const beta = o.name === 'schedule-free-adamw' ? o.betas[0] : o.momentum;
  const [z, x] = s.slots;
  for (let i = 0; i < p.length; i++) p[i] = (1 - beta) * z[i] + beta * x[i];
}
