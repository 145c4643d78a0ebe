// The ONNX messages: decodeModel(encodeModel(m)) is m, tensors are stored as onnx.proto says
// (raw_data little-endian; strings in string_data), and tensors written the other ways
// (float_data, double_data, int64_data) read back too.
import { describe, expect, it } from 'vitest';
import { DOUBLE, FLOAT, INT64, STRING, decodeModel, encodeModel, type Model } from '../../src/onnx/proto.js';
import { Message, readFields } from '../../src/onnx/protobuf.js';

const model = (): Model => ({
  irVersion: 7,
  opsets: [{ domain: '', version: 13 }],
  producerName: 'steepest',
  producerVersion: '0.1.0',
  doc: 'a test',
  metadata: { model: 'MLP', training: '{"epochs":3}' },
  graph: {
    name: 'g',
    doc: 'the graph',
    nodes: [
      { op: 'Gemm', name: 'n0', inputs: ['X', 'W', 'b'], outputs: ['z'], attributes: { transB: 1 }, floats: [] },
      { op: 'LeakyRelu', name: 'n1', inputs: ['z'], outputs: ['a'], attributes: { alpha: 0.25 }, floats: ['alpha'] },
      { op: 'Squeeze', name: 'n2', inputs: ['a'], outputs: ['s'], attributes: { axes: [1, -1], mode: 'x' }, floats: [] },
    ],
    initializers: [
      { name: 'W', type: FLOAT, dims: [2, 3], values: Float64Array.of(1, -2, 0.5, 3, 4, -0.25) },
      { name: 'b', type: DOUBLE, dims: [2], values: Float64Array.of(0.1, -1e300) },
      { name: 'i', type: INT64, dims: [3], values: Float64Array.of(-1, 0, 2 ** 40) },
      { name: 'c', type: STRING, dims: [2], strings: ['a', 'ünï'] },
    ],
    inputs: [{ name: 'X', type: FLOAT, dims: ['N', 3], doc: 'rows' }],
    outputs: [{ name: 's', type: FLOAT, dims: ['N', 2], doc: '' }],
  },
});

describe('encodeModel and decodeModel', () => {
  it('round-trip every field this package uses', () => {
    expect(decodeModel(encodeModel(model()))).toEqual(model());
  });

  it("store tensors as onnx.proto says: raw_data little-endian (field 9), strings in string_data (field 6)", () => {
    const graph = readFields(encodeModel(model()), 'm').get(7)![0] as Uint8Array;
    const inits = readFields(graph, 'g').get(5)!.map((t) => readFields(t as Uint8Array, 't'));
    const hex = (b: unknown) => Array.from(b as Uint8Array, (v) => v.toString(16).padStart(2, '0')).join(' ');
    expect(inits[0].get(2)).toEqual([FLOAT]);
    expect(hex(inits[0].get(9)![0]).slice(0, 23)).toBe('00 00 80 3f 00 00 00 c0'); // 1, -2 as float32
    expect(hex(inits[2].get(9)![0]).slice(0, 23)).toBe('ff ff ff ff ff ff ff ff'); // -1 as int64
    expect(inits[3].get(9)).toBeUndefined();
    expect(inits[3].get(6)!.map((s) => new TextDecoder().decode(s as Uint8Array))).toEqual(['a', 'ünï']);
  });

  it('read tensors stored in float_data, double_data and int64_data', () => {
    const f32 = new Uint8Array(8);
    new DataView(f32.buffer).setFloat32(0, 1.5, true);
    new DataView(f32.buffer).setFloat32(4, -3, true);
    const f64 = new Uint8Array(8);
    new DataView(f64.buffer).setFloat64(0, 0.1, true);
    const tensor = (type: number, dims: number[], field: number, data: Uint8Array | number[]) => {
      const t = new Message().packedInts(1, dims).int(2, type).string(8, `t${type}`);
      return Array.isArray(data) ? t.packedInts(field, data) : t.bytes(field, data);
    };
    const graph = new Message()
      .message(5, tensor(FLOAT, [2], 4, f32))
      .message(5, tensor(DOUBLE, [1], 10, f64))
      .message(5, tensor(INT64, [2], 7, [5, -7]));
    const m = decodeModel(new Message().int(1, 7).message(7, graph).finish());
    expect(m.graph.initializers.map((t) => Array.from(t.values!))).toEqual([[1.5, -3], [0.1], [5, -7]]);
  });
});
