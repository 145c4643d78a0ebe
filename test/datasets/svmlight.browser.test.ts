// streamSvmlight in Chromium: a Blob's ReadableStream (as a File or fetch's body gives it),
// cut inside a line, read as in Node.
import { describe, expect, it } from 'vitest';
import { streamSvmlight } from '../../src/datasets/svmlight.js';
import { SKLEARN, SKLEARN_FILES } from '../fixtures/svmlightCases.js';

describe('streamSvmlight in the browser', () => {
  it("reads a Blob's stream as scikit-learn read the file", async () => {
    const [text] = SKLEARN_FILES[0];
    const half = text.length >> 1;
    const blob = new Blob([text.slice(0, half), text.slice(half)]);
    const chunks = [];
    for await (const { X, y } of streamSvmlight(blob.stream(), { chunkRows: 3 })) {
      chunks.push({ rows: X.shape[0], indices: Array.from(X.indices), data: Array.from(X.data), y: Array.from(y) });
    }
    const { indptr, indices, data, y } = SKLEARN[0];
    expect(chunks).toEqual([
      { rows: 3, indices: indices.slice(0, indptr[3]), data: data.slice(0, indptr[3]), y: y.slice(0, 3) },
      { rows: 2, indices: indices.slice(indptr[3]), data: data.slice(indptr[3]), y: y.slice(3) },
    ]);
  });
});
