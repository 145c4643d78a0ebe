// HashingVectorizer (src/preprocess/HashingVectorizer.ts): the same CSR matrices, index for
// index and value for value (float64, compared exactly), as scikit-learn's HashingVectorizer.
// CASES was printed by test/fixtures/hashing.py (scikit-learn 1.2.1, Python 3.11; run it to
// regenerate), over the same TEXTS as below: plain English and punctuation, accented, Cyrillic,
// CJK, Arabic and Greek words, a decomposed accent (a combining mark splits a word in Python
// too), emoji and math letters, digits (other numerics such as ½ and ² are word characters),
// underscores, single characters (dropped), empty texts, bigrams and trigrams, norms l1, l2
// and null, alternateSign false, 16 columns (collisions), one column (signs that cancel leave
// a stored 0, and a row of zeros stays unnormalized) and lowercase false.
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/errors.js';
import { checkCSR } from '../../src/data/csr.js';
import { HashingVectorizer, type HashingVectorizerOptions } from '../../src/preprocess/index.js';
import { expectThrows } from '../helpers/errors.js';

const TEXTS: Record<string, string[]> = {
  english: ['The quick brown fox jumps over the lazy dog.', 'Hello, world! Hello again; hello?', ''],
  unicode: [
    'café naïve résumé Straße', 'Привет мир, ПРИВЕТ!', '机器学习 日本語のテキスト', 'مرحبا بالعالم',
    'ΟΔΟΣ İstanbul', 'cafe\u0301 (decomposed)', 'I ❤ 🍕 pizza 𝐀𝐁𝐂 𝟘𝟙',
  ],
  cancel: ['aa bb', 'aa cc', 'aa dd'],
  digits: ['2024 42 3.14 x1 ½½ ²³ ٣٤ 5', 'snake_case __init__ _a a_ __ _', 'a b c I x y z', ''],
};

interface Case {
  texts: string;
  options: HashingVectorizerOptions;
  shape: number[];
  indptr: number[];
  indices: number[];
  data: number[];
}

