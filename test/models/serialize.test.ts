// Save and load (src/models/serialize.ts, loadModel.ts, each class's fromJSON), on every engine:
// round trips of every model type through JSON text, version-1 files, hand-written version-2
// files, every corrupt-file error word for word (and no WASM memory left behind by a failed
// load), and a seeded fuzz of mutated and truncated files.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  LinearRegression, LogisticRegression, MLP, SoftmaxRegression, ValidationError, loadModel, type FitOptions, type ModelJSON,
} from '../../src/index.js';
import { ENGINES, runtimeOf, useReady, type TestEngine } from '../helpers/engines.js';
import { uniformF32 } from '../helpers/data.js';
import { expectThrows } from '../helpers/errors.js';
import { expectClose, expectSame } from '../helpers/tolerance.js';

useReady();

const PACKAGE_VERSION: string = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version;

type Loaded = LinearRegression | LogisticRegression | SoftmaxRegression | MLP;
type ModelClass = { fromJSON(json: unknown, options?: unknown): Loaded };
const CLASSES: Record<string, ModelClass> = { LinearRegression, LogisticRegression, SoftmaxRegression, MLP } as never;

// ---------------------------------------------------------------------------
// Round trips

const ROWS = 24;
const F = 3;
const X = uniformF32(ROWS * F, 71);
const pick = <T>(labels: readonly T[], seed: number): T[] => {
  const u = uniformF32(ROWS, seed);
  return Array.from(u, (v) => labels[Math.min(labels.length - 1, Math.floor(((v + 1) / 2) * labels.length))]);
};
const VALUES = uniformF32(ROWS, 72);
const VALUES2 = Array.from({ length: ROWS }, (_, r) => [VALUES[r], -2 * VALUES[r] + 0.5]);
const BITS = pick([0, 1], 73);
const BITS2 = Array.from({ length: ROWS }, (_, r) => [BITS[r], 1 - BITS[(r + 5) % ROWS]]);
const NAMES2 = pick(['yes', 'no'], 73); // sorted classes: ['no', 'yes']
const CLASS3 = pick([0, 1, 2], 74);
const NAMES3 = pick(['cat', 'ant', 'bee'], 74); // sorted classes: ['ant', 'bee', 'cat']

/** How the file records the options a fit did not set: unset is null; nIterNoChange 5, restarts 1, warmStart true are fit's defaults. */
const UNSET = {
  classWeight: null, gradTol: null, tol: null, nIterNoChange: 5, paramTol: null, timeLimitMs: null, targetLoss: null,
  validationFraction: null, earlyStopping: false, restoreBestWeights: false, warmStart: true, restarts: 1,
};

/** The options every round-trip model is trained with, and what the file must record for them. */
const FIT: FitOptions = { epochs: 3, batchSize: 8, learningRate: 0.05, optimizer: 'adam', seed: 5, l2: 0.001 };
const TRAINING = {
  epochs: 3, batchSize: 8, learningRate: 0.05,
  // PyTorch's Adam defaults (torch.optim.Adam): betas (0.9, 0.999), eps 1e-8, no weight decay, no AMSGrad.
  optimizer: expect.objectContaining({ name: 'adam', betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false }),
  schedule: 'constant', warmup: null, shuffle: true, seed: 5, l1: 0, l2: 0.001, ...UNSET,
};

interface Case {
  name: string;
  Cls: ModelClass;
  make: (engine: TestEngine) => Loaded;
  y: unknown;
  /** The class names the file must keep (null: numeric labels or no labels). */
  classes: string[] | null;
  proba: boolean;
  labels: boolean;
}

const mlp = (o: Omit<ConstructorParameters<typeof MLP>[0], 'inputs'>) => (engine: TestEngine) => new MLP({ inputs: F, engine, seed: 3, ...o });

const CASES: Case[] = [
  { name: 'LinearRegression', Cls: LinearRegression, make: (engine) => new LinearRegression({ features: F, engine }), y: VALUES, classes: null, proba: false, labels: false },
  { name: 'LogisticRegression', Cls: LogisticRegression, make: (engine) => new LogisticRegression({ features: F, engine }), y: BITS, classes: null, proba: true, labels: true },
  { name: 'LogisticRegression, string labels', Cls: LogisticRegression, make: (engine) => new LogisticRegression({ features: F, engine }), y: NAMES2, classes: ['no', 'yes'], proba: true, labels: true },
  { name: 'SoftmaxRegression', Cls: SoftmaxRegression, make: (engine) => new SoftmaxRegression({ features: F, classes: 3, engine }), y: CLASS3, classes: null, proba: true, labels: true },
  { name: 'SoftmaxRegression, string labels', Cls: SoftmaxRegression, make: (engine) => new SoftmaxRegression({ features: F, classes: 3, engine }), y: NAMES3, classes: ['ant', 'bee', 'cat'], proba: true, labels: true },
  ...(['sigmoid', 'tanh', 'relu'] as const).flatMap((activation) => [
    { name: `MLP ${activation}, mse head, 2 outputs`, Cls: MLP, make: mlp({ hidden: [4], outputs: 2, activation, head: 'mse' }), y: VALUES2, classes: null, proba: false, labels: false },
    { name: `MLP ${activation}, sigmoid head, 1 output`, Cls: MLP, make: mlp({ hidden: [4], outputs: 1, activation, head: 'sigmoid' }), y: BITS, classes: null, proba: true, labels: true },
    { name: `MLP ${activation}, softmax head`, Cls: MLP, make: mlp({ hidden: [5], outputs: 3, activation, head: 'softmax' }), y: CLASS3, classes: null, proba: true, labels: true },
  ]),
  { name: 'MLP sigmoid head, 2 outputs (multi-label)', Cls: MLP, make: mlp({ hidden: [4], outputs: 2, head: 'sigmoid' }), y: BITS2, classes: null, proba: true, labels: false },
  { name: 'MLP [tanh, relu], sigmoid head, string labels', Cls: MLP, make: mlp({ hidden: [4, 3], outputs: 1, activation: ['tanh', 'relu'] }), y: NAMES2, classes: ['no', 'yes'], proba: true, labels: true },
  { name: 'MLP [relu, sigmoid], softmax head, string labels', Cls: MLP, make: mlp({ hidden: [5, 4], outputs: 3, activation: ['relu', 'sigmoid'] }), y: NAMES3, classes: ['ant', 'bee', 'cat'], proba: true, labels: true },
];

