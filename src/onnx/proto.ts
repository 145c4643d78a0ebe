// The ONNX messages this package writes and reads (onnx/onnx.proto, field numbers as there):
// ModelProto, GraphProto, NodeProto, AttributeProto, TensorProto, ValueInfoProto and the
// type and shape messages inside it, as plain objects.
import { Message, ints, readFields, text, type FieldValue, type Fields } from './protobuf.js';

/** TensorProto.DataType values used here. */
export const FLOAT = 1;
export const STRING = 8;
export const INT64 = 7;
export const BOOL = 9;
export const DOUBLE = 11;

/** A tensor: an initializer's values (numbers, or strings for STRING). */
export interface Tensor {
  name: string;
  type: number;
  dims: number[];
  /** FLOAT, DOUBLE and INT64 values. */
  values?: ArrayLike<number>;
  /** STRING values. */
  strings?: string[];
}

/** A node attribute: an int, a float, a string or a list of ints. */
export type AttributeValue = number | string | number[];

/** A node: op_type, inputs, outputs and attributes (ints, floats, strings, int lists). */
export interface Node {
  op: string;
  name: string;
  inputs: string[];
  outputs: string[];
  attributes: Record<string, AttributeValue>;
  /** Attributes written as floats (the others with a number are ints). */
  floats?: string[];
}

/** A graph input or output: a tensor's name, element type and dimensions (a string is a symbolic dimension). */
export interface ValueInfo {
  name: string;
  type: number;
  dims: (number | string)[];
  doc?: string;
}

/** A graph. */
export interface Graph {
  name: string;
  nodes: Node[];
  initializers: Tensor[];
  inputs: ValueInfo[];
  outputs: ValueInfo[];
  doc?: string;
}

/** A model: the graph, the operator sets it uses and its metadata. */
export interface Model {
  irVersion: number;
  opsets: { domain: string; version: number }[];
  producerName: string;
  producerVersion: string;
  doc: string;
  graph: Graph;
  metadata: Record<string, string>;
}

// AttributeProto.AttributeType
const ATTR_FLOAT = 1;
const ATTR_INT = 2;
const ATTR_STRING = 3;
const ATTR_INTS = 7;

/** The model file's bytes. */
export function encodeModel(m: Model): Uint8Array {
  const out = new Message().int(1, m.irVersion).string(2, m.producerName).string(3, m.producerVersion);
  if (m.doc) out.string(6, m.doc);
  out.message(7, encodeGraph(m.graph));
  for (const o of m.opsets) out.message(8, new Message().string(1, o.domain).int(2, o.version));
  for (const [k, v] of Object.entries(m.metadata)) out.message(14, new Message().string(1, k).string(2, v));
  return out.finish();
}

function encodeGraph(g: Graph): Message {
  const out = new Message();
  for (const n of g.nodes) out.message(1, encodeNode(n));
  out.string(2, g.name);
  for (const t of g.initializers) out.message(5, encodeTensor(t));
  if (g.doc) out.string(10, g.doc);
  for (const v of g.inputs) out.message(11, encodeValueInfo(v));
  for (const v of g.outputs) out.message(12, encodeValueInfo(v));
  return out;
}

function encodeNode(n: Node): Message {
  const out = new Message();
  for (const i of n.inputs) out.string(1, i);
  for (const o of n.outputs) out.string(2, o);
  out.string(3, n.name).string(4, n.op);
  for (const [name, v] of Object.entries(n.attributes)) {
    const a = new Message().string(1, name);
    if (typeof v === 'string') a.int(20, ATTR_STRING).string(4, v);
    else if (Array.isArray(v)) a.int(20, ATTR_INTS).packedInts(8, v);
    else if (n.floats?.includes(name)) a.int(20, ATTR_FLOAT).float(2, v);
    else a.int(20, ATTR_INT).int(3, v);
    out.message(5, a);
  }
  return out;
}

function encodeTensor(t: Tensor): Message {
  const out = new Message().packedInts(1, t.dims).int(2, t.type).string(8, t.name);
  if (t.type === STRING) {
    for (const s of t.strings ?? []) out.string(6, s);
    return out;
  }
  // raw_data: little-endian values, whatever the platform's byte order.
  const vs = t.values ?? [];
  const size = t.type === FLOAT ? 4 : 8;
  const raw = new Uint8Array(vs.length * size);
  const view = new DataView(raw.buffer);
  for (let i = 0; i < vs.length; i++) {
    if (t.type === FLOAT) view.setFloat32(i * 4, vs[i], true);
    else if (t.type === DOUBLE) view.setFloat64(i * 8, vs[i], true);
    else view.setBigInt64(i * 8, BigInt(vs[i]), true);
  }
  return out.bytes(9, raw);
}

function encodeValueInfo(v: ValueInfo): Message {
  const shape = new Message();
  for (const d of v.dims) shape.message(1, typeof d === 'string' ? new Message().string(2, d) : new Message().int(1, d));
  const tensorType = new Message().int(1, v.type).message(2, shape);
  const out = new Message().string(1, v.name).message(2, new Message().message(1, tensorType));
  if (v.doc) out.string(3, v.doc);
  return out;
}

