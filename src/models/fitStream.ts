// model.fitStream: training on rows read in chunks (a generator, a file, a Blob, a
// ReadableStream), loaded lazily so the main entry does not carry it. Rows pass through a
// bounded shuffle buffer (tf.data's) into blocks of whole batches; each block goes through
// the engine's one data path (Trainer.loadData, into the blocks the engine keeps) and the
// one fit loop (trainLoop.ts: an epoch is its blocks in turn, its totals carried across
// them, KIND_STREAM in WASM). Memory is the buffer plus one block, whatever the data's size.
import type { Trainer, TrainingData } from '../engines/engine.js';
import { ValidationError } from '../errors.js';
import { checkCSR, inputSource, isCSR, type CSR } from '../data/csr.js';
import type { headLoss } from '../reference/network.js';
import type { below, seedState } from '../reference/random.js';
import type { createSchedule } from '../optim/schedules.js';
import { matrixSource, optionsObject, positiveInteger, show, toMatrix, type MatrixInput, type MatrixSource } from '../validate.js';
import { readerChunks, streamSvmlight, type TextSource } from '../datasets/svmlight.js';
import { streamCsv } from '../datasets/csvStream.js';
import type { baseRate, resolveFitOptions, trainingRecord, FitAsyncOptions, Progress } from './fitOptions.js';
import type { History, RateSearch } from './history.js';
import type { sampleIndices } from './autoRate.js';
import type { abortError, runAsync } from './trainLoop.js';
import type { encodeTargets, targetColumns } from './targets.js';
import type { Model, Targets } from './model.js';

/**
 * @internal The model core's functions fitStream uses, handed over by Model.fitStream: imported
 * here, they would split the main entry's bundle into a chunk shared with this one, which costs
 * about 1 KB gzipped (the chunks compress apart); only errors.js and validate.js are shared.
 */
export interface StreamKit {
  resolveFitOptions: typeof resolveFitOptions;
  trainingRecord: typeof trainingRecord;
  createSchedule: typeof createSchedule;
  encodeTargets: typeof encodeTargets;
  targetColumns: typeof targetColumns;
  runAsync: typeof runAsync;
  abortError: typeof abortError;
  headLoss: typeof headLoss;
  seedState: typeof seedState;
  below: typeof below;
  baseRate: typeof baseRate;
  sampleIndices: typeof sampleIndices;
  sampleRows: number;
  withSearch: (h: History, search: RateSearch | null, p: { training: Record<string, unknown> }, t: Trainer) => History;
}

/** One chunk a chunk source gives: rows of X (dense, or CSR) and their targets. */
export interface StreamChunk {
  X: MatrixInput | CSR;
  y: Targets;
}

/** A function called once per epoch, giving that epoch's chunks (or, for text, a ReadableStream of it). */
export type ChunkSource = () =>
  | Iterable<StreamChunk> | AsyncIterable<StreamChunk> | ReadableStream<Uint8Array | string>;

/** What fitStream reads: chunks from a function; a CSV or svmlight file's path (Node); a Blob or File. */
export type StreamSource = ChunkSource | string | Blob;

/** What fitStream's onProgress receives: fitAsync's progress, plus how far the epoch has read. */
export interface StreamProgress extends Progress {
  /** Rows read from the source so far this epoch (up to shuffleBuffer of them are still in the buffer). */
  rows: number;
  /** Bytes read so far this epoch (text sources; 0 for chunk functions). */
  bytes: number;
  /** The file's or Blob's size, or null when unknown. */
  totalBytes: number | null;
}