/** Every prediction a model offers on X, for bit-for-bit comparison. */
function predictions(m: Loaded, c: Case): { predict: Float32Array; proba: Float32Array | null; labels: (string | number)[] | null } {
  const any = m as MLP; // every class has predict; predictProba and predictLabels where c says so
  return { predict: any.predict(X), proba: c.proba ? any.predictProba(X) : null, labels: c.labels ? any.predictLabels(X) : null };
}

function expectSamePredictions(back: Loaded, m: Loaded, c: Case, how: string): void {
  const a = predictions(back, c);
  const b = predictions(m, c);
  expectSame(a.predict, b.predict, `${how}: predict`);
  if (b.proba) expectSame(a.proba!, b.proba, `${how}: predictProba`);
  if (b.labels) expect(a.labels, `${how}: predictLabels`).toEqual(b.labels);
}

describe.each(ENGINES)('round trips (%s)', (engine) => {
  it.each(CASES)('$name: toJSON -> JSON text -> fromJSON and loadModel predict bit for bit the same', (c) => {
    const m = c.make(engine);
    m.fit(X, c.y as Float32Array, FIT);
    const json = m.toJSON();
    expect(json.format).toBe('steepest');
    expect(json.version).toBe(3);
    expect(json.library).toBe(PACKAGE_VERSION);
    expect(json.model).toBe(m.constructor.name);
    expect(json.training).toEqual(TRAINING);
    if (c.classes) expect(json.classes).toEqual(c.classes);
    else expect('classes' in json).toBe(false);
    const text = JSON.stringify(json);
    const loaded: [string, Loaded][] = [
      ['fromJSON(text)', c.Cls.fromJSON(text, { engine })],
      ['fromJSON(object)', c.Cls.fromJSON(JSON.parse(text), { engine })],
      ['loadModel(text)', loadModel(text, { engine })],
      ['loadModel(object)', loadModel(JSON.parse(text), { engine })],
    ];
    for (const [how, back] of loaded) {
      expect(back, how).toBeInstanceOf(c.Cls as never);
      expect(back.engine, how).toBe(engine);
      expect(back.shape, how).toEqual(m.shape);
      expect(back.classes, how).toEqual(c.classes);
      m.layers.forEach((l, i) => {
        expectSame(back.layers[i].weights, l.weights, `${how}: layers[${i}].weights`);
        expectSame(back.layers[i].bias, l.bias, `${how}: layers[${i}].bias`);
      });
      expectSamePredictions(back, m, c, how);
      // Saving the loaded model writes the same file: class names and training options survive.
      expect(JSON.stringify(back.toJSON()), how).toBe(text);
      back.dispose();
    }
    m.dispose();
  });

  it('a model that was never trained has no training field; the next fit records its own options', () => {
    const m = new LogisticRegression({ features: F, engine });
    expect('training' in m.toJSON()).toBe(false);
    m.fit(X, BITS, FIT);
    m.fit(X, BITS, { epochs: 2, batchSize: 'full', learningRate: 0.5, shuffle: false });
    expect(m.toJSON().training).toEqual({
      epochs: 2, batchSize: 'full', learningRate: 0.5,
      optimizer: expect.objectContaining({ name: 'sgd', momentum: 0, nesterov: false, weightDecay: 0 }),
      schedule: 'constant', warmup: null, shuffle: false, seed: null, l1: 0, l2: 0, ...UNSET,
    });
    m.dispose();
  });

  it('the options that change what training does are all recorded: stopping rules, validation, class weights, restarts', () => {
    const m = new LogisticRegression({ features: F, engine });
    m.fit(X, BITS, {
      epochs: 4, learningRate: 0.1, optimizer: { name: 'sgd', momentum: 0.9 }, schedule: { type: 'step', stepSize: 2, gamma: 0.5 },
      warmup: { epochs: 1 }, elasticNet: { alpha: 0.01, l1Ratio: 0.25 }, classWeight: { 0: 1, 1: 2 },
      gradTol: 1e-9, tol: 1e-7, nIterNoChange: 3, paramTol: 1e-12, timeLimitMs: 60_000, targetLoss: -1,
      validationFraction: 0.25, restoreBestWeights: false, warmStart: false, restarts: 2,
    });
    expect(m.toJSON().training).toEqual({
      epochs: 4, batchSize: null, learningRate: 0.1,
      optimizer: expect.objectContaining({ name: 'sgd', momentum: 0.9, dampening: 0, nesterov: false }),
      schedule: { type: 'step', stepSize: 2, gamma: 0.5 }, warmup: { epochs: 1 }, shuffle: true, seed: null,
      l1: 0.01 * 0.25, l2: 0.01 * 0.75, // elasticNet as the penalties it stands for
      classWeight: { 0: 1, 1: 2 }, gradTol: 1e-9, tol: 1e-7, nIterNoChange: 3, paramTol: 1e-12, timeLimitMs: 60_000,
      targetLoss: -1, validationFraction: 0.25, earlyStopping: false, restoreBestWeights: false, warmStart: false, restarts: 2,
    });
    m.dispose();
  });

  it('earlyStopping is recorded with what it implies: tol 0, a 10% validation split, the best epoch restored', () => {
    const m = new LinearRegression({ features: F, engine });
    m.fit(X, VALUES, { epochs: 2, earlyStopping: true, learningRate: 0.01 }); // the old default rate, given explicitly
    expect(m.toJSON().training).toEqual({
      epochs: 2, batchSize: null, learningRate: 0.01, optimizer: expect.objectContaining({ name: 'sgd' }),
      schedule: 'constant', warmup: null, shuffle: true, seed: null, l1: 0, l2: 0,
      ...UNSET, tol: 0, validationFraction: 0.1, earlyStopping: true, restoreBestWeights: true,
    });
    m.dispose();
  });

  it("the recorded options are the model's own: changing toJSON's result, the fit options or a loaded file changes nothing", () => {
    const schedule = { type: 'step' as const, stepSize: 2, gamma: 0.5 };
    const classWeight = { 0: 1, 1: 2 };
    const m = new LogisticRegression({ features: F, engine });
    // A callback that changes the options during the call: the file records them as the call began.
    m.fit(X, BITS, { epochs: 2, schedule, classWeight, onEpochEnd: () => void (schedule.stepSize = 7) });
    expect((m.toJSON().training!.schedule as { stepSize: number }).stepSize).toBe(2);
    const saved = JSON.stringify(m.toJSON());
    schedule.gamma = 9;
    classWeight[1] = 9;
    const json = m.toJSON();
    json.training!.epochs = 99;
    (json.training!.schedule as { stepSize: number }).stepSize = 99;
    expect(JSON.stringify(m.toJSON())).toBe(saved);
    const file = JSON.parse(saved);
    const back = LogisticRegression.fromJSON(file, { engine });
    file.training.epochs = 99;
    file.training.classWeight[0] = 99;
    expect(JSON.stringify(back.toJSON())).toBe(saved);
    back.dispose();
    m.dispose();
  });

  it('a function schedule is recorded as the string "function" (JSON cannot hold it)', () => {
    const m = new LinearRegression({ features: F, engine });
    m.fit(X, VALUES, { epochs: 2, schedule: (epoch: number) => 0.1 / (1 + epoch) } as FitOptions);
    const text = JSON.stringify(m.toJSON());
    expect(JSON.parse(text).training.schedule).toBe('function');
    const back = LinearRegression.fromJSON(text, { engine });
    expect(back.toJSON().training).toEqual(m.toJSON().training);
    back.dispose();
    m.dispose();
  });

  it('toJSON writes the shape and each layer as the file format documents (weights units x inputs, row-major)', () => {
    // Dyadic values: exact in float32, so every engine writes them unchanged.
    const layers = [
      { weights: [0.5, -0.25, 1, 0.75, -1, 0.125], bias: [0.25, -0.5] },
      { weights: [2, -0.75], bias: [0.0625] },
    ];
    const m = new MLP({ inputs: 3, hidden: [2], outputs: 1, activation: 'relu', head: 'mse', engine, init: { layers } });
    expect(m.toJSON()).toEqual({
      format: 'steepest', version: 3, library: PACKAGE_VERSION, model: 'MLP',
      shape: { inputs: 3, layers: [{ units: 2, activation: 'relu' }, { units: 1, activation: 'identity' }], head: 'mse' },
      layers,
    });
    m.dispose();
  });
});

