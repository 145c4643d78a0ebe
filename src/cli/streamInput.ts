// What steepest train --stream reads: a CSV of numeric columns or an svmlight file, each in
// two kinds of pass over the file. The first pass learns what training needs before it
// starts (the feature count, the target's distinct values and variance, a CSV's column means
// and scales); every later pass yields the rows in chunks as the model takes them (a CSV's
// standardized, svmlight's as CSR). Memory: a chunk at a time, whatever the file's size.
import { createReadStream } from 'node:fs';
import { Preprocessor } from '../index.js';
import { streamCsv } from '../datasets/csvStream.js';
import { streamSvmlight } from '../datasets/svmlight.js';
import type { CSR } from '../data/csr.js';
import type { InputSpec } from './input.js';
import { UsageError } from './errors.js';

const CHUNK_ROWS = 10_000;
/** Distinct target values kept in the first pass: more than this is a regression target. */
const MAX_DISTINCT = 1000;

/** A chunk as the model takes it; y holds strings where the labels are text (or numbers read as class names). */
export interface ModelChunk {
  X: Float32Array | CSR;
  y: Float32Array | string[];
}

/** What the first pass found. */
export interface StreamScan {
  rows: number;
  features: number;
  /** The target's distinct values (raw, as targetColumn takes them; past MAX_DISTINCT a sign of a regression target). */
  distinct: (string | number)[];
  manyValues: boolean;
  numericTarget: boolean;
  /** The target's population variance (NaN where it is not numeric). */
  targetVariance: number;
  /** The CSV's standardization (null for svmlight); the model file keeps it. */
  prep: Preprocessor | null;
  /** How predict and eval read new data (null for a CSV of columns). */
  input: InputSpec | null;
  /** The rows, a chunk at a time; stringLabels: y as class-name strings; onBytes counts the file's bytes read. */
  chunks(stringLabels: boolean, onBytes: (n: number) => void): AsyncIterable<ModelChunk>;
}

/** The file's bytes, counted as they are read. */
async function* bytesOf(path: string, onBytes: (n: number) => void): AsyncGenerator<Uint8Array> {
  for await (const b of createReadStream(path, { highWaterMark: 1 << 20 })) {
    onBytes((b as Buffer).length);
    yield b as Uint8Array;
  }
}

/** Welford's running mean and sum of squared deviations of the target. */
class Moments {
  n = 0;
  mean = 0;
  m2 = 0;
  add(t: number): void {
    const d = t - this.mean;
    this.n++;
    this.mean += d / this.n;
    this.m2 += d * (t - this.mean);
  }
}

/** Scans a CSV of numeric columns (target: the column to predict). */
export async function scanCsv(path: string, target: string | undefined): Promise<StreamScan> {
  if (!target) throw new UsageError('steepest train --stream needs --target COLUMN');
  let columns: string[] = [];
  let mean = new Float64Array(0);
  let m2 = new Float64Array(0);
  let rows = 0;
  const distinct = new Set<string>();
  const y = new Moments();
  let numericTarget = true;
  for await (const c of streamCsv(bytesOf(path, () => {}), { target, labels: true, chunkRows: CHUNK_ROWS, name: path }, (h) => {
    columns = h.columns.filter((_, i) => i !== h.target);
    mean = new Float64Array(columns.length);
    m2 = new Float64Array(columns.length);
  })) {
    const F = columns.length;
    const ys = c.y as string[];
    for (let r = 0; r < ys.length; r++) {
      rows++;
      for (let j = 0; j < F; j++) {
        const v = c.X[r * F + j];
        const d = v - mean[j];
        mean[j] += d / rows;
        m2[j] += d * (v - mean[j]);
      }
      if (distinct.size <= MAX_DISTINCT) distinct.add(ys[r]);
      const t = ys[r].trim() === '' ? NaN : Number(ys[r]);
      if (Number.isFinite(t)) y.add(t);
      else numericTarget = false;
    }
  }
  const F = columns.length;
  const scale = Array.from(m2, (v) => Math.sqrt(v / rows) || 1);
  const prep = Preprocessor.fromJSON({ columns: columns.map((name, j) => ({ name, kind: 'numeric', mean: mean[j], scale: scale[j] })), target });
  const standardized = (X: Float64Array | Float32Array) => {
    const out = new Float32Array(X.length);
    for (let i = 0; i < out.length; i++) out[i] = (X[i] - mean[i % F]) / scale[i % F];
    return out;
  };
  return {
    rows, features: F, distinct: [...distinct], manyValues: distinct.size > MAX_DISTINCT, numericTarget,
    targetVariance: numericTarget ? y.m2 / y.n : NaN, prep, input: null,
    async *chunks(stringLabels, onBytes) {
      for await (const c of streamCsv(bytesOf(path, onBytes), { target, labels: stringLabels, chunkRows: CHUNK_ROWS, name: path })) {
        yield { X: standardized(c.X), y: c.y as Float32Array | string[] };
      }
    },
  };
}

/** Scans an svmlight file: its width (the largest index + 1) and its labels. */
export async function scanSvmlight(path: string, zeroBased: boolean): Promise<StreamScan> {
  let rows = 0;
  let features = 0;
  const distinct = new Set<number>();
  const y = new Moments();
  for await (const c of streamSvmlight(bytesOf(path, () => {}), { zeroBased, chunkRows: CHUNK_ROWS, name: path })) {
    rows += c.y.length;
    features = Math.max(features, c.X.shape[1]);
    for (const t of c.y) {
      if (distinct.size <= MAX_DISTINCT) distinct.add(t);
      y.add(t);
    }
  }
  return {
    rows, features, distinct: [...distinct], manyValues: distinct.size > MAX_DISTINCT, numericTarget: true,
    targetVariance: y.m2 / y.n, prep: null, input: { format: 'svmlight', zeroBased },
    async *chunks(stringLabels, onBytes) {
      for await (const c of streamSvmlight(bytesOf(path, onBytes), { zeroBased, features, chunkRows: CHUNK_ROWS, name: path })) {
        yield { X: c.X, y: stringLabels ? Array.from(c.y, String) : Float32Array.from(c.y) };
      }
    },
  };
}
