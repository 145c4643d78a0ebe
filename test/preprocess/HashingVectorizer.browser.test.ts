// HashingVectorizer in Chromium: the same scikit-learn values as in Node (the token regex's
// Unicode classes, toLowerCase and the UTF-8 bytes are the browser's own here).
import { describe, expect, it } from 'vitest';
import { HashingVectorizer } from '../../src/preprocess/index.js';
import { CASES, TEXTS } from '../fixtures/hashingCases.js';

describe('HashingVectorizer in the browser', () => {
  it('matches scikit-learn on every case', () => {
    for (const c of CASES) {
      const X = new HashingVectorizer(c.options).transform(TEXTS[c.texts]);
      expect({ shape: X.shape, indptr: Array.from(X.indptr), indices: Array.from(X.indices), data: Array.from(X.data) })
        .toEqual({ shape: c.shape, indptr: c.indptr, indices: c.indices, data: c.data });
    }
  });
});
