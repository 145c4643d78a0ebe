// readSvmlight, streamSvmlight, writeSvmlight (src/datasets/svmlight.ts): agreement with
// scikit-learn's load_svmlight_file, streams cut anywhere (inside a line, inside a UTF-8
// character), chunking, comments, qid, zero-based indices, CRLF, round trips, and every
// malformed line's message word for word.
import { describe, expect, it } from 'vitest';
import { createReadStream, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { ValidationError } from '../../src/errors.js';
import { checkCSR, type CSR } from '../../src/data/csr.js';
import { readSvmlight, streamSvmlight, writeSvmlight, type SvmlightChunk, type SvmlightReadOptions } from '../../src/datasets/index.js';
import { SKLEARN, SKLEARN_FILES } from '../fixtures/svmlightCases.js';
import { expectThrows } from '../helpers/errors.js';

/** A chunk as plain arrays, to compare with literals. */
const plain = ({ X, y }: SvmlightChunk) => ({
  shape: [...X.shape], indptr: Array.from(X.indptr), indices: Array.from(X.indices), data: Array.from(X.data), y: Array.from(y),
});

async function collect(source: AsyncIterable<string | Uint8Array> | ReadableStream<Uint8Array>, options?: SvmlightReadOptions) {
  const out: ReturnType<typeof plain>[] = [];
  for await (const chunk of streamSvmlight(source, options)) out.push(plain(chunk));
  return out;
}

async function rejects(p: Promise<unknown>, message: string): Promise<void> {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(ValidationError);
  expect((err as Error).message).toBe(message);
}

describe('readSvmlight', () => {
  it("reads what scikit-learn's load_svmlight_file reads (comments, qid, CRLF, blank lines, empty rows, explicit zeros)", () => {
    SKLEARN_FILES.forEach(([text, zeroBased], i) => {
      const read = readSvmlight(text, { zeroBased });
      expect(plain(read)).toEqual(SKLEARN[i]);
      expect(checkCSR(read.X)).toBe(read.X);
    });
  });

  it('fixes the width with features, and reads an empty text as no rows', () => {
    expect(readSvmlight('1 2:1\n', { features: 5 }).X.shape).toEqual([1, 5]);
    expect(plain(readSvmlight(''))).toEqual({ shape: [0, 1], indptr: [0], indices: [], data: [], y: [] });
    expect(plain(readSvmlight('# only a comment\n\n', { features: 3 }))).toEqual({ shape: [0, 3], indptr: [0], indices: [], data: [], y: [] });
    expect(plain(readSvmlight('3 1:2'))).toEqual({ shape: [1, 1], indptr: [0, 1], indices: [0], data: [2], y: [3] }); // no final newline
  });

  it('names the line and the token of every malformed line', () => {
    const bad = (text: string, message: string, options?: SvmlightReadOptions) =>
      expectThrows(() => readSvmlight(text, options), ValidationError, message);
    bad('1 1:1\nabc 1:2\n', "the svmlight input line 2: label 'abc' is not a finite number");
    bad('1,2 1:2\n', "the svmlight input line 1: label '1,2' is not a finite number"); // multilabel files are not read
    bad('nan 1:2\n', "the svmlight input line 1: label 'nan' is not a finite number");
    bad('1 2\n', "the svmlight input line 1: expected index:value, got '2'");
    bad('1 x:2\n', "the svmlight input line 1: index 'x' in 'x:2' is not a non-negative integer");
    bad('1 -1:2\n', "the svmlight input line 1: index '-1' in '-1:2' is not a non-negative integer");
    bad('1 0:2\n', "the svmlight input line 1: index 0 in '0:2', but indices count from 1 (pass zeroBased: true for a file that counts from 0)");
    bad('1 3:1 2:1\n', "the svmlight input line 1: index 2 in '2:1' does not increase (the previous index is 3)");
    bad('1 0:1 0:1\n', "the svmlight input line 1: index 0 in '0:1' does not increase (the previous index is 0)", { zeroBased: true });
    bad('1 2:nan\n', "the svmlight input line 1: value 'nan' in '2:nan' is not a finite number");
    bad('1 2:1e999\n', "the svmlight input line 1: value '1e999' in '2:1e999' is not a finite number");
    bad('1 2:\n', "the svmlight input line 1: value '' in '2:' is not a finite number");
    bad('1 qid:x 1:2\n', "the svmlight input line 1: 'qid:x' is not qid:<integer>");
    bad('1 1:2 qid:3\n', "the svmlight input line 1: index 'qid' in 'qid:3' is not a non-negative integer"); // qid only right after the label
    bad('1 4:1\n', "train.svm line 1: index 4 in '4:1' is past the last of the 3 features (indices count from 1)", { features: 3, name: 'train.svm' });
    bad('1 3:1\n', "the svmlight input line 1: index 3 in '3:1' is past the last of the 3 features (indices count from 0)", { features: 3, zeroBased: true });
    bad('1 99999999999:1\n', "the svmlight input line 1: index 99999999999 in '99999999999:1' is past the last of the 2147483647 features (indices count from 1)");
    // Line numbers count comment, blank and CRLF lines.
    bad('# c\r\n\r\n1 1:1\r\n1 1:x\r\n', "the svmlight input line 4: value 'x' in '1:x' is not a finite number");
  });

  it('rejects bad options', () => {
    expectThrows(() => readSvmlight('', { zeroBased: 1 as unknown as boolean }), ValidationError, 'zeroBased must be true or false, got 1');
    expectThrows(() => readSvmlight('', { features: 0 }), ValidationError, 'features must be a positive integer, got 0');
    expectThrows(() => readSvmlight('', { zero_based: true } as SvmlightReadOptions), ValidationError,
      "unknown svmlight option 'zero_based' (expected one of zeroBased, features, chunkRows, name)");
    expectThrows(() => readSvmlight(new Uint8Array(2) as unknown as string), ValidationError, 'text must be a string, got a Uint8Array');
  });
});

describe('streamSvmlight', () => {
  const [text] = SKLEARN_FILES[0];
  const bytes = new TextEncoder().encode(text);

  it('reads the same rows however the bytes are cut (every cut point, and one byte at a time)', async () => {
    for (let cut = 0; cut <= bytes.length; cut++) {
      expect(await collect(Readable.from([bytes.subarray(0, cut), bytes.subarray(cut)]))).toEqual([SKLEARN[0]]);
    }
    expect(await collect(Readable.from(Array.from(bytes, (b) => Uint8Array.of(b))))).toEqual([SKLEARN[0]]);
    expect(await collect(Readable.from([text.slice(0, 40), text.slice(40)]))).toEqual([SKLEARN[0]]); // text chunks too
  });

  it('decodes a multi-byte character split across chunks, and counts lines after it', async () => {
    const utf8 = new TextEncoder().encode('# café € 𝟘\n1 1:2 # naïve\n2 2:x\n');
    for (let cut = 0; cut <= 20; cut++) {
      await rejects(collect(Readable.from([utf8.subarray(0, cut), utf8.subarray(cut)])), "the svmlight input line 3: value 'x' in '2:x' is not a finite number");
    }
    // A character in a token shows whole in the message wherever its bytes were cut.
    const euro = new TextEncoder().encode('1 1:2€\n');
    for (let cut = 0; cut <= euro.length; cut++) {
      await rejects(collect(Readable.from([euro.subarray(0, cut), euro.subarray(cut)])), "the svmlight input line 1: value '2€' in '1:2€' is not a finite number");
    }
    // A stream that ends inside a character: the bytes left over read as U+FFFD.
    await rejects(collect(Readable.from([euro.subarray(0, 6)])), "the svmlight input line 1: value '2\ufffd' in '1:2\ufffd' is not a finite number");
  });

  it('yields chunks of chunkRows rows, widening with the largest index so far unless features is set', async () => {
    const five = '1 1:1\n0 3:1\n1 2:1\n0 1:1\n1 4:1\n';
    const chunks = await collect(Readable.from([five]), { chunkRows: 2 });
    expect(chunks).toEqual([
      { shape: [2, 3], indptr: [0, 1, 2], indices: [0, 2], data: [1, 1], y: [1, 0] },
      { shape: [2, 3], indptr: [0, 1, 2], indices: [1, 0], data: [1, 1], y: [1, 0] },
      { shape: [1, 4], indptr: [0, 1], indices: [3], data: [1], y: [1] },
    ]);
    expect((await collect(Readable.from([five]), { chunkRows: 2, features: 10 })).map((c) => c.shape)).toEqual([[2, 10], [2, 10], [1, 10]]);
    expect(await collect(Readable.from([]))).toEqual([]);
  });

  it('reads a ReadableStream and a Node file stream', async () => {
    const web = new ReadableStream<Uint8Array>({ start(c) { c.enqueue(bytes.subarray(0, 7)); c.enqueue(bytes.subarray(7)); c.close(); } });
    expect(await collect(web)).toEqual([SKLEARN[0]]);
    const path = join(mkdtempSync(join(tmpdir(), 'steepest-svmlight-')), 'a.svm');
    writeFileSync(path, text);
    expect(await collect(createReadStream(path, { highWaterMark: 16 }))).toEqual([SKLEARN[0]]);
  });

  it('rejects a source that is not a stream, and chunks that are not text or bytes', async () => {
    await rejects(collect('1 1:1' as unknown as AsyncIterable<string>),
      "source must be an async iterable of strings or Uint8Arrays (a Node stream) or a ReadableStream, got '1 1:1'");
    await rejects(collect(Readable.from([[1, 2]]), { name: 'x.svm' }), 'x.svm gave a chunk that is not a string or Uint8Array: [1, 2]');
  });
});

describe('writeSvmlight', () => {
  it('writes non-zeros in increasing column order, 1-based or 0-based, word for word', () => {
    const data = { X: [[0, 1.5, 0], [2, 0, -3], [0, 0, 0]], y: [1, -1, 0.25] };
    expect(writeSvmlight(data)).toBe('1 2:1.5\n-1 1:2 3:-3\n0.25\n');
    expect(writeSvmlight(data, { zeroBased: true })).toBe('1 1:1.5\n-1 0:2 2:-3\n0.25\n');
    // A flat X needs its column count; float32 values print in their shortest float32 form.
    expect(writeSvmlight({ X: Float32Array.from([0.1, 0, 0, 1e-7]), y: Float32Array.from([0.3, 1]) }, { features: 2 })).toBe('0.3 1:0.1\n1 2:1e-7\n');
    expect(writeSvmlight({ X: Float64Array.from([0.1, 1 / 3]), y: [2] }, { features: 2 })).toBe('2 1:0.1 2:0.3333333333333333\n');
  });

  it('sorts a CSR row, adds its repeated columns and leaves zeros out', () => {
    const X: CSR = { shape: [2, 5], indptr: Int32Array.from([0, 4, 5]), indices: Int32Array.from([4, 1, 4, 2, 0]), data: Float64Array.from([1, 2, 0.5, 0, 7]) };
    expect(writeSvmlight({ X, y: [1, 0] })).toBe('1 2:2 5:1.5\n0 1:7\n');
    expect(Array.from(X.indices)).toEqual([4, 1, 4, 2, 0]); // the caller's arrays are not changed
  });

  it('round-trips through readSvmlight: CSR to text and back, dense to the same CSR', () => {
    const back = readSvmlight(writeSvmlight(readSvmlight(SKLEARN_FILES[0][0])));
    // The stored 0 (row 1, column 3) is not written, so it is not read back.
    expect(plain(back)).toEqual({
      shape: [5, 6], indptr: [0, 2, 3, 5, 5, 7], indices: [0, 2, 1, 0, 1, 4, 5], data: [0.5, -2, 0.001, 3.25, 7, 150, -0.25], y: [1, -1, 1, 0, 2.5],
    });
    const X = Float32Array.from([0.1, 0, 3.5e-8, 0, 0, 0, -2, 1e30]);
    const read = readSvmlight(writeSvmlight({ X, y: [0, 1] }, { features: 4 }), { features: 4 });
    expect(plain(read)).toEqual({ shape: [2, 4], indptr: [0, 2, 4], indices: [0, 2, 2, 3], data: [0.1, 3.5e-8, -2, 1e30], y: [0, 1] });
    expect(Float32Array.from(read.X.data)).toEqual(Float32Array.from([0.1, 3.5e-8, -2, 1e30])); // the same float32 values
  });

  it('rejects a flat X without features, a bad CSR and a y of the wrong length', () => {
    expectThrows(() => writeSvmlight({ X: new Float64Array(4), y: [1, 2] }), ValidationError,
      'features is required to write a flat Float32Array or Float64Array X (its column count)');
    expectThrows(() => writeSvmlight({ X: [[1, 2]], y: [1, 2] }), ValidationError, 'y has 2 values but X has 1 rows');
    expectThrows(() => writeSvmlight({ X: [[1, NaN]], y: [1] }), ValidationError, 'X contains NaN at row 0, column 1');
    const X = { shape: [1, 2] as const, indptr: Int32Array.from([0, 1]), indices: Int32Array.from([2]), data: Float32Array.from([1]) };
    expectThrows(() => writeSvmlight({ X, y: [1] }), ValidationError, 'X has column index 2 at row 0 (indices[0]), outside 0..1');
    expectThrows(() => writeSvmlight({ X, y: [1] }, { features: 3 }), ValidationError, 'X has 2 columns (shape [1, 2]), expected features (3)');
  });
});
