// What steepest train --stream reads: a CSV of numeric columns or an svmlight file, each in
// two kinds of pass over the file. The first pass learns what training needs before it
// starts (the feature count, the target's distinct values and variance, a CSV's column means
// and scales); every later pass yields the rows in chunks as the model takes them (a CSV's
// standardized, svmlight's as CSR). Memory: a chunk at a time, whatever the file's size.
import { createReadStream } from 'node:fs';
import { Preprocessor } from '../index.js';
import { streamCsv } from '../datasets/csvStream.js';
import { streamSvmlight } from '../datasets/svmlight.js';
import { takeCSRRows, type CSR } from '../data/csr.js';
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

/**
 * Which rows a pass yields: all of them, or the two sides of a held-out split. Row r (0-based,
 * in file order) is held out when a seeded hash of r falls below fraction: about that fraction
 * of the rows, chosen the same way in every pass, however the file is cut into chunks.
 */
export interface RowPart {
  fraction: number;
  seed: number;
  held: boolean;
}

/** Whether row r is held out (murmur3's finalizer over the row number mixed with the seed: a uniform draw per row). */
export function heldOut(r: number, seed: number, fraction: number): boolean {
  // The constant keeps row 0 of seed 0 off the finalizer's fixed point (0 -> 0, always held out).
  let x = (0x9e3779b9 + Math.imul(seed | 0, 0x85ebca77) + (r | 0) + Math.imul(Math.floor(r / 2 ** 32), 0xc2b2ae3d)) | 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return (x >>> 0) / 2 ** 32 < fraction;
}

/** The rows of a chunk on one side of the split; row0 is its first row's number in the file. */
function partOf(c: ModelChunk, row0: number, part: RowPart | undefined, features: number): ModelChunk | null {
  const n = c.y.length;
  if (!part) return c;
  const ids: number[] = [];
  for (let r = 0; r < n; r++) if (heldOut(row0 + r, part.seed, part.fraction) === part.held) ids.push(r);
  if (ids.length === n) return c;
  if (ids.length === 0) return null;
  let X: Float32Array | CSR;
  if (c.X instanceof Float32Array) {
    const dense = c.X;
    X = new Float32Array(ids.length * features);
    ids.forEach((r, k) => (X as Float32Array).set(dense.subarray(r * features, (r + 1) * features), k * features));
  } else X = takeCSRRows(c.X, ids);
  const y = c.y instanceof Float32Array ? Float32Array.from(ids, (r) => (c.y as Float32Array)[r]) : ids.map((r) => (c.y as string[])[r]);
  return { X, y };
}

/** The chunks of every pass, split by part and counted from row 0. */
async function* parts(chunks: AsyncIterable<ModelChunk>, part: RowPart | undefined, features: number): AsyncGenerator<ModelChunk> {
  let row0 = 0;
  for await (const c of chunks) {
    const p = partOf(c, row0, part, features);
    row0 += c.y.length;
    if (p) yield p;
  }
}

/** What the first pass found. */
export interface StreamScan {
  rows: number;
  features: number;
  /** The target's distinct values (raw, as targetColumn takes them; past MAX_DISTINCT a sign of a regression target). */
  distinct: (string | number)[];
  manyValues: boolean;
  numericTarget: boolean;
  /** The CSV's standardization (null for svmlight); the model file keeps it. */
  prep: Preprocessor | null;
  /** How predict and eval read new data (null for a CSV of columns). */
  input: InputSpec | null;
  /** The rows (of one part, or all), a chunk at a time; stringLabels: y as class-name strings; onBytes counts the file's bytes read. */
  chunks(stringLabels: boolean, onBytes: (n: number) => void, part?: RowPart): AsyncIterable<ModelChunk>;
}

/** The file's bytes, counted as they are read. */
async function* bytesOf(path: string, onBytes: (n: number) => void): AsyncGenerator<Uint8Array> {
  for await (const b of createReadStream(path, { highWaterMark: 1 << 20 })) {
    onBytes((b as Buffer).length);
    yield b as Uint8Array;
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
      if (ys[r].trim() === '' || !Number.isFinite(Number(ys[r]))) numericTarget = false;
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
    prep, input: null,
    chunks(stringLabels, onBytes, part) {
      const all = async function* () {
        for await (const c of streamCsv(bytesOf(path, onBytes), { target, labels: stringLabels, chunkRows: CHUNK_ROWS, name: path })) {
          yield { X: standardized(c.X), y: c.y as Float32Array | string[] };
        }
      };
      return parts(all(), part, F);
    },
  };
}

/** Scans an svmlight file: its width (the largest index + 1) and its labels. */
export async function scanSvmlight(path: string, zeroBased: boolean): Promise<StreamScan> {
  let rows = 0;
  let features = 0;
  const distinct = new Set<number>();
  for await (const c of streamSvmlight(bytesOf(path, () => {}), { zeroBased, chunkRows: CHUNK_ROWS, name: path })) {
    rows += c.y.length;
    features = Math.max(features, c.X.shape[1]);
    for (const t of c.y) if (distinct.size <= MAX_DISTINCT) distinct.add(t);
  }
  return {
    rows, features, distinct: [...distinct], manyValues: distinct.size > MAX_DISTINCT, numericTarget: true,
    prep: null, input: { format: 'svmlight', zeroBased },
    chunks(stringLabels, onBytes, part) {
      const all = async function* () {
        for await (const c of streamSvmlight(bytesOf(path, onBytes), { zeroBased, features, chunkRows: CHUNK_ROWS, name: path })) {
          yield { X: c.X, y: stringLabels ? Array.from(c.y, String) : Float32Array.from(c.y) };
        }
      };
      return parts(all(), part, features);
    },
  };
}
