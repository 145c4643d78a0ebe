// randomizedSearchCV (src/selection/randomizedSearchCV.ts) on every engine: the candidates are
// the seeded draws the documented rule gives (re-drawn here from the same stream), each one's
// scores are the bits of crossValidate with its parameters on the same folds, the ranking
// orders them by the scoring metric, a factory gets the non-fit parameters, holdout scores on
// one part, and bad input is named before anything trains.
import { describe, expect, it } from 'vitest';
import { LogisticRegression, MLP, ValidationError } from '../../src/index.js';
import { crossValidate, randomizedSearchCV, type CrossValidation } from '../../src/selection/index.js';
import { below, seedState, uniform } from '../../src/reference/random.js';
import { ENGINES, useReady } from '../helpers/engines.js';
import { MODEL_TYPES, dataFor } from '../helpers/modelTypes.js';
import { expectSame } from '../helpers/tolerance.js';
import { rejected } from '../helpers/training.js';

useReady();

const FIT = { epochs: 3, batchSize: 8, optimizer: 'adam', seed: 7 } as const;
type Scores = CrossValidation<Record<string, number>>;

describe.each(ENGINES)('randomizedSearchCV (%s)', (engine) => {
  it('draws the seeded candidates; each scores as crossValidate with its parameters on the same folds; ranked by accuracy', async () => {
    const t = MODEL_TYPES[1];
    const d = dataFor(t, 90, 3);
    const model = new LogisticRegression({ features: t.features, engine, seed: 1 });
    const distributions = { learningRate: { logUniform: [0.01, 1] as const }, l2: [0, 0.001, 0.01], epochs: { integers: [2, 4] as const } };
    const s = await randomizedSearchCV(model, d.X, d.y, { ...FIT, distributions, candidates: 4, folds: 3 });
    // The rule: candidate by candidate, each parameter in the order given, from the stream seeded with options.seed.
    const rng = seedState(7);
    const expected = Array.from({ length: 4 }, () => ({
      learningRate: Math.exp(Math.log(0.01) + (Math.log(1) - Math.log(0.01)) * uniform(rng)),
      l2: [0, 0.001, 0.01][below(rng, 3)],
      epochs: 2 + below(rng, 3),
    }));
    expect(s.candidates.map((c) => c.params)).toEqual(expected);
    const folds = s.candidates[0].cv.folds.map((f) => Array.from(f.test));
    for (const c of s.candidates) expect(c.cv.folds.map((f) => Array.from(f.test))).toEqual(folds); // the same rows for all
    for (const c of s.candidates) {
      const own = await crossValidate(model, d.X, d.y, { ...FIT, ...c.params, folds }) as unknown as Scores;
      const got = c.cv as unknown as Scores;
      got.folds.forEach((f, k) => {
        expect(f.metrics, `fold ${k}`).toEqual(own.folds[k].metrics);
        expectSame(f.history.loss, own.folds[k].history.loss, `fold ${k} loss trace`);
      });
      expect(c.score).toBe(own.mean.accuracy);
    }
    expect(s.scoring).toBe('accuracy');
    const scores = s.ranked.map((c) => c.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(s.ranked.map((c) => c.rank)).toEqual([1, 2, 3, 4]);
    expect(s.best).toBe(s.ranked[0]);
    model.dispose();
  });

  it('a factory gets the parameters that are not fit options; loss ranks lower first; holdout scores one fifth', async () => {
    const t = MODEL_TYPES[4];
    const d = dataFor(t, 100, 5);
    const seen: Record<string, unknown>[] = [];
    const make = (p: Record<string, unknown>) => {
      seen.push(p);
      return new MLP({ inputs: t.features, hidden: p.hidden as number[], outputs: 3, head: 'softmax', engine, seed: 2 });
    };
    const s = await randomizedSearchCV(make, d.X, d.y, {
      ...FIT, distributions: { hidden: [[3], [6]], learningRate: { uniform: [0.05, 0.2] } }, candidates: 3, holdout: 0.2, scoring: 'loss',
    });
    expect(seen.map((p) => Object.keys(p))).toEqual([['hidden'], ['hidden'], ['hidden']]);
    expect(s.candidates.map((c) => c.params.hidden)).toEqual(seen.map((p) => p.hidden));
    for (const c of s.candidates) expect(c.cv.folds.length).toBe(1);
    expect(s.candidates[0].cv.folds[0].test.length).toBe(20);
    const scores = s.ranked.map((c) => c.score);
    expect(scores).toEqual([...scores].sort((a, b) => a - b));
  });

  it('bad input is named before any candidate trains', async () => {
    const t = MODEL_TYPES[1];
    const d = dataFor(t, 40, 3);
    const model = new LogisticRegression({ features: t.features, engine });
    const bad = async (o: unknown) => rejected(randomizedSearchCV(model, d.X, d.y, o as never));
    const e1 = await bad({ distributions: {} });
    expect(e1).toBeInstanceOf(ValidationError);
    expect(e1.message).toBe('distributions must name at least one parameter, got {}');
    expect((await bad({ distributions: { hidden: [[3]] } })).message).toBe(
      'distributions.hidden is not a fit option; to vary the model itself pass a function from parameters to a new model',
    );
    expect((await bad({ distributions: { l2: { uniform: [1, 0] } } })).message).toMatch(/^distributions\.l2 must be a list of values or/);
    expect((await bad({ distributions: { l2: [0] }, holdout: 0.9 })).message).toBe('holdout must be a number from 0.05 to 0.5, got 0.9');
    expect((await bad({ distributions: { l2: [0] }, scoring: 'r2' })).message).toBe("scoring must be one of loss, accuracy for this model, got 'r2'");
    expect((await bad({ distributions: { learningRate: [-1] } })).message).toMatch(/learningRate/);
    model.dispose();
  });
});
