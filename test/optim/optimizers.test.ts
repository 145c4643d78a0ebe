import { describe, expect, it } from 'vitest';
import {
  createOptimizerState,
  optimizerStep,
  resolveOptimizer,
  type OptimizerOptions,
} from '../../src/optim/optimizers.js';
import { ValidationError } from '../../src/errors.js';
import { expectThrows } from '../helpers/errors.js';

// Problem: f(x) = sum a_i x_i^2, so grad_i = 2 a_i x_i.
const A = [1, 2, 0.5];
const X0 = [1, -2, 4];
const STEPS = 5;
const gradOf = (x: readonly number[]) => x.map((v, i) => 2 * A[i] * v);

// The code under test: STEPS steps from X0, returning x after each step.
function run(opt: OptimizerOptions, lr: number): number[][] {
  const resolved = resolveOptimizer(opt);
  const state = createOptimizerState(resolved, X0.length);
  const x = Float64Array.from(X0);
  const out: number[][] = [];
  for (let t = 0; t < STEPS; t++) {
    optimizerStep(resolved, state, x, Float64Array.from(gradOf(Array.from(x))), lr);
    out.push(Array.from(x));
  }
  return out;
}

// Independent trajectories, one scalar loop per parameter, written from the algorithm
// boxes in the torch.optim documentation (not from src/optim/optimizers.ts).
function refSgd(lr: number, mu: number, tau: number, nesterov: boolean, wd: number): number[][] {
  const x = [...X0];
  const b = [0, 0, 0];
  const out: number[][] = [];
  for (let t = 1; t <= STEPS; t++) {
    const g0 = gradOf(x);
    for (let i = 0; i < 3; i++) {
      let g = g0[i];
      if (wd !== 0) g = g + wd * x[i];
      if (mu !== 0) {
        b[i] = t > 1 ? mu * b[i] + (1 - tau) * g : g;
        g = nesterov ? g + mu * b[i] : b[i];
      }
      x[i] = x[i] - lr * g;
    }
    out.push([...x]);
  }
  return out;
}

function refAdam(lr: number, b1: number, b2: number, eps: number, wd: number, amsgrad: boolean, decoupled: boolean): number[][] {
  const x = [...X0];
  const m = [0, 0, 0];
  const v = [0, 0, 0];
  const vmax = [0, 0, 0];
  const out: number[][] = [];
  for (let t = 1; t <= STEPS; t++) {
    const g0 = gradOf(x);
    for (let i = 0; i < 3; i++) {
      let g = g0[i];
      if (decoupled) x[i] = x[i] - lr * wd * x[i];
      else if (wd !== 0) g = g + wd * x[i];
      m[i] = b1 * m[i] + (1 - b1) * g;
      v[i] = b2 * v[i] + (1 - b2) * g * g;
      const mHat = m[i] / (1 - Math.pow(b1, t));
      // torch's code keeps the max of the uncorrected v and corrects it with the current t.
      vmax[i] = Math.max(vmax[i], v[i]);
      const vHat = (amsgrad ? vmax[i] : v[i]) / (1 - Math.pow(b2, t));
      x[i] = x[i] - (lr * mHat) / (Math.sqrt(vHat) + eps);
    }
    out.push([...x]);
  }
  return out;
}

function refRmsprop(lr: number, alpha: number, eps: number, wd: number, mu: number, centered: boolean): number[][] {
  const x = [...X0];
  const v = [0, 0, 0];
  const gAve = [0, 0, 0];
  const b = [0, 0, 0];
  const out: number[][] = [];
  for (let t = 1; t <= STEPS; t++) {
    const g0 = gradOf(x);
    for (let i = 0; i < 3; i++) {
      let g = g0[i];
      if (wd !== 0) g = g + wd * x[i];
      v[i] = alpha * v[i] + (1 - alpha) * g * g;
      let vTilde = v[i];
      if (centered) {
        gAve[i] = alpha * gAve[i] + (1 - alpha) * g;
        vTilde = vTilde - gAve[i] * gAve[i];
      }
      if (mu > 0) {
        b[i] = mu * b[i] + g / (Math.sqrt(vTilde) + eps);
        x[i] = x[i] - lr * b[i];
      } else {
        x[i] = x[i] - (lr * g) / (Math.sqrt(vTilde) + eps);
      }
    }
    out.push([...x]);
  }
  return out;
}

