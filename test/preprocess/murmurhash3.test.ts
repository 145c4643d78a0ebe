// murmurhash3 (src/preprocess/murmurhash3.ts): MurmurHash3_x86_32 over UTF-8 bytes.
// Expected values: scikit-learn 1.2.1's sklearn.utils.murmurhash3_32(key, seed=seed) (signed),
// printed by test/fixtures/hashing.py (see there to regenerate). Four of them are also the
// published reference vectors (SMHasher's): ('', 1) = 0x514E28B7, ('\0\0\0\0', 0) = 0x2362F9DE,
// ('aaaa', 0x9747b28c) = 0x5A97808A, ('Hello, world!', 0x9747b28c) = 0x24884CBA, an independent check.
// Key lengths 0..5 hit every tail (0-3 bytes left after the 4-byte blocks); non-ASCII keys
// cover 2-, 3- and 4-byte UTF-8 (surrogate pairs).
import { describe, expect, it } from 'vitest';
import { murmurhash3, murmurhash3Bytes } from '../../src/preprocess/murmurhash3.js';

const VECTORS: [string, number, number][] = [
  ["", 0, 0],
  ["a", 0, 1009084850],
  ["ab", 0, -1681926305],
  ["abc", 0, -1277324294],
  ["abcd", 0, 1139631978],
  ["abcde", 0, -392455434],
  ["\u0000\u0000\u0000\u0000", 0, 593689054],
  ["aaaa", 0, 2129582471],
  ["Hello, world!", 0, -1070186941],
  ["The quick brown fox jumps over the lazy dog", 0, 776992547],
  ["café", 0, 605818632],
  ["Привет", 0, 698543816],
  ["机器学习", 0, -1375566282],
  ["𝟘🍕", 0, -570885042],
  ["hello world", 0, 1586663183],
  ["", 1, 1364076727],
  ["a", 1, 1485495528],
  ["ab", 1, -1207461050],
  ["abc", 1, -1435112961],
  ["abcd", 1, -1678424686],
  ["abcde", 1, -5459685],
  ["\u0000\u0000\u0000\u0000", 1, 2028806445],
  ["aaaa", 1, -1043791566],
  ["Hello, world!", 1, -1436694437],
  ["The quick brown fox jumps over the lazy dog", 1, 2028379687],
  ["café", 1, -955206030],
  ["Привет", 1, -1625549233],
  ["机器学习", 1, -1040614563],
  ["𝟘🍕", 1, 1930323645],
  ["hello world", 1, 1128525090],
  ["", 2538058380, -340344280],
  ["a", 2538058380, 2141232806],
  ["ab", 2538058380, 1955026322],
  ["abc", 2538058380, -934649123],
  ["abcd", 2538058380, -263748057],
  ["abcde", 2538058380, -384452558],
  ["\u0000\u0000\u0000\u0000", 2538058380, -1553563267],
  ["aaaa", 2538058380, 1519878282],
  ["Hello, world!", 2538058380, 612912314],
  ["The quick brown fox jumps over the lazy dog", 2538058380, 799549133],
  ["café", 2538058380, 1714379896],
  ["Привет", 2538058380, 1756677238],
  ["机器学习", 2538058380, -1211176915],
  ["𝟘🍕", 2538058380, -246105099],
  ["hello world", 2538058380, -1087048224],
];

describe('murmurhash3', () => {
  it("equals scikit-learn's murmurhash3_32 on every vector", () => {
    for (const [key, seed, expected] of VECTORS) expect([key, seed, murmurhash3(key, seed)]).toEqual([key, seed, expected]);
    expect(0x5a97808a | 0).toBe(1519878282); // the published vector, as the literal above has it
  });

  it('hashes bytes the same as the string they encode, and reads only length bytes', () => {
    for (const [key, seed, expected] of VECTORS) expect(murmurhash3Bytes(new TextEncoder().encode(key), undefined, seed)).toBe(expected);
    expect(murmurhash3Bytes(Uint8Array.from([97, 98, 99, 100, 101, 0]), 5)).toBe(-392455434); // 'abcde'
  });

  it('hashes a lone surrogate as U+FFFD, as TextEncoder encodes it', () => {
    expect(murmurhash3('a\ud800b')).toBe(murmurhash3('a\ufffdb'));
    expect(murmurhash3('\udc00')).toBe(murmurhash3('\ufffd'));
  });
});