const CASES: Case[] = [
  { texts: "english", options: {}, shape: [3, 1048576],
    indptr: [0, 8, 11, 11],
    indices: [237056, 286878, 550107, 587725, 603831, 768919, 795081, 980517, 537885, 639749, 784967],
    data: [0.30151134457776363, -0.6030226891555273, 0.30151134457776363, 0.30151134457776363, -0.30151134457776363, -0.30151134457776363, 0.30151134457776363, -0.30151134457776363, -0.30151134457776363, -0.30151134457776363, 0.9045340337332909] },
  { texts: "unicode", options: {}, shape: [7, 1048576],
    indptr: [0, 4, 6, 8, 10, 12, 14, 17],
    indices: [320940, 547589, 558549, 790280, 412526, 1033326, 776206, 883146, 176765, 1021554, 211619, 701389, 471351, 474303, 423761, 833141, 1031139],
    data: [-0.5, 0.5, 0.5, 0.5, 0.8944271909999159, -0.4472135954999579, -0.7071067811865475, -0.7071067811865475, 0.7071067811865475, 0.7071067811865475, 0.7071067811865475, 0.7071067811865475, -0.7071067811865475, -0.7071067811865475, -0.5773502691896258, 0.5773502691896258, -0.5773502691896258] },
  { texts: "digits", options: {}, shape: [4, 1048576],
    indptr: [0, 7, 12, 12, 12],
    indices: [6599, 107677, 125047, 361143, 482250, 502754, 945216, 1810, 67876, 240508, 342546, 733522],
    data: [-0.3779644730092272, -0.3779644730092272, -0.3779644730092272, -0.3779644730092272, -0.3779644730092272, -0.3779644730092272, 0.3779644730092272, 0.4472135954999579, -0.4472135954999579, -0.4472135954999579, 0.4472135954999579, 0.4472135954999579] },
  { texts: "english", options: {"ngramRange": [1, 2]}, shape: [3, 1048576],
    indptr: [0, 16, 23, 23],
    indices: [166066, 168469, 237056, 255001, 286878, 307614, 368702, 420794, 550107, 587725, 603831, 672566, 768919, 771785, 795081, 980517, 94431, 167695, 194403, 234368, 537885, 639749, 784967],
    data: [0.22941573387056174, 0.22941573387056174, 0.22941573387056174, -0.22941573387056174, -0.4588314677411235, 0.22941573387056174, -0.22941573387056174, -0.22941573387056174, 0.22941573387056174, 0.22941573387056174, -0.22941573387056174, -0.22941573387056174, -0.22941573387056174, -0.22941573387056174, 0.22941573387056174, -0.22941573387056174, 0.2581988897471611, 0.2581988897471611, -0.2581988897471611, 0.2581988897471611, -0.2581988897471611, -0.2581988897471611, 0.7745966692414834] },
  { texts: "english", options: {"ngramRange": [2, 3], "norm": null}, shape: [3, 1048576],
    indptr: [0, 15, 22, 22],
    indices: [38241, 166066, 168469, 209919, 255001, 270814, 275518, 291630, 307614, 368702, 420794, 672566, 771785, 840255, 878340, 94431, 167695, 194403, 196046, 229868, 234368, 781778],
    data: [1.0, 1.0, 1.0, 1.0, -1.0, -1.0, 1.0, -1.0, 1.0, -1.0, -1.0, -1.0, -1.0, -1.0, 1.0, 1.0, 1.0, -1.0, 1.0, -1.0, 1.0, -1.0] },
  { texts: "unicode", options: {"norm": "l1"}, shape: [7, 1048576],
    indptr: [0, 4, 6, 8, 10, 12, 14, 17],
    indices: [320940, 547589, 558549, 790280, 412526, 1033326, 776206, 883146, 176765, 1021554, 211619, 701389, 471351, 474303, 423761, 833141, 1031139],
    data: [-0.25, 0.25, 0.25, 0.25, 0.6666666666666666, -0.3333333333333333, -0.5, -0.5, 0.5, 0.5, 0.5, 0.5, -0.5, -0.5, -0.3333333333333333, 0.3333333333333333, -0.3333333333333333] },
  { texts: "english", options: {"norm": null}, shape: [3, 1048576],
    indptr: [0, 8, 11, 11],
    indices: [237056, 286878, 550107, 587725, 603831, 768919, 795081, 980517, 537885, 639749, 784967],
    data: [1.0, -2.0, 1.0, 1.0, -1.0, -1.0, 1.0, -1.0, -1.0, -1.0, 3.0] },
  { texts: "unicode", options: {"alternateSign": false, "norm": null}, shape: [7, 1048576],
    indptr: [0, 4, 6, 8, 10, 12, 14, 17],
    indices: [320940, 547589, 558549, 790280, 412526, 1033326, 776206, 883146, 176765, 1021554, 211619, 701389, 471351, 474303, 423761, 833141, 1031139],
    data: [1.0, 1.0, 1.0, 1.0, 2.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0] },
  { texts: "english", options: {"features": 16, "norm": null}, shape: [3, 16],
    indptr: [0, 7, 10, 10],
    indices: [0, 5, 7, 9, 11, 13, 14, 5, 7, 13],
    data: [1.0, -1.0, -2.0, 1.0, 1.0, 1.0, -2.0, -1.0, 3.0, -1.0] },
  { texts: "unicode", options: {"features": 16, "ngramRange": [1, 2]}, shape: [7, 16],
    indptr: [0, 5, 8, 11, 14, 17, 20, 25],
    indices: [2, 5, 7, 8, 12, 0, 11, 14, 8, 10, 14, 2, 7, 13, 1, 3, 13, 5, 7, 15, 0, 1, 3, 5, 6],
    data: [-0.6030226891555273, 0.6030226891555273, -0.30151134457776363, 0.30151134457776363, -0.30151134457776363, 0.5773502691896258, 0.5773502691896258, 0.5773502691896258, -0.5773502691896258, -0.5773502691896258, -0.5773502691896258, 0.5773502691896258, 0.5773502691896258, 0.5773502691896258, 0.5773502691896258, 0.5773502691896258, 0.5773502691896258, -0.5773502691896258, -0.5773502691896258, -0.5773502691896258, 0.4472135954999579, -0.4472135954999579, -0.4472135954999579, 0.4472135954999579, 0.4472135954999579] },
  { texts: "unicode", options: {"lowercase": false, "norm": null}, shape: [7, 1048576],
    indptr: [0, 4, 7, 9, 11, 13, 15, 18],
    indices: [243182, 320940, 558549, 790280, 192200, 268125, 1033326, 776206, 883146, 176765, 1021554, 133698, 974780, 471351, 474303, 423761, 833141, 1031139],
    data: [1.0, -1.0, 1.0, 1.0, 1.0, 1.0, -1.0, -1.0, -1.0, 1.0, 1.0, 1.0, -1.0, -1.0, -1.0, -1.0, 1.0, -1.0] },
  { texts: "cancel", options: {"features": 1, "norm": null}, shape: [3, 1],
    indptr: [0, 1, 2, 3],
    indices: [0, 0, 0],
    data: [2.0, 0.0, 0.0] },
  { texts: "cancel", options: {"features": 1}, shape: [3, 1],
    indptr: [0, 1, 2, 3],
    indices: [0, 0, 0],
    data: [1.0, 0.0, 0.0] },
];

