// The protocol buffers wire format, as much of it as ONNX files use: varints (int32, int64 and
// enums, negative int64 as ten bytes), length-delimited fields (strings, bytes, nested messages,
// packed arrays) and fixed-width numbers. A message is written as a list of parts, so a large
// tensor's bytes are copied once, into the file.

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_BYTES = 2;
const WIRE_FIXED32 = 5;

const utf8 = new TextEncoder();

/** A message being written: fields in the order added. */
export class Message {
  private parts: Uint8Array[] = [];
  private scratch: number[] = [];
  /** Bytes written so far. */
  length = 0;

  /** An int32, int64, enum or bool field (any safe integer; a negative one is written as its 64-bit two's complement). */
  int(field: number, v: number): this {
    this.key(field, WIRE_VARINT);
    this.varint(v);
    return this;
  }

  /** A float field (fixed32). */
  float(field: number, v: number): this {
    this.key(field, WIRE_FIXED32);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, v, true);
    return this.raw(b);
  }

  /** A string field (UTF-8). */
  string(field: number, s: string): this {
    return this.bytes(field, utf8.encode(s));
  }

  /** A bytes field (not copied until finish()). */
  bytes(field: number, b: Uint8Array): this {
    this.key(field, WIRE_BYTES);
    this.varint(b.length);
    return this.raw(b);
  }

  /** A nested message field. */
  message(field: number, m: Message): this {
    this.key(field, WIRE_BYTES);
    this.varint(m.length);
    this.flush();
    m.flush();
    for (const p of m.parts) this.parts.push(p);
    this.length += m.length;
    return this;
  }

  /** A packed repeated int64 field. */
  packedInts(field: number, vs: readonly number[]): this {
    const inner = new Message();
    for (const v of vs) inner.varint(v);
    return this.message(field, inner);
  }

  /** The message's bytes. */
  finish(): Uint8Array {
    this.flush();
    const out = new Uint8Array(this.length);
    let at = 0;
    for (const p of this.parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }

  private key(field: number, wire: number): void {
    this.varint(field * 8 + wire);
  }

  private varint(v: number): void {
    if (!Number.isSafeInteger(v)) throw new RangeError(`protobuf: ${v} is not a safe integer`);
    const before = this.scratch.length;
    if (v < 0) {
      let u = BigInt.asUintN(64, BigInt(v));
      for (; u > 0x7fn; u >>= 7n) this.scratch.push(Number(u & 0x7fn) | 0x80);
      this.scratch.push(Number(u));
    } else {
      for (; v > 0x7f; v = Math.floor(v / 128)) this.scratch.push((v % 128) | 0x80);
      this.scratch.push(v);
    }
    this.length += this.scratch.length - before;
  }

  private raw(b: Uint8Array): this {
    this.flush();
    this.parts.push(b);
    this.length += b.length;
    return this;
  }

  // Small values (keys, lengths, varints) gather in scratch until bytes follow.
  private flush(): void {
    if (this.scratch.length === 0) return;
    this.parts.push(Uint8Array.from(this.scratch));
    this.scratch = [];
  }
}

/** One field as read: a varint (as a number: int64 values beyond 2^53 lose precision), bytes, or fixed-width bytes. */
export type FieldValue = number | Uint8Array;

/** A message as read: each field number's values, in file order. */
export type Fields = Map<number, FieldValue[]>;

/** Reads one message's fields; what names the message in errors (onnx.graph.node[3]). */
export function readFields(bytes: Uint8Array, what: string): Fields {
  const fields: Fields = new Map();
  let at = 0;
  const varint = (): number => {
    let v = 0n;
    for (let shift = 0n; ; shift += 7n) {
      if (at >= bytes.length) throw new RangeError(`${what} is truncated at byte ${at}`);
      if (shift > 63n) throw new RangeError(`${what} has a varint longer than 10 bytes at byte ${at}`);
      const b = bytes[at++];
      v |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) return Number(BigInt.asIntN(64, v));
    }
  };
  const take = (n: number): Uint8Array => {
    if (n < 0 || at + n > bytes.length) throw new RangeError(`${what} is truncated at byte ${at} (a field of ${n} bytes)`);
    at += n;
    return bytes.subarray(at - n, at);
  };
  while (at < bytes.length) {
    const key = varint();
    const field = Math.floor(key / 8);
    const wire = key & 7;
    let v: FieldValue;
    if (wire === WIRE_VARINT) v = varint();
    else if (wire === WIRE_BYTES) v = take(varint());
    else if (wire === WIRE_FIXED32) v = take(4);
    else if (wire === WIRE_FIXED64) v = take(8);
    else throw new RangeError(`${what} has field ${field} of wire type ${wire}, which ONNX does not use`);
    if (field < 1) throw new RangeError(`${what} has a field numbered ${field}`);
    const list = fields.get(field);
    if (list) list.push(v);
    else fields.set(field, [v]);
  }
  return fields;
}

/** The integers of a repeated int64/int32 field, packed or not. */
export function ints(vs: readonly FieldValue[] | undefined, what: string): number[] {
  const out: number[] = [];
  for (const v of vs ?? []) {
    if (typeof v === 'number') out.push(v);
    else {
      // A packed run: varints back to back.
      const f = readFields(packedAsField(v), what);
      for (const x of f.get(1) ?? []) out.push(x as number);
    }
  }
  return out;
}

// A packed run of varints re-keyed as field 1 so readFields can read it: key byte 0x08 before each value.
function packedAsField(b: Uint8Array): Uint8Array {
  const out: number[] = [];
  let start = true;
  for (const byte of b) {
    if (start) out.push(0x08);
    out.push(byte);
    start = byte < 0x80;
  }
  return Uint8Array.from(out);
}

/** The UTF-8 text of a bytes field. */
export function text(v: FieldValue | undefined): string {
  return v instanceof Uint8Array ? new TextDecoder().decode(v) : '';
}
