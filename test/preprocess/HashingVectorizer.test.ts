// HashingVectorizer (src/preprocess/HashingVectorizer.ts): the same CSR matrices, index for
// index and value for value (float64, compared exactly), as scikit-learn's HashingVectorizer.
// CASES (test/fixtures/hashingCases.ts) was printed by test/fixtures/hashing.py (scikit-learn
// 1.2.1, Python 3.11; run it to regenerate) over TEXTS there: plain English and punctuation,
// accented, Cyrillic, CJK, Arabic and Greek words, a decomposed accent (a combining mark splits a word in Python
// too), emoji and math letters, digits (other numerics such as ½ and ² are word characters),
// underscores, single characters (dropped), empty texts, bigrams and trigrams, norms l1, l2
// and null, alternateSign false, 16 columns (collisions), one column (signs that cancel leave
// a stored 0, and a row of zeros stays unnormalized) and lowercase false.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/errors.js';
import { checkCSR } from '../../src/data/csr.js';
import { HashingVectorizer, type HashingVectorizerOptions } from '../../src/preprocess/index.js';
import { TOKEN_PATTERN } from '../../src/preprocess/HashingVectorizer.js';
import { CASES, TEXTS } from '../fixtures/hashingCases.js';
import { expectThrows } from '../helpers/errors.js';

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

  it("takes as word characters exactly the code points Python's \\w matches, over every code point Python's Unicode assigns", () => {
    // test/fixtures/pythonWord.json: written by test/fixtures/pythonWord.py (Python 3.11.2, Unicode 14.0).
    const py = JSON.parse(readFileSync(new URL('../fixtures/pythonWord.json', import.meta.url), 'utf8')) as { word: [number, number][]; assigned: [number, number][] };
    const word = new Uint8Array(0x110000);
    for (const [a, b] of py.word) word.fill(1, a, b + 1);
    const disagree: string[] = [];
    let checked = 0;
    for (const [a, b] of py.assigned) {
      for (let c = a; c <= b; c++) {
        const twice = String.fromCodePoint(c, c); // a token needs two word characters
        const ours = (twice.match(TOKEN_PATTERN) ?? []).join('') === twice;
        if (ours !== (word[c] === 1)) disagree.push(c.toString(16));
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(280_000); // Unicode 14 assigns 284,278 (with private use and surrogates)
    expect(disagree).toEqual([]);
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
