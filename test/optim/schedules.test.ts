import { describe, expect, it } from 'vitest';
import { createSchedule, type ScheduleOptions, type WarmupOptions } from '../../src/optim/schedules.js';
import { ValidationError } from '../../src/errors.js';
import { expectThrows } from '../helpers/errors.js';

const BASE = 0.1;
const EPOCHS = 30;

// lr for epochs 0..n-1 (per-epoch use: one step per epoch).
function lrs(opts: ScheduleOptions | undefined, n = EPOCHS, base = BASE): number[] {
  const s = createSchedule(opts, base);
  return Array.from({ length: n }, (_, e) => s.lrAt(e, 0, 1));
}

// The code uses closed forms (pow, cos of the epoch); several references below use PyTorch's
// chainable recurrences instead (one multiply per epoch), which round once per epoch: after
// 30 epochs they differ by at most ~30 ulps (~7e-15 relative). 1e-13 relative covers that and
// is far below any wrong-formula error.
const TOL = 1e-13;
function expectClose(actual: number[], expected: number[], scale = BASE): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((a, i) => {
    if (!(Math.abs(a - expected[i]) <= TOL * scale)) throw new Error(`epoch ${i}: got ${a}, expected ${expected[i]}`);
  });
}

describe('constant', () => {
  it('is the base lr every epoch, by default and by name', () => {
    expect(lrs(undefined)).toEqual(Array(EPOCHS).fill(BASE));
    expect(lrs('constant')).toEqual(Array(EPOCHS).fill(BASE));
    expect(lrs({ type: 'constant' })).toEqual(Array(EPOCHS).fill(BASE));
    expect(createSchedule(undefined, BASE).perStep).toBe(false);
  });
});

describe('step (StepLR)', () => {
  it('gamma 0.5: halves every stepSize epochs (powers of two, so exact)', () => {
    // Recurrence: lr_e = lr_{e-1} * gamma when e % stepSize == 0, else unchanged.
    const expected: number[] = [];
    let lr = BASE;
    for (let e = 0; e < EPOCHS; e++) {
      if (e > 0 && e % 3 === 0) lr *= 0.5;
      expected.push(lr);
    }
    expect(lrs({ type: 'step', stepSize: 3, gamma: 0.5 })).toEqual(expected);
  });
  it('default gamma 0.1', () => {
    const expected: number[] = [];
    let lr = BASE;
    for (let e = 0; e < EPOCHS; e++) {
      if (e > 0 && e % 7 === 0) lr *= 0.1;
      expected.push(lr);
    }
    // Relative to each expected value: the lr spans four decades here.
    const got = lrs({ type: 'step', stepSize: 7 });
    got.forEach((a, e) => expect(Math.abs(a - expected[e])).toBeLessThanOrEqual(TOL * expected[e]));
  });
});

describe('exponential (ExponentialLR)', () => {
  it('multiplies by gamma every epoch', () => {
    const expected: number[] = [];
    let lr = BASE;
    for (let e = 0; e < EPOCHS; e++) {
      expected.push(lr);
      lr *= 0.9;
    }
    expectClose(lrs({ type: 'exponential', gamma: 0.9 }), expected);
  });
});

describe('linear (LinearLR)', () => {
  // PyTorch's recurrence: lr_0 = base * start; for 1 <= e <= total:
  // lr_e = lr_{e-1} * (1 + (end - start) / (total * start + (e - 1) * (end - start))); then constant.
  function recurrence(start: number, end: number, total: number): number[] {
    const out: number[] = [];
    let lr = BASE * start;
    for (let e = 0; e < EPOCHS; e++) {
      if (e > 0 && e <= total) lr *= 1 + (end - start) / (total * start + (e - 1) * (end - start));
      out.push(lr);
    }
    return out;
  }
  it('defaults: startFactor 1/3, endFactor 1, totalIters 5', () => {
    const got = lrs({ type: 'linear' });
    expectClose(got, recurrence(1 / 3, 1, 5));
    expect(got[0]).toBe(BASE / 3);
    expect(got[5]).toBe(BASE);
  });
  it('decreasing', () => expectClose(lrs({ type: 'linear', startFactor: 1, endFactor: 0.25, totalIters: 12 }), recurrence(1, 0.25, 12)));
});

