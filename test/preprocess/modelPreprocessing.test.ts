// A model carrying its preprocessing, on every engine and every model type: while it is
// set, predict, predictProba, predictLabels and evaluate take raw rows and give exactly
// what the model gives on the transformed features; the file (version 3) carries it, and
// loadModel and each class's fromJSON restore it; older files still load.
import { describe, expect, it } from 'vitest';
import { DisposedError, LinearRegression, Preprocessor, ValidationError, loadModel, type Model, type RawRows } from '../../src/index.js';
import { ENGINES, useReady } from '../helpers/engines.js';
import { MODEL_TYPES, NAMES, dataFor, type ModelType } from '../helpers/modelTypes.js';
import { lcg } from '../helpers/training.js';
import { expectThrows } from '../helpers/errors.js';
import { expectSame } from '../helpers/tolerance.js';

useReady();

const ROWS = 40;
const COLUMNS = ['height', 'weight', 'zone'];

/** Raw rows that give 4 features (2 numeric columns, a categorical one with 2 categories), as CSV strings. */
function rawRows(rows: number, seed: number): string[][] {
  const r = lcg(seed);
  return Array.from({ length: rows }, (_, i) => [
    (150 + 40 * r()).toFixed(1), (40 + 80 * r()).toFixed(2), i % 3 === 0 ? 'north' : 'south',
  ]);
}

/** Every prediction method the model has, on X. */
function outputs(t: ModelType, m: Model, X: Float32Array | RawRows, y: unknown): Record<string, unknown> {
  const any = m as unknown as Record<string, (X: unknown, y?: unknown) => unknown>;
  const out: Record<string, unknown> = { predict: any.predict(X), evaluate: any.evaluate(X, y) };
  if (t.classes > 0) {
    out.proba = any.predictProba(X);
    out.labels = any.predictLabels(X);
  }
  return out;
}

