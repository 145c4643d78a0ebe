import { describe, expect, it } from 'vitest';
import { DivergenceError } from '../src/errors.js';
import { finiteDifferenceGradient, gradientCheck, minimize, randomSearch } from '../src/minimize/minimize.js';
import { expectThrows } from './helpers/errors.js';
import { expectClose } from './helpers/tolerance.js';
import { makeLrFreeOptimizer } from './helpers/lrFreeOracle.js';

// The secret-number model y = x + theta, loss = mean squared error (no 1/2 factor).
function secretNumber(xs: number[], ys: number[]) {
  const loss = (p: Float64Array) => xs.reduce((s, x, i) => s + (x + p[0] - ys[i]) ** 2, 0) / xs.length;
  const grad = (p: Float64Array) => [(2 * xs.reduce((s, x, i) => s + (x + p[0] - ys[i]), 0)) / xs.length];
  return { loss, grad };
}
const CLEAN = secretNumber([2, 3, 5, 8], [4, 5, 7, 10]);
const NOISY = secretNumber([2, 3, 5, 8], [3, 6, 5, 12]);

// f(x, y) = 4x^2 + y^2.
const bowl = (p: Float64Array) => 4 * p[0] ** 2 + p[1] ** 2;
const bowlGrad = (p: Float64Array) => [8 * p[0], 2 * p[1]];

// First k >= 0 for which pred(k) holds (for deriving expected stopping iterations from closed forms).
function firstK(pred: (k: number) => boolean): number {
  let k = 0;
  while (!pred(k)) k++;
  return k;
}

describe('secret number: y = x + theta', () => {
  it('learningRate 1 bounces 5, -1, 5, -1 exactly and stops by maxIterations', () => {
    // grad = 2 (theta - 2): theta = 5 - 1 * 6 = -1, then -1 - 1 * (-6) = 5, ... all exact integers.
    const r = minimize(CLEAN.loss, [5], { grad: CLEAN.grad, learningRate: 1, maxIterations: 6 });
    expect(r.history.x.map((x) => x[0])).toEqual([5, -1, 5, -1, 5, -1, 5]);
    expect(r.history.loss).toEqual(Array(7).fill(9));
    expect(r.history.gradNorm).toEqual([6, 6, 6, 6, 6, 6, 6]);
    expect(r.history.lr).toEqual(Array(6).fill(1));
    expect(r.stopReason).toEqual({ rule: 'maxIterations', iteration: 6, message: 'reached maxIterations 6' });
    expect(r.iterations).toBe(6);
    expect(Array.from(r.x)).toEqual([5]);
    expect(r.loss).toBe(9);
  });

  it('learningRate 0.1 converges to 2 along theta_k = 2 + 3 * 0.8^k', () => {
    const r = minimize(CLEAN.loss, [5], { grad: CLEAN.grad, learningRate: 0.1, maxIterations: 100 });
    // Each step rounds once (about 1e-15) and the map contracts by 0.8, so the iterates stay
    // within a few 1e-15 of the closed form; 1e-12 is a safe bound.
    r.history.x.forEach((x, k) => expect(Math.abs(x[0] - (2 + 3 * 0.8 ** k))).toBeLessThanOrEqual(1e-12));
    expect(Math.abs(r.x[0] - 2)).toBeLessThanOrEqual(1e-6);
  });

  it('noisy data converges to theta = 2 with loss 2.5', () => {
    // Residuals y - x are 1, 3, 0, 4 (mean 2); at theta = 2 the squared errors are 1, 1, 4, 4.
    const r = minimize(NOISY.loss, [5], { grad: NOISY.grad, learningRate: 0.1, maxIterations: 200 });
    // 3 * 0.8^200 is about 1e-19, so only rounding (about 1e-15) remains.
    expect(Math.abs(r.x[0] - 2)).toBeLessThanOrEqual(1e-9);
    expect(Math.abs(r.loss - 2.5)).toBeLessThanOrEqual(1e-9);
  });
});