describe('cosine (CosineAnnealingLR)', () => {
  it('closed form eta_min + (lr - eta_min)(1 + cos(pi e / T_max)) / 2, rising again after T_max', () => {
    const etaMin = 0.001;
    const expected = Array.from({ length: EPOCHS }, (_, e) => etaMin + ((BASE - etaMin) * (1 + Math.cos((Math.PI * e) / 10))) / 2);
    const got = lrs({ type: 'cosine', tMax: 10, etaMin });
    expectClose(got, expected);
    expect(got[10]).toBe(etaMin);
    expect(got[20]).toBe(BASE);
  });
  it("matches PyTorch's recurrence", () => {
    // get_lr: lr_e = (1 + cos(pi e / T)) / (1 + cos(pi (e-1) / T)) * (lr_{e-1} - eta_min) + eta_min,
    // except lr_e = lr_{e-1} + (base - eta_min)(1 - cos(pi / T)) / 2 when (e - 1 - T) % 2T == 0.
    const T = 10;
    const etaMin = 0.01;
    const expected: number[] = [];
    let lr = BASE;
    for (let e = 0; e < EPOCHS; e++) {
      if (e > 0) {
        if ((e - 1 - T) % (2 * T) === 0) lr += ((BASE - etaMin) * (1 - Math.cos(Math.PI / T))) / 2;
        else lr = ((1 + Math.cos((Math.PI * e) / T)) / (1 + Math.cos((Math.PI * (e - 1)) / T))) * (lr - etaMin) + etaMin;
      }
      expected.push(lr);
    }
    expectClose(lrs({ type: 'cosine', tMax: T, etaMin }), expected);
  });
});

describe('cosine with warm restarts (CosineAnnealingWarmRestarts)', () => {
  // PyTorch's step(epoch): n = floor(log_{T_mult}(epoch / T_0 * (T_mult - 1) + 1)),
  // T_cur = epoch - T_0 (T_mult^n - 1) / (T_mult - 1), T_i = T_0 T_mult^n (T_mult = 1: T_cur = epoch % T_0).
  function torchLr(t: number, t0: number, tMult: number, etaMin: number): number {
    let tCur = t;
    let tI = t0;
    if (t >= t0) {
      if (tMult === 1) tCur = t % t0;
      else {
        const n = Math.floor(Math.log((t / t0) * (tMult - 1) + 1) / Math.log(tMult));
        tCur = t - (t0 * (tMult ** n - 1)) / (tMult - 1);
        tI = t0 * tMult ** n;
      }
    }
    return etaMin + ((BASE - etaMin) * (1 + Math.cos((Math.PI * tCur) / tI))) / 2;
  }

  it('T_mult 2 restarts at 10, 30, 70', () => {
    const got = lrs({ type: 'cosine', tMax: 10, restarts: { tMult: 2 } }, 80);
    expectClose(got, Array.from({ length: 80 }, (_, e) => torchLr(e, 10, 2, 0)));
    for (const e of [0, 10, 30, 70]) expect(got[e]).toBe(BASE);
    for (const e of [10, 30, 70]) expect(got[e - 1]).toBeLessThan(0.05 * BASE);
    // Exactly those restarts: the lr only ever jumps up there.
    const jumps = got.flatMap((lr, e) => (e > 0 && lr > got[e - 1] ? [e] : []));
    expect(jumps).toEqual([10, 30, 70]);
  });

  it('restarts: true means T_mult 1 (restart every tMax)', () => {
    const got = lrs({ type: 'cosine', tMax: 7, etaMin: 0.01, restarts: true });
    expectClose(got, Array.from({ length: EPOCHS }, (_, e) => torchLr(e, 7, 1, 0.01)));
  });

  it('is per-step, stepped with the fractional epoch e + step / stepsPerEpoch', () => {
    const s = createSchedule({ type: 'cosine', tMax: 10, restarts: { tMult: 2 } }, BASE);
    expect(s.perStep).toBe(true);
    const steps = 8;
    for (let e = 0; e < 40; e++) {
      for (let k = 0; k < steps; k++) {
        const expected = torchLr(e + k / steps, 10, 2, 0);
        expect(Math.abs(s.lrAt(e, k, steps) - expected)).toBeLessThanOrEqual(TOL * BASE);
      }
    }
  });
});

