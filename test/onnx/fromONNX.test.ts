// fromONNX reads back what toONNX writes: the same model class, shape, classes, preprocessing
// and training record, parameters rounded to float32 (the file's precision; the WASM engines
// hold them in float32 already, so there the round trip predicts the same bits as the original),
// and a model that trains further. Any other graph is an error naming the first node or
// structure it does not read, word for word.
import { describe, expect, it } from 'vitest';
import { loadModel, ValidationError, type AnyModel, type ModelJSON } from '../../src/index.js';
import { fromONNX, readONNX, toONNX } from '../../src/onnx/index.js';
import { FLOAT, decodeModel, encodeModel, type Model, type Node } from '../../src/onnx/proto.js';
import { ENGINES, useReady } from '../helpers/engines.js';
import { expectThrows } from '../helpers/errors.js';
import { ONNX_CASES, PREP_LAYOUTS, type Trained } from '../helpers/onnxCases.js';

useReady();

/** The model with its parameters rounded to float32, built from its JSON (what the ONNX file holds). */
function float32Copy(model: AnyModel, engine: (typeof ENGINES)[number]): AnyModel {
  const json = model.toJSON();
  const layers = json.layers.map((l) => ({ weights: l.weights.map(Math.fround), bias: l.bias.map(Math.fround) }));
  return loadModel({ ...json, layers }, { engine });
}

/** Every prediction method the model has, on the raw rows. */
function predictions(m: AnyModel, t: Trained): unknown[] {
  const x = t.predictInput();
  const out: unknown[] = [Array.from(m.predict(x))];
  if (m.shape.head !== 'mse') out.push(Array.from((m as { predictProba(x: unknown): Float32Array }).predictProba(x)));
  return out;
}

describe.each(ENGINES)('fromONNX(toONNX(model)) (%s)', (engine) => {
  describe.each(ONNX_CASES)('$name', (c) => {
    it.each([null, 'mixed'] as const)('restores the model (preprocessing: %s), predicting the same bits, and it trains further', (prep) => {
      const t = c.make(engine, prep);
      const restored = fromONNX(toONNX(t.model), { engine });
      const expected = float32Copy(t.model, engine);
      expect(restored.constructor).toBe(t.model.constructor);
      expect(restored.engine).toBe(t.model.engine);
      expect(restored.toJSON()).toEqual(expected.toJSON()); // shape, layers, classes, training, preprocessing (mean and scale exact)
      expect(restored.preprocessing?.toJSON() ?? null).toEqual(t.model.preprocessing?.toJSON() ?? null);
      expect(predictions(restored, t)).toEqual(predictions(expected, t));
      if (engine !== 'js') {
        // The WASM engines hold float32 parameters: nothing was rounded, the predictions are the original's.
        expect(expected.toJSON().layers).toEqual(t.model.toJSON().layers);
        expect(predictions(restored, t)).toEqual(predictions(t.model, t));
      }
      const before = restored.toJSON().layers;
      restored.fit(t.X, t.y as number[], { epochs: 2, learningRate: 0.05 });
      const fitted = restored.toJSON().layers;
      expect(fitted).not.toEqual(before);
      restored.partialFit(t.X, t.y as number[], { learningRate: 0.05 });
      expect(restored.toJSON().layers).not.toEqual(fitted);
      for (const m of [t.model, restored, expected]) m.dispose();
    });
  });
});

describe('fromONNX input', () => {
  it('takes an ArrayBuffer too, and readONNX gives the model file', () => {
    const t = ONNX_CASES[1].make('js', 'mixed');
    const bytes = toONNX(t.model);
    const json: ModelJSON = readONNX(bytes.slice().buffer);
    expect(json).toEqual(float32Copy(t.model, 'js').toJSON());
    expect(fromONNX(bytes.slice().buffer, { engine: 'js' }).toJSON()).toEqual(json);
  });

  it.each(PREP_LAYOUTS)('restores preprocessing laid out as %s exactly (names, means and scales in float64, category codes)', (layout) => {
    const t = ONNX_CASES[4].make('wasm-simd', layout);
    const restored = fromONNX(toONNX(t.model));
    expect(restored.preprocessing!.toJSON()).toEqual(t.model.preprocessing!.toJSON());
    expect(Array.from(restored.predictProba(t.predictInput()))).toEqual(Array.from(t.model.predictProba(t.predictInput())));
  });

  it('infers the model class from the graph when the metadata is gone', () => {
    for (const name of ['LinearRegression', 'LogisticRegression, labels 0/1', 'SoftmaxRegression, labels 0..2', 'MLP relu hidden layer, sigmoid head (one output), labels 0/1']) {
      const t = ONNX_CASES.find((c) => c.name === name)!.make('js', null);
      const m = decodeModel(toONNX(t.model));
      const bare = encodeModel({ ...m, metadata: {} });
      const restored = fromONNX(bare, { engine: 'js' });
      expect(restored.constructor).toBe(t.model.constructor);
      expect(restored.toJSON().training).toBeUndefined();
    }
  });
});

/** A toONNX file changed through this package's decoder and encoder. */
function changed(change: (m: Model) => Model): Uint8Array {
  const t = ONNX_CASES.find((c) => c.name === 'MLP tanh hidden layer, sigmoid head (one output), string labels')!.make('js', null);
  return encodeModel(change(decodeModel(toONNX(t.model))));
}

