// The learning-rate-free optimizers of src/optim/lrFree.ts through optimizerStep (the float64
// reference): first steps in closed form, trajectories against the independent oracles of
// test/helpers/lrFreeOracle.ts, the estimates' defining properties, and the options.
import { describe, expect, it } from 'vitest';
import { createOptimizerState, optimizerStep, resolveOptimizer, slotCount, type OptimizerOptions } from '../../src/optim/optimizers.js';
import { toEvaluationPoint, toGradientPoint } from '../../src/optim/lrFree.js';
import { ValidationError } from '../../src/errors.js';
import { expectThrows } from '../helpers/errors.js';
import { expectClose } from '../helpers/tolerance.js';
import { makeLrFreeOptimizer, type LrFreeOracleOptions } from '../helpers/lrFreeOracle.js';

// f(x) = sum a_i x_i^2, grad_i = 2 a_i x_i, minimum at 0: D = ||x0 - x*|| = ||x0|| = sqrt(21).
const A = [1, 2, 0.5];
const X0 = [1, -2, 4];
const G0 = [2, -8, 4];
const D = Math.sqrt(21);
const gradOf = (x: ArrayLike<number>) => Array.from(x, (v, i) => 2 * A[i] * v);

/** steps steps of optimizerStep from X0; returns the parameters and the evaluation point after each, and the state. */
function run(opt: OptimizerOptions, lr: number, steps: number) {
  const o = resolveOptimizer(opt);
  const state = createOptimizerState(o, 3);
  const p = Float64Array.from(X0);
  const params: number[][] = [];
  const evals: number[][] = [];
  for (let t = 0; t < steps; t++) {
    optimizerStep(o, state, p, Float64Array.from(gradOf(p)), lr);
    params.push(Array.from(p));
    const e = p.slice();
    toEvaluationPoint(o, state, e);
    evals.push(Array.from(e));
  }
  return { params, evals, state };
}

function runOracle(opt: LrFreeOracleOptions, lr: number, steps: number) {
  const step = makeLrFreeOptimizer(opt, 3);
  const p = [...X0];
  const params: number[][] = [];
  const evals: number[][] = [];
  for (let t = 0; t < steps; t++) {
    step(p, gradOf(p), lr);
    params.push([...p]);
    evals.push(step.evaluate ? step.evaluate(p) : [...p]);
  }
  return { params, evals };
}

// First steps: one or two float64 operations from the closed form, so 1e-15 relative (plus 1e-300 for exact zeros).
const ONE_STEP = { rel: 1e-15, abs: 1e-300 };

