// fromJSON on damaged files, as a property: random mutations of valid toJSON()
// output (fields changed, removed or added, wrong types, NaN, Infinity, numbers
// beyond float32, wrong lengths, nested garbage) and damaged JSON text (cut
// short or with a character changed, passed as text or parsed first), loaded by
// both model classes into every engine. Either a ValidationError, or a model
// that holds exactly the file's numbers and predicts what they say; never any
// other error, and the caller's object is left as it was.
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LinearRegression, LogisticRegression, ValidationError } from '../../src/index.js';

/** A version-1 file (the format before networks; it must still load): the fields these mutations change. */
interface LinearModelJSON {
  format: 'steepest';
  version: 1;
  model: string;
  features: number;
  weights: number[];
  bias: number;
}
import { ENGINES, useReady, type TestEngine } from '../helpers/engines.js';
import { uniformF32 } from '../helpers/data.js';
import { propertyRuns } from '../helpers/property.js';
import { U32, expectSame } from '../helpers/tolerance.js';

useReady();

const RUNS = 1000;
const CLASSES = { LinearRegression, LogisticRegression } as const;
type ClassName = keyof typeof CLASSES;
const FIELDS = ['format', 'version', 'model', 'features', 'weights', 'bias'];
const F32_MAX = 3.4028234663852886e38;

/** A valid version-1 file, written from a model with seeded random parameters (float64 on the js engine). Version-2 files are fuzzed in serialize.test.ts. */
const fileArb: fc.Arbitrary<LinearModelJSON> = fc
  .record({ name: fc.constantFrom<ClassName>('LinearRegression', 'LogisticRegression'), features: fc.integer({ min: 1, max: 12 }), seed: fc.nat() })
  .map(({ name, features, seed }) => {
    const m = new CLASSES[name]({ features, engine: 'js', init: { type: 'normal', std: 2 }, seed });
    const json: LinearModelJSON = { format: 'steepest', version: 1, model: name, features, weights: Array.from(m.weights), bias: m.bias };
    m.dispose();
    return json;
  });

/** Values a damaged file may hold: numbers at and past every limit, other types, nested structures. */
const garbageArb: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(NaN, Infinity, -Infinity, 1e39, -1e39, 3.4028235e38, F32_MAX, -F32_MAX, 3.5e38, Number.MAX_VALUE, 1e-45, -0, 0, -1, 1.5, 2 ** 53, 2 ** 32, 1e300),
  fc.double(),
  fc.integer(),
  fc.string({ maxLength: 8 }),
  fc.constantFrom('1', 'NaN', '', 'steepest', 'LinearRegression', 'LogisticRegression'),
  fc.boolean(),
  fc.constantFrom(null, undefined),
  fc.array(fc.double(), { maxLength: 14 }),
  fc.anything({ maxDepth: 3, maxKeys: 4 }),
);

type Json = Record<string, unknown>;

/** One change to a file, as data (so a counterexample prints what was done). */
type Mutation =
  | { set: string; value: unknown }
  | { remove: string }
  | { add: string; value: unknown }
  | { weight: number; value: unknown }
  | { weightCount: number }
  | { featuresBy: number }
  | { typedWeights: 'Float32Array' | 'Float64Array' }
  | { otherModel: true };

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ set: fc.constantFrom(...FIELDS), value: garbageArb }),
  fc.record({ remove: fc.constantFrom(...FIELDS) }),
  fc.record({ add: fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('weigths', 'Bias', '__proto__', 'constructor')), value: garbageArb }),
  fc.record({ weight: fc.integer({ min: -1, max: 14 }), value: garbageArb }), // past the end leaves holes
  fc.record({ weightCount: fc.integer({ min: 0, max: 13 }) }),
  fc.record({ featuresBy: fc.integer({ min: -3, max: 3 }) }),
  fc.record({ typedWeights: fc.constantFrom('Float32Array' as const, 'Float64Array' as const) }), // built from model.weights, say
  fc.constant({ otherModel: true as const }),
);