/** fitStream's options: fitAsync's that make sense for a stream, and the stream's own. */
export interface FitStreamOptions extends Omit<FitAsyncOptions,
  'batchSize' | 'sampleWeight' | 'classWeight' | 'validationFraction' | 'validationData' | 'restarts' | 'onProgress'> {
  /** Rows per update (default 32). */
  batchSize?: number;
  /** Rows the shuffle buffer holds (default 10,000); memory is about this many rows. Ignored with shuffle: false. */
  shuffleBuffer?: number;
  /** Rows an epoch is expected to have: per-step schedules need it in the first epoch (later ones use the rows counted). */
  rowsPerEpoch?: number;
  /** String labels' class names, in class order, when the model has none yet (a chunk may not hold every label). */
  classes?: string[];
  /** Text sources: 'csv' or 'svmlight' (default: from the file's extension). */
  format?: 'csv' | 'svmlight';
  /** CSV: the target column, by name or index (default: the last column). */
  target?: string | number;
  /** svmlight: indices count from 0 (default false). */
  zeroBased?: boolean;
  /** Held-out data: arrays { X, y }, or a stream source read whole after every epoch. */
  validationData?: { X: MatrixInput; y: Targets } | StreamSource;
  /** Called at each yield, with how far the epoch has read. */
  onProgress?: (progress: StreamProgress) => void;
}

const NOT_FOR_STREAMS: Record<string, string> = {
  sampleWeight: 'per-row weights of a stream are not supported',
  classWeight: 'class weights need the whole data set; weigh rows in the source instead',
  validationFraction: 'a stream cannot hold rows out; give validationData (arrays or a stream)',
  restarts: 'each restart would read the stream again; use fit on data that fits in memory',
};
/** Bytes of X per block handed to the engine (rounded to whole batches). */
const BLOCK_BYTES = 1 << 20;
/** Rows per block of sparse rows (rounded to whole batches). */
const SPARSE_BLOCK_ROWS = 8192;
const READ_CHUNK_ROWS = 4096;

/** A chunk with its rows checked: X float32 (rows x features) or CSR (float32 values), encoded targets. */
interface Rows {
  X: Float32Array | null;
  csr: CSR | null;
  y: Float32Array;
  rows: number;
}

/** One sparse row in the shuffle buffer: its columns, values and targets. */
interface SparseRow {
  idx: Uint32Array;
  val: Float32Array;
  y: Float32Array;
}

/** Reads a source's chunks for one pass, counting bytes. */
interface Pass {
  chunks: AsyncIterator<Rows>;
  bytes: () => number;
}

