// The wire format against the byte sequences of the protocol buffers encoding guide
// (protobuf.dev/programming-guides/encoding), and the reader against the writer.
import { describe, expect, it } from 'vitest';
import { Message, ints, readFields, text } from '../../src/onnx/protobuf.js';

const hex = (b: Uint8Array) => Array.from(b, (v) => v.toString(16).padStart(2, '0')).join(' ');

describe('Message', () => {
  it("writes the guide's examples: varint 150, the string 'testing', a nested message", () => {
    expect(hex(new Message().int(1, 150).finish())).toBe('08 96 01');
    expect(hex(new Message().string(2, 'testing').finish())).toBe('12 07 74 65 73 74 69 6e 67');
    expect(hex(new Message().message(3, new Message().int(1, 150)).finish())).toBe('1a 03 08 96 01');
  });

  it('writes a negative int64 as ten bytes (two\'s complement), and 2^53 - 1 in eight', () => {
    expect(hex(new Message().int(1, -1).finish())).toBe('08 ff ff ff ff ff ff ff ff ff 01');
    expect(hex(new Message().int(1, -2).finish())).toBe('08 fe ff ff ff ff ff ff ff ff 01');
    expect(hex(new Message().int(1, 2 ** 53 - 1).finish())).toBe('08 ff ff ff ff ff ff ff 0f');
    expect(() => new Message().int(1, 2 ** 53)).toThrow(RangeError);
  });

  it('writes packed ints, floats (fixed32, little-endian) and bytes; length counts every byte', () => {
    // The guide's packed example: field 4, values 3, 270, 86942.
    expect(hex(new Message().packedInts(4, [3, 270, 86942]).finish())).toBe('22 06 03 8e 02 9e a7 05');
    expect(hex(new Message().float(2, 1).finish())).toBe('15 00 00 80 3f');
    const m = new Message().int(1, 1).bytes(9, Uint8Array.of(1, 2, 3)).message(3, new Message().int(1, 300).int(2, 1));
    expect(m.length).toBe(m.finish().length);
    expect(hex(m.finish())).toBe('08 01 4a 03 01 02 03 1a 05 08 ac 02 10 01');
  });
});

describe('readFields', () => {
  it('reads what Message writes: varints (negative too), bytes, nested messages, packed and unpacked ints, fixed32', () => {
    const inner = new Message().int(1, 300);
    const b = new Message().int(1, 7).int(1, -5).string(2, 'héllo').message(3, inner).packedInts(4, [1, 2 ** 40, 3]).int(4, 9).float(5, 0.5).finish();
    const f = readFields(b, 'm');
    expect(f.get(1)).toEqual([7, -5]);
    expect(text(f.get(2)![0])).toBe('héllo');
    expect(readFields(f.get(3)![0] as Uint8Array, 'inner').get(1)).toEqual([300]);
    expect(ints(f.get(4), 'm')).toEqual([1, 2 ** 40, 3, 9]);
    expect(new DataView((f.get(5)![0] as Uint8Array).slice().buffer).getFloat32(0, true)).toBe(0.5);
  });

  it('names what is wrong with a malformed message', () => {
    expect(() => readFields(Uint8Array.of(0x08), 'the model')).toThrow(new RangeError('the model is truncated at byte 1'));
    expect(() => readFields(Uint8Array.of(0x12, 0x05, 0x61), 'the graph')).toThrow(new RangeError('the graph is truncated at byte 2 (a field of 5 bytes)'));
    expect(() => readFields(Uint8Array.of(0x0b), 'x')).toThrow(new RangeError('x has field 1 of wire type 3, which ONNX does not use'));
    expect(() => readFields(Uint8Array.of(0x08, ...Array(10).fill(0xff), 0x01), 'x')).toThrow(new RangeError('x has a varint longer than 10 bytes at byte 11'));
    expect(() => readFields(Uint8Array.of(0x00, 0x01), 'x')).toThrow(new RangeError('x has a field numbered 0'));
  });
});