// ---------------------------------------------------------------------------
// Files written by hand

/** Rows [1, 2], [-3, 0.5], [4, -1]: with w = [0.5, -2], b = 0.25 the outputs are dyadic, exact in float32. */
const X3 = [[1, 2], [-3, 0.5], [4, -1]];
const Z3 = [0.5 * 1 - 2 * 2 + 0.25, 0.5 * -3 - 2 * 0.5 + 0.25, 0.5 * 4 - 2 * -1 + 0.25]; // -3.25, -2.25, 4.25
const V1 = { format: 'steepest', version: 1, model: 'LinearRegression', features: 2, weights: [0.5, -2], bias: 0.25 };

describe.each(ENGINES)('version-1 files (%s)', (engine) => {
  it('load into LinearRegression (fromJSON and loadModel) with the predictions the weights imply', () => {
    for (const m of [LinearRegression.fromJSON(V1, { engine }), loadModel(JSON.stringify(V1), { engine }) as LinearRegression]) {
      expect(m).toBeInstanceOf(LinearRegression);
      expect(m.engine).toBe(engine);
      expect(Array.from(m.weights)).toEqual([0.5, -2]);
      expect(m.bias).toBe(0.25);
      expectSame(m.predict(X3), Z3, 'predict'); // exact: dyadic products and sums
      // Saving upgrades the file to the current version, 3.
      expect(m.toJSON()).toEqual({
        format: 'steepest', version: 3, library: PACKAGE_VERSION, model: 'LinearRegression',
        shape: { inputs: 2, layers: [{ units: 1, activation: 'identity' }], head: 'mse' },
        layers: [{ weights: [0.5, -2], bias: [0.25] }],
      });
      m.dispose();
    }
  });

  it('load into LogisticRegression (fromJSON and loadModel): labels and sigmoid of the same logits', () => {
    const file = { ...V1, model: 'LogisticRegression' };
    for (const m of [LogisticRegression.fromJSON(JSON.stringify(file), { engine }), loadModel(file, { engine }) as LogisticRegression]) {
      expect(m).toBeInstanceOf(LogisticRegression);
      expectSame(m.predict(X3), [0, 0, 1], 'predict: 1 where the logit is >= 0');
      // sigmoid in float64 of an exact logit, rounded once to float32: within one float32 ulp (2^-23 relative).
      expectClose(m.predictProba(X3), Z3.map((z) => 1 / (1 + Math.exp(-z))), { rel: 2 ** -23 }, 'predictProba');
      expect(m.predictLabels(X3)).toEqual([0, 0, 1]);
      expect(m.classes).toBe(null);
      m.dispose();
    }
  });
});