describe('plateau (ReduceLROnPlateau)', () => {
  // lr used in each epoch when the schedule observes `losses[e]` after epoch e.
  function run(opts: ScheduleOptions, losses: number[], warmup?: WarmupOptions): number[] {
    const s = createSchedule(opts, BASE, warmup);
    return losses.map((loss, e) => {
      const lr = s.lrAt(e, 0, 1);
      s.observe(e, loss);
      return lr;
    });
  }

  it('drops after patience + 1 bad epochs, waits out cooldown, stops at minLr', () => {
    const opts: ScheduleOptions = { type: 'plateau', patience: 2, factor: 0.5, cooldown: 1, minLr: 0.02 };
    const losses = [1.0, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.4, 0.4, 0.4, 0.4, 0.4, 0.4, 0.4, 0.4, 0.4];
    // Worked by hand from the rules (bad = not below best * (1 - 1e-4)):
    //  e0 1.0 best; e1 0.5 best; e2, e3 bad 1, 2; e4 bad 3 > patience 2: lr 0.1 -> 0.05, cooldown 1;
    //  e5 in cooldown (bad count reset); e6, e7 bad 1, 2; e8 bad 3: 0.05 -> 0.025, cooldown 1;
    //  e9 0.4 best (cooldown ends); e10, e11 bad 1, 2; e12 bad 3: max(0.0125, minLr 0.02) = 0.02;
    //  e13 cooldown; e14, e15 bad 1, 2; e16 bad 3: max(0.01, 0.02) = 0.02, unchanged.
    // The lr an epoch uses is the one set after the previous epoch's loss.
    const expected = [0.1, 0.1, 0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.05, 0.025, 0.025, 0.025, 0.025, 0.02, 0.02, 0.02, 0.02, 0.02];
    expect(run(opts, losses)).toEqual(expected);
  });

  it("defaults: patience 10, factor 0.1; improvements below threshold 1e-4 ('rel') are bad epochs", () => {
    // 1 - 5e-5 is not below 1 * (1 - 1e-4), so epochs 1..11 are all bad; the 11th (> 10) drops the lr.
    const losses = [1, ...Array(11).fill(1 - 5e-5), 0.5];
    const got = run({ type: 'plateau' }, losses);
    expect(got.slice(0, 12)).toEqual(Array(12).fill(BASE));
    expect(got[12]).toBe(BASE * 0.1);
  });

  it("thresholdMode 'abs' compares with best - threshold", () => {
    // best 1; 0.95 is not below 1 - 0.1 (bad); 0.85 is (good, best 0.85); 0.8 is not below 0.75.
    const got = run({ type: 'plateau', patience: 0, thresholdMode: 'abs', threshold: 0.1, factor: 0.5 }, [1, 0.95, 0.85, 0.8, 0.8]);
    // patience 0: every bad epoch drops the lr.
    expect(got).toEqual([0.1, 0.1, 0.05, 0.05, 0.025]);
  });

  it('state() reports the counters', () => {
    const s = createSchedule({ type: 'plateau', patience: 3 }, BASE);
    s.observe(0, 2);
    s.observe(1, 3);
    expect(s.state()).toMatchObject({ type: 'plateau', lr: BASE, best: 2, numBadEpochs: 1, cooldownCounter: 0 });
  });
});

describe('warmup', () => {
  it('rises linearly per step from startFactor * lr, then the schedule starts at its epoch 0', () => {
    const s = createSchedule({ type: 'step', stepSize: 2, gamma: 0.5 }, BASE, { epochs: 3, startFactor: 0.25 });
    expect(s.perStep).toBe(true);
    const steps = 4;
    for (let e = 0; e < 3; e++) {
      for (let k = 0; k < steps; k++) {
        const progress = (e * steps + k) / (3 * steps);
        const expected = BASE * (0.25 + 0.75 * progress);
        expect(Math.abs(s.lrAt(e, k, steps) - expected)).toBeLessThanOrEqual(TOL * BASE);
      }
    }
    expect(s.lrAt(0, 0, steps)).toBe(0.025);
    // After warmup: StepLR's epochs 0, 1 (lr), 2, 3 (lr / 2), 4 (lr / 4).
    expect([3, 4, 5, 6, 7].map((e) => s.lrAt(e, 1, steps))).toEqual([0.1, 0.1, 0.05, 0.05, 0.025]);
  });

  it('defaults to startFactor 1/3; epochs 0 means no warmup', () => {
    expect(createSchedule('constant', BASE, { epochs: 2 }).lrAt(0, 0, 1)).toBe(BASE / 3);
    const none = createSchedule('constant', BASE, { epochs: 0 });
    expect(none.perStep).toBe(false);
    expect(none.lrAt(0, 0, 1)).toBe(BASE);
  });

  it('plateau ignores losses observed during warmup', () => {
    const s = createSchedule({ type: 'plateau', patience: 0 }, BASE, { epochs: 2 });
    s.observe(0, 1);
    s.observe(1, 5); // would be a bad epoch (and drop the lr) if it counted
    s.observe(2, 1); // schedule epoch 0: first observation, best = 1
    expect(s.lrAt(3, 0, 1)).toBe(BASE);
    s.observe(3, 1); // bad, patience 0: drop
    expect(s.lrAt(4, 0, 1)).toBe(BASE * 0.1);
  });
});