describe('first step in closed form', () => {
  it('prodigy: x1 = x0 - lr d0 (1 - beta1) g / (sqrt(1 - beta2) |g| + eps)', () => {
    const { params } = run({ name: 'prodigy' }, 0.5, 1);
    const want = X0.map((x, i) => x - (0.5 * 1e-6 * 0.1 * G0[i]) / (Math.sqrt(0.001) * Math.abs(G0[i]) + 1e-8));
    expectClose(params[0], want, { rel: 4e-16 * 8 }, 'x1');
  });
  it('dadapt-adam: x1 = x0 - (1 - beta1) d0 lr g / (sqrt(1 - beta2) |g| + eps)', () => {
    const { params } = run({ name: 'dadapt-adam' }, 2, 1);
    const want = X0.map((x, i) => x - (0.1 * 1e-6 * 2 * G0[i]) / (Math.sqrt(0.001) * Math.abs(G0[i]) + 1e-8));
    expectClose(params[0], want, { rel: 4e-16 * 8 }, 'x1');
  });
  it('dadapt-sgd: x1 = x0 - d0 lr g0 / ||g0||, and d stays d0 (r_1 = 0)', () => {
    const { params, state } = run({ name: 'dadapt-sgd' }, 2, 1);
    const n0 = Math.hypot(...G0);
    expectClose(params[0], X0.map((x, i) => x - (2e-6 * G0[i]) / n0), ONE_STEP, 'x1');
    expect(state.scalars[0]).toBe(1e-6);
    expect(state.scalars[2]).toBe(n0);
  });
  it('dog: x1 = x0 - r_eps g0 / ||g0||, r_eps = 1e-6 (1 + ||x0||)', () => {
    const { params } = run({ name: 'dog' }, 1, 1);
    const rEps = 1e-6 * (1 + D);
    expectClose(params[0], X0.map((x, i) => x - (rEps * G0[i]) / Math.hypot(...G0)), ONE_STEP, 'x1');
  });
  it('schedule-free-sgd: c_2 = 1, so x_2 = z_2 = y_2 = x0 - lr g0', () => {
    const { params, evals } = run({ name: 'schedule-free-sgd' }, 0.1, 1);
    const want = X0.map((x, i) => x - 0.1 * G0[i]);
    expectClose(params[0], want, ONE_STEP, 'y_2');
    expectClose(evals[0], want, ONE_STEP, 'x_2');
  });
  it('schedule-free-adamw: x_2 = x0 - lr sqrt(1 - beta2) g / (sqrt(1 - beta2) |g| + eps)', () => {
    const { evals } = run({ name: 'schedule-free-adamw' }, 0.1, 1);
    const s = Math.sqrt(0.001);
    expectClose(evals[0], X0.map((x, i) => x - (0.1 * s * G0[i]) / (s * Math.abs(G0[i]) + 1e-8)), { rel: 4e-16 * 8 }, 'x_2');
  });
});

// 30 steps; the oracles order the same float64 operations differently, so they agree to
// rounding: a few hundred operations of ~1e-16 each on values of order 1..10 (the d estimates
// are ratios of sums, which carry relative error of the same size into the step): 1e-10.
const TRAJ = { rel: 1e-10, abs: 1e-12 };
const TRAJECTORY_CASES: [OptimizerOptions, number][] = [
  [{ name: 'prodigy' }, 1],
  [{ name: 'prodigy', betas: [0.5, 0.9], weightDecay: 0.1, growthRate: 2, d0: 1e-3 }, 0.5],
  [{ name: 'dadapt-adam' }, 1],
  [{ name: 'dadapt-adam', betas: [0.5, 0.9], weightDecay: 0.1, growthRate: 2, eps: 1e-4 }, 0.5],
  [{ name: 'dadapt-sgd' }, 1],
  [{ name: 'dadapt-sgd', momentum: 0.9, weightDecay: 0.1, growthRate: 2 }, 0.5],
  [{ name: 'dog' }, 1],
  [{ name: 'dog', weightDecay: 0.1 }, 0.5],
  [{ name: 'schedule-free-sgd' }, 0.1],
  [{ name: 'schedule-free-sgd', momentum: 0.5, weightDecay: 0.1 }, 0.2],
  [{ name: 'schedule-free-adamw' }, 0.1],
  [{ name: 'schedule-free-adamw', betas: [0.5, 0.9], weightDecay: 0.1, eps: 1e-4 }, 0.3],
];

describe('30 steps follow the independent oracle', () => {
  it.each(TRAJECTORY_CASES)('%j at lr %s', (opt, lr) => {
    const got = run(opt, lr, 30);
    const want = runOracle(opt as LrFreeOracleOptions, lr, 30);
    for (let t = 0; t < 30; t++) {
      expectClose(got.params[t], want.params[t], TRAJ, `parameters after step ${t + 1}`);
      expectClose(got.evals[t], want.evals[t], TRAJ, `evaluation point after step ${t + 1}`);
    }
    // Not a trajectory that stays put: it has moved from x0 by at least 1e-4 (far beyond the tolerance).
    expect(Math.max(...got.evals[29].map((v, i) => Math.abs(v - X0[i])))).toBeGreaterThan(1e-4);
  });
});