/**
 * A version-2 file written by hand: 2 inputs, 3 tanh units, 2 softmax classes named 'no' and 'yes'.
 * Every value is dyadic (exact in float32), so the file means the same on every engine.
 */
const V2: Omit<ModelJSON, 'version'> & { version: 2 } = {
  format: 'steepest', version: 2, library: '0.0.1', model: 'MLP',
  shape: { inputs: 2, layers: [{ units: 3, activation: 'tanh' }, { units: 2, activation: 'identity' }], head: 'softmax' },
  layers: [
    { weights: [0.5, -0.25, 1, 0.75, -1, 0.125], bias: [0.125, -0.25, 0.375] },
    { weights: [1, -1, 0.5, -0.5, 0.25, 2], bias: [0, 0.5] },
  ],
  classes: ['no', 'yes'],
  training: { epochs: 7 },
};

/** V2's class probabilities for a row, computed here in float64 from the equations. */
function v2Proba(x: readonly number[]): number[] {
  const [W1, W2] = V2.layers;
  const h = [0, 1, 2].map((u) => Math.tanh(W1.weights[2 * u] * x[0] + W1.weights[2 * u + 1] * x[1] + W1.bias[u]));
  const z = [0, 1].map((k) => W2.weights[3 * k] * h[0] + W2.weights[3 * k + 1] * h[1] + W2.weights[3 * k + 2] * h[2] + W2.bias[k]);
  const m = Math.max(...z);
  const e = z.map((v) => Math.exp(v - m));
  return e.map((v) => v / (e[0] + e[1]));
}

describe.each(ENGINES)('a hand-written version-2 file (%s)', (engine) => {
  it('loads with the class names, training options and predictions its weights imply', () => {
    for (const m of [MLP.fromJSON(V2, { engine }), loadModel(JSON.stringify(V2), { engine }) as MLP]) {
      expect(m.hidden).toEqual([3]);
      expect(m.activation).toEqual(['tanh']);
      expect(m.head).toBe('softmax');
      expect(m.classes).toEqual(['no', 'yes']);
      const want = X3.flatMap(v2Proba);
      // A float32 forward pass of 2 + 3 terms, tanh and softmax, and a float32 result (half an ulp
      // is 3e-8 here): measured 4e-8 at most, so 1e-6 absolute leaves about 25x room.
      expectClose(m.predictProba(X3), want, { abs: 1e-6 }, 'predictProba');
      const argmax = X3.map((x) => (v2Proba(x)[1] > v2Proba(x)[0] ? 1 : 0));
      expect(argmax).toContain(0); // the rows name both classes, so predictLabels is a real test
      expect(argmax).toContain(1);
      expect(m.predictLabels(X3)).toEqual(argmax.map((k) => V2.classes![k]));
      // The library and file versions of the file that was read are not kept: saving writes this library's, and version 3.
      expect(m.toJSON()).toEqual({ ...V2, version: 3, library: PACKAGE_VERSION });
      m.dispose();
    }
  });
});

// ---------------------------------------------------------------------------
// Corrupt files: every error is a ValidationError whose message names the field, and a failed
// load leaves no WASM memory behind (some loads build the model before its shape is compared).

/** Both WASM runtimes' allocated bytes: a js model must not touch them either. */
const allocated = () => [runtimeOf('wasm-simd').allocatedBytes, runtimeOf('wasm-scalar').allocatedBytes];

/** Runs a load that must fail with exactly this message, and checks no WASM memory stays allocated. */
function expectLoadError(load: () => unknown, message: string): void {
  const before = allocated();
  expectThrows(load, ValidationError, message);
  expect(allocated(), `allocated bytes after: ${message}`).toEqual(before);
}

/** V2 (or another file) with one change: set the value at path (undefined deletes the field). */
function changed(path: (string | number)[], value: unknown, file: object = V2): Record<string, unknown> {
  const copy = structuredClone(file) as Record<string, unknown>;
  let at: Record<string | number, unknown> = copy;
  for (const key of path.slice(0, -1)) at = at[key] as Record<string | number, unknown>;
  const last = path[path.length - 1];
  if (value === undefined) delete at[last];
  else at[last] = value;
  return copy;
}