function refAdagrad(lr: number, lrDecay: number, wd: number, init: number, eps: number): number[][] {
  const x = [...X0];
  const sum = [init, init, init];
  const out: number[][] = [];
  for (let t = 1; t <= STEPS; t++) {
    const g0 = gradOf(x);
    const clr = lr / (1 + (t - 1) * lrDecay);
    for (let i = 0; i < 3; i++) {
      let g = g0[i];
      if (wd !== 0) g = g + wd * x[i];
      sum[i] = sum[i] + g * g;
      x[i] = x[i] - (clr * g) / (Math.sqrt(sum[i]) + eps);
    }
    out.push([...x]);
  }
  return out;
}

// Same float64 formulas in a different operation order (e.g. lr / (1 - b1^t) * (m / denom)
// versus lr * mHat / (sqrt(vHat) + eps)): after 5 steps they differ by a few ulps, about
// 1e-15. 1e-12 leaves room for that and still catches any wrong term, which shows at 1e-4
// or more. Scaled by max(1, |expected|) because parameters pass through 0, where a relative
// error means nothing, and the problem's natural scale is 1.
const TOL = 1e-12;
function expectTrajectory(actual: number[][], expected: number[][]): void {
  expect(actual.length).toBe(expected.length);
  for (let t = 0; t < expected.length; t++) {
    for (let i = 0; i < expected[t].length; i++) {
      const err = Math.abs(actual[t][i] - expected[t][i]) / Math.max(1, Math.abs(expected[t][i]));
      if (!(err <= TOL)) throw new Error(`step ${t + 1}, param ${i}: got ${actual[t][i]}, expected ${expected[t][i]}`);
    }
  }
}

// Guards that an option is not silently ignored: switching it off must move the
// trajectory by far more than TOL.
const GUARD = 1e-6;

function maxDifference(a: number[][], b: number[][]): number {
  let d = 0;
  for (let t = 0; t < a.length; t++) for (let i = 0; i < a[t].length; i++) d = Math.max(d, Math.abs(a[t][i] - b[t][i]));
  return d;
}

describe('sgd', () => {
  it('first steps by hand (dyadic numbers, so exact)', () => {
    // lr 1/8, g0 = [2, -8, 4]: x1 = x0 - g0 / 8.
    expect(run({ name: 'sgd' }, 0.125)[0]).toEqual([0.75, -1, 3.5]);
    // momentum 0.5: b1 = g0; g1 = [1.5, -4, 3.5]; b2 = 0.5 b1 + g1 = [2.5, -8, 5.5]; x2 = x1 - b2 / 8.
    const m = run({ name: 'sgd', momentum: 0.5 }, 0.125);
    expect(m[0]).toEqual([0.75, -1, 3.5]);
    expect(m[1]).toEqual([0.4375, 0, 2.8125]);
  });

  it('plain', () => expectTrajectory(run({ name: 'sgd' }, 0.1), refSgd(0.1, 0, 0, false, 0)));
  it('momentum', () => expectTrajectory(run({ name: 'sgd', momentum: 0.9 }, 0.1), refSgd(0.1, 0.9, 0, false, 0)));
  it('momentum with dampening', () => {
    const got = run({ name: 'sgd', momentum: 0.9, dampening: 0.3 }, 0.1);
    expectTrajectory(got, refSgd(0.1, 0.9, 0.3, false, 0));
    // Guard: dampening changes the trajectory (so the option is not ignored).
    expect(maxDifference(got, refSgd(0.1, 0.9, 0, false, 0))).toBeGreaterThan(GUARD);
  });
  it('nesterov', () => {
    const got = run({ name: 'sgd', momentum: 0.9, nesterov: true }, 0.1);
    expectTrajectory(got, refSgd(0.1, 0.9, 0, true, 0));
    expect(maxDifference(got, refSgd(0.1, 0.9, 0, false, 0))).toBeGreaterThan(GUARD);
  });
  it('weight decay (with momentum)', () => {
    expectTrajectory(run({ name: 'sgd', weightDecay: 0.3 }, 0.1), refSgd(0.1, 0, 0, false, 0.3));
    expectTrajectory(run({ name: 'sgd', momentum: 0.5, weightDecay: 0.3 }, 0.1), refSgd(0.1, 0.5, 0, false, 0.3));
  });
});