describe('f(x, y) = 4x^2 + y^2', () => {
  // The minimum is 0 at (0, 0); 1e-6 is far above rounding and far below the start (1, 1).
  const near0 = (x: Float64Array) => Math.max(Math.abs(x[0]), Math.abs(x[1]));
  it('converges with sgd', () => {
    const r = minimize(bowl, [1, 1], { grad: bowlGrad, learningRate: 0.1, maxIterations: 200 });
    expect(near0(r.x)).toBeLessThanOrEqual(1e-6);
  });
  it('converges with adam', () => {
    const r = minimize(bowl, [1, 1], { grad: bowlGrad, learningRate: 0.1, optimizer: 'adam', maxIterations: 1000 });
    expect(near0(r.x)).toBeLessThanOrEqual(1e-6);
  });
  it('converges with finite-difference gradients (no grad given)', () => {
    const r = minimize(bowl, [1, 1], { learningRate: 0.1, maxIterations: 200 });
    expect(near0(r.x)).toBeLessThanOrEqual(1e-6);
    const a = minimize(bowl, [1, 1], { learningRate: 0.1, optimizer: 'adam', maxIterations: 1000 });
    expect(near0(a.x)).toBeLessThanOrEqual(1e-6);
  });
});

describe('learning-rate-free optimizers inside minimize', () => {
  it.each(['prodigy', 'dadapt-sgd', 'dadapt-adam', 'dog', 'schedule-free-sgd'] as const)('%s with no learningRate reaches the bowl\'s minimum', (name) => {
    const r = minimize(bowl, [1, 1], { grad: bowlGrad, optimizer: name, maxIterations: 2000 });
    // From a start at distance sqrt(2), within 1e-3 of the minimum (the methods estimate their step from the run).
    expect(Math.max(Math.abs(r.x[0]), Math.abs(r.x[1]))).toBeLessThanOrEqual(1e-3);
  });
  it("schedule-free's answer is its averaged point x and the loss there, not the last gradient point y", () => {
    const r = minimize(bowl, [1, 1], { grad: bowlGrad, optimizer: 'schedule-free-sgd', learningRate: 0.05, maxIterations: 10 });
    const step = makeLrFreeOptimizer({ name: 'schedule-free-sgd' }, 2);
    const y = [1, 1];
    for (let k = 0; k < 10; k++) step(y, Array.from(bowlGrad(Float64Array.from(y))), 0.05);
    const x = step.evaluate!(y);
    expectClose(r.x, x, { rel: 1e-12 }, 'x after 10 steps');
    expect(Math.max(Math.abs(x[0] - y[0]), Math.abs(x[1] - y[1]))).toBeGreaterThan(1e-3); // y is elsewhere
    expect(r.loss).toBe(bowl(r.x));
  });
});

