// show(): how an error message prints a value. Engine-independent (no model is involved);
// the messages that use it are asserted word for word, per engine, in test/models/validation.test.ts.
import { describe, expect, it } from 'vitest';
import { article, show } from '../src/validate.js';

describe('show', () => {
  // The article goes by sound: "you-int" takes 'a', "int" takes 'an'.
  it.each([
    [new Uint8Array(1), 'a Uint8Array'],
    [new Uint8ClampedArray(1), 'a Uint8ClampedArray'],
    [new Uint16Array(1), 'a Uint16Array'],
    [new Uint32Array(1), 'a Uint32Array'],
    [new Int8Array(1), 'an Int8Array'],
    [new Int16Array(1), 'an Int16Array'],
    [new Int32Array(1), 'an Int32Array'],
    [new Float32Array(1), 'a Float32Array'],
    [new Float64Array(1), 'a Float64Array'],
    [new BigInt64Array(1), 'a BigInt64Array'],
    [new BigUint64Array(1), 'a BigUint64Array'],
    [new DataView(new ArrayBuffer(1)), 'a DataView'],
  ] as const)('%s is "%s"', (v, want) => {
    expect(show(v)).toBe(want);
  });

  // Model names in messages: initials are read as letters ("em-el-pee").
  it.each([
    ['MLP', 'an'], ['LinearRegression', 'a'], ['LogisticRegression', 'a'], ['SoftmaxRegression', 'a'], ['Int32Array', 'an'],
    ['Uint8Array', 'a'], ['Float32Array', 'a'], ['Map', 'a'],
  ] as const)('article(%s) is "%s"', (word, want) => {
    expect(article(word)).toBe(want);
  });

  it.each([
    [{}, 'an object'],
    [new Map(), 'an object'],
    [() => 1, 'a function'],
    [null, 'null'],
    [undefined, 'undefined'],
    [-0, '0'],
    [NaN, 'NaN'],
    ['x', "'x'"],
    [[0.5, 'a'], "[0.5, 'a']"],
    [Array.from({ length: 9 }, () => 0), 'an array of 9 values'],
  ] as const)('%s is "%s"', (v, want) => {
    expect(show(v)).toBe(want);
  });
});