function mutate(j: Json, m: Mutation): void {
  const weights = Array.isArray(j.weights) ? (j.weights as unknown[]) : null;
  if ('set' in m) j[m.set] = m.value;
  else if ('remove' in m) delete j[m.remove];
  else if ('add' in m) Object.defineProperty(j, m.add, { value: m.value, enumerable: true, writable: true, configurable: true });
  else if ('weight' in m) { if (weights) weights[m.weight] = m.value; }
  else if ('weightCount' in m) { if (weights) j.weights = Array.from({ length: m.weightCount }, (_, i) => weights[i] ?? 0.5); }
  else if ('featuresBy' in m) { if (typeof j.features === 'number') j.features += m.featuresBy; }
  else if ('typedWeights' in m) { if (weights) j.weights = (m.typedWeights === 'Float32Array' ? Float32Array : Float64Array).from(weights as number[]); }
  else j.model = j.model === 'LinearRegression' ? 'LogisticRegression' : 'LinearRegression';
}

/** What fromJSON is given: the damaged object, something else entirely, or damaged JSON text (as text or parsed). */
type Input = { kind: 'object'; mutations: Mutation[] } | { kind: 'other'; value: unknown } | { kind: 'text'; cut: number; change: number; parse: boolean; mutations: Mutation[] };
const inputArb: fc.Arbitrary<Input> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('object' as const), mutations: fc.array(mutationArb, { minLength: 0, maxLength: 3 }) }), weight: 6 },
  { arbitrary: fc.record({ kind: fc.constant('other' as const), value: garbageArb }), weight: 1 },
  {
    arbitrary: fc.record({
      kind: fc.constant('text' as const), cut: fc.double({ min: 0, max: 1, noNaN: true }), change: fc.integer({ min: -1, max: 200 }),
      parse: fc.boolean(), mutations: fc.array(mutationArb, { maxLength: 1 }),
    }),
    weight: 3,
  },
);

/** fromJSON's second argument: the usual one, typos, extra keys, wrong types. */
const optionsArb = (engine: TestEngine): fc.Arbitrary<unknown> => fc.oneof(
  { arbitrary: fc.constant({ engine }), weight: 8 },
  { arbitrary: fc.constantFrom({ engin: engine }, { engine, extra: 1 }, { engine: 'wasm' }, engine, null, [engine], 5), weight: 1 },
);

function build(file: LinearModelJSON, input: Input): unknown {
  if (input.kind === 'other') return input.value;
  const j = structuredClone(file) as unknown as Json;
  for (const m of input.mutations) mutate(j, m);
  if (input.kind === 'object') return j;
  let text = JSON.stringify(j) ?? '';
  text = text.slice(0, Math.floor(input.cut * (text.length + 1)) || text.length);
  if (input.change >= 0 && input.change < text.length) text = text.slice(0, input.change) + '#' + text.slice(input.change + 1);
  if (!input.parse) return text;
  try {
    return JSON.parse(text);
  } catch {
    return text; // the caller's parse would have failed: fromJSON gets the text
  }
}

// Rows of X for the predictions: uniform(-1, 1).
const X = uniformF32(3 * 12, 97);