/** The platform's own message for text that is not JSON (its wording differs between Node versions). */
function parseMessage(text: string): string {
  try {
    JSON.parse(text);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error(`${text} parsed`);
}

/** The platform's own message for a value JSON.stringify refuses. */
function stringifyMessage(v: unknown): string {
  try {
    JSON.stringify(v);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('stringified');
}

const V2_TEXT = JSON.stringify(V2);
const NOT_JSON = (text: string) => `json is not valid JSON: ${parseMessage(text)}`;
const FLOAT32 = 'must be a finite number, got';

/** [what, file, message]: files that no loader accepts (loadModel and the file's own class give the same error). */
const CORRUPT: [string, unknown, string][] = [
  ['truncated text', V2_TEXT.slice(0, 60), NOT_JSON(V2_TEXT.slice(0, 60))],
  ['truncated text, cut inside a number', V2_TEXT.slice(0, V2_TEXT.indexOf('0.125') + 3), NOT_JSON(V2_TEXT.slice(0, V2_TEXT.indexOf('0.125') + 3))],
  ['empty text', '', NOT_JSON('')],
  ['text with a trailing comma', V2_TEXT.replace(/}$/, ',}'), NOT_JSON(V2_TEXT.replace(/}$/, ',}'))],
  ['null', null, 'json must be toJSON() output (an object) or its JSON text, got null'],
  ["the text 'null'", 'null', 'json must be toJSON() output (an object) or its JSON text, got null'],
  ['an array', [V2], 'json must be toJSON() output (an object) or its JSON text, got [an object]'],
  ['a number', 2, 'json must be toJSON() output (an object) or its JSON text, got 2'],
  ['another format', changed(['format'], 'onnx'), "json is not a steepest model (format 'onnx', version 2)"],
  ['no format', changed(['format'], undefined), 'json is not a steepest model (format undefined, version 2)'],
  ['a newer version', changed(['version'], 4), "json has file format version 4; this version of steepest reads versions 1, 2 and 3 (the file was written by steepest '0.0.1': upgrade steepest to load it)"],
  ['version 0', changed(['version'], 0), 'json has file format version 0; this version of steepest reads versions 1, 2 and 3'],
  ['version 2.5', changed(['version'], 2.5), 'json has file format version 2.5; this version of steepest reads versions 1, 2 and 3'],
  ["version '2'", changed(['version'], '2'), "json has file format version '2'; this version of steepest reads versions 1, 2 and 3"],
  ['no version', changed(['version'], undefined), 'json has file format version undefined; this version of steepest reads versions 1, 2 and 3'],
  ['an unknown field', changed(['weights'], [1, 2]), "unknown json field 'weights' (expected one of format, version, library, model, shape, layers, classes, training)"],
  ['an unknown model type', changed(['model'], 'RandomForest'), "model must be one of LinearRegression, LogisticRegression, SoftmaxRegression, MLP, got 'RandomForest'"],
  ['no shape', changed(['shape'], undefined), 'shape must be an object, got undefined'],
  ['an unknown shape field', changed(['shape', 'dropout'], 0.5), "unknown json field 'shape.dropout' (expected one of inputs, layers, head)"],
  ['inputs 0', changed(['shape', 'inputs'], 0), 'shape.inputs must be a positive integer, got 0'],
  ['inputs 2.5', changed(['shape', 'inputs'], 2.5), 'shape.inputs must be a positive integer, got 2.5'],
  ['no layers in the shape', changed(['shape', 'layers'], []), 'shape.layers must be a non-empty array of { units, activation }, got []'],
  // eslint-disable-next-line no-sparse-arrays
  ['a hole in shape.layers (an object can hold one)', changed(['shape', 'layers'], [, V2.shape.layers[1]]), 'shape.layers[0] must be an object, got undefined'],
  ['units 0', changed(['shape', 'layers', 0, 'units'], 0), 'shape.layers[0].units must be a positive integer, got 0'],
  ['a shape of 2^40 inputs (more parameters than memory holds)', changed(['shape', 'inputs'], 2 ** 40),
    'layers[0].weights has 6 values but the shape needs 3298534883328 (3 units x 1099511627776 inputs)'],
  ['an unknown activation', changed(['shape', 'layers', 0, 'activation'], 'swish'), "shape.layers[0].activation must be one of identity, sigmoid, tanh, relu, got 'swish'"],
  ['an unknown layer field', changed(['shape', 'layers', 1, 'dropout'], 0), "unknown json field 'shape.layers[1].dropout' (expected one of units, activation)"],
  ['an unknown head', changed(['shape', 'head'], 'hinge'), "shape.head must be one of mse, sigmoid, softmax, got 'hinge'"],
  ['a softmax head on one output', { ...changed(['shape', 'layers', 1, 'units'], 1), layers: [V2.layers[0], { weights: [1, -1, 0.5], bias: [0] }], classes: undefined },
    'shape.layers[1].units must be at least 2 for the softmax head (one per class), got 1'],
  ['no layers', changed(['layers'], undefined), 'layers must be an array of 2 layers, got undefined'],
  ['fewer layers than the shape', changed(['layers'], [V2.layers[0]]), 'layers has 1 entry but shape.layers has 2'],
  ['a layer that is not an object', changed(['layers', 1], null), 'layers[1] must be an object, got null'],
  ['an unknown field in a layer', changed(['layers', 0, 'scale'], 2), "unknown json field 'layers[0].scale' (expected one of weights, bias)"],
  ['missing weights', changed(['layers', 0, 'weights'], undefined), 'layers[0].weights must be an array of 6 numbers, got undefined'],
  ['missing bias', changed(['layers', 1, 'bias'], undefined), 'layers[1].bias must be an array of 2 numbers, got undefined'],
  ['weights as an object', changed(['layers', 0, 'weights'], { 0: 1 }), 'layers[0].weights must be an array of 6 numbers, got an object'],
  ['too few weights', changed(['layers', 0, 'weights'], [1, 2, 3, 4, 5]), 'layers[0].weights has 5 values but the shape needs 6 (3 units x 2 inputs)'],
  ['too many weights', changed(['layers', 1, 'weights'], [1, 2, 3, 4, 5, 6, 7]), 'layers[1].weights has 7 values but the shape needs 6 (2 units x 3 inputs)'],
  ['a bias of the wrong length', changed(['layers', 1, 'bias'], [0]), 'layers[1].bias has 1 value but the shape needs 2 (one per unit)'],
  ['a NaN weight (an object can hold one)', changed(['layers', 0, 'weights', 3], NaN), `layers[0].weights[3] ${FLOAT32} NaN`],
  ['an infinite weight', changed(['layers', 1, 'weights', 5], -Infinity), `layers[1].weights[5] ${FLOAT32} -Infinity`],
  ['a weight beyond float32 (1e39)', changed(['layers', 0, 'weights', 0], 1e39), `layers[0].weights[0] value 1e+39 is too large for float32 (largest magnitude is 3.4028234663852886e+38)`],
  ['a bias beyond float32 (-3.5e38)', changed(['layers', 1, 'bias', 1], -3.5e38), `layers[1].bias[1] value -3.5e+38 is too large for float32 (largest magnitude is 3.4028234663852886e+38)`],
  ['a weight as a string', changed(['layers', 0, 'weights', 2], '1'), `layers[0].weights[2] ${FLOAT32} '1'`],
  ['a null weight (what JSON.stringify writes for NaN)', JSON.stringify(changed(['layers', 0, 'weights', 1], NaN)), `layers[0].weights[1] ${FLOAT32} null`],
  ['too few classes', changed(['classes'], ['no']), "classes must be 2 distinct strings for this model's head, got ['no']"],
  ['too many classes', changed(['classes'], ['no', 'yes', 'maybe']), "classes must be 2 distinct strings for this model's head, got ['no', 'yes', 'maybe']"],
  ['classes that are not strings', changed(['classes'], [0, 1]), 'classes[0] must be a string, got 0'],
  // eslint-disable-next-line no-sparse-arrays
  ['classes with a hole (an object can hold one)', changed(['classes'], [, 'yes']), 'classes[0] must be a string, got undefined'],
  ['classes that repeat', changed(['classes'], ['no', 'no']), "classes must be distinct, got ['no', 'no']"],
  ['classes as one string', changed(['classes'], 'no,yes'), "classes must be 2 distinct strings for this model's head, got 'no,yes'"],
  ['training that is not an object', changed(['training'], 5), 'training must be an object, got 5'],
  ['training that is not JSON data (an object can hold a BigInt)', changed(['training'], { seed: 5n }), `training must be JSON data (${stringifyMessage(5n)})`],
];