describe('stopping rules', () => {
  it('targetLoss: first iterate with loss <= targetLoss', () => {
    // loss_k = (theta_k - 2)^2 = 9 * 0.64^k.
    const k = firstK((j) => 9 * 0.64 ** j <= 1e-4);
    const r = minimize(CLEAN.loss, [5], { grad: CLEAN.grad, learningRate: 0.1, targetLoss: 1e-4 });
    expect(r.stopReason.rule).toBe('targetLoss');
    expect(r.stopReason.iteration).toBe(k);
    expect(r.iterations).toBe(k);
    expect(r.loss).toBeLessThanOrEqual(1e-4);
  });

  it('gradTol: first iterate with gradient norm <= gradTol', () => {
    // From (1, 1) with lr 0.1: x_k = 0.2^k, y_k = 0.8^k, so |grad| = sqrt((8 * 0.2^k)^2 + (2 * 0.8^k)^2).
    const k = firstK((j) => Math.hypot(8 * 0.2 ** j, 2 * 0.8 ** j) <= 1e-6);
    const r = minimize(bowl, [1, 1], { grad: bowlGrad, learningRate: 0.1, gradTol: 1e-6 });
    expect(r.stopReason).toMatchObject({ rule: 'gradTol', iteration: k });
    expect(r.history.gradNorm.length).toBe(k + 1);
  });

  it('paramTol: first iterate after a step that moved no parameter by more than paramTol', () => {
    // Step j moves theta by 0.1 * 2 * 3 * 0.8^j = 0.6 * 0.8^j; iterate k follows step k - 1.
    const k = firstK((j) => j > 0 && 0.6 * 0.8 ** (j - 1) <= 1e-3);
    const r = minimize(CLEAN.loss, [5], { grad: CLEAN.grad, learningRate: 0.1, paramTol: 1e-3 });
    expect(r.stopReason).toMatchObject({ rule: 'paramTol', iteration: k });
  });

  it('tol: loss > best - tol for nIterNoChange consecutive iterations (bouncing)', () => {
    // Every loss is 9: iterate 0 sets best; iterates 1..5 are each no better than 9 - tol.
    const r = minimize(CLEAN.loss, [5], { grad: CLEAN.grad, learningRate: 1, tol: 1e-3 });
    expect(r.stopReason).toEqual({
      rule: 'tol',
      iteration: 5,
      message: 'loss did not improve by more than tol 0.001 for 5 consecutive iterations (best 9) at iteration 5',
    });
  });

  it("tol: scikit-learn's counter on a converging run", () => {
    // Replays sklearn's rule on the closed-form losses 9 * 0.64^k with nIterNoChange 3.
    const loss = (k: number) => 9 * 0.64 ** k;
    let best = Infinity;
    let count = 0;
    const k = firstK((j) => {
      count = loss(j) > best - 1e-3 ? count + 1 : 0;
      best = Math.min(best, loss(j));
      return count >= 3;
    });
    const r = minimize(CLEAN.loss, [5], { grad: CLEAN.grad, learningRate: 0.1, tol: 1e-3, nIterNoChange: 3 });
    expect(r.stopReason).toMatchObject({ rule: 'tol', iteration: k });
  });

  it('timeLimit', () => {
    const r = minimize(CLEAN.loss, [5], { grad: CLEAN.grad, learningRate: 0.1, timeLimitMs: 0 });
    expect(r.stopReason).toMatchObject({ rule: 'timeLimit', iteration: 0 });
    // f busy-waits 5 ms, so iterate k is evaluated after at least 5 (k + 1) ms: the 20 ms limit
    // must fire by iterate 3 (earlier if the machine is slow), long before maxIterations.
    const slow = (p: Float64Array) => {
      const until = performance.now() + 5;
      while (performance.now() < until);
      return CLEAN.loss(p);
    };
    const s = minimize(slow, [5], { grad: CLEAN.grad, learningRate: 0.1, timeLimitMs: 20 });
    expect(s.stopReason.rule).toBe('timeLimit');
    expect(s.stopReason.iteration).toBeLessThanOrEqual(3);
  });

  it('callback: onIteration sees every iterate (a copy) and stops the run by returning false', () => {
    const seen: { iteration: number; x: number; lr: number }[] = [];
    const r = minimize(CLEAN.loss, [5], {
      grad: CLEAN.grad,
      learningRate: 1,
      onIteration: (info) => {
        seen.push({ iteration: info.iteration, x: info.x[0], lr: info.lr });
        info.x[0] = 1000; // a copy: must not disturb the run
        return info.iteration < 3;
      },
    });
    expect(r.stopReason).toEqual({ rule: 'callback', iteration: 3, message: 'onIteration returned false at iteration 3' });
    expect(seen).toEqual([
      { iteration: 0, x: 5, lr: 1 },
      { iteration: 1, x: -1, lr: 1 },
      { iteration: 2, x: 5, lr: 1 },
      { iteration: 3, x: -1, lr: 1 },
    ]);
  });
});

describe('schedules inside minimize', () => {
  it('one schedule epoch per iteration, warmup first', () => {
    const r = minimize(CLEAN.loss, [5], {
      grad: CLEAN.grad,
      learningRate: 1,
      schedule: { type: 'step', stepSize: 2, gamma: 0.5 },
      warmup: { epochs: 2, startFactor: 0.5 },
      maxIterations: 7,
    });
    // Warmup 0.5, 0.75; then StepLR 1, 1, 0.5, 0.5, 0.25.
    expect(r.history.lr).toEqual([0.5, 0.75, 1, 1, 0.5, 0.5, 0.25]);
  });

  it('reduce-on-plateau sees each iteration loss', () => {
    // Bouncing: every loss is 9, so with patience 1 the lr is cut after the 2nd bad iterate
    // (iterates 1 and 2), and every 2 iterates after that.
    const r = minimize(CLEAN.loss, [5], {
      grad: CLEAN.grad,
      learningRate: 1,
      schedule: { type: 'plateau', patience: 1, factor: 0.5 },
      maxIterations: 4,
    });
    expect(r.history.lr).toEqual([1, 1, 1, 0.5]);
  });
});

