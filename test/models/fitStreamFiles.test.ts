// fitStream from a file path (Node): CSV and svmlight files train as the same rows given as
// chunks, the format from the extension (or the format option), the target column by name;
// progress reports bytes up to the file's size. Node only (it writes files).
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ENGINES, useReady } from '../helpers/engines.js';
import { classification } from '../helpers/data.js';
import { expectClose, expectSame } from '../helpers/tolerance.js';
import { LogisticRegression } from '../../src/index.js';

useReady();

const dir = mkdtempSync(join(tmpdir(), 'steepest-stream-'));
const d = classification({ rows: 5000, features: 3, seed: 21 });
// Float32 values written in full (String of the float64 they are): they read back to the same float32.
const csvPath = join(dir, 'rows.csv');
writeFileSync(csvPath, ['label,a,b,c', ...Array.from({ length: 5000 }, (_, r) => `${d.y[r]},${d.X[r * 3]},${d.X[r * 3 + 1]},${d.X[r * 3 + 2]}`)].join('\n') + '\n');
const svmPath = join(dir, 'rows.data');
writeFileSync(svmPath, Array.from({ length: 5000 }, (_, r) => `${d.y[r] ? '+1' : '-1'} 1:${d.X[r * 3]} 2:${d.X[r * 3 + 1]} 3:${d.X[r * 3 + 2]} # row ${r}`).join('\n'));

describe.each(ENGINES)('fitStream from files (%s)', (engine) => {
  it('a CSV path (target by name) and an svmlight path (format option) give the weights of the same rows as chunks', async () => {
    const opts = { epochs: 2, learningRate: 0.1, shuffleBuffer: 1000, seed: 7 };
    const ref = new LogisticRegression({ features: 3, engine });
    await ref.fitStream(function* () {
      for (let r = 0; r < 5000; r += 500) yield { X: d.X.subarray(r * 3, (r + 500) * 3), y: d.y.subarray(r, r + 500) };
    }, opts);
    const csv = new LogisticRegression({ features: 3, engine });
    const progress: { bytes: number; totalBytes: number | null; rows: number }[] = [];
    const h = await csv.fitStream(csvPath, { ...opts, target: 'label', yieldEveryMs: 1e-9, onProgress: (p) => void progress.push(p) });
    expectSame(csv.weights, ref.weights, 'weights from the CSV file');
    expect(h.epochs).toHaveLength(2);
    const size = statSync(csvPath).size;
    expect(progress.every((p) => p.totalBytes === size && p.bytes <= size && p.rows <= 5000)).toBe(true);
    expect(Math.max(...progress.map((p) => p.bytes))).toBe(size);
    const svm = new LogisticRegression({ features: 3, engine });
    await svm.fitStream(svmPath, { ...opts, format: 'svmlight' });
    // svmlight rows are CSR: the sparse kernel, equal to the dense one but for float32 roundings (measured ~1e-7 relative).
    expectClose(svm.weights, ref.weights, { rel: 1e-5, abs: 1e-7 }, 'weights from the svmlight file');
  });

  it('a missing file, an unknown extension and a missing target column are errors naming them', async () => {
    const m = new LogisticRegression({ features: 3, engine });
    await expect(m.fitStream(join(dir, 'none.csv'))).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(m.fitStream(svmPath)).rejects.toThrow(/cannot tell the format of .*rows.data from its extension/);
    await expect(m.fitStream(csvPath, { target: 'y' })).rejects.toThrow(/has no target column 'y' \(its columns are label, a, b, c\)/);
  });
});
