// Initializers and restarts, on every engine: each scheme has its documented range or
// distribution (statistical tolerances stated), the values are the ones the shared seeded
// stream gives (the same on every engine, up to float32 storage), and restarts keep the run
// with the lowest final loss.
import { beforeAll, describe, expect, it } from 'vitest';
import { ready, LinearRegression, type InitOption } from '../../src/index.js';
import { nextU32, seedState, uniform, type RngState } from '../../src/reference/random.js';
import {
  ENGINE_NAMES, SMALL_X, SMALL_Y_REG, close, isWasm, maxDiff, params, uniformMatrix,
  type EngineUnderTest,
} from '../helpers/training.js';

function initial(engine: EngineUnderTest, features: number, init: InitOption | undefined, seed = 0): number[] {
  const m = new LinearRegression({ features, engine, init, seed });
  const p = params(m);
  m.dispose();
  return p;
}

const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
const std = (v: number[]) => {
  const m = mean(v);
  return Math.sqrt(v.reduce((s, x) => s + (x - m) ** 2, 0) / (v.length - 1));
};

// The documented draws, written from initializers.ts's doc comment and random.ts's algorithm
// description (32-bit uniform; Box-Muller with one draw per call).
const draw = {
  uniform: (rng: RngState) => uniform(rng),
  normal: (rng: RngState) => {
    const u1 = 1 - uniform(rng);
    const u2 = uniform(rng);
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  },
};

/** Expected [w..., b] of a scheme for a model seed, in float64. */
function expected(init: InitOption, features: number, seed: number): number[] {
  const rng = seedState(seed);
  const p = new Array<number>(features + 1).fill(0);
  if (init === 'random') {
    const bound = 1 / Math.sqrt(features);
    for (let i = 0; i <= features; i++) p[i] = (2 * draw.uniform(rng) - 1) * bound; // bias too (nn.Linear)
  } else if (init === 'xavier') {
    const bound = Math.sqrt(6 / (features + 1));
    for (let i = 0; i < features; i++) p[i] = (2 * draw.uniform(rng) - 1) * bound;
  } else if (init === 'he') {
    const s = Math.sqrt(2 / features);
    for (let i = 0; i < features; i++) p[i] = s * draw.normal(rng);
  } else if (typeof init === 'object' && 'type' in init && init.type === 'uniform') {
    const [lo, hi] = [init.low ?? -0.05, init.high ?? 0.05];
    for (let i = 0; i < features; i++) p[i] = lo + (hi - lo) * draw.uniform(rng);
  } else if (typeof init === 'object' && 'type' in init && init.type === 'normal') {
    for (let i = 0; i < features; i++) p[i] = (init.mean ?? 0) + (init.std ?? 0.01) * draw.normal(rng);
  } else {
    throw new Error('no expectation for this init');
  }
  return p;
}

// Against the expected values: js stores float64 (our formula may round differently in the last
// bit: 1e-12 relative); wasm stores float32 (2^-24 ~ 6e-8 relative: 1.2e-7 allowed).
const valueTol = (engine: EngineUnderTest) => (isWasm(engine) ? { abs: 1e-12, rel: 1.2e-7 } : { abs: 1e-15, rel: 1e-12 });

const SCHEMES: InitOption[] = ['random', 'xavier', 'he', { type: 'uniform', low: -0.5, high: 2 }, { type: 'normal', mean: 1, std: 0.5 }];