/** A linear regression file (version 2). */
const LINEAR = {
  format: 'steepest', version: 2, library: '0.1.0', model: 'LinearRegression',
  shape: { inputs: 2, layers: [{ units: 1, activation: 'identity' }], head: 'mse' }, layers: [{ weights: [0.5, -2], bias: [0.25] }],
};
/** An MLP regression file with 2 outputs. */
const MLP_MSE = {
  format: 'steepest', version: 2, library: '0.1.0', model: 'MLP',
  shape: { inputs: 1, layers: [{ units: 1, activation: 'relu' }, { units: 2, activation: 'identity' }], head: 'mse' },
  layers: [{ weights: [1], bias: [0] }, { weights: [1, -1], bias: [0, 0] }],
};
const shapeText = (s: object) => JSON.stringify(s);

/** Cls.fromJSON, or loadModel. */
const by = (how: 'fromJSON' | 'loadModel', Cls: ModelClass) => (file: unknown, options?: unknown) =>
  how === 'fromJSON' ? Cls.fromJSON(file, options) : loadModel(file, options as never);

/** [what, load, message]: files one loader rejects, and loader options. */
const REJECTED: [string, (engine: TestEngine) => unknown, string][] = [
  ['an MLP file into LinearRegression', (engine) => LinearRegression.fromJSON(V2, { engine }), 'json holds an MLP, not a LinearRegression (load it with MLP.fromJSON or loadModel)'],
  ['a LinearRegression file into an MLP', (engine) => MLP.fromJSON(LINEAR, { engine }), 'json holds a LinearRegression, not an MLP (load it with LinearRegression.fromJSON or loadModel)'],
  ['a version-1 LogisticRegression file into SoftmaxRegression', (engine) => SoftmaxRegression.fromJSON({ ...V1, model: 'LogisticRegression' }, { engine }), 'json holds a LogisticRegression, not a SoftmaxRegression (load it with LogisticRegression.fromJSON or loadModel)'],
  // The file names the class but its shape is another's: these build the model before comparing (see the memory check).
  ...(['fromJSON', 'loadModel'] as const).flatMap((how): [string, (engine: TestEngine) => unknown, string][] => [
    [`${how}: a LinearRegression file with a sigmoid head`, (engine) => by(how, LinearRegression)(changed(['shape', 'head'], 'sigmoid', LINEAR), { engine }),
      `json's shape ${shapeText({ ...LINEAR.shape, head: 'sigmoid' })} is not a LinearRegression's (${shapeText(LINEAR.shape)})`],
    [`${how}: a LogisticRegression file with a tanh layer`, (engine) => by(how, LogisticRegression)({ ...LINEAR, model: 'LogisticRegression', shape: { inputs: 2, layers: [{ units: 1, activation: 'tanh' }], head: 'sigmoid' } }, { engine }),
      `json's shape ${shapeText({ inputs: 2, layers: [{ units: 1, activation: 'tanh' }], head: 'sigmoid' })} is not a LogisticRegression's (${shapeText({ inputs: 2, layers: [{ units: 1, activation: 'identity' }], head: 'sigmoid' })})`],
    [`${how}: a SoftmaxRegression file with two layers`, (engine) => by(how, SoftmaxRegression)({ ...V2, model: 'SoftmaxRegression' }, { engine }),
      'shape must be one dense layer of at least 2 units with a softmax head for a SoftmaxRegression'],
    [`${how}: a SoftmaxRegression file with a relu layer`, (engine) => by(how, SoftmaxRegression)({
      ...V2, model: 'SoftmaxRegression', shape: { inputs: 3, layers: [{ units: 2, activation: 'relu' }], head: 'softmax' }, layers: [V2.layers[1]],
    }, { engine }), `json's shape ${shapeText({ inputs: 3, layers: [{ units: 2, activation: 'relu' }], head: 'softmax' })} is not a SoftmaxRegression's (${shapeText({ inputs: 3, layers: [{ units: 2, activation: 'identity' }], head: 'softmax' })})`],
    [`${how}: an MLP file whose output layer has an activation`, (engine) => by(how, MLP)(changed(['shape', 'layers', 1, 'activation'], 'tanh'), { engine }),
      "shape.layers must be hidden layers with sigmoid, tanh or relu, then an output layer with 'identity', for an MLP"],
    [`${how}: an MLP file with an identity hidden layer`, (engine) => by(how, MLP)(changed(['shape', 'layers', 0, 'activation'], 'identity'), { engine }),
      "shape.layers must be hidden layers with sigmoid, tanh or relu, then an output layer with 'identity', for an MLP"],
    [`${how}: class names on an mse model`, (engine) => by(how, MLP)({ ...MLP_MSE, classes: ['a', 'b'] }, { engine }),
      "classes must be absent for a model whose head is 'mse' (it predicts values, not classes), got ['a', 'b']"],
    [`${how}: class names on a sigmoid head with 2 outputs`, (engine) => by(how, MLP)({ ...MLP_MSE, shape: { ...MLP_MSE.shape, head: 'sigmoid' }, classes: ['a', 'b'] }, { engine }),
      "classes must be absent for a model whose head is 'sigmoid' with 2 outputs (it predicts 0 or 1 per output, not classes), got ['a', 'b']"],
    [`${how}: a version-1 file of a model version 1 did not have`, (engine) => by(how, SoftmaxRegression)({ ...V1, model: 'SoftmaxRegression' }, { engine }),
      "model must be LinearRegression or LogisticRegression in a version 1 file, got 'SoftmaxRegression'"],
    [`${how}: a version-1 file with a version-2 field`, (engine) => by(how, LinearRegression)({ ...V1, library: '0.1.0' }, { engine }),
      "unknown json field 'library' (expected one of format, version, model, features, weights, bias)"],
    [`${how}: a version-1 file with features 0`, (engine) => by(how, LinearRegression)({ ...V1, features: 0 }, { engine }), 'features must be a positive integer, got 0'],
    [`${how}: a version-1 file with too few weights`, (engine) => by(how, LinearRegression)({ ...V1, weights: [1] }, { engine }),
      'weights has 1 value but features is 2'],
    [`${how}: a version-1 file of 2^53 features (more than memory holds)`, (engine) => by(how, LinearRegression)({ ...V1, features: 2 ** 53 }, { engine }),
      'weights has 2 values but features is 9007199254740992'],
    [`${how}: a version-1 file with a NaN weight`, (engine) => by(how, LinearRegression)({ ...V1, weights: [1, NaN] }, { engine }), `weights[1] ${FLOAT32} NaN`],
    [`${how}: a version-1 file without a bias`, (engine) => by(how, LinearRegression)({ ...V1, bias: undefined }, { engine }), `bias ${FLOAT32} undefined`],
    [`${how}: a version-1 file with a bias beyond float32`, (engine) => by(how, LinearRegression)(JSON.stringify({ ...V1, bias: 1e39 }), { engine }), `bias value 1e+39 is too large for float32 (largest magnitude is 3.4028234663852886e+38)`],
    [`${how}: an options typo`, (engine) => by(how, MLP)(V2, { engin: engine } as never), "unknown fromJSON option 'engin' (expected one of engine)"],
    [`${how}: options that are not an object`, () => by(how, MLP)(V2, null as never), 'fromJSON options must be an options object, got null'],
    [`${how}: an unknown engine`, () => by(how, MLP)(V2, { engine: 'gpu' } as never), "engine must be one of auto, wasm-simd, wasm-scalar, js, got 'gpu'"],
  ]),
];

