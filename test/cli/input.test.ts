// steepest train|predict|eval on svmlight files, on a hashed text column (--text), and
// from a stream (--stream), run in this process (the packed command is in command.test.ts):
// what the model file stores, that predict and eval read new data the same way the API
// would, and the errors, word for word.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { loadModel, LogisticRegression } from '../../src/index.js';
import { HashingVectorizer } from '../../src/preprocess/index.js';
import { readSvmlight } from '../../src/datasets/svmlight.js';
import { run } from '../../src/cli/run.js';
import { streams, STREAM_ABOVE_BYTES } from '../../src/cli/train.js';
import { heldOut } from '../../src/cli/streamInput.js';
import { useReady } from '../helpers/engines.js';
import { classification } from '../helpers/data.js';
import { expectClose } from '../helpers/tolerance.js';

useReady();

const dir = mkdtempSync(join(tmpdir(), 'steepest-input-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const at = (name: string) => join(dir, name);

async function steepest(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = { stdout: '', stderr: '' };
  const sink = (key: 'stdout' | 'stderr') => new Writable({ write: (chunk, _enc, done) => ((out[key] += String(chunk)), done()) });
  let code: number;
  try {
    code = await run(args, { stdin: Readable.from([]), stdout: sink('stdout'), stderr: sink('stderr') });
  } catch (err) {
    return { code: -1, stdout: out.stdout, stderr: String(err) };
  }
  return { code, ...out };
}

const d = classification({ rows: 400, features: 4, seed: 31 });
// svmlight: labels -1/+1, column 3 (1-based) left out where it is 0 after rounding.
const svm = Array.from({ length: 400 }, (_, r) => `${d.y[r] ? '+1' : '-1'} ${[0, 1, 2, 3].map((j) => `${j + 1}:${d.X[r * 4 + j]}`).join(' ')}`).join('\n');
writeFileSync(at('data.svm'), `${svm}\n`);
writeFileSync(at('data.txt'), `${svm}\n`);

describe('svmlight files', () => {
  it('train reads .svm by its extension; the model file says so; predict and eval give what the API gives on the same rows', async () => {
    const t = await steepest(['train', at('data.svm'), '--epochs', '20', '--lr', '0.05', '--out', at('svm.json'), '--json']);
    expect(t.stderr).toBe('');
    expect(t.code).toBe(0);
    const result = JSON.parse(t.stdout.trim().split('\n').pop()!) as { data: { rows: number; features: number }; target: { classes: string[] }; metrics: { train: { accuracy: number } } };
    expect(result.data).toMatchObject({ rows: 400, features: 4 });
    expect(result.target.classes).toEqual(['-1', '1']);
    expect(result.metrics.train.accuracy).toBeGreaterThan(0.9);
    const json = JSON.parse(readFileSync(at('svm.json'), 'utf8')) as { training: { input: unknown } };
    expect(json.training.input).toEqual({ format: 'svmlight', zeroBased: false });
    const model = loadModel(json) as LogisticRegression;
    const X = readSvmlight(svm, { features: 4 }).X; // CSR, as the command reads it
    const p = await steepest(['predict', at('svm.json'), at('data.svm')]);
    expect(p.code).toBe(0);
    expect(p.stdout.trim().split('\n')).toEqual(['label', ...model.predictLabels(X).map(String)]);
    const e = await steepest(['eval', at('svm.json'), at('data.txt'), '--format', 'svmlight', '--json']);
    expect(e.code).toBe(0);
    const truth = Array.from(d.y, (v) => (v ? '1' : '-1'));
    expectClose((JSON.parse(e.stdout) as { loss: number }).loss, model.evaluate(X, truth).loss, { rel: 1e-12 }, 'eval loss against the API');
  });

  it('--val holds out rows of an svmlight file (CSR rows, seeded)', async () => {
    const t = await steepest(['train', at('data.svm'), '--val', '0.25', '--epochs', '5', '--json']);
    expect(t.code).toBe(0);
    const result = JSON.parse(t.stdout.trim().split('\n').pop()!) as { data: { trainRows: number; validationRows: number }; metrics: { validation: { rows: number } } };
    expect(result.data).toMatchObject({ trainRows: 300, validationRows: 100 });
    expect(result.metrics.validation.rows).toBe(100);
  });

  it('a CSV given as svmlight, and --text with svmlight, are errors naming the problem', async () => {
    writeFileSync(at('notsvm.svm'), 'a,b\n1,2\n');
    const r = await steepest(['train', at('notsvm.svm')]);
    expect(r.stderr).toMatch(/notsvm\.svm line 1/);
    const u = await steepest(['train', at('data.svm'), '--text', 'review']);
    expect(u.stderr).toMatch(/--text and --categorical read CSV columns; .*data\.svm is svmlight/);
  });
});

describe('a hashed text column (--text)', () => {
  const pos = ['great movie, loved it', 'wonderful acting and a great story', 'excellent fun', 'brilliant music'];
  const neg = ['terrible movie, hated it', 'awful acting and a boring story', 'dull and bad', 'horrible music'];
  const rows = Array.from({ length: 200 }, (_, i) => (i % 2 ? [pos[i % 4], 'pos'] : [neg[i % 4], 'neg']));
  writeFileSync(at('reviews.csv'), `id,review,label\n${rows.map(([t, l], i) => `${i},"${t}",${l}`).join('\n')}\n`);
  writeFileSync(at('new.csv'), 'review\n"loved the story, great fun"\n"boring, awful and bad"\n');

  it('train hashes the column; the file keeps the hashing; predict on new sentences hashes them the same way', async () => {
    const t = await steepest(['train', at('reviews.csv'), '--target', 'label', '--text', 'review', '--hash-features', '64', '--ngram', '1,2', '--epochs', '30', '--lr', '0.1', '--out', at('rev.json'), '-q']);
    expect(t.stderr).toBe('');
    expect(t.code).toBe(0);
    const json = JSON.parse(readFileSync(at('rev.json'), 'utf8')) as { training: { input: unknown } };
    expect(json.training.input).toEqual({
      format: 'text', column: 'review', target: 'label',
      hashing: { features: 64, ngramRange: [1, 2], alternateSign: true, norm: 'l2', lowercase: true },
    });
    const p = await steepest(['predict', at('rev.json'), at('new.csv'), '--proba']);
    expect(p.code).toBe(0);
    const model = loadModel(json) as LogisticRegression;
    const X = new HashingVectorizer({ features: 64, ngramRange: [1, 2] }).transform(['loved the story, great fun', 'boring, awful and bad']);
    const proba = model.predictProba(X);
    expect(p.stdout).toBe(`label,p(pos)\npos,${Number(proba[0].toPrecision(6))}\nneg,${Number(proba[1].toPrecision(6))}\n`);
    const e = await steepest(['eval', at('rev.json'), at('reviews.csv'), '--json']);
    expect((JSON.parse(e.stdout) as { accuracy: number }).accuracy).toBe(1);
  });

  it('hashing options without --text, and a bad --ngram, are usage errors', async () => {
    expect((await steepest(['train', at('reviews.csv'), '--target', 'label', '--hash-features', '64'])).stderr).toMatch(/apply with --text only/);
    expect((await steepest(['train', at('reviews.csv'), '--target', 'label', '--text', 'review', '--ngram', '2,1'])).stderr).toMatch(/--ngram must be N or MIN,MAX .*got '2,1'/);
  });
});

describe('--stream', () => {
  const big = classification({ rows: 30_000, features: 3, seed: 32 });
  const lines = Array.from({ length: 30_000 }, (_, r) => `${big.X[r * 3]},${big.X[r * 3 + 1]},${big.X[r * 3 + 2]},${big.y[r]}`);
  writeFileSync(at('big.csv'), `a,b,c,y\n${lines.join('\n')}\n`);

  it('trains from the file: the stored means and scales are the columns\' (population), the metrics are over every row, eval agrees', async () => {
    const t = await steepest(['train', at('big.csv'), '--target', 'y', '--stream', '--epochs', '2', '--lr', '0.05', '--out', at('big.json'), '--json']);
    expect(t.stderr).toBe('');
    expect(t.code).toBe(0);
    const out = t.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(out.filter((o) => o.type === 'epoch')).toHaveLength(2);
    const result = out.pop() as { data: { rows: number }; metrics: { train: { accuracy: number; loss: number; rows: number } } };
    expect(result.data.rows).toBe(30_000);
    expect(result.metrics.train.rows).toBe(30_000);
    expect(result.metrics.train.accuracy).toBeGreaterThan(0.9);
    const json = JSON.parse(readFileSync(at('big.json'), 'utf8')) as { preprocessing: { columns: { name: string; mean: number; scale: number }[] } };
    for (let j = 0; j < 3; j++) {
      const col = Array.from({ length: 30_000 }, (_, r) => Number(String(big.X[r * 3 + j])));
      const mean = col.reduce((a, b) => a + b, 0) / col.length;
      const sd = Math.sqrt(col.reduce((a, b) => a + (b - mean) ** 2, 0) / col.length);
      // Welford's running mean against the two-pass one: float64 roundings over 30,000 rows.
      expectClose(json.preprocessing.columns[j].mean, mean, { abs: 1e-12 }, `column ${j} mean`);
      expectClose(json.preprocessing.columns[j].scale, sd, { rel: 1e-12 }, `column ${j} scale`);
    }
    const e = await steepest(['eval', at('big.json'), at('big.csv'), '--json']);
    const ev = JSON.parse(e.stdout) as { accuracy: number; loss: number };
    expect(ev.accuracy).toBe(result.metrics.train.accuracy);
    expectClose(ev.loss, result.metrics.train.loss, { rel: 1e-9 }, 'eval loss against the streamed metrics (sums per chunk)');
  });

  it('trains an svmlight file from the file: CSR chunks, labels as class names, the input kept for predict and eval', async () => {
    const t = await steepest(['train', at('data.svm'), '--stream', '--epochs', '5', '--lr', '0.05', '--out', at('svmStream.json'), '--json']);
    expect(t.stderr).toBe('');
    expect(t.code).toBe(0);
    const result = JSON.parse(t.stdout.trim().split('\n').pop()!) as { data: { rows: number; features: number }; target: { classes: string[] }; metrics: { train: { accuracy: number; loss: number; rows: number } } };
    expect(result.data).toMatchObject({ rows: 400, features: 4 });
    expect(result.target.classes).toEqual(['-1', '1']);
    expect(result.metrics.train.rows).toBe(400);
    expect(result.metrics.train.accuracy).toBeGreaterThan(0.9);
    const json = JSON.parse(readFileSync(at('svmStream.json'), 'utf8')) as { training: { input: unknown }; preprocessing?: unknown };
    expect(json.training.input).toEqual({ format: 'svmlight', zeroBased: false });
    expect(json.preprocessing ?? null).toBe(null);
    const model = loadModel(json) as LogisticRegression;
    const X = readSvmlight(svm, { features: 4 }).X;
    const truth = Array.from(d.y, (v) => (v ? '1' : '-1'));
    // The streamed metrics sum per chunk of rows; the API's evaluate sums all rows at once.
    expectClose(result.metrics.train.loss, model.evaluate(X, truth).loss, { rel: 1e-9 }, 'streamed loss against the API on the whole file');
    const e = await steepest(['eval', at('svmStream.json'), at('data.svm'), '--json']);
    expect((JSON.parse(e.stdout) as { accuracy: number }).accuracy).toBe(result.metrics.train.accuracy);
  });

  it('--val holds rows out of the stream by a seeded hash of their position: the same rows in every pass, metrics on both sides', async () => {
    const t = await steepest(['train', at('big.csv'), '--target', 'y', '--stream', '--val', '0.25', '--epochs', '2', '--lr', '0.05', '--seed', '4', '--out', at('bigVal.json'), '--json']);
    expect(t.stderr).toBe('');
    expect(t.code).toBe(0);
    const result = JSON.parse(t.stdout.trim().split('\n').pop()!) as {
      data: { trainRows: number; validationRows: number }; history: { valLoss: number[] };
      metrics: { train: { rows: number; loss: number }; validation: { rows: number; loss: number; accuracy: number } };
    };
    const { trainRows, validationRows } = result.data;
    expect(trainRows + validationRows).toBe(30_000);
    // A Bernoulli(0.25) count over 30,000 rows: sd 75; 5 sd either side.
    expect(Math.abs(validationRows - 7500)).toBeLessThan(375);
    expect(result.metrics.validation.rows).toBe(validationRows);
    expect(result.metrics.train.rows).toBe(trainRows);
    // The validation stream after the last epoch and the final metrics pass read the same rows.
    expectClose(result.history.valLoss[1], result.metrics.validation.loss, { rel: 1e-9 }, 'last valLoss against the validation metrics');
    // Against the API on the held rows, picked here from the file's rows by position.
    const model = loadModel(JSON.parse(readFileSync(at('bigVal.json'), 'utf8'))) as LogisticRegression;
    const ids = Array.from({ length: 30_000 }, (_, r) => r).filter((r) => heldOut(r, 4, 0.25));
    const Xv = Float32Array.from({ length: ids.length * 3 }, (_, k) => Number(String(big.X[ids[Math.floor(k / 3)] * 3 + (k % 3)])));
    const e = model.evaluate(Array.from(ids, (_, i) => [Xv[i * 3], Xv[i * 3 + 1], Xv[i * 3 + 2]]), Float32Array.from(ids, (r) => big.y[r])); // raw rows: the model standardizes them
    expectClose(e.loss, result.metrics.validation.loss, { rel: 1e-6 }, 'validation loss against the API (float32 standardization, summed per chunk)');
  });

  it('--early-stopping with --stream holds out 10% and keeps the best epoch', async () => {
    const t = await steepest(['train', at('data.svm'), '--stream', '--early-stopping', '--epochs', '30', '--lr', '0.05', '--json']);
    expect(t.stderr).toBe('');
    const result = JSON.parse(t.stdout.trim().split('\n').pop()!) as { data: { validationRows: number }; bestEpoch: number; epochs: number; history: { valLoss: number[] } };
    expect(result.data.validationRows).toBeGreaterThan(15); // Bernoulli(0.1) over 400 rows: mean 40, sd 6
    expect(result.data.validationRows).toBeLessThan(65);
    expect(result.history.valLoss).toHaveLength(result.epochs);
    expect(result.history.valLoss[result.bestEpoch - 1]).toBe(Math.min(...result.history.valLoss));
  });

  it('heldOut draws each row independently: the fraction over many rows, and a new seed a new set', () => {
    const count = (seed: number, f: number) => Array.from({ length: 100_000 }, (_, r) => heldOut(r, seed, f)).filter(Boolean).length;
    for (const f of [0.1, 0.5]) expect(Math.abs(count(0, f) - 1e5 * f)).toBeLessThan(5 * Math.sqrt(1e5 * f * (1 - f)));
    const a = Array.from({ length: 1000 }, (_, r) => heldOut(r, 1, 0.5));
    const b = Array.from({ length: 1000 }, (_, r) => heldOut(r, 2, 0.5));
    const same = a.filter((v, i) => v === b[i]).length;
    expect(Math.abs(same - 500)).toBeLessThan(80); // two independent fair coins agree half the time: sd 16
  });

  it('streams without --stream past 256 MB, except a hashed --text column, which is read whole', () => {
    expect(streams({ stream: false, text: undefined }, STREAM_ABOVE_BYTES + 1)).toBe(true);
    expect(streams({ stream: false, text: undefined }, STREAM_ABOVE_BYTES)).toBe(false);
    expect(streams({ stream: false, text: 'review' }, 10 * STREAM_ABOVE_BYTES)).toBe(false);
    expect(streams({ stream: true, text: undefined }, 0)).toBe(true);
  });

  it('options a stream cannot honour are usage errors', async () => {
    expect((await steepest(['train', at('reviews.csv'), '--target', 'label', '--text', 'review', '--stream'])).stderr).toMatch(/--text does not apply with --stream/);
    expect((await steepest(['train', at('big.csv'), '--target', 'y', '--stream', '--categorical', 'a'])).stderr)
      .toBe('steepest: --categorical does not apply with --stream (the file is read in chunks and never held whole; see docs/streams.md)\n');
    expect((await steepest(['train', at('data.svm'), '--stream', '--val', '0.00001'])).stderr).toMatch(/--val 0.00001 holds out 0 of 400 rows/);
    expect((await steepest(['train', at('big.csv'), '--stream'])).stderr).toMatch(/--stream needs --target COLUMN/);
  });
});