describe.each(ENGINES)('a model with preprocessing (%s)', (engine) => {
  describe.each(MODEL_TYPES)('$name', (t) => {
    // Targets from the model type's own seeded data; string labels for classifiers.
    const d = dataFor(t, ROWS, 7);
    const y = t.classes > 0 ? Array.from(d.y, (k) => NAMES[k]) : d.y;
    const raw = rawRows(ROWS, 8);
    const pre = new Preprocessor().fit(raw, COLUMNS, { categorical: ['zone'], target: 'label' });
    const features = pre.transform(raw);

    const trained = (): Model => {
      const m = t.make(engine, { seed: 3 });
      m.fit(features, y as Float32Array, { epochs: 3, batchSize: 8, learningRate: 0.05, seed: 1 });
      return m;
    };

    it('predicts from raw rows exactly as from the transformed features', () => {
      expect(pre.features).toBe(t.features);
      const m = trained();
      const want = outputs(t, m, features, y);
      expect(m.preprocessing).toBe(null);
      m.preprocessing = pre;
      expect(outputs(t, m, raw, y)).toEqual(want);
      // The same rows with numbers instead of numeric strings.
      const numeric = raw.map(([h, w, z]) => [Number(h), Number(w), z]);
      expect(outputs(t, m, numeric, y)).toEqual(want);
      m.preprocessing = null;
      expect(outputs(t, m, features, y)).toEqual(want);
      m.dispose();
    });

    it('writes file format version 3 with the preprocessing; loadModel and fromJSON restore it', () => {
      const m = trained();
      const want = outputs(t, m, features, y);
      m.preprocessing = pre;
      const json = m.toJSON();
      expect(json.version).toBe(3);
      expect(json.preprocessing).toEqual(pre.toJSON());
      const Cls = m.constructor as unknown as { fromJSON(json: unknown, o: object): Model };
      for (const back of [loadModel(json, { engine }), loadModel(JSON.stringify(json), { engine }), Cls.fromJSON(json, { engine })]) {
        expect(back.preprocessing?.toJSON()).toEqual(pre.toJSON());
        expect(outputs(t, back, raw, y)).toEqual(want);
        back.dispose();
      }
      // Without preprocessing the field is absent, and the model takes features again.
      m.preprocessing = null;
      const plain = m.toJSON();
      expect('preprocessing' in plain).toBe(false);
      const back = loadModel(plain, { engine });
      expect(outputs(t, back, features, y)).toEqual(want);
      back.dispose();
      m.dispose();
    });
  });

  it('the rule has no exceptions: with preprocessing set, a number[][] is raw values, never features', () => {
    // A numeric-only preprocessing keeps the width, so raw rows and features look alike; the
    // model reads them as raw values (standardized again), never guessing from their content.
    const rows = [[2, 1], [4, -1], [4, 1], [4, -1], [5, 1], [5, -1], [7, 1], [9, -1]];
    const pre = new Preprocessor().fit(rows, ['a', 'b']);
    const standardized = rows.map(([a, b]) => [(a - 5) / 2, b]);
    const m = new LinearRegression({ features: 2, engine, init: { weights: [1, 10], bias: 0.5 } });
    const onFeatures = m.predict(standardized);
    m.preprocessing = pre;
    expectSame(m.predict(rows), onFeatures, 'raw rows through the preprocessing');
    const twice = m.predict(standardized);
    // (a - 5) / 2 standardized again: ((a - 5) / 2 - 5) / 2 + 10 b + 0.5 for row 0 (a = -1.5, b = 1).
    expect(twice[0]).toBe((-1.5 - 5) / 2 + 10 + 0.5);
    m.dispose();
  });

  it('the property holds a copy, checks the width, and names what is wrong', () => {
    const raw = rawRows(10, 9);
    const pre = new Preprocessor().fit(raw, COLUMNS, { categorical: ['zone'] });
    const m = new LinearRegression({ features: 4, engine, init: { weights: [1, 2, 3, 4], bias: 0 } });
    m.preprocessing = pre;
    const before = m.predict(raw);
    pre.fit(rawRows(10, 10), COLUMNS, { categorical: ['zone'] }); // refitting the caller's object...
    m.preprocessing!.fit(rawRows(10, 11), COLUMNS, { categorical: ['zone'] }); // ...or the getter's copy
    expectSame(m.predict(raw), before, 'predictions after refitting the copies');
    expectThrows(() => m.predict([[...raw[0].slice(0, 2), 'east']]), ValidationError,
      "X contains 'east' at row 0, column 2 (categorical column 'zone'), a category fit did not see (it saw 'north', 'south')");
    expectThrows(() => m.predict([['170', '', 'north']]), ValidationError, "X contains an empty value at row 0, column 1 (numeric column 'weight')");
    const wide = new Preprocessor().fit([[1, 'a'], [2, 'b'], [3, 'c'], [4, 'd']], ['x', 'c'], { categorical: ['c'] });
    expectThrows(() => (m.preprocessing = wide), ValidationError, 'preprocessing produces 5 features but this LinearRegression takes 4');
    expectThrows(() => (m.preprocessing = new Preprocessor()), ValidationError, 'preprocessing must be a fitted Preprocessor or null, got an object');
    expectThrows(() => (m.preprocessing = pre.toJSON() as never), ValidationError, 'preprocessing must be a fitted Preprocessor or null, got an object');
    expectSame(m.predict(raw), before, 'predictions after the rejected settings');
    m.dispose();
    expectThrows(() => (m.preprocessing = pre), DisposedError, 'this LinearRegression was disposed; create a new model');
  });

  it('reads version 2 files (no preprocessing) and checks the field in version 3 files', () => {
    const raw = rawRows(10, 12);
    const pre = new Preprocessor().fit(raw, COLUMNS, { categorical: ['zone'] });
    const m = new LinearRegression({ features: 4, engine, init: { weights: [1, 2, 3, 4], bias: 0 } });
    const features = pre.transform(raw);
    const v2 = { ...m.toJSON(), version: 2 };
    const old = LinearRegression.fromJSON(v2, { engine });
    expect(old.preprocessing).toBe(null);
    expectSame(old.predict(features), m.predict(features), 'a version 2 file');
    old.dispose();
    m.preprocessing = pre;
    const json = m.toJSON();
    const bad = (file: unknown, message: string) => expectThrows(() => loadModel(file, { engine }), ValidationError, message);
    bad({ ...json, version: 2 }, "unknown json field 'preprocessing' (expected one of format, version, library, model, shape, layers, classes, training)");
    const cols = json.preprocessing!.columns;
    bad({ ...json, preprocessing: { columns: cols.slice(0, 2) } }, 'preprocessing produces 2 features but shape.inputs is 4');
    bad({ ...json, preprocessing: { columns: [{ ...cols[0], scale: -1 }, ...cols.slice(1)] } }, 'preprocessing.columns[0].scale must be a finite number > 0, got -1');
    bad({ ...json, preprocessing: { columns: cols, extra: 1 } }, "unknown json field 'preprocessing.extra' (expected one of columns, target)");
    bad({ ...json, preprocessing: cols }, 'preprocessing must be an object, got [an object, an object, an object]');
    m.dispose();
  });
});