const nodes = (m: Model, f: (nodes: Node[]) => Node[]): Model => ({ ...m, graph: { ...m.graph, nodes: f(m.graph.nodes) } });
const TAIL = '; it reads the graphs toONNX writes';

describe('fromONNX errors', () => {
  const bad = (bytes: unknown, message: string) => expectThrows(() => fromONNX(bytes as Uint8Array), ValidationError, message);

  it('names an argument that is not a file, and a file that is not ONNX', () => {
    bad('model.onnx', "bytes must be a Uint8Array or an ArrayBuffer (an ONNX file's contents), got 'model.onnx'");
    bad(new Float32Array(4), "bytes must be a Uint8Array or an ArrayBuffer (an ONNX file's contents), got a Float32Array");
    bad(Uint8Array.of(0x0a, 0x05, 1), 'bytes is not an ONNX model: the model is truncated at byte 2 (a field of 5 bytes)');
    bad(Uint8Array.of(0x0b), 'bytes is not an ONNX model: the model has field 1 of wire type 3, which ONNX does not use');
    bad(new Uint8Array(0), "bytes is not an ONNX model this reader knows: it imports no standard operator set (opset_import: [])");
  });

  it("names the first operator it does not read: skl2onnx's MatMul + Add for a dense layer", () => {
    // What skl2onnx writes for an MLP's first layer.
    const sk = (m: Model) => nodes(m, (ns) => [
      { op: 'MatMul', name: 'MatMul', inputs: ['X', 'coefficient'], outputs: ['mul_result'], attributes: {} },
      { op: 'Add', name: 'Add', inputs: ['mul_result', 'intercepts'], outputs: ['add_result'], attributes: {} },
      ...ns.slice(1),
    ]);
    bad(changed(sk), `fromONNX cannot read node 0 (MatMul 'MatMul'): toONNX writes a Gemm (a dense layer) here${TAIL}`);
  });

  it("names an operator from another domain (ai.onnx.ml's ZipMap) by its domain", () => {
    const zip = (m: Model) => nodes(m, (ns) => [...ns, { op: 'ai.onnx.ml.ZipMap', name: 'zipmap', inputs: ['probabilities'], outputs: ['output_probability'], attributes: {} }]);
    bad(changed(zip), `fromONNX cannot read node 11 (ai.onnx.ml.ZipMap 'zipmap'): toONNX writes nothing after the head${TAIL}`);
  });

  it('names the structure it does not read: inputs, outputs, attributes, constants, wiring', () => {
    bad(
      changed((m) => ({ ...m, graph: { ...m.graph, inputs: [...m.graph.inputs, { name: 'mask', type: FLOAT, dims: ['N', 1] }] } })),
      `fromONNX cannot read this graph: it has 2 inputs; toONNX writes one (a float32 matrix, rows x features)${TAIL}`,
    );
    bad(
      changed((m) => ({ ...m, graph: { ...m.graph, inputs: [{ ...m.graph.inputs[0], dims: ['N', 'F'] }] } })),
      `fromONNX cannot read this graph: its input 'X' is not a float32 matrix with a fixed number of columns (type 1, dims ['N', 'F'])${TAIL}`,
    );
    bad(
      changed((m) => ({ ...m, graph: { ...m.graph, outputs: m.graph.outputs.slice(1) } })),
      `fromONNX cannot read this graph: its outputs are ['probabilities']; toONNX writes ['label', 'probabilities'] or ['variable']${TAIL}`,
    );
    bad(
      changed((m) => nodes(m, (ns) => [{ ...ns[0], attributes: { transB: 1, alpha: 2 } }, ...ns.slice(1)])),
      `fromONNX cannot read node 0 (Gemm 'layers.0.z:Gemm'): its attribute alpha = 2 is not one toONNX writes${TAIL}`,
    );
    bad(
      changed((m) => nodes(m, (ns) => [{ ...ns[0], attributes: {} }, ...ns.slice(1)])),
      `fromONNX cannot read node 0 (Gemm 'layers.0.z:Gemm'): it has no attribute transB (toONNX writes transB = 1)${TAIL}`,
    );
    bad(
      changed((m) => ({ ...m, graph: { ...m.graph, initializers: m.graph.initializers.filter((t) => t.name !== 'layers.1.bias') } })),
      `fromONNX cannot read node 2 (Gemm 'layers.1.z:Gemm'): its input 2 ('layers.1.bias') is not a constant${TAIL}`,
    );
    bad(
      changed((m) => ({ ...m, graph: { ...m.graph, initializers: m.graph.initializers.map((t) => (t.name === 'layers.1.weights' ? { ...t, dims: [4, 1] } : t)) } })),
      `fromONNX cannot read node 2 (Gemm 'layers.1.z:Gemm'): its weights 'layers.1.weights' are [4, 1], not [units, 4]${TAIL}`,
    );
    bad(
      changed((m) => nodes(m, (ns) => [ns[0], { ...ns[1], inputs: ['X'] }, ...ns.slice(2)])),
      `fromONNX cannot read node 1 (Tanh 'layers.0.a:Tanh'): it takes 'X' where toONNX writes a Tanh (the layer's activation) of 'layers.0.z'${TAIL}`,
    );
    bad(
      changed((m) => nodes(m, (ns) => ns.slice(0, 5))),
      `fromONNX cannot read this graph: it ends after 5 nodes where toONNX writes a Sigmoid (P of class 1)${TAIL}`,
    );
  });
});