/** @internal Model.fitStream's body (see Model.fitStream and docs/streams.md). */
export async function fitStream(model: Model, source: StreamSource, options: FitStreamOptions = {}, kit: StreamKit): Promise<History> {
  const { resolveFitOptions, trainingRecord, createSchedule, encodeTargets, targetColumns, runAsync, abortError, headLoss, seedState, below, baseRate, sampleIndices, sampleRows, withSearch } = kit;
  const trainer = model['idle']();
  const o = optionsObject('fitStream options', options) as FitStreamOptions & Record<string, unknown>;
  for (const [key, why] of Object.entries(NOT_FOR_STREAMS)) {
    if (o[key] !== undefined && !(key === 'restarts' && o[key] === 1)) throw new ValidationError(`fitStream does not take ${key}: ${why}`);
  }
  if (o.batchSize === 'full' as unknown) throw new ValidationError("fitStream's batchSize must be a number of rows ('full' needs the whole data set)");
  const { shuffleBuffer, rowsPerEpoch, classes: classOption, format, target, zeroBased, validationData, ...fitKeys } = o;
  const vd = validationData;
  const valArrays = vd !== undefined && typeof vd === 'object' && !(typeof Blob !== 'undefined' && vd instanceof Blob) ? vd as { X: MatrixInput; y: Targets } : null;
  const opts = { ...resolveFitOptions({ ...fitKeys, ...(valArrays ? { validationData: valArrays } : {}) }), validationFraction: undefined };
  if (opts.earlyStopping && vd === undefined) throw new ValidationError('earlyStopping with fitStream needs validationData (arrays or a stream)');
  createSchedule(opts.schedule, baseRate(opts, null), opts.warmup); // validates the schedule options
  const capacity = shuffleBuffer === undefined ? 10000 : positiveInteger('shuffleBuffer', shuffleBuffer);
  const expected = rowsPerEpoch === undefined ? 0 : positiveInteger('rowsPerEpoch', rowsPerEpoch);
  const batchSize = opts.batchSize === undefined ? 32 : (opts.batchSize as number);
  if (format !== undefined && format !== 'csv' && format !== 'svmlight') throw new ValidationError(`format must be 'csv' or 'svmlight', got ${show(format)}`);
  const modelName = model['modelName'];
  const kind = model['targets'];
  const known = model['classNames'];
  let classNames: string[] | null = known;
  if (classOption !== undefined) {
    if (!Array.isArray(classOption) || classOption.some((c) => typeof c !== 'string') || new Set(classOption).size !== classOption.length) {
      throw new ValidationError(`classes must be an array of distinct strings, got ${show(classOption)}`);
    }
    if (known && JSON.stringify(known) !== JSON.stringify(classOption)) {
      throw new ValidationError(`classes ${show(classOption)} differ from the model's (${show(known)})`);
    }
    classNames = classOption;
  }
  const F = model.features;
  const W = targetColumns(kind);
  const textOptions = { format, target, zeroBased, labels: classNames !== null, binary: kind.kind === 'binary' };
  const rng = opts.seed === undefined ? model['rng'].slice() : seedState(opts.seed);
  const signal = opts.signal;
  // A pending read rejects as soon as the signal aborts: a stalled source cannot hold the call.
  const aborted = signal && new Promise<never>((_, reject) => {
    const fire = () => reject(abortError(signal, 'fitStream'));
    if (signal.aborted) fire();
    else signal.addEventListener('abort', fire, { once: true });
  });
  aborted?.catch(() => {});
  const read = <T>(p: Promise<T>): Promise<T> => (aborted ? Promise.race([p, aborted]) : p);
  const encode = (c: unknown, where: string): Rows => checkedRows(c, where, F, (y, rows, name) => {
    if (Array.isArray(y) && typeof y[0] === 'string' && !classNames) {
      throw new ValidationError(`${name} holds string labels: give fitStream's classes option (every class name, in class order), since a chunk need not hold every label`);
    }
    return encodeTargets(y, rows, kind, classNames, modelName, name).y;
  });

  // The rows' path: source -> shuffle buffer -> block (whole batches) -> the engine.
  // Sized once the first chunk says dense or sparse: dense blocks hold about BLOCK_BYTES of X, sparse ones SPARSE_BLOCK_ROWS rows.
  let blockRows = 0;
  let block = { X: new Float32Array(0), y: new Float32Array(0), n: 0 };
  let buffer: { X: Float32Array; y: Float32Array; n: number } | null = null;
  let pass: Pass | null = null;
  let chunk: Rows | null = null;
  let at = 0; // the next row of chunk
  let epoch = 0;
  let rowsRead = 0;
  let ended = false;
  const totalBytes = await sizeOf(source);
  // Not awaited: a source stalled in its next chunk would hold the return until that chunk came.
  const closePass = () => {
    void pass?.chunks.return?.().catch(() => {});
    pass = null;
    chunk = null;
    ended = false;
  };
  // Sparse rows (the first chunk is CSR) go through the buffer as row objects and into CSR blocks.
  let sparse: boolean | null = null;
  const sbuf: SparseRow[] = [];
  const sblock = { indptr: new Uint32Array(0), indices: new Uint32Array(1 << 16), data: new Float32Array(1 << 16), n: 0 };
  const setup = (isSparse: boolean) => {
    const rows = isSparse ? SPARSE_BLOCK_ROWS : BLOCK_BYTES / (4 * F);
    blockRows = Math.max(1, Math.floor(Math.max(rows, batchSize) / batchSize)) * batchSize;
    block = { X: new Float32Array(isSparse ? 0 : blockRows * F), y: new Float32Array(blockRows * W), n: 0 };
    if (isSparse) sblock.indptr = new Uint32Array(blockRows + 1);
    else if (opts.shuffle) buffer = { X: new Float32Array(capacity * F), y: new Float32Array(capacity * W), n: 0 };
    return isSparse;
  };
  const sparseRow = (c: Rows, r: number): SparseRow => {
    const { indptr, indices, data } = c.csr!;
    return { idx: Uint32Array.from(indices.subarray(indptr[r], indptr[r + 1])), val: data.subarray(indptr[r], indptr[r + 1]) as Float32Array, y: c.y.slice(r * W, (r + 1) * W) };
  };
  const emit = (row: SparseRow) => {
    const at0 = sblock.indptr[sblock.n];
    const end0 = at0 + row.idx.length;
    if (end0 > sblock.indices.length) {
      const grow = <T extends Uint32Array | Float32Array>(a: T, make: (n: number) => T) => {
        const b = make(Math.max(end0, 2 * a.length));
        b.set(a.subarray(0, at0));
        return b;
      };
      sblock.indices = grow(sblock.indices, (n) => new Uint32Array(n));
      sblock.data = grow(sblock.data, (n) => new Float32Array(n));
    }
    sblock.indices.set(row.idx, at0);
    sblock.data.set(row.val, at0);
    block.y.set(row.y, sblock.n * W);
    sblock.indptr[++sblock.n] = end0;
  };
  /** Makes the current chunk have a row at `at`, reading the next chunk if needed; false when the source has ended. */
  const refill = async (): Promise<boolean> => {
    while (!(chunk && at < chunk.rows)) {
      if (ended) return false;
      const next = await read(pass!.chunks.next());
      if (next.done) {
        ended = true;
        return false;
      }
      sparse ??= setup(next.value.csr !== null);
      chunk = asMode(next.value, sparse, F);
      at = 0;
      rowsRead += chunk.rows;
    }
    return true;
  };
  const feed = async (): Promise<TrainingData | null> => {
    if (!pass) {
      epoch++;
      rowsRead = 0;
      pass = await openPass(source, `epoch ${epoch}`, textOptions, F, encode);
    }
    if (sparse === null) await refill(); // the first chunk decides the blocks' form
    block.n = 0;
    sblock.n = 0;
    const filled = () => (sparse ? sblock.n : block.n);
    while (filled() < blockRows) {
      if (!(chunk && at < chunk.rows) && (await refill())) continue;
      const c = chunk && at < chunk.rows ? chunk : null;
      if (sparse) {
        if (c && !opts.shuffle) emit(sparseRow(c, at++));
        else if (c && sbuf.length < capacity) sbuf.push(sparseRow(c, at++));
        else if (c) {
          const j = below(rng, capacity); // tf.data's shuffle, as below
          emit(sbuf[j]);
          sbuf[j] = sparseRow(c, at++);
        } else if (sbuf.length > 0) {
          const j = below(rng, sbuf.length);
          emit(sbuf[j]);
          sbuf[j] = sbuf[sbuf.length - 1];
          sbuf.pop();
        } else break;
        continue;
      }
      if (c && !buffer) {
        const n = Math.min(c.rows - at, blockRows - block.n);
        block.X.set(c.X!.subarray(at * F, (at + n) * F), block.n * F);
        block.y.set(c.y.subarray(at * W, (at + n) * W), block.n * W);
        block.n += n;
        at += n;
      } else if (c && buffer!.n < capacity) {
        copyRow(c, at++, buffer!, buffer!.n++, F, W);
      } else if (c) {
        // tf.data's shuffle: a uniformly chosen buffered row goes out, the incoming row takes its place.
        const j = below(rng, capacity);
        copyRow(buffer!, j, block, block.n++, F, W);
        copyRow(c, at++, buffer!, j, F, W);
      } else if (buffer && buffer.n > 0) {
        // The source has ended: the buffer empties in random order.
        const j = below(rng, buffer.n);
        copyRow(buffer, j, block, block.n++, F, W);
        copyRow(buffer, --buffer.n, buffer, j, F, W);
      } else break;
    }
    const n = filled();
    if (n === 0) {
      if (rowsRead === 0) throw new ValidationError(`the stream gave no rows in epoch ${epoch}`);
      closePass();
      return null;
    }
    const name = `epoch ${epoch}'s rows`;
    const X = sparse
      ? inputSource({ shape: [n, F], indptr: sblock.indptr.subarray(0, n + 1), indices: sblock.indices.subarray(0, sblock.indptr[n]), data: sblock.data.subarray(0, sblock.indptr[n]) }, F, name)
      : matrixSource(block.X.subarray(0, n * F), F, name);
    return trainer.loadData(X, block.y.subarray(0, n * W), null, false, null, Math.ceil(n / batchSize)).train;
  };

  // Validation: arrays loaded once; a stream read whole after every epoch.
  const valY = valArrays
    ? encodeTargets(valArrays.y, matrixSource(valArrays.X, F, 'validationData.X').rows, kind, classNames, modelName, 'validationData.y').y
    : null;
  const validate = vd !== undefined && !valArrays ? async (): Promise<number> => {
    const p = await openPass(vd as StreamSource, 'validation', textOptions, F, encode);
    let loss = 0;
    let rows = 0;
    try {
      for (let r = await read(p.chunks.next()); !r.done; r = await read(p.chunks.next())) {
        const z = trainer.outputs(r.value.csr ? inputSource(r.value.csr, F, 'validation rows') : matrixSource(r.value.X!, F, 'validation rows'));
        loss += headLoss(model.shape, z, r.value.y, null, r.value.rows, new Float64Array(z.length));
        rows += r.value.rows;
      }
    } finally {
      void p.chunks.return?.().catch(() => {});
    }
    if (rows === 0) throw new ValidationError('the validation stream gave no rows');
    return loss / rows;
  } : undefined;

  // learningRate 'auto' (a classic optimizer without a rate): the search runs on a seeded sample of at most
  // sampleRows (autoRate's SAMPLE_ROWS) of the stream's first rows (as many as the shuffle buffer holds, or sampleRows if more),
  // read in a pass of its own before training. The fit's own random stream is not moved.
  const searchOnStream = async (): Promise<RateSearch> => {
    const want = Math.max(capacity, sampleRows);
    const first = await openPass(source, 'the rate search', textOptions, F, encode);
    const got: Rows[] = [];
    let n = 0;
    try {
      for (let r = await read(first.chunks.next()); !r.done; r = n < want ? await read(first.chunks.next()) : { done: true, value: undefined }) {
        got.push(r.value);
        n += r.value.rows;
      }
    } finally {
      void first.chunks.return?.().catch(() => {});
    }
    if (n === 0) throw new ValidationError('the stream gave no rows for the learning-rate search');
    const searchRng = rng.slice();
    const picked = sampleIndices(Math.min(n, want), searchRng);
    const isSparse = got[0].csr !== null;
    const rows = got.map((c) => asMode(c, isSparse, F));
    const at = (i: number): [Rows, number] => {
      let c = 0;
      for (; i >= rows[c].rows; c++) i -= rows[c].rows;
      return [rows[c], i];
    };
    const k = picked.length;
    const y = new Float32Array(k * W);
    let X: MatrixSource;
    if (isSparse) {
      const parts = Array.from(picked, (i, j) => {
        const [c, r] = at(i);
        y.set(c.y.subarray(r * W, (r + 1) * W), j * W);
        return sparseRow(c, r);
      });
      const indptr = new Uint32Array(k + 1);
      parts.forEach((row, j) => (indptr[j + 1] = indptr[j] + row.idx.length));
      const indices = new Uint32Array(indptr[k]);
      const data = new Float32Array(indptr[k]);
      parts.forEach((row, j) => (indices.set(row.idx, indptr[j]), data.set(row.val, indptr[j])));
      X = inputSource({ shape: [k, F], indptr, indices, data }, F, 'the rate search sample');
    } else {
      const dense = new Float32Array(k * F);
      picked.forEach((i, j) => {
        const [c, r] = at(i);
        dense.set(c.X!.subarray(r * F, (r + 1) * F), j * F);
        y.set(c.y.subarray(r * W, (r + 1) * W), j * W);
      });
      X = matrixSource(dense, F, 'the rate search sample');
    }
    const sample = model['useOptimizer'](p as never).loadValidation(X, y);
    return model['searchOnSample'](p as never, sample, X, y, expected || n, searchRng);
  };

  const p = {
    opts, X: null, y: null, sw: null, split: null, rows: expected, batchSize, valSource: null, valY, rng,
    classes: classOption && !known ? classOption : null,
    training: { ...trainingRecord(opts), stream: { shuffleBuffer: opts.shuffle ? capacity : null } },
    run: { feed, ...(validate ? { validate } : {}) },
  };
  const onProgress = opts.onProgress as ((s: StreamProgress) => void) | undefined;
  const progress = onProgress && ((q: Progress) => onProgress({ ...q, rows: rowsRead, bytes: pass?.bytes() ?? 0, totalBytes }));
  const snap = model['snapshot']();
  model['running'] = 'fitStream';
  try {
    model['firstRun'](p as never);
    const search = opts.learningRate === 'auto' ? await searchOnStream() : null; // before val: the sample takes the validation block
    const val = valArrays ? trainer.loadValidation(matrixSource(valArrays.X, F, 'validationData.X'), valY!) : null;
    const schedule = createSchedule(opts.schedule, baseRate(opts, search), opts.warmup);
    const placeholder: TrainingData = { rows: 0, free() {} };
    const history = withSearch(await model['runOnce'](p as never, { train: placeholder, val }, schedule, 0,
      (gen) => runAsync(gen, opts.yieldEveryMs, progress, signal, model['stopped']), true), search, p, trainer);
    model['succeeded'](p as never);
    return history;
  } catch (err) {
    model['settle'](err, p as never, snap);
    throw err;
  } finally {
    closePass();
    model['finish']();
  }
}