/** A loaded model holds the file's numbers (rounded to float32 by WASM) and predicts w.x + b from them. */
function checkLoaded(name: ClassName, engine: TestEngine, model: LinearRegression | LogisticRegression, json: unknown): void {
  const file = (typeof json === 'string' ? JSON.parse(json) : json) as { weights: ArrayLike<number>; bias: number };
  const stored = (v: number) => (engine === 'js' ? v : Math.fround(v));
  const f = model.features;
  const w = model.weights;
  const b = model.bias;
  expect(f).toBe(file.weights.length);
  expectSame([...w, b], [...Array.from(file.weights, stored), stored(file.bias)], `${engine} parameters against the file`);
  const x = X.subarray(0, 3 * f);
  let worst = 0;
  for (let r = 0; r < 3; r++) worst = Math.max(worst, w.reduce((s, wi, j) => s + Math.abs(wi * x[r * f + j]), Math.abs(b)));
  // Past half of float32's range a dot product may overflow float32 on the way; what predict
  // does then is the divergence work's to decide (issue 6, item 5), not the loader's.
  if (!(worst <= F32_MAX / 2)) return;
  const z = Array.from({ length: 3 }, (_, r) => w.reduce((s, wi, j) => s + wi * x[r * f + j], b));
  // WASM computes the logit in float32: at most 12 products and 12 additions, each rounding
  // once, which bounds the error by 13 U32 (sum |w x| + |b|) (the classic gamma_n bound).
  // 16 times that; js: float64, far inside it.
  const tol = 16 * 13 * U32 * worst;
  if (name === 'LinearRegression') {
    const p = (model as LinearRegression).predict(x);
    for (let r = 0; r < 3; r++) {
      expect(Number.isFinite(p[r]), `${engine} predict row ${r}: ${p[r]}`).toBe(true);
      // Float32Array output rounds once more: one ULP of |z|.
      expect(Math.abs(p[r] - z[r]), `${engine} predict row ${r}: ${p[r]} vs ${z[r]}`).toBeLessThanOrEqual(tol + Math.abs(z[r]) * U32 * 2);
    }
  } else {
    const m = model as LogisticRegression;
    const proba = m.predictProba(x);
    const labels = m.predict(x);
    for (let r = 0; r < 3; r++) {
      expect(proba[r] >= 0 && proba[r] <= 1, `${engine} predictProba row ${r}: ${proba[r]}`).toBe(true);
      if (Math.abs(z[r]) > tol) expect(labels[r], `${engine} predict row ${r} (logit ${z[r]})`).toBe(z[r] > 0 ? 1 : 0);
    }
  }
}

describe('fromJSON on damaged files (property)', () => {
  it.each(ENGINES)(`%s: ${RUNS} damaged files give a ValidationError or a faithful model, nothing else`, (engine) => {
    let loads = 0;
    let rejections = 0;
    fc.assert(
      fc.property(fileArb, inputArb, optionsArb(engine), (file, input, options) => {
        const json = build(file, input);
        const before = structuredClone(json);
        for (const name of ['LinearRegression', 'LogisticRegression'] as const) {
          let model: LinearRegression | LogisticRegression | undefined;
          try {
            model = CLASSES[name].fromJSON(json, options as { engine: TestEngine });
          } catch (err) {
            if (!(err instanceof ValidationError)) {
              throw new Error(`${name}.fromJSON threw ${(err as Error)?.name}: ${(err as Error)?.message}`, { cause: err });
            }
            expect((err as Error).message.length).toBeGreaterThan(0);
            rejections++;
            continue;
          }
          try {
            expect(model.engine).toBe(engine); // only the unchanged option loads, so it must be honoured
            checkLoaded(name, engine, model, json);
            loads++;
          } finally {
            model.dispose();
          }
        }
        // isDeepStrictEqual rather than toStrictEqual: a file may hold an own 'constructor' field, which toStrictEqual reads as the type.
        expect(isDeepStrictEqual(json, before), 'the caller\'s object is unchanged by fromJSON').toBe(true);
      }),
      propertyRuns(RUNS),
    );
    // Both outcomes occur often enough to mean something (with the fixed seed: 244 loads, 1,756 rejections of 2,000).
    expect(loads).toBeGreaterThan(RUNS / 10);
    expect(rejections).toBeGreaterThan(RUNS / 10);
  });

  it.each(ENGINES)('%s: the undamaged file loads and holds its numbers exactly', (engine) => {
    // The control for the property above: without damage every file loads (so the property
    // exercises successful loads too), into float32 by WASM and float64 by js.
    fc.assert(
      fc.property(fileArb, (file) => {
        const Cls = CLASSES[file.model as ClassName];
        for (const json of [file, JSON.stringify(file)]) {
          const m = Cls.fromJSON(json, { engine });
          const want = [...file.weights, file.bias].map((v) => (engine === 'js' ? v : Math.fround(v)));
          expect([...m.weights, m.bias]).toEqual(want);
          m.dispose();
        }
      }),
      propertyRuns(50),
    );
  });
});