/** Reads a model file; a malformed one is a RangeError naming the message and byte. */
export function decodeModel(bytes: Uint8Array): Model {
  const f = readFields(bytes, 'the model');
  const graphBytes = f.get(7)?.[0];
  return {
    irVersion: int(f, 1),
    producerName: str(f, 2),
    producerVersion: str(f, 3),
    doc: str(f, 6),
    opsets: all(f, 8, 'the model.opset_import').map((o) => ({ domain: str(o, 1), version: int(o, 2) })),
    metadata: Object.fromEntries(all(f, 14, 'the model.metadata_props').map((e) => [str(e, 1), str(e, 2)])),
    graph: graphBytes instanceof Uint8Array ? decodeGraph(readFields(graphBytes, 'the graph')) : emptyGraph(),
  };
}

function emptyGraph(): Graph {
  return { name: '', nodes: [], initializers: [], inputs: [], outputs: [] };
}

function decodeGraph(f: Fields): Graph {
  return {
    nodes: all(f, 1, 'graph.node').map(decodeNode),
    name: str(f, 2),
    initializers: all(f, 5, 'graph.initializer').map(decodeTensor),
    doc: str(f, 10),
    inputs: all(f, 11, 'graph.input').map(decodeValueInfo),
    outputs: all(f, 12, 'graph.output').map(decodeValueInfo),
  };
}

function decodeNode(f: Fields, i: number): Node {
  const attributes: Record<string, AttributeValue> = {};
  const floats: string[] = [];
  for (const a of all(f, 5, `graph.node[${i}].attribute`)) {
    const name = str(a, 1);
    const type = int(a, 20);
    if (type === ATTR_FLOAT) {
      attributes[name] = new DataView(bytesOf(a.get(2)?.[0]).slice().buffer).getFloat32(0, true);
      floats.push(name);
    } else if (type === ATTR_INT) attributes[name] = int(a, 3);
    else if (type === ATTR_STRING) attributes[name] = str(a, 4);
    else if (type === ATTR_INTS) attributes[name] = ints(a.get(8), `graph.node[${i}].attribute`);
    else attributes[name] = `(attribute type ${type})`;
  }
  return {
    inputs: (f.get(1) ?? []).map(text),
    outputs: (f.get(2) ?? []).map(text),
    name: str(f, 3),
    op: (str(f, 7) ? `${str(f, 7)}.` : '') + str(f, 4), // an operator of another domain keeps its domain in its name
    attributes,
    floats,
  };
}

function decodeTensor(f: Fields, i: number): Tensor {
  const what = `graph.initializer[${i}]`;
  const t: Tensor = { dims: ints(f.get(1), what), type: int(f, 2), name: str(f, 8) };
  if (t.type === STRING) {
    t.strings = (f.get(6) ?? []).map(text);
    return t;
  }
  const raw = f.get(9)?.[0];
  if (raw instanceof Uint8Array) {
    const size = t.type === FLOAT ? 4 : 8;
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    const n = Math.floor(raw.length / size);
    const values = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      values[k] = t.type === FLOAT ? view.getFloat32(k * size, true) : t.type === DOUBLE ? view.getFloat64(k * size, true) : Number(view.getBigInt64(k * size, true));
    }
    t.values = values;
  } else if (t.type === INT64) {
    t.values = ints(f.get(7), what);
  } else {
    // float_data (field 4) or double_data (field 10): packed fixed-width values.
    const packed = bytesOf(f.get(t.type === DOUBLE ? 10 : 4)?.[0]);
    const view = new DataView(packed.buffer, packed.byteOffset, packed.byteLength);
    const size = t.type === DOUBLE ? 8 : 4;
    t.values = Float64Array.from({ length: Math.floor(packed.length / size) }, (_, k) =>
      size === 8 ? view.getFloat64(k * 8, true) : view.getFloat32(k * 4, true));
  }
  return t;
}

function decodeValueInfo(f: Fields, i: number): ValueInfo {
  const what = `graph value ${i}`;
  const type = fields(f.get(2)?.[0], what);
  const tensorType = fields(type.get(1)?.[0], what);
  const shape = tensorType.get(2)?.[0];
  const dims = shape === undefined ? [] : all(fields(shape, what), 1, what).map((d) => (d.has(2) ? str(d, 2) : d.has(1) ? int(d, 1) : '?'));
  return { name: str(f, 1), type: int(tensorType, 1), dims, doc: str(f, 3) };
}

function all(f: Fields, field: number, what: string): Fields[] {
  return (f.get(field) ?? []).map((v, i) => fields(v, `${what}[${i}]`));
}

function fields(v: FieldValue | undefined, what: string): Fields {
  return v === undefined ? new Map() : readFields(bytesOf(v), what);
}

function bytesOf(v: FieldValue | undefined): Uint8Array {
  return v instanceof Uint8Array ? v : new Uint8Array(0);
}

function int(f: Fields, field: number): number {
  const v = f.get(field)?.[0];
  return typeof v === 'number' ? v : 0;
}

function str(f: Fields, field: number): string {
  return text(f.get(field)?.[0]);
}
