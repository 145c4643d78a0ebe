// toONNX's files run in ONNX Runtime (onnxruntime-node, which checks the model as it loads it)
// and give the model's own predictions: every model type, activation, head and label kind, with
// and without stored preprocessing, for one row and many, on every engine. Also the graph's
// interface (names, types, shapes), its metadata, every supported opset, onnx.checker's full
// check where Python's onnx package is installed, and the errors.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { DisposedError, LogisticRegression, Preprocessor, ValidationError, loadModel, version, type SoftmaxRegression } from '../../src/index.js';
import { run as steepest } from '../../src/cli/run.js';
import { OPSETS, toONNX } from '../../src/onnx/index.js';
import { decodeModel, encodeModel, type Node } from '../../src/onnx/proto.js';
import { ENGINES, useReady } from '../helpers/engines.js';
import { expectThrows } from '../helpers/errors.js';
import { ONNX_CASES, PREP_LAYOUTS, ROWS, expectSameOutputs, type OnnxCase, type Trained } from '../helpers/onnxCases.js';

useReady();

const ROOT = join(import.meta.dirname, '../..');

async function run(bytes: Uint8Array, t: Trained, first: number): Promise<Record<string, ort.Tensor>> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    return await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', t.input.slice(0, first * t.cols), [first, t.cols]) });
  } finally {
    await session.release();
  }
}

async function expectServed(c: OnnxCase, t: Trained, bytes: Uint8Array): Promise<void> {
  expectSameOutputs(c, t, await run(bytes, t, ROWS), ROWS);
  expectSameOutputs(c, t, await run(bytes, t, 1), 1);
}

describe.each(ENGINES)('toONNX served by onnxruntime-node (%s)', (engine) => {
  describe.each(ONNX_CASES)('$name', (c) => {
    it('without preprocessing: the same labels, and probabilities or values within 1e-5, for many rows and one', async () => {
      const t = c.make(engine, null);
      await expectServed(c, t, toONNX(t.model));
    });

    it('with preprocessing (standardized numeric columns, one-hot numeric codes): the same from raw rows', async () => {
      const t = c.make(engine, 'mixed');
      await expectServed(c, t, toONNX(t.model));
    });
  });
});

describe('toONNX preprocessing layouts', () => {
  // 'mixed' above; here one segment over the whole input, and categorical columns at both ends.
  it.each(PREP_LAYOUTS)('%s', async (layout) => {
    const c = ONNX_CASES.find((k) => k.name === 'SoftmaxRegression, string labels')!;
    const t = c.make('wasm-simd', layout);
    await expectServed(c, t, toONNX(t.model));
  });

  it('a category code the model did not see gives that column all zeros (the model itself throws)', async () => {
    const c = ONNX_CASES.find((k) => k.name === 'LogisticRegression, labels 0/1')!;
    const t = c.make('js', 'mixed');
    const unseen = Float32Array.from(t.input.subarray(0, t.cols));
    unseen[1] = 7; // 'color' saw 0.5, 1, 2 and 3
    const known = Float32Array.from(unseen);
    const session = await ort.InferenceSession.create(toONNX(t.model));
    const out = await session.run({ X: new ort.Tensor('float32', unseen, [1, t.cols]) });
    // Expected: the model's logit with the one-hot block zeroed, from its weights.
    const prep = t.model.preprocessing!;
    known[1] = 1;
    const f = prep.transform([Array.from(known)]);
    f.fill(0, 1, 5); // color's one-hot block: features 1..4 (categories 0.5, 1, 2, 3)
    const { weights, bias } = t.model.layers[0];
    const z = f.reduce((s, v, j) => s + v * weights[j], bias[0]);
    expect(Number(out.label.data[0])).toBe(z >= 0 ? 1 : 0);
    expect(Math.abs((out.probabilities.data as Float32Array)[1] - 1 / (1 + Math.exp(-z)))).toBeLessThan(1e-6);
    await session.release();
  });
});