function copyRow(src: { X: Float32Array | null; y: Float32Array }, i: number, dst: { X: Float32Array; y: Float32Array }, j: number, F: number, W: number): void {
  for (let k = 0, a = i * F, b = j * F; k < F; k++) dst.X[b + k] = src.X![a + k];
  for (let k = 0, a = i * W, b = j * W; k < W; k++) dst.y[b + k] = src.y[a + k];
}

/** A chunk's rows checked and converted: X (dense or CSR, densified) as float32, y encoded; errors name the chunk. */
function checkedRows(
  c: unknown, where: string, F: number, targets: (y: unknown, rows: number, name: string) => Float32Array,
): Rows {
  if (c === null || typeof c !== 'object' || !('X' in c) || !('y' in c)) {
    throw new ValidationError(`${where} must be an object { X, y }, got ${show(c)}`);
  }
  const { X, y } = c as StreamChunk;
  if (isCSR(X)) {
    const csr = checkCSR(X, `${where} X`, F);
    const rows = csr.shape[0];
    const data = Float32Array.from(csr.data);
    const bad = data.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) {
      let r = 0;
      while (csr.indptr[r + 1] <= bad) r++;
      throw new ValidationError(`${where} X value ${show(csr.data[bad])} at row ${r}, column ${csr.indices[bad]} is too large for float32 (largest magnitude is 3.4028234663852886e+38)`);
    }
    return { X: null, csr: { shape: csr.shape, indptr: csr.indptr, indices: csr.indices, data }, y: targets(y, rows, `${where} y`), rows };
  }
  const m = toMatrix(X, F, `${where} X`);
  return { X: m.data, csr: null, y: targets(y, m.rows, `${where} y`), rows: m.rows };
}