describe('the estimates', () => {
  // D-Adaptation's d-hat is a lower bound on D = ||x0 - x*|| for a convex problem with exact gradients
  // (Defazio & Mishchenko 2023, Lemma 4 / Prodigy's Lemma 1), and it must grow from d0 toward it.
  it.each(['dadapt-sgd', 'prodigy'] as const)('%s: d grows from 1e-6 to within 100x of D and never exceeds it', (name) => {
    const o = resolveOptimizer(name);
    const s = createOptimizerState(o, 3);
    const p = Float64Array.from(X0);
    let d = s.scalars[0];
    for (let t = 0; t < 200; t++) {
      optimizerStep(o, s, p, Float64Array.from(gradOf(p)), 1);
      expect(s.scalars[0]).toBeGreaterThanOrEqual(d); // never decreases
      d = s.scalars[0];
      expect(d).toBeLessThanOrEqual(D);
    }
    expect(d).toBeGreaterThan(D / 100);
  });
  it('growthRate caps each step\'s growth of d', () => {
    const o = resolveOptimizer({ name: 'prodigy', growthRate: 1.5 });
    const s = createOptimizerState(o, 3);
    const p = Float64Array.from(X0);
    for (let t = 0; t < 20; t++) {
      const before = s.scalars[0];
      optimizerStep(o, s, p, Float64Array.from(gradOf(p)), 1);
      expect(s.scalars[0]).toBeLessThanOrEqual(before * 1.5);
    }
    expect(s.scalars[0]).toBeGreaterThan(1e-6 * 1.5 ** 10); // it did grow, at the cap for a while
  });
  it('dog: r-bar is the largest distance from x0 so far, at least r_eps', () => {
    const o = resolveOptimizer('dog');
    const s = createOptimizerState(o, 3);
    const p = Float64Array.from(X0);
    let far = 1e-6 * (1 + D);
    for (let t = 0; t < 50; t++) {
      far = Math.max(far, Math.hypot(...Array.from(p, (v, i) => v - X0[i])));
      optimizerStep(o, s, p, Float64Array.from(gradOf(p)), 1);
      expectClose(s.scalars[0], far, { rel: 1e-15 }, `r-bar at step ${t + 1}`);
    }
  });
  it('a zero gradient moves nothing and leaves the estimates as they are (no division by zero)', () => {
    for (const name of ['prodigy', 'dadapt-sgd', 'dadapt-adam', 'dog', 'schedule-free-sgd', 'schedule-free-adamw'] as const) {
      const o = resolveOptimizer(name);
      const s = createOptimizerState(o, 3);
      const p = Float64Array.from(X0);
      for (let t = 0; t < 3; t++) optimizerStep(o, s, p, new Float64Array(3), 1);
      expect(Array.from(p), name).toEqual(X0);
      expect(Array.from(s.scalars).every(Number.isFinite), name).toBe(true);
    }
  });
});

describe('schedule-free points', () => {
  it('toGradientPoint gives y = (1 - beta) z + beta x exactly as the step left it; toEvaluationPoint gives x', () => {
    for (const opt of [{ name: 'schedule-free-sgd' as const, momentum: 0.7 }, { name: 'schedule-free-adamw' as const, betas: [0.8, 0.99] as [number, number] }]) {
      const o = resolveOptimizer(opt);
      const s = createOptimizerState(o, 3);
      const p = Float64Array.from(X0);
      for (let t = 0; t < 5; t++) optimizerStep(o, s, p, Float64Array.from(gradOf(p)), 0.1);
      const y = p.slice();
      toEvaluationPoint(o, s, p);
      expect(Array.from(p)).toEqual(Array.from(s.slots[1]));
      expect(Array.from(p)).not.toEqual(Array.from(y)); // x and y differ after 5 steps
      toGradientPoint(o, s, p);
      expect(Array.from(p)).toEqual(Array.from(y)); // bit for bit: the same expression
    }
  });
  it('before the first step and for other optimizers both leave the parameters alone', () => {
    for (const name of ['schedule-free-sgd', 'prodigy', 'adam'] as const) {
      const o = resolveOptimizer(name);
      const s = createOptimizerState(o, 3);
      const p = Float64Array.from(X0);
      toGradientPoint(o, s, p);
      toEvaluationPoint(o, s, p);
      expect(Array.from(p)).toEqual(X0);
    }
  });
});