describe('the graph toONNX writes', () => {
  it("names its input X (or inputName) and outputs as skl2onnx does, with their types and shapes", async () => {
    const cases: [string, string[], string[], number[][]][] = [
      ['LinearRegression', ['variable'], ['float32'], [['N', 1]] as never],
      ['SoftmaxRegression, string labels', ['label', 'probabilities'], ['string', 'float32'], [['N'], ['N', 3]] as never],
      ['LogisticRegression, labels 0/1', ['label', 'probabilities'], ['int64', 'float32'], [['N'], ['N', 2]] as never],
      ['MLP relu hidden layer, sigmoid head (three outputs, multilabel)', ['label', 'probabilities'], ['int64', 'float32'], [['N', 3], ['N', 3]] as never],
    ];
    for (const [name, outputs, types, shapes] of cases) {
      const t = ONNX_CASES.find((k) => k.name === name)!.make('js', null);
      const session = await ort.InferenceSession.create(toONNX(t.model));
      expect(session.inputNames).toEqual(['X']);
      expect(session.inputMetadata[0]).toMatchObject({ isTensor: true, type: 'float32', shape: ['N', 6] });
      expect(session.outputNames).toEqual(outputs);
      expect(session.outputMetadata.map((m) => (m.isTensor ? m.type : null))).toEqual(types);
      expect(session.outputMetadata.map((m) => (m.isTensor ? m.shape : null))).toEqual(shapes);
      await session.release();
    }
    const t = ONNX_CASES[0].make('js', 'mixed');
    const session = await ort.InferenceSession.create(toONNX(t.model, { inputName: 'raw' }));
    expect(session.inputNames).toEqual(['raw']);
    expect(session.inputMetadata[0]).toMatchObject({ shape: ['N', 4] }); // the raw columns, not the 6 features
    await session.release();
  });

  it("holds the library version, the model type, its training options and its columns in the model's metadata", () => {
    const t = ONNX_CASES.find((k) => k.name === 'MLP tanh hidden layer, sigmoid head (one output), string labels')!.make('js', 'mixed');
    const m = decodeModel(toONNX(t.model));
    expect(m.producerName).toBe('steepest');
    expect(m.producerVersion).toBe(version);
    expect(m.metadata.library).toBe(`steepest ${version}`);
    expect(m.metadata.model).toBe('MLP');
    expect(JSON.parse(m.metadata.training)).toMatchObject({ epochs: 30, learningRate: 0.05, batchSize: 8 });
    expect(JSON.parse(m.metadata.columns)).toEqual(['age', 'color', 'height', 'weight']);
    expect(m.metadata.target).toBe('outcome');
    expect(m.graph.inputs[0].doc).toBe('raw columns: age, color (categorical: 0.5, 1, 2, 3), height, weight');
    // Standard operators only, from the default domain; no ZipMap.
    expect(m.opsets).toEqual([{ domain: '', version: 13 }]);
    expect(new Set(m.graph.nodes.map((n) => n.op))).toEqual(
      new Set(['Gather', 'Cast', 'Sub', 'Div', 'Equal', 'Concat', 'Gemm', 'Tanh', 'Neg', 'Sigmoid', 'GreaterOrEqual', 'Squeeze']),
    );
  });

  it(`runs at every opset from ${OPSETS.min} to ${OPSETS.max}, with the same outputs`, async () => {
    const c = ONNX_CASES.find((k) => k.name === 'MLP relu and tanh hidden layers, softmax head, labels 0..3')!;
    const t = c.make('wasm-simd', 'mixed');
    for (let opset = OPSETS.min; opset <= OPSETS.max; opset++) {
      const bytes = toONNX(t.model, { opset });
      expect(decodeModel(bytes).opsets).toEqual([{ domain: '', version: opset }]);
      await expectServed(c, t, bytes);
    }
  });
});

