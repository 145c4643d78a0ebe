// Independent float64 oracles of the learning-rate-free optimizers, written from the papers'
// equations (and, where a box leaves a choice open, the authors' packages), not from
// src/optim/lrFree.ts, and arranged differently where the mathematics allows:
// - Prodigy and D-Adapt Adam update the estimate of d before the iterate, in the paper's order;
// - D-Adapt SGD keeps z explicitly and takes d-hat from the original identity
//   (||s||^2 - sum lambda_i^2 ||g_i||^2) / ||s|| (the engines use 2 sum lambda_i <g_i, s_i> / ||s||);
// - DoG keeps every iterate and takes the largest distance from x0 over all of them;
// - Schedule-Free keeps y and z only (the authors' memory-saving form) and recovers the
//   evaluation point as x = (y - (1 - beta) z) / beta (the engines store x).
// The step function mutates p, the point where the gradient was taken; `evaluate` gives the
// point where the model is evaluated (Schedule-Free's x; the others: p itself).

export type LrFreeOracleOptions =
  | { name: 'prodigy' | 'dadapt-adam'; betas?: [number, number]; eps?: number; weightDecay?: number; d0?: number; growthRate?: number }
  | { name: 'dadapt-sgd'; momentum?: number; weightDecay?: number; d0?: number; growthRate?: number }
  | { name: 'dog'; weightDecay?: number }
  | { name: 'schedule-free-sgd'; momentum?: number; weightDecay?: number }
  | { name: 'schedule-free-adamw'; betas?: [number, number]; eps?: number; weightDecay?: number };

export interface OracleStep {
  (p: number[], g: number[], lr: number): void;
  evaluate?: (p: readonly number[]) => number[];
}

const norm = (v: readonly number[]) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));
const zeros = (n: number) => new Array<number>(n).fill(0);