/** A chunk in the pipeline's form: dense rows for dense training, CSR for sparse (the first chunk decides). */
function asMode(c: Rows, sparse: boolean, F: number): Rows {
  if (sparse && c.X) {
    const indptr = new Uint32Array(c.rows + 1);
    const indices: number[] = [];
    const data: number[] = [];
    for (let r = 0; r < c.rows; r++) {
      for (let j = 0; j < F; j++) if (c.X[r * F + j] !== 0) indices.push(j), data.push(c.X[r * F + j]);
      indptr[r + 1] = indices.length;
    }
    return { ...c, X: null, csr: { shape: [c.rows, F], indptr, indices: Uint32Array.from(indices), data: Float32Array.from(data) } };
  }
  if (!sparse && c.csr) {
    const X = new Float32Array(c.rows * F);
    const { indptr, indices, data } = c.csr;
    for (let r = 0; r < c.rows; r++) for (let k = indptr[r]; k < indptr[r + 1]; k++) X[r * F + indices[k]] += data[k];
    return { ...c, X, csr: null };
  }
  return c;
}

/** A source's size in bytes when it is a file or a Blob, else null. */
async function sizeOf(source: unknown): Promise<number | null> {
  if (typeof source === 'string') return (await nodeFs()).statSync(source).size;
  return typeof Blob !== 'undefined' && source instanceof Blob ? source.size : null;
}