// onnx.checker.check_model(full_check=True): Debian's python3-onnx (.ci/run installs it).
const PYTHONS = ['python3', '/usr/bin/python3'];
const CHECK = `
import json, sys, onnx
results = []
for path in sys.argv[1:]:
    try:
        onnx.checker.check_model(onnx.load(path), full_check=True)
        results.append('ok')
    except Exception as e:
        results.append(f'{type(e).__name__}: {e}')
print(json.dumps({'version': onnx.__version__, 'opset': onnx.defs.onnx_opset_version(), 'results': results}))
`;

/** The first Python that imports onnx, or why there is none. */
function findChecker(): { python: string; opset: number } | { reason: string } {
  const tried: string[] = [];
  for (const python of PYTHONS) {
    try {
      const out = JSON.parse(execFileSync(python, ['-c', CHECK], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }));
      return { python, opset: out.opset };
    } catch (err) {
      const e = err as { code?: string; stderr?: string };
      tried.push(`${python}: ${e.code === 'ENOENT' ? 'not found' : (e.stderr ?? String(err)).trim().split('\n').pop()}`);
    }
  }
  return { reason: tried.join('; ') };
}

const checker = findChecker();
if ('reason' in checker) console.log(`skipping onnx.checker.check_model: no Python with the onnx package (${checker.reason}); apt-get install python3-onnx`);

describe('onnx.checker.check_model(full_check=True)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'steepest-onnx-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.skipIf('reason' in checker)('passes every case, with and without preprocessing, at every opset the checker knows', () => {
    if ('reason' in checker) return;
    const files: string[] = [];
    const maxOpset = Math.min(OPSETS.max, checker.opset);
    ONNX_CASES.forEach((c, i) => {
      for (const prep of [null, ...PREP_LAYOUTS]) {
        const t = c.make('js', prep);
        for (let opset = OPSETS.min; opset <= maxOpset; opset++) {
          const file = join(dir, `${i}-${prep ?? 'none'}-${opset}.onnx`);
          writeFileSync(file, toONNX(t.model, { opset }));
          files.push(file);
        }
        t.model.dispose();
      }
    });
    const out = JSON.parse(execFileSync(checker.python, ['-c', CHECK, ...files], { encoding: 'utf8' }));
    console.log(`onnx.checker (onnx ${out.version}) checked ${files.length} files at opsets ${OPSETS.min}..${maxOpset}`);
    expect(out.results.map((r: string, i: number) => (r === 'ok' ? r : `${files[i]}: ${r}`))).toEqual(files.map(() => 'ok'));
  });

  it.skipIf('reason' in checker)('is a real check: it rejects a file whose Gemm weights do not match its input', () => {
    if ('reason' in checker) return;
    const t = ONNX_CASES[0].make('js', null);
    const bytes = toONNX(t.model);
    const model = decodeModel(bytes);
    expect(model.graph.nodes[0].op).toBe('Gemm');
    // Without transB the Gemm multiplies X (N x 6) by W (1 x 6): the types are fine, the shapes
    // cannot multiply, and only full_check's shape inference sees it.
    const file = join(dir, 'bad.onnx');
    writeFileSync(file, toONNXWithNode(bytes, (n) => ({ ...n, attributes: {} })));
    const out = JSON.parse(execFileSync(checker.python, ['-c', CHECK, file], { encoding: 'utf8' }));
    expect(out.results[0]).not.toBe('ok');
  });
});

/** The file with its first node changed (through this package's decoder and encoder). */
function toONNXWithNode(bytes: Uint8Array, change: (n: Node) => Node): Uint8Array {
  const m = decodeModel(bytes);
  return encodeModel({ ...m, graph: { ...m.graph, nodes: [change(m.graph.nodes[0]), ...m.graph.nodes.slice(1)] } });
}