/** One learning-rate-free optimizer's state and its update, for n parameters. */
export function makeLrFreeOptimizer(o: LrFreeOracleOptions, n: number): OracleStep {
  const wd = o.weightDecay ?? 0;
  switch (o.name) {
    case 'prodigy': {
      // Mishchenko & Defazio 2023, Algorithm 3 (Adam version); decoupled weight decay as in prodigyopt.
      const [b1, b2] = o.betas ?? [0.9, 0.999];
      const eps = o.eps ?? 1e-8;
      const growth = o.growthRate ?? Infinity;
      let d = o.d0 ?? 1e-6;
      let r = 0;
      const m = zeros(n), v = zeros(n), s = zeros(n);
      let x0: number[] | null = null;
      return (x, g, gamma) => {
        x0 ??= [...x];
        const b3 = Math.sqrt(b2);
        let inner = 0;
        for (let i = 0; i < n; i++) inner += g[i] * (x0[i] - x[i]);
        r = b3 * r + (1 - b3) * gamma * d * d * inner;
        for (let i = 0; i < n; i++) s[i] = b3 * s[i] + (1 - b3) * gamma * d * d * g[i];
        const sL1 = s.reduce((a, b) => a + Math.abs(b), 0);
        const dNext = sL1 > 0 ? Math.max(d, Math.min(r / sL1, d * growth)) : d;
        for (let i = 0; i < n; i++) {
          m[i] = b1 * m[i] + (1 - b1) * d * g[i];
          v[i] = b2 * v[i] + (1 - b2) * d * d * g[i] * g[i];
          x[i] = x[i] - wd * gamma * d * x[i] - (gamma * d * m[i]) / (Math.sqrt(v[i]) + d * eps);
        }
        d = dNext;
      };
    }
    case 'dadapt-adam': {
      // Defazio & Mishchenko 2023, Adam variant as in dadaptation 3.x: coupled weight decay, <g, s_k> weighted by
      // 1 / (sqrt(v_k) + eps) before this step's v, d-hat = r / ((1 - sqrt(beta2)) ||s||_1).
      const [b1, b2] = o.betas ?? [0.9, 0.999];
      const eps = o.eps ?? 1e-8;
      const growth = o.growthRate ?? Infinity;
      let d = o.d0 ?? 1e-6;
      let r = 0;
      const m = zeros(n), v = zeros(n), s = zeros(n);
      return (x, g0, gamma) => {
        const b3 = Math.sqrt(b2);
        const g = g0.map((gi, i) => gi + wd * x[i]);
        let inner = 0;
        for (let i = 0; i < n; i++) inner += (g[i] * s[i]) / (Math.sqrt(v[i]) + eps);
        r = b3 * r + (1 - b3) * d * gamma * inner;
        for (let i = 0; i < n; i++) s[i] = b3 * s[i] + (1 - b3) * d * gamma * g[i];
        const sL1 = s.reduce((a, b) => a + Math.abs(b), 0);
        const dNext = sL1 > 0 ? Math.max(d, Math.min(r / ((1 - b3) * sL1), d * growth)) : d;
        for (let i = 0; i < n; i++) {
          m[i] = b1 * m[i] + (1 - b1) * d * gamma * g[i];
          v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
          x[i] -= m[i] / (Math.sqrt(v[i]) + eps);
        }
        d = dNext;
      };
    }
    case 'dadapt-sgd': {
      // Defazio & Mishchenko 2023, SGD with momentum as primal averaging: lambda = d gamma / ||g_0||,
      // s += lambda g, z -= lambda g, x = beta x + (1 - beta) z, d-hat = (||s||^2 - sum lambda^2 ||g||^2) / ||s||.
      const beta = o.momentum ?? 0;
      const growth = o.growthRate ?? Infinity;
      let d = o.d0 ?? 1e-6;
      let g0norm = 0;
      let weightedSq = 0;
      const s = zeros(n);
      let z: number[] | null = null;
      return (x, gRaw, gamma) => {
        z ??= [...x];
        const g = gRaw.map((gi, i) => gi + wd * x[i]);
        if (g0norm === 0) g0norm = norm(g);
        if (g0norm === 0) return;
        const lambda = (d * gamma) / g0norm;
        weightedSq += lambda * lambda * norm(g) ** 2;
        for (let i = 0; i < n; i++) {
          s[i] += lambda * g[i];
          z[i] -= lambda * g[i];
          x[i] = beta * x[i] + (1 - beta) * z[i];
        }
        const sNorm = norm(s);
        if (sNorm > 0) d = Math.max(d, Math.min((sNorm * sNorm - weightedSq) / sNorm, d * growth));
      };
    }
    case 'dog': {
      // Ivgi, Hinder & Carmon 2023, Algorithm 1 (global DoG): eta_t = r-bar_t / sqrt(sum_{i<=t} ||g_i||^2),
      // r-bar_t = max(r_eps, max_{i<=t} ||x_i - x_0||), r_eps = 1e-6 (1 + ||x_0||); coupled weight decay.
      const iterates: number[][] = [];
      let gradSq = 0;
      return (x, gRaw, gamma) => {
        iterates.push([...x]);
        const x0 = iterates[0];
        const g = gRaw.map((gi, i) => gi + wd * x[i]);
        gradSq += norm(g) ** 2;
        const rbar = Math.max(1e-6 * (1 + norm(x0)), ...iterates.map((xi) => norm(xi.map((v, i) => v - x0[i]))));
        const eta = gradSq > 0 ? (gamma * rbar) / Math.sqrt(gradSq) : 0;
        for (let i = 0; i < n; i++) x[i] -= eta * g[i];
      };
    }
    case 'schedule-free-sgd':
    case 'schedule-free-adamw': {
      // Defazio et al. 2024, Algorithms 1 and 2 without warmup, in the y/z form of the authors' code:
      // y <- (1 - c) y + c z + gamma_t (beta (1 - c) - 1) u;  z <- z - gamma_t u;  c = gamma_t^2 / sum gamma_i^2,
      // u = g + wd y (SGD) or g / (sqrt(v) + eps) + wd y (AdamW, gamma_t = lr sqrt(1 - beta2^t)).
      const adam = o.name === 'schedule-free-adamw';
      const beta = adam ? (o.betas ?? [0.9, 0.999])[0] : ((o as { momentum?: number }).momentum ?? 0.9);
      const b2 = adam ? (o.betas ?? [0.9, 0.999])[1] : 0;
      const eps = adam ? ((o as { eps?: number }).eps ?? 1e-8) : 0;
      const v = zeros(n);
      let z: number[] | null = null;
      let t = 0;
      let weights = 0;
      const step: OracleStep = (y, g, lr) => {
        z ??= [...y];
        t++;
        const gamma = adam ? lr * Math.sqrt(1 - b2 ** t) : lr;
        weights += gamma * gamma;
        const c = weights > 0 ? (gamma * gamma) / weights : 0;
        for (let i = 0; i < n; i++) {
          let u = g[i] + wd * y[i];
          if (adam) {
            v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
            u = g[i] / (Math.sqrt(v[i]) + eps) + wd * y[i];
          }
          y[i] = (1 - c) * y[i] + c * z[i] + gamma * (beta * (1 - c) - 1) * u;
          z[i] -= gamma * u;
        }
      };
      step.evaluate = (y) => (z ? y.map((yi, i) => (yi - (1 - beta) * z![i]) / beta) : [...y]);
      return step;
    }
  }
}