// node:fs through a computed specifier, so that bundlers for browsers do not try to resolve it.
const FS = 'node:fs';
async function nodeFs(): Promise<typeof import('node:fs')> {
  return import(/* @vite-ignore */ /* webpackIgnore: true */ FS);
}

/** Opens one pass over a source: its chunks as checked rows, and the bytes read so far. */
async function openPass(
  source: StreamSource, label: string, o: { format?: string; target?: string | number; zeroBased?: boolean; labels: boolean; binary: boolean },
  F: number, encode: (c: unknown, where: string) => Rows,
): Promise<Pass> {
  let bytes = 0;
  let text: TextSource | null = null;
  let name = 'the stream';
  let format = o.format;
  if (typeof source === 'string') {
    const fs = await nodeFs();
    text = fs.createReadStream(source, { highWaterMark: 1 << 20 });
    name = source;
    format ??= formatOf(source);
  } else if (typeof Blob !== 'undefined' && source instanceof Blob) {
    text = source.stream() as ReadableStream<Uint8Array>;
    name = 'name' in source ? String(source.name) : 'the Blob';
    format ??= formatOf(name);
  } else if (typeof source === 'function') {
    const made: unknown = source();
    if (made !== null && typeof made === 'object' && typeof (made as ReadableStream).getReader === 'function') {
      text = made as ReadableStream<Uint8Array>;
      if (!format) throw new ValidationError("a ReadableStream source needs the format option ('csv' or 'svmlight')");
    } else if (made !== null && typeof made === 'object' && (Symbol.iterator in made || Symbol.asyncIterator in made)) {
      const it = made as Iterable<unknown> | AsyncIterable<unknown>;
      return {
        chunks: (async function* () {
          let k = 0;
          for await (const c of it) yield encode(c, `chunk ${k++} (${label})`);
        })(),
        bytes: () => 0,
      };
    } else {
      throw new ValidationError(`the source function must return an iterable or async iterable of { X, y } chunks, or a ReadableStream, got ${show(made)}`);
    }
  } else {
    throw new ValidationError(`source must be a function, a file path or a Blob, got ${show(source)}`);
  }
  if (!format) throw new ValidationError(`cannot tell the format of ${name} from its extension; give format: 'csv' or 'svmlight'`);
  const counted = (async function* () {
    const src = text as AsyncIterable<unknown> | ReadableStream;
    const it = Symbol.asyncIterator in src ? (src as AsyncIterable<unknown>) : readerChunks(src as ReadableStream);
    for await (const c of it) {
      if (c instanceof Uint8Array) bytes += c.byteLength;
      else if (typeof c === 'string') bytes += c.length;
      yield c as Uint8Array;
    }
  })();
  const rows = format === 'svmlight'
    ? (async function* () {
      for await (const c of streamSvmlight(counted, { features: F, zeroBased: o.zeroBased, chunkRows: READ_CHUNK_ROWS, name })) {
        // svmlight's binary labels are -1 and +1: -1 is class 0 (a 0/1 head would refuse it).
        if (o.binary) for (let i = 0; i < c.y.length; i++) if (c.y[i] === -1) c.y[i] = 0;
        yield encode(c, `${name} (${label})`);
      }
    })()
    : (async function* () {
      for await (const c of streamCsv(counted, { target: o.target, labels: o.labels, chunkRows: READ_CHUNK_ROWS, name })) {
        if (c.X.length !== c.y.length * F) {
          throw new ValidationError(`${name} has ${c.X.length / c.y.length} feature columns; the model has ${F}`);
        }
        yield encode(c, `${name} (${label}, rows from line ${c.line})`);
      }
    })();
  return { chunks: rows, bytes: () => bytes };
}

/** 'csv' or 'svmlight' from a file name's extension, or undefined. */
export function formatOf(name: string): 'csv' | 'svmlight' | undefined {
  const ext = /\.([a-z]+)$/i.exec(name)?.[1].toLowerCase();
  if (ext === 'csv' || ext === 'tsv') return 'csv';
  if (ext === 'svm' || ext === 'svmlight' || ext === 'libsvm') return 'svmlight';
  return undefined;
}