describe('user function', () => {
  it('gets the 0-based epoch (counted after warmup) and returns the lr', () => {
    const fn = (e: number) => 1 / (e + 1);
    expect(lrs(fn, 5, 1)).toEqual([1, 1 / 2, 1 / 3, 1 / 4, 1 / 5]);
    const seen: number[] = [];
    const s = createSchedule((e) => (seen.push(e), 0.5), BASE, { epochs: 2 });
    s.lrAt(2, 0, 1);
    s.lrAt(5, 0, 1);
    expect(seen.slice(-2)).toEqual([0, 3]);
  });

  it('rejects a non-finite or non-positive lr, naming the epoch and value', () => {
    const s = createSchedule((e) => (e < 4 ? 0.1 : e === 4 ? 0 : e === 5 ? NaN : -1), BASE);
    expect(s.lrAt(3, 0, 1)).toBe(0.1);
    expectThrows(() => s.lrAt(4, 0, 1), RangeError, 'schedule function returned 0 at epoch 4; it must return a finite number > 0');
    expectThrows(() => s.lrAt(5, 0, 1), RangeError, 'schedule function returned NaN at epoch 5; it must return a finite number > 0');
    expectThrows(() => s.lrAt(6, 0, 1), RangeError, 'schedule function returned -1 at epoch 6; it must return a finite number > 0');
    const t = createSchedule(() => '0.1' as unknown as number, BASE);
    expectThrows(() => t.lrAt(0, 0, 1), ValidationError, "schedule function returned '0.1' at epoch 0; it must return a finite number > 0");
  });
});