describe.each(ENGINES)('corrupt files (%s)', (engine) => {
  it.each(CORRUPT)('%s', (_, file, message) => {
    expectLoadError(() => loadModel(file, { engine }), message);
    expectLoadError(() => MLP.fromJSON(file, { engine }), message);
  });

  it.each(REJECTED)('%s', (_, load, message) => {
    expectLoadError(() => load(engine), message);
  });

  it('the files the corrupt ones were made from load (so each error above is the one change it names)', () => {
    for (const file of [V2, LINEAR, MLP_MSE, V1, { ...V1, model: 'LogisticRegression' }]) loadModel(file, { engine }).dispose();
  });
});

// ---------------------------------------------------------------------------
// Fuzz: files mutated at random (a value replaced by junk, a field deleted or added, the text
// truncated or a character changed) load or fail with a ValidationError, never another error;
// a file that loads predicts finite values (or names an output beyond float32 as a
// ValidationError) on every engine; no load leaves WASM memory behind.

const FUZZ_SEED = Number(process.env.FC_SEED ?? 20261207);

/** Valid files of every model type: trained models' files (written by the js engine), the hand-written ones and version 1. */
function validFiles(): object[] {
  const files: object[] = [V2, LINEAR, MLP_MSE, V1, { ...V1, model: 'LogisticRegression' }];
  for (const c of CASES) {
    const m = c.make('js');
    m.fit(X, c.y as Float32Array, { epochs: 1, seed: 1 });
    files.push(m.toJSON());
    m.dispose();
  }
  return files;
}

/** Every path in a JSON value: the root's fields, array elements, nested fields. */
function paths(v: unknown, at: (string | number)[] = []): (string | number)[][] {
  if (v === null || typeof v !== 'object') return [];
  const keys: (string | number)[] = Array.isArray(v) ? v.map((_, i) => i) : Object.keys(v);
  return keys.flatMap((k) => [[...at, k], ...paths((v as Record<string | number, unknown>)[k], [...at, k])]);
}