describe('divergence', () => {
  it('sgd lr 1.1 on 4x^2 (|1 - 8 * 1.1| > 1) throws DivergenceError naming the iteration', () => {
    // Replay x <- x - 1.1 * 8x to find the first iterate whose loss overflows.
    let x = 1;
    const k = firstK(() => {
      if (!Number.isFinite(4 * x * x)) return true;
      x = x - 1.1 * (8 * x);
      return false;
    });
    const err = expectThrows(
      () => minimize((p) => 4 * p[0] ** 2, [1], { grad: (p) => [8 * p[0]], learningRate: 1.1 }),
      DivergenceError,
      `loss is Infinity at iteration ${k}; try a smaller learningRate (currently 1.1)`,
    ) as DivergenceError;
    expect(err.epoch).toBe(k);
  });

  it('a non-finite gradient also throws', () => {
    expectThrows(
      () => minimize((p) => p[0] ** 2, [1, 2], { grad: () => [0, NaN] }),
      DivergenceError,
      'gradient[1] is NaN at iteration 0; try a smaller learningRate (currently 0.01)',
    );
  });
});

describe('finiteDifferenceGradient', () => {
  it('central differences of x^3 are 3x^2 + h^2 (the truncation term, exactly)', () => {
    // h = 1e-3 makes the h^2 = 1e-6 term visible; rounding is about eps * |f| / h, below 1e-12 here.
    const f = (p: Float64Array) => p[0] ** 3;
    const g = finiteDifferenceGradient(f, [0.5], 1e-3);
    expect(Math.abs(g[0] - (0.75 + 1e-6))).toBeLessThanOrEqual(1e-12);
  });

  it('default step h_i = 1e-6 * max(1, |x_i|): error about 1e-10 relative', () => {
    // Truncation is h_i^2 (at most 4e-10 here); rounding is about 2 eps |f| / h_i (at most 2e-7
    // for x = -20, f = -8000, h = 2e-5). Against 3x^2 both are below 1e-9 relative.
    for (const v of [0.5, 3, -20]) {
      const g = finiteDifferenceGradient((p) => p[0] ** 3, [v]);
      expect(Math.abs(g[0] - 3 * v * v)).toBeLessThanOrEqual(1e-9 * 3 * v * v);
    }
  });

  it('does not modify x', () => {
    const x = Float64Array.from([1, 2]);
    finiteDifferenceGradient(bowl, x);
    expect(Array.from(x)).toEqual([1, 2]);
  });
});

describe('gradientCheck', () => {
  const softplus = (p: Float64Array) => Math.log1p(Math.exp(p[0] * p[1])) + Math.sin(p[0]);
  const softplusGrad = (p: Float64Array) => {
    const s = 1 / (1 + Math.exp(-p[0] * p[1]));
    return [s * p[1] + Math.cos(p[0]), s * p[0]];
  };

  it('passes for correct gradients', () => {
    const q = gradientCheck(bowl, bowlGrad, [1, -2]);
    expect(q.ok).toBe(true);
    // Central differences are exact for quadratics up to rounding, about eps * |f| / h = 1e-9 absolute.
    expect(q.maxRelError).toBeLessThanOrEqual(1e-7);
    expect(Array.from(q.analytic)).toEqual([8, -4]);
    expect(gradientCheck(softplus, softplusGrad, [0.3, -1.7]).ok).toBe(true);
  });

  it('fails for wrong gradients (negative controls)', () => {
    // d/dx 4x^2 written as 4x: analytic 4 against numeric 8, relative error 0.5.
    const q = gradientCheck(bowl, (p) => [4 * p[0], 2 * p[1]], [1, -2]);
    expect(q.ok).toBe(false);
    expect(Math.abs(q.maxRelError - 0.5)).toBeLessThanOrEqual(1e-6);
    // A sign error in one term.
    const s = gradientCheck(softplus, (p) => {
      const [a, b] = softplusGrad(p);
      return [a - 2 * Math.cos(p[0]), b];
    }, [0.3, -1.7]);
    expect(s.ok).toBe(false);
  });
});