describe('adam', () => {
  it('first step moves every parameter by lr * sign(g), up to eps', () => {
    // m1 / (1 - b1) = g and sqrt(v1 / (1 - b2)) = |g|, so the step is lr * g / (|g| + eps):
    // within lr * eps / |g| of lr * sign(g) (plus a few ulps of rounding).
    for (const name of ['adam', 'adamw'] as const) {
      const lr = 0.25;
      const x1 = run({ name, weightDecay: 0 }, lr)[0];
      const g0 = gradOf(X0);
      for (let i = 0; i < 3; i++) {
        const expected = X0[i] - lr * Math.sign(g0[i]);
        expect(Math.abs(x1[i] - expected)).toBeLessThanOrEqual((lr * 1e-8) / Math.abs(g0[i]) + 1e-15);
      }
    }
  });

  // lr 1 sends x_0 to about 5e-9 in one step, so its gradient collapses and v shrinks:
  // exactly the case where amsgrad's running max matters.
  it('plain', () => expectTrajectory(run({ name: 'adam' }, 1), refAdam(1, 0.9, 0.999, 1e-8, 0, false, false)));
  it('custom betas and eps', () => {
    expectTrajectory(
      run({ name: 'adam', betas: [0.5, 0.75], eps: 1e-3 }, 0.3),
      refAdam(0.3, 0.5, 0.75, 1e-3, 0, false, false),
    );
  });
  it('amsgrad', () => {
    const got = run({ name: 'adam', amsgrad: true }, 1);
    expectTrajectory(got, refAdam(1, 0.9, 0.999, 1e-8, 0, true, false));
    expect(maxDifference(got, refAdam(1, 0.9, 0.999, 1e-8, 0, false, false))).toBeGreaterThan(GUARD);
  });
  it('weight decay (L2, added to the gradient)', () => {
    expectTrajectory(run({ name: 'adam', weightDecay: 0.5 }, 0.3), refAdam(0.3, 0.9, 0.999, 1e-8, 0.5, false, false));
  });
  it('adamw: decoupled decay, default weightDecay 0.01', () => {
    expectTrajectory(run({ name: 'adamw' }, 0.3), refAdam(0.3, 0.9, 0.999, 1e-8, 0.01, false, true));
    const got = run({ name: 'adamw', weightDecay: 0.5, amsgrad: true }, 1);
    expectTrajectory(got, refAdam(1, 0.9, 0.999, 1e-8, 0.5, true, true));
    // Guard: decoupled decay is not the same as L2 decay.
    expect(maxDifference(got, refAdam(1, 0.9, 0.999, 1e-8, 0.5, true, false))).toBeGreaterThan(GUARD);
  });
});