describe('validation', () => {
  const cases: [unknown, WarmupOptions | undefined, number, typeof ValidationError, string][] = [
    // Every malformed option, wrong type or out of range, is a ValidationError (bad input: one error class).
    [{ type: 'step', stepSize: 2, gamma: 0 }, undefined, BASE, ValidationError, 'schedule.gamma must be a finite number > 0, got 0'],
    [{ type: 'exponential', gamma: Infinity }, undefined, BASE, ValidationError, 'schedule.gamma must be a finite number > 0, got Infinity'],
    [{ type: 'exponential' }, undefined, BASE, ValidationError, 'schedule.gamma must be a finite number > 0, got undefined'],
    [{ type: 'step', stepSize: 0 }, undefined, BASE, ValidationError, 'schedule.stepSize must be an integer >= 1, got 0'],
    [{ type: 'step', stepSize: 1.5 }, undefined, BASE, ValidationError, 'schedule.stepSize must be an integer >= 1, got 1.5'],
    [{ type: 'step' }, undefined, BASE, ValidationError, 'schedule.stepSize must be an integer >= 1, got undefined'],
    [{ type: 'step', stepsize: 2 }, undefined, BASE, ValidationError, 'unknown option schedule.stepsize'],
    [{ type: 'cos', tMax: 10 }, undefined, BASE, ValidationError,
      "unknown schedule type 'cos' (expected one of constant, step, exponential, linear, cosine, plateau)"],
    ['cosine', undefined, BASE, ValidationError, "unknown schedule 'cosine' (expected 'constant', an options object or a function)"],
    [7, undefined, BASE, ValidationError, "schedule must be 'constant', an options object or a function, got 7"],
    [{}, undefined, BASE, ValidationError, 'unknown schedule type undefined (expected one of constant, step, exponential, linear, cosine, plateau)'],
    [{ type: 'plateau', thresholdMode: 1 }, undefined, BASE, ValidationError, "schedule.thresholdMode must be 'rel' or 'abs', got 1"],
    ['constant', null as never, BASE, ValidationError, 'warmup must be an options object { epochs, startFactor }, got null'],
    ['constant', [2] as never, BASE, ValidationError, 'warmup must be an options object { epochs, startFactor }, got [2]'],
    ['constant', {} as never, BASE, ValidationError, 'warmup.epochs must be an integer >= 0, got undefined'],
    [{ type: 'linear', startFactor: 0 }, undefined, BASE, ValidationError, 'schedule.startFactor must be in (0, 1], got 0'],
    [{ type: 'linear', endFactor: 1.5 }, undefined, BASE, ValidationError, 'schedule.endFactor must be in [0, 1], got 1.5'],
    [{ type: 'linear', totalIters: 0 }, undefined, BASE, ValidationError, 'schedule.totalIters must be an integer >= 1, got 0'],
    [{ type: 'cosine', tMax: 0 }, undefined, BASE, ValidationError, 'schedule.tMax must be an integer >= 1, got 0'],
    [{ type: 'cosine', tMax: 10, etaMin: -1 }, undefined, BASE, ValidationError, 'schedule.etaMin must be a finite number >= 0, got -1'],
    [{ type: 'cosine', tMax: 10, restarts: { tMult: 1.5 } }, undefined, BASE, ValidationError,
      'schedule.restarts.tMult must be an integer >= 1, got 1.5'],
    [{ type: 'cosine', tMax: 10, restarts: { tmult: 2 } }, undefined, BASE, ValidationError, 'unknown option schedule.restarts.tmult'],
    [{ type: 'cosine', tMax: 10, restarts: 2 }, undefined, BASE, ValidationError, 'schedule.restarts must be a boolean or { tMult }, got 2'],
    [{ type: 'plateau', factor: 1 }, undefined, BASE, ValidationError, 'schedule.factor must be in (0, 1), got 1'],
    [{ type: 'plateau', patience: -1 }, undefined, BASE, ValidationError, 'schedule.patience must be an integer >= 0, got -1'],
    [{ type: 'plateau', threshold: -1 }, undefined, BASE, ValidationError, 'schedule.threshold must be a finite number >= 0, got -1'],
    [{ type: 'plateau', thresholdMode: 'relative' }, undefined, BASE, ValidationError,
      "schedule.thresholdMode must be 'rel' or 'abs', got 'relative'"],
    [{ type: 'plateau', mode: 'max' }, undefined, BASE, ValidationError, "schedule.mode must be 'min', got 'max'"],
    [{ type: 'plateau', cooldown: 0.5 }, undefined, BASE, ValidationError, 'schedule.cooldown must be an integer >= 0, got 0.5'],
    [{ type: 'plateau', minLr: -1 }, undefined, BASE, ValidationError, 'schedule.minLr must be a finite number >= 0, got -1'],
    ['constant', undefined, 0, ValidationError, 'learningRate must be a finite number > 0, got 0'],
    ['constant', undefined, NaN, ValidationError, 'learningRate must be a finite number > 0, got NaN'],
    ['constant', { epochs: -1 }, BASE, ValidationError, 'warmup.epochs must be an integer >= 0, got -1'],
    ['constant', { epochs: 2, startFactor: 0 }, BASE, ValidationError, 'warmup.startFactor must be in (0, 1], got 0'],
    ['constant', { epochs: 2, start: 0.1 } as WarmupOptions, BASE, ValidationError, 'unknown option warmup.start'],
  ];
  it.each(cases.map(([opts, warmup, base, type, message]) => ({ opts, warmup, base, type, message })))(
    '$message',
    ({ opts, warmup, base, type, message }) => {
      expectThrows(() => createSchedule(opts as ScheduleOptions, base, warmup), type, message);
    },
  );

  it('lrAt checks its position arguments', () => {
    const s = createSchedule('constant', BASE);
    expectThrows(() => s.lrAt(-1, 0, 1), RangeError, 'epoch must be an integer >= 0, got -1');
    expectThrows(() => s.lrAt(0, 4, 4), RangeError, 'step must be an integer in [0, 4), got 4');
    expectThrows(() => s.lrAt(0, 0, 0), RangeError, 'stepsPerEpoch must be an integer >= 1, got 0');
  });
});