describe('randomSearch', () => {
  const opts = { lower: [-10], upper: [10], samples: 200, seed: 7 };

  it('is reproducible for a seed and finds theta near 2', () => {
    const a = randomSearch(CLEAN.loss, opts);
    const b = randomSearch(CLEAN.loss, opts);
    expect(a).toEqual(b);
    // 200 uniform draws on [-10, 10] all miss [1.5, 2.5] with probability 0.95^200, about 4e-5.
    expect(Math.abs(a.x[0] - 2)).toBeLessThanOrEqual(0.5);
    expect(a.loss).toBe(CLEAN.loss(a.x));
    expect(randomSearch(CLEAN.loss, { ...opts, seed: 8 }).history.loss).not.toEqual(a.history.loss);
  });

  it('history.best is the running minimum of history.loss', () => {
    const r = randomSearch(CLEAN.loss, opts);
    expect(r.history.loss.length).toBe(200);
    let best = Infinity;
    r.history.loss.forEach((l, i) => {
      best = Math.min(best, l);
      expect(r.history.best[i]).toBe(best);
    });
    expect(r.loss).toBe(best);
  });

  it('samples inside the box', () => {
    const xs: number[][] = [];
    randomSearch((p) => (xs.push(Array.from(p)), 0), { lower: [-1, 5], upper: [1, 5], samples: 50 });
    for (const [a, b] of xs) {
      expect(a).toBeGreaterThanOrEqual(-1);
      expect(a).toBeLessThan(1);
      expect(b).toBe(5);
    }
  });

  it('validates the box', () => {
    expectThrows(() => randomSearch(bowl, { lower: [0, 1], upper: [1, 0], samples: 5 }), RangeError,
      'lower[1] = 1 is greater than upper[1] = 0');
    expectThrows(() => randomSearch(bowl, { lower: [0], upper: [1, 0], samples: 5 }), RangeError,
      'upper has length 2 but lower has length 1');
    expectThrows(() => randomSearch(bowl, { lower: [0], upper: [1], samples: 0 }), RangeError,
      'samples must be an integer >= 1, got 0');
  });
});

describe('minimize validation', () => {
  const g = { grad: CLEAN.grad };
  it.each([
    [() => minimize(CLEAN.loss, [5], { ...g, learningRate: 0 }), RangeError, 'learningRate must be a finite number > 0, got 0'],
    [() => minimize(CLEAN.loss, [5], { learningrate: 0.1 } as never), RangeError, 'unknown option learningrate'],
    [() => minimize(CLEAN.loss, [5, NaN]), RangeError, 'x0 contains NaN at index 1'],
    [() => minimize(CLEAN.loss, []), RangeError, 'x0 must not be empty'],
    [() => minimize(CLEAN.loss, [5], { maxIterations: 1.5 }), RangeError, 'maxIterations must be an integer >= 0, got 1.5'],
    [() => minimize(CLEAN.loss, [5], { nIterNoChange: 0 }), RangeError, 'nIterNoChange must be an integer >= 1, got 0'],
    [() => minimize(CLEAN.loss, [5], { tol: -1 }), RangeError, 'tol must be a finite number >= 0, got -1'],
    [() => minimize(CLEAN.loss, [5], { gradTol: '1e-6' as never }), TypeError, "gradTol must be a finite number >= 0, got '1e-6'"],
    [() => minimize(CLEAN.loss, [5, 1], { grad: CLEAN.grad }), RangeError, 'grad returned 1 values for 2 parameters'],
    [() => minimize(CLEAN.loss, [5], { optimizer: 'adamx' as never }), RangeError,
      "unknown optimizer 'adamx' (expected one of sgd, adam, adamw, rmsprop, adagrad, prodigy, dadapt-sgd, dadapt-adam, dog, schedule-free-sgd, schedule-free-adamw)"],
    [() => minimize(CLEAN.loss, [5], { schedule: { type: 'exponential', gamma: 0 } }), RangeError,
      'schedule.gamma must be a finite number > 0, got 0'],
  ] as [() => unknown, ErrorConstructor, string][])('%#: rejects bad input', (fn, type, message) => {
    expectThrows(fn, type, message);
  });

  it('does not modify x0', () => {
    const x0 = [5];
    minimize(CLEAN.loss, x0, { ...g, maxIterations: 3 });
    expect(x0).toEqual([5]);
  });
});