describe('toONNX errors', () => {
  it('names a categorical column whose categories are not numeric codes', () => {
    const prep = new Preprocessor().fit([[1, 'red'], [2, 'blue']], ['size', 'color'], { categorical: ['color'] });
    const model = new LogisticRegression({ features: 3 });
    model.preprocessing = prep;
    expectThrows(
      () => toONNX(model), ValidationError,
      "toONNX cannot express categorical column 'color' (column 1): its category 'blue' is not a number written as a float32 value; " +
        'the ONNX model takes one float32 matrix, so a categorical column must hold numeric codes such as 1, 2, 3 (encode string categories as codes before training)',
    );
    const inexact = new Preprocessor().fit([['0.1000000001'], ['2']], ['code'], { categorical: ['code'] });
    const m2 = new LogisticRegression({ features: 2 });
    m2.preprocessing = inexact;
    expectThrows(
      () => toONNX(m2), ValidationError,
      "toONNX cannot express categorical column 'code' (column 0): its category '0.1000000001' is not a number written as a float32 value (its float32 value is written '0.1'); " +
        'the ONNX model takes one float32 matrix, so a categorical column must hold numeric codes such as 1, 2, 3 (encode string categories as codes before training)',
    );
  });

  it('checks its arguments', () => {
    const model = new LogisticRegression({ features: 2 });
    expectThrows(() => toONNX({} as never), ValidationError, 'model must be a steepest model (LinearRegression, LogisticRegression, SoftmaxRegression or MLP), got an object');
    expectThrows(() => toONNX(null as never), ValidationError, 'model must be a steepest model (LinearRegression, LogisticRegression, SoftmaxRegression or MLP), got null');
    expectThrows(() => toONNX(model, { opset: 12 }), ValidationError, 'opset must be an integer from 13 to 21, got 12');
    expectThrows(() => toONNX(model, { opset: 22 }), ValidationError, 'opset must be an integer from 13 to 21, got 22');
    expectThrows(() => toONNX(model, { opset: 13.5 }), ValidationError, 'opset must be an integer from 13 to 21, got 13.5');
    expectThrows(() => toONNX(model, { inputName: '' }), ValidationError, "inputName must be a non-empty string, got ''");
    expectThrows(() => toONNX(model, { opSet: 13 } as never), ValidationError, "unknown toONNX option 'opSet' (expected one of opset, inputName)");
    model.dispose();
    expect(() => toONNX(model)).toThrow(DisposedError);
  });
});

describe("README's Node snippet (Serving elsewhere)", () => {
  // Run as written, in a plain node process: 'steepest' resolves to this package's dist/ (npm run build).
  it('prints the labels the model itself predicts for its two rows', async () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const code = /<!-- serving-node -->\n(?:<!--.*-->\n)?```js\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(code, 'README has the serving-node snippet').toBeDefined();
    expect(existsSync(join(ROOT, 'dist/onnx/index.js')), 'dist/ is built (npm run build)').toBe(true);
    mkdirSync(join(ROOT, 'out'), { recursive: true });
    const dir = mkdtempSync(join(ROOT, 'out/readme-onnx-'));
    try {
      const sink = new Writable({ write: (_c, _e, done) => done() });
      expect(await steepest(['train', 'iris', '--out', join(dir, 'model.json'), '--quiet'], { stdin: Readable.from([]), stdout: sink, stderr: sink })).toBe(0);
      writeFileSync(join(dir, 'snippet.mjs'), code!);
      const out = execFileSync(process.execPath, [join(dir, 'snippet.mjs')], { cwd: dir, encoding: 'utf8' });
      const model = loadModel(readFileSync(join(dir, 'model.json'), 'utf8')) as SoftmaxRegression;
      const expected = model.predictLabels([[5.1, 3.5, 1.4, 0.2], [6.7, 3.0, 5.2, 2.3]]);
      expect(expected).toEqual(['setosa', 'virginica']); // what the README's comment says
      expect(out.startsWith(`[ ${expected.map((l) => `'${l}'`).join(', ')} ] Float32Array(6) [`)).toBe(true);
      // The file it wrote is toONNX's for that model.
      expect(new Uint8Array(readFileSync(join(dir, 'model.onnx')))).toEqual(toONNX(model));
      model.dispose();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