describe('options', () => {
  it("fills in the papers' defaults", () => {
    const zero = {
      momentum: 0, dampening: 0, nesterov: false, weightDecay: 0, betas: [0, 0], eps: 0,
      amsgrad: false, alpha: 0, centered: false, lrDecay: 0, initialAccumulatorValue: 0, d0: 0, growthRate: 0,
    };
    const adam = { betas: [0.9, 0.999], eps: 1e-8 };
    const adapt = { d0: 1e-6, growthRate: Infinity };
    expect(resolveOptimizer('prodigy')).toEqual({ ...zero, ...adam, ...adapt, name: 'prodigy' });
    expect(resolveOptimizer('dadapt-adam')).toEqual({ ...zero, ...adam, ...adapt, name: 'dadapt-adam' });
    expect(resolveOptimizer('dadapt-sgd')).toEqual({ ...zero, ...adapt, name: 'dadapt-sgd' });
    expect(resolveOptimizer('dog')).toEqual({ ...zero, name: 'dog' });
    expect(resolveOptimizer('schedule-free-sgd')).toEqual({ ...zero, momentum: 0.9, name: 'schedule-free-sgd' });
    expect(resolveOptimizer('schedule-free-adamw')).toEqual({ ...zero, ...adam, name: 'schedule-free-adamw' });
  });
  it('state: each its own number of vectors, d starting at d0', () => {
    const counts = { prodigy: 4, 'dadapt-adam': 3, 'dadapt-sgd': 2, dog: 1, 'schedule-free-sgd': 2, 'schedule-free-adamw': 3, sgd: 3, adam: 3 };
    for (const [name, n] of Object.entries(counts)) {
      expect(slotCount(name as keyof typeof counts), name).toBe(n);
      expect(createOptimizerState(resolveOptimizer(name as keyof typeof counts), 5).slots.length, name).toBe(n);
    }
    expect(Array.from(createOptimizerState(resolveOptimizer({ name: 'prodigy', d0: 0.25 }), 2).scalars)).toEqual([0.25, 0, 0]);
  });
  const cases: [unknown, string][] = [
    [{ name: 'prodigy', d0: 0 }, 'optimizer.d0 must be a finite number > 0, got 0'],
    [{ name: 'dadapt-sgd', d0: Infinity }, 'optimizer.d0 must be a finite number > 0, got Infinity'],
    [{ name: 'dadapt-adam', growthRate: 0.5 }, 'optimizer.growthRate must be a number >= 1 (Infinity: no limit), got 0.5'],
    [{ name: 'prodigy', growthRate: NaN }, 'optimizer.growthRate must be a number >= 1 (Infinity: no limit), got NaN'],
    [{ name: 'schedule-free-sgd', momentum: 1 }, 'optimizer.momentum must be in [0, 1), got 1'],
    [{ name: 'dadapt-sgd', momentum: -0.1 }, 'optimizer.momentum must be in [0, 1), got -0.1'],
    [{ name: 'schedule-free-adamw', betas: [0.9, 1] }, 'optimizer.betas[1] must be in [0, 1), got 1'],
    [{ name: 'dog', d0: 1 }, "optimizer.d0 does not apply to 'dog' (its options are weightDecay)"],
    [{ name: 'prodigy', amsgrad: true }, "optimizer.amsgrad does not apply to 'prodigy' (its options are betas, eps, weightDecay, d0, growthRate)"],
    [{ name: 'sgd', growthRate: 2 }, "optimizer.growthRate does not apply to 'sgd' (its options are momentum, dampening, nesterov, weightDecay)"],
  ];
  it.each(cases)('%j: %s', (input, message) => {
    expectThrows(() => resolveOptimizer(input as OptimizerOptions), ValidationError, message);
  });
});