describe('rmsprop', () => {
  it('first step is lr * sign(g) / sqrt(1 - alpha), up to eps', () => {
    // v1 = (1 - alpha) g^2, so the step is lr * g / (sqrt(1 - alpha) |g| + eps).
    const lr = 0.01;
    const x1 = run({ name: 'rmsprop' }, lr)[0];
    const g0 = gradOf(X0);
    for (let i = 0; i < 3; i++) {
      const expected = X0[i] - (lr * Math.sign(g0[i])) / Math.sqrt(0.01);
      expect(Math.abs(x1[i] - expected)).toBeLessThanOrEqual((lr * 1e-8) / (0.01 * Math.abs(g0[i])) + 1e-15);
    }
  });
  it('plain', () => expectTrajectory(run({ name: 'rmsprop' }, 0.01), refRmsprop(0.01, 0.99, 1e-8, 0, 0, false)));
  it('momentum (buffer starts at zero)', () => {
    expectTrajectory(run({ name: 'rmsprop', momentum: 0.9 }, 0.01), refRmsprop(0.01, 0.99, 1e-8, 0, 0.9, false));
  });
  it('centered', () => {
    const got = run({ name: 'rmsprop', centered: true, alpha: 0.9 }, 0.01);
    expectTrajectory(got, refRmsprop(0.01, 0.9, 1e-8, 0, 0, true));
    expect(maxDifference(got, refRmsprop(0.01, 0.9, 1e-8, 0, 0, false))).toBeGreaterThan(GUARD);
  });
  it('centered with momentum and weight decay', () => {
    expectTrajectory(
      run({ name: 'rmsprop', centered: true, momentum: 0.5, weightDecay: 0.2, alpha: 0.9, eps: 1e-6 }, 0.01),
      refRmsprop(0.01, 0.9, 1e-6, 0.2, 0.5, true),
    );
  });
});

describe('adagrad', () => {
  it('first step moves every parameter by lr * sign(g), up to eps', () => {
    const lr = 0.5;
    const x1 = run({ name: 'adagrad' }, lr)[0];
    const g0 = gradOf(X0);
    for (let i = 0; i < 3; i++) {
      expect(Math.abs(x1[i] - (X0[i] - lr * Math.sign(g0[i])))).toBeLessThanOrEqual((lr * 1e-10) / Math.abs(g0[i]) + 1e-15);
    }
  });
  it('plain', () => expectTrajectory(run({ name: 'adagrad' }, 0.5), refAdagrad(0.5, 0, 0, 0, 1e-10)));
  it('lrDecay', () => {
    const got = run({ name: 'adagrad', lrDecay: 0.5 }, 0.5);
    expectTrajectory(got, refAdagrad(0.5, 0.5, 0, 0, 1e-10));
    expect(maxDifference(got, refAdagrad(0.5, 0, 0, 0, 1e-10))).toBeGreaterThan(GUARD);
  });
  it('initialAccumulatorValue and weight decay', () => {
    expectTrajectory(
      run({ name: 'adagrad', initialAccumulatorValue: 0.1, weightDecay: 0.2 }, 0.5),
      refAdagrad(0.5, 0, 0.2, 0.1, 1e-10),
    );
  });
});

describe('optimizerStep', () => {
  it('does not modify grad; returns max |change| and the norm of grad before weight decay', () => {
    const opt = resolveOptimizer({ name: 'sgd', weightDecay: 0.5 });
    const state = createOptimizerState(opt, 2);
    const params = Float64Array.from([1, -2]);
    const grad = Float64Array.from([3, 4]);
    const r = optimizerStep(opt, state, params, grad, 0.5);
    expect(Array.from(grad)).toEqual([3, 4]);
    expect(r.gradNorm).toBe(5);
    // g + wd * p = [3.5, 3]; p - 0.5 * that = [-0.75, -3.5]; changes 1.75 and 1.5.
    expect(Array.from(params)).toEqual([-0.75, -3.5]);
    expect(r.maxChange).toBe(1.75);
    expect(state.step).toBe(1);
  });

  it('rejects mismatched lengths and a bad lr', () => {
    const opt = resolveOptimizer('sgd');
    const state = createOptimizerState(opt, 2);
    expectThrows(() => optimizerStep(opt, state, new Float64Array(2), new Float64Array(3), 0.1), RangeError,
      'grad has length 3 but params has length 2');
    expectThrows(() => optimizerStep(opt, state, new Float64Array(3), new Float64Array(3), 0.1), RangeError,
      'optimizer state was created for a different number of parameters (expected 3 slots of length 3)');
    expectThrows(() => optimizerStep(opt, state, new Float64Array(2), new Float64Array(2), NaN), RangeError,
      'lr must be a finite number >= 0, got NaN');
  });
});