describe('HashingVectorizer', () => {
  it.each(CASES.map((c) => [c.texts, JSON.stringify(c.options), c] as const))("matches scikit-learn: %s texts, options %s", (_, __, c) => {
    const X = new HashingVectorizer(c.options).transform(TEXTS[c.texts]);
    expect(X.shape).toEqual(c.shape);
    expect(Array.from(X.indptr)).toEqual(c.indptr);
    expect(Array.from(X.indices)).toEqual(c.indices);
    expect(Array.from(X.data)).toEqual(c.data);
    expect(X.data).toBeInstanceOf(Float64Array);
    expect(checkCSR(X, 'X', c.shape[1])).toBe(X);
  });

  it('keeps the defaults of scikit-learn', () => {
    expect(new HashingVectorizer().options).toEqual({ features: 2 ** 20, ngramRange: [1, 1], alternateSign: true, norm: 'l2', lowercase: true });
  });

  it('returns an empty matrix for no texts, and leaves the texts array as it was', () => {
    const texts = ['b a', 'a b'];
    const X = new HashingVectorizer({ features: 8 }).transform([]);
    expect(X.shape).toEqual([0, 8]);
    expect(Array.from(X.indptr)).toEqual([0]);
    new HashingVectorizer().transform(texts);
    expect(texts).toEqual(['b a', 'a b']);
  });

  it('rejects bad options and texts, naming them', () => {
    const bad = (o: unknown, message: string) => expectThrows(() => new HashingVectorizer(o as HashingVectorizerOptions), ValidationError, message);
    bad({ features: 0 }, 'features must be an integer from 1 to 2147483647, got 0');
    bad({ features: 2 ** 31 }, 'features must be an integer from 1 to 2147483647, got 2147483648');
    bad({ ngramRange: [2, 1] }, 'ngramRange must be [min, max] with integers 1 <= min <= max, got [2, 1]');
    bad({ ngramRange: [0, 1] }, 'ngramRange must be [min, max] with integers 1 <= min <= max, got [0, 1]');
    bad({ norm: 'max' }, "norm must be 'l1', 'l2' or null, got 'max'");
    bad({ alternateSign: 1 }, 'alternateSign must be true or false, got 1');
    bad({ lowercase: 'yes' }, "lowercase must be true or false, got 'yes'");
    bad({ n_features: 8 }, "unknown HashingVectorizer option 'n_features' (expected one of features, ngramRange, alternateSign, norm, lowercase)");
    const h = new HashingVectorizer();
    expectThrows(() => h.transform('one text' as unknown as string[]), ValidationError, "texts must be an array of strings, got 'one text'");
    expectThrows(() => h.transform(['ok', 7] as unknown as string[]), ValidationError, 'texts[1] must be a string, got 7');
  });
});