describe.each(ENGINE_NAMES)('initializers (%s)', (engine) => {
  beforeAll(() => ready({ scalar: true }));

  it("'zeros' (and the default) start at 0", () => {
    expect(initial(engine, 5, 'zeros', 3)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(initial(engine, 5, undefined, 3)).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it("'random' is uniform in +-1/sqrt(features), bias included", () => {
    const f = 1000;
    const p = initial(engine, f, 'random', 7);
    const bound = 1 / Math.sqrt(f);
    // float32 rounding can move a value by 6e-8 relative: allow that above the bound.
    expect(Math.max(...p.map(Math.abs))).toBeLessThanOrEqual(bound * (1 + 1e-7));
    // 1001 draws all below 0.99 * bound has probability 0.99^1001 ~ 4e-5: the range is really +-bound.
    expect(Math.max(...p.map(Math.abs))).toBeGreaterThan(0.99 * bound);
    expect(p[f]).not.toBe(0);
    close(p, expected('random', f, 7), valueTol(engine), "'random' values");
  });

  it("'xavier' is uniform in +-sqrt(6 / (features + 1)), bias 0", () => {
    const f = 1000;
    const p = initial(engine, f, 'xavier', 7);
    const bound = Math.sqrt(6 / (f + 1));
    const w = p.slice(0, f);
    expect(Math.max(...w.map(Math.abs))).toBeLessThanOrEqual(bound * (1 + 1e-7));
    expect(Math.max(...w.map(Math.abs))).toBeGreaterThan(0.99 * bound); // 0.99^1000 ~ 4e-5
    expect(p[f]).toBe(0);
    close(p, expected('xavier', f, 7), valueTol(engine), "'xavier' values");
  });

  it("'he' is normal with std sqrt(2 / features), bias 0", () => {
    const f = 20000;
    const p = initial(engine, f, 'he', 7);
    const w = p.slice(0, f);
    const sigma = Math.sqrt(2 / f);
    // Sample statistics of n = 20000 normal draws: the mean has standard error sigma / sqrt(n),
    // the sample std has standard error ~ sigma / sqrt(2n) = 0.5% of sigma. Allowed: 5 standard
    // errors for the mean, 3% (6 standard errors) for the std.
    expect(Math.abs(mean(w))).toBeLessThan((5 * sigma) / Math.sqrt(f));
    expect(Math.abs(std(w) / sigma - 1)).toBeLessThan(0.03);
    expect(p[f]).toBe(0);
    close(p, expected('he', f, 7), valueTol(engine), "'he' values");
  });

  it("{ type: 'constant', value } sets every weight, bias 0", () => {
    expect(initial(engine, 4, { type: 'constant', value: 0.25 })).toEqual([0.25, 0.25, 0.25, 0.25, 0]);
  });

  it("{ type: 'uniform', low, high } stays in [low, high] and has mean (low + high) / 2", () => {
    const f = 5000;
    const init: InitOption = { type: 'uniform', low: -0.5, high: 2 };
    const p = initial(engine, f, init, 11);
    const w = p.slice(0, f);
    expect(Math.min(...w)).toBeGreaterThanOrEqual(-0.5);
    expect(Math.max(...w)).toBeLessThanOrEqual(2);
    // Range really used: the extreme 1% of the interval is hit (miss probability 0.99^5000).
    expect(Math.min(...w)).toBeLessThan(-0.5 + 0.025);
    expect(Math.max(...w)).toBeGreaterThan(2 - 0.025);
    // Mean: standard error (high - low) / sqrt(12 n) ~ 0.01; 5 standard errors allowed.
    expect(Math.abs(mean(w) - 0.75)).toBeLessThan((5 * 2.5) / Math.sqrt(12 * f));
    expect(p[f]).toBe(0);
    close(p, expected(init, f, 11), valueTol(engine), 'uniform values');
  });

  it("{ type: 'normal', mean, std } has that mean and std", () => {
    const f = 20000;
    const init: InitOption = { type: 'normal', mean: 1, std: 0.5 };
    const p = initial(engine, f, init, 11);
    const w = p.slice(0, f);
    // Same statistics as for 'he': 5 standard errors on the mean, 3% on the std.
    expect(Math.abs(mean(w) - 1)).toBeLessThan((5 * 0.5) / Math.sqrt(f));
    expect(Math.abs(std(w) / 0.5 - 1)).toBeLessThan(0.03);
    expect(p[f]).toBe(0);
    close(p, expected(init, f, 11), valueTol(engine), 'normal values');
  });

  for (const init of SCHEMES) {
    it(`${JSON.stringify(init)}: same seed, same weights on every engine; another seed, others`, () => {
      const p = initial(engine, 50, init, 123);
      expect(initial(engine, 50, init, 123)).toEqual(p);
      // The reference engine stores float64; the WASM engines store the float32 rounding of the same draw.
      const js = initial('js', 50, init, 123);
      expect(p).toEqual(isWasm(engine) ? js.map(Math.fround) : js);
      expect(maxDiff(initial(engine, 50, init, 124), p)).toBeGreaterThan(0);
    });
  }
});

describe.each(ENGINE_NAMES)('restarts (%s)', (engine) => {
  beforeAll(() => ready({ scalar: true }));
  // Three epochs from different random starts end at clearly different losses. Shuffle off:
  // the runs then use the fit's stream only for their starting seeds.
  const fit = { epochs: 3, batchSize: 'full' as const, shuffle: false, learningRate: 0.05, seed: 21 };

  /** The starting seed of each restart: successive 32-bit draws of the fit's stream. */
  function restartSeeds(n: number): number[] {
    const rng = seedState(21);
    return Array.from({ length: n }, () => nextU32(rng));
  }

  it('n restarts give n histories; bestRestart is the lowest final loss; the model has that run\'s weights', () => {
    const m = new LinearRegression({ features: 3, engine, init: 'random', seed: 4 });
    const h = m.fit(SMALL_X, SMALL_Y_REG, { ...fit, restarts: 4 });
    expect(h.restarts).toBeDefined();
    const runs = h.restarts!;
    expect(runs.length).toBe(4);
    for (const r of runs) expect(r.epochs.length).toBe(3);
    const finals = runs.map((r) => r.loss[r.loss.length - 1]);
    expect(new Set(finals).size).toBe(4); // the starts matter
    const best = finals.indexOf(Math.min(...finals));
    expect(h.bestRestart).toBe(best);
    expect(h.loss).toEqual(runs[best].loss);
    // Rerun the winning start alone: a fresh model whose seed is that restart's seed draws the same
    // initial weights and, with shuffle off, trains identically.
    const seeds = restartSeeds(4);
    const twin = new LinearRegression({ features: 3, engine, init: 'random', seed: seeds[best] });
    const { seed: _drop, ...alone } = fit;
    const ht = twin.fit(SMALL_X, SMALL_Y_REG, alone);
    expect(ht.loss).toEqual(runs[best].loss);
    expect(params(m)).toEqual(params(twin));
    // and another restart's start gives other weights
    const other = new LinearRegression({ features: 3, engine, init: 'random', seed: seeds[(best + 1) % 4] });
    other.fit(SMALL_X, SMALL_Y_REG, alone);
    expect(maxDiff(params(other), params(m))).toBeGreaterThan(1e-4);
    m.dispose();
    twin.dispose();
    other.dispose();
  });

  it('with validation data the restarts are judged by the final validation loss', () => {
    const vX = uniformMatrix(10, 3, 3);
    const vY = vX.map((x) => Math.fround(-x[0] + x[2]));
    const m = new LinearRegression({ features: 3, engine, init: 'random' });
    const h = m.fit(SMALL_X, SMALL_Y_REG, { ...fit, restarts: 5, validationData: { X: vX, y: vY } });
    const finals = h.restarts!.map((r) => r.valLoss[r.valLoss.length - 1]);
    expect(h.bestRestart).toBe(finals.indexOf(Math.min(...finals)));
    m.dispose();
  });
});