describe('createOptimizerState', () => {
  it('always three zeroed slots of length n; adagrad starts at initialAccumulatorValue', () => {
    const s = createOptimizerState(resolveOptimizer('adam'), 4);
    expect(s.step).toBe(0);
    expect(s.slots.map((a) => Array.from(a))).toEqual([[0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]]);
    const g = createOptimizerState(resolveOptimizer({ name: 'adagrad', initialAccumulatorValue: 0.25 }), 2);
    expect(g.slots.map((a) => Array.from(a))).toEqual([[0.25, 0.25], [0, 0], [0, 0]]);
  });
});

describe('resolveOptimizer', () => {
  it("fills in PyTorch's defaults; options that do not apply are 0/false", () => {
    const zero = {
      momentum: 0, dampening: 0, nesterov: false, weightDecay: 0, betas: [0, 0], eps: 0,
      amsgrad: false, alpha: 0, centered: false, lrDecay: 0, initialAccumulatorValue: 0, d0: 0, growthRate: 0,
    };
    expect(resolveOptimizer(undefined)).toEqual({ ...zero, name: 'sgd' });
    expect(resolveOptimizer('adam')).toEqual({ ...zero, name: 'adam', betas: [0.9, 0.999], eps: 1e-8 });
    expect(resolveOptimizer('adamw')).toEqual({ ...zero, name: 'adamw', betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0.01 });
    expect(resolveOptimizer('rmsprop')).toEqual({ ...zero, name: 'rmsprop', alpha: 0.99, eps: 1e-8 });
    expect(resolveOptimizer('adagrad')).toEqual({ ...zero, name: 'adagrad', eps: 1e-10 });
    expect(resolveOptimizer({ name: 'sgd', momentum: 0.9, nesterov: true })).toEqual({
      ...zero, name: 'sgd', momentum: 0.9, nesterov: true,
    });
  });

  // Every malformed option, wrong type or out of range, is a ValidationError (bad input: one error class).
  const cases: [unknown, typeof ValidationError, string][] = [
    ['adamx', ValidationError, "unknown optimizer 'adamx' (expected one of sgd, adam, adamw, rmsprop, adagrad, prodigy, dadapt-sgd, dadapt-adam, dog, schedule-free-sgd, schedule-free-adamw)"],
    [{ name: 'Adam' }, ValidationError, "unknown optimizer 'Adam' (expected one of sgd, adam, adamw, rmsprop, adagrad, prodigy, dadapt-sgd, dadapt-adam, dog, schedule-free-sgd, schedule-free-adamw)"],
    [{}, ValidationError, 'optimizer.name must be one of sgd, adam, adamw, rmsprop, adagrad, prodigy, dadapt-sgd, dadapt-adam, dog, schedule-free-sgd, schedule-free-adamw, got undefined'],
    [{ name: 5 }, ValidationError, 'optimizer.name must be one of sgd, adam, adamw, rmsprop, adagrad, prodigy, dadapt-sgd, dadapt-adam, dog, schedule-free-sgd, schedule-free-adamw, got 5'],
    [{ name: null, momentum: 0.9 }, ValidationError, 'optimizer.name must be one of sgd, adam, adamw, rmsprop, adagrad, prodigy, dadapt-sgd, dadapt-adam, dog, schedule-free-sgd, schedule-free-adamw, got null'],
    [null, ValidationError, 'optimizer must be an optimizer name or an options object, got null'],
    [['adam'], ValidationError, "optimizer must be an optimizer name or an options object, got ['adam']"],
    [42, ValidationError, 'optimizer must be an optimizer name or an options object, got 42'],
    [{ name: 'sgd', monentum: 0.9 }, ValidationError, 'unknown option optimizer.monentum'],
    [{ name: 'sgd', betas: [0.9, 0.99] }, ValidationError,
      "optimizer.betas does not apply to 'sgd' (its options are momentum, dampening, nesterov, weightDecay)"],
    [{ name: 'adam', momentum: 0.9 }, ValidationError,
      "optimizer.momentum does not apply to 'adam' (its options are betas, eps, weightDecay, amsgrad)"],
    [{ name: 'sgd', momentum: -1 }, ValidationError, 'optimizer.momentum must be a finite number >= 0, got -1'],
    [{ name: 'sgd', momentum: NaN }, ValidationError, 'optimizer.momentum must be a finite number >= 0, got NaN'],
    [{ name: 'sgd', momentum: Infinity }, ValidationError, 'optimizer.momentum must be a finite number >= 0, got Infinity'],
    [{ name: 'sgd', momentum: '0.9' }, ValidationError, "optimizer.momentum must be a finite number >= 0, got '0.9'"],
    [{ name: 'sgd', dampening: 2 }, ValidationError, 'optimizer.dampening must be in [0, 1], got 2'],
    [{ name: 'sgd', nesterov: true }, ValidationError, 'optimizer.nesterov requires momentum > 0 and dampening = 0'],
    [{ name: 'sgd', nesterov: true, momentum: 0.9, dampening: 0.1 }, ValidationError,
      'optimizer.nesterov requires momentum > 0 and dampening = 0'],
    [{ name: 'sgd', nesterov: 1 }, ValidationError, 'optimizer.nesterov must be a boolean, got 1'],
    [{ name: 'sgd', weightDecay: -0.1 }, ValidationError, 'optimizer.weightDecay must be a finite number >= 0, got -0.1'],
    [{ name: 'adam', betas: [0.9, 1] }, ValidationError, 'optimizer.betas[1] must be in [0, 1), got 1'],
    [{ name: 'adam', betas: [-0.1, 0.9] }, ValidationError, 'optimizer.betas[0] must be in [0, 1), got -0.1'],
    [{ name: 'adam', betas: [0.9, '0.9'] }, ValidationError, "optimizer.betas[1] must be in [0, 1), got '0.9'"],
    [{ name: 'adam', betas: [0.9] }, ValidationError, 'optimizer.betas must be an array of two numbers, got [0.9]'],
    // eslint-disable-next-line no-sparse-arrays
    [{ name: 'adam', betas: [, 0.9] }, ValidationError, 'optimizer.betas[0] must be in [0, 1), got undefined'],
    [{ name: 'adam', betas: 0.9 }, ValidationError, 'optimizer.betas must be an array of two numbers, got 0.9'],
    [{ name: 'adam', eps: -1e-8 }, ValidationError, 'optimizer.eps must be a finite number >= 0, got -1e-8'],
    [{ name: 'adamw', amsgrad: 'yes' }, ValidationError, "optimizer.amsgrad must be a boolean, got 'yes'"],
    [{ name: 'rmsprop', alpha: 1.5 }, ValidationError, 'optimizer.alpha must be in [0, 1], got 1.5'],
    [{ name: 'rmsprop', centered: null }, ValidationError, 'optimizer.centered must be a boolean, got null'],
    [{ name: 'adagrad', lrDecay: -1 }, ValidationError, 'optimizer.lrDecay must be a finite number >= 0, got -1'],
    [{ name: 'adagrad', initialAccumulatorValue: -1 }, ValidationError,
      'optimizer.initialAccumulatorValue must be a finite number >= 0, got -1'],
  ];
  it.each(cases.map(([input, type, message]) => ({ input, type, message })))('$message', ({ input, type, message }) => {
    expectThrows(() => resolveOptimizer(input as OptimizerOptions), type, message);
  });
});