const junk = fc.oneof(
  fc.constantFrom<unknown>(
    NaN, Infinity, -Infinity, 1e39, -1e39, 3.4e38, -3.4e38, -0, 0, 1, 2, 3, -1, 0.5, 1e-45, 2 ** 31, 2 ** 53, null, true, false,
    undefined, '', '2', 'MLP', 'LinearRegression', 'LogisticRegression', 'SoftmaxRegression', 'softmax', 'sigmoid', 'mse', 'relu',
    'tanh', 'identity', 'steepest', [], {}, [1], ['a', 'b'], ['a', 'b', 'c'], 5n,
  ),
  fc.double(),
  fc.integer({ min: -3, max: 12 }),
  fc.string({ maxLength: 4 }),
  fc.array(fc.double({ min: -4, max: 4, noNaN: true }), { maxLength: 12 }),
);

type Mutation =
  | { kind: 'set'; path: number; value: unknown }
  | { kind: 'delete'; path: number }
  | { kind: 'add'; path: number; key: string; value: unknown }
  | { kind: 'truncate'; at: number }
  | { kind: 'char'; at: number; char: string };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('set' as const), path: fc.nat(), value: junk }), weight: 4 },
  fc.record({ kind: fc.constant('delete' as const), path: fc.nat() }),
  fc.record({ kind: fc.constant('add' as const), path: fc.nat(), key: fc.constantFrom('x', 'units', 'weights', 'bias', 'classes', 'training', 'library'), value: junk }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.double({ min: 0, max: 1, noNaN: true }) }),
  fc.record({ kind: fc.constant('char' as const), at: fc.double({ min: 0, max: 1, noNaN: true }), char: fc.constantFrom('"', ',', '}', ']', '[', '0', '-', 'e', ' ', 'x') }),
);

/** Applies mutations to a copy of file: object mutations first, then (if any) text ones, which make it text. */
function mutate(file: object, ms: Mutation[], asText: boolean): unknown {
  const o = structuredClone(file) as Record<string | number, unknown>;
  for (const m of ms) {
    if (m.kind === 'truncate' || m.kind === 'char') continue;
    const all = m.kind === 'add' ? [[], ...paths(o)].filter((p) => { const v = p.reduce<unknown>((a, k) => (a as Record<string | number, unknown>)[k], o); return v !== null && typeof v === 'object' && !Array.isArray(v); }) : paths(o);
    if (all.length === 0) continue;
    const path = all[m.path % all.length];
    const parent = path.slice(0, -1).reduce<unknown>((a, k) => (a as Record<string | number, unknown>)[k], o) as Record<string | number, unknown>;
    if (m.kind === 'add') (path.reduce<unknown>((a, k) => (a as Record<string | number, unknown>)[k], o) as Record<string, unknown>)[m.key] = m.value;
    else if (m.kind === 'delete') delete parent[path[path.length - 1]];
    else parent[path[path.length - 1]] = m.value;
  }
  const textual = ms.filter((m) => m.kind === 'truncate' || m.kind === 'char');
  if (!asText && textual.length === 0) return o;
  let text: string;
  try {
    text = JSON.stringify(o);
  } catch {
    return o; // a BigInt: objects only
  }
  for (const m of textual) {
    const at = Math.floor(m.at * text.length);
    text = m.kind === 'truncate' ? text.slice(0, at) : text.slice(0, at) + m.char + text.slice(at + 1);
  }
  return text;
}

/** Checks every prediction the loaded model offers is finite, or a ValidationError about an output beyond float32. */
function expectFinitePredictions(m: Loaded): void {
  const Xr = uniformF32(4 * m.features, 99);
  const outputs = m.shape.layers[m.shape.layers.length - 1].units;
  const head = m.shape.head;
  const calls: (() => ArrayLike<number> | (string | number)[])[] = [() => m.predict(Xr)];
  if (head !== 'mse') calls.push(() => (m as MLP).predictProba(Xr));
  if (head === 'softmax' || (head === 'sigmoid' && outputs === 1)) calls.push(() => (m as MLP).predictLabels(Xr));
  for (const call of calls) {
    let out: ArrayLike<number> | (string | number)[];
    try {
      out = call();
    } catch (err) {
      expect(err).toBeInstanceOf(ValidationError);
      expect((err as Error).message).toMatch(/^the model's output for row \d+ is .+, outside the float32 range/);
      continue;
    }
    for (let i = 0; i < out.length; i++) {
      const v = out[i];
      if (typeof v === 'number') expect(Number.isFinite(v), `prediction ${i} is ${v}`).toBe(true);
      else expect(m.classes).toContain(v);
    }
  }
}

describe('fuzz: mutated and truncated files', () => {
  it('give a loaded model with finite predictions or a ValidationError, never another error, and leave no WASM memory', () => {
    const files = validFiles();
    let loads = 0;
    fc.assert(
      fc.property(
        fc.nat(files.length - 1), fc.array(mutation, { minLength: 1, maxLength: 3 }), fc.boolean(), fc.constantFrom(...ENGINES),
        fc.constantFrom('loadModel', 'own class', 'LinearRegression', 'LogisticRegression', 'SoftmaxRegression', 'MLP'),
        (f, ms, asText, engine, loader) => {
          const file = mutate(files[f], ms, asText);
          const own = (files[f] as { model: string }).model;
          const load = () => (loader === 'loadModel' ? loadModel(file, { engine }) : CLASSES[loader === 'own class' ? own : loader].fromJSON(file, { engine }));
          const before = allocated();
          let m: Loaded;
          try {
            m = load();
          } catch (err) {
            if (!(err instanceof ValidationError)) throw err;
            expect(allocated()).toEqual(before);
            return;
          }
          loads++;
          try {
            expectFinitePredictions(m);
          } finally {
            m.dispose();
          }
          expect(allocated()).toEqual(before);
        },
      ),
      { seed: FUZZ_SEED, numRuns: 400 },
    );
    // Some mutations keep a file loadable (a weight changed to another float32 number, a training field added...):
    // without them the predictions above would never be checked.
    expect(loads).toBeGreaterThan(20);
  });
});
