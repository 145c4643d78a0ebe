// The reference engine: plain TypeScript over the src/reference kernels, float64
// parameters and arithmetic, float32 data (the same values the WASM engines see).
import type { BatchConfig, Engine, EpochStats, Trainer, TrainerState, TrainingData } from './engine.js';
import { beginShuffledEpoch, endShuffledEpoch, type ArrangementOps } from './arrangement.js';
import { shuffleBuckets } from './shape.js';
import type { RngState } from '../reference/random.js';
import { permuteBuckets, planScatter, scatterRows, type Rows } from '../reference/shuffle.js';
import { epochStats, newEpochProgress, trainBatches, type EpochProgress } from '../reference/train.js';
import { networkGradient, predictNetwork } from '../reference/network.js';
import { networkLayout, targetWidth, type NetworkShape } from './network.js';
import { createOptimizerState, resolveOptimizer, type OptimizerState, type ResolvedOptimizer } from '../optim/optimizers.js';
import { findNonFinite, gatherRows } from '../reference/data.js';
import { takeRows } from '../data/rows.js';
import { copyRows, valueError, type MatrixSource } from '../validate.js';
import { checkCSR, checkIndptr, takeCSRRows, type CSR } from '../data/csr.js';
import type { SparseRows } from '../reference/sparse.js';

/** Training data and the shuffle's buffers, as plain typed arrays. */
class JsData implements TrainingData {
  scatter = false; // whether this epoch's pass scatters into the next arrangement
  ops: ArrangementOps | null = null;
  rng: RngState = new Uint32Array(4);
  readonly buckets: number;
  next: Rows;
  order: Uint32Array | null;
  ids: Uint32Array;
  starts: Uint32Array;
  nextStarts: Uint32Array;
  cursors: Uint32Array;

  constructor(
    readonly rows: number, cols: number, readonly width: number, public cur: Rows, shuffle: boolean, buckets: number,
    readonly csr: SparseRows | null = null,
  ) {
    this.buckets = shuffle && !csr ? buckets : 1; // CSR rows are never bucketed
    const scatter = this.buckets > 1;
    this.next = {
      X: new Float32Array(scatter ? rows * cols : 0),
      y: new Float32Array(scatter ? rows * width : 0),
      sw: cur.sw && scatter ? new Float32Array(rows) : null,
    };
    this.order = shuffle ? new Uint32Array(rows) : null;
    this.ids = new Uint32Array(scatter ? rows : 0);
    this.starts = new Uint32Array(this.buckets + 1);
    this.starts[this.buckets] = rows; // one bucket: all rows; more: set by the first plan()
    this.nextStarts = new Uint32Array(this.buckets + 1);
    this.cursors = new Uint32Array(this.buckets);
  }

  free(): void {
    const empty = { X: new Float32Array(0), y: new Float32Array(0), sw: null };
    this.cur = empty;
    this.next = empty;
  }
}

class JsTrainer implements Trainer {
  readonly paramCount: number;
  private readonly inputs: number;
  private readonly width: number;
  private params: Float64Array;
  private opt: ResolvedOptimizer = resolveOptimizer('sgd');
  private state: OptimizerState;
  /** The epoch's running totals: the WASM stats block's twin (a stream's blocks add to one epoch). */
  private progress: EpochProgress;

  constructor(readonly shape: NetworkShape) {
    this.paramCount = networkLayout(shape).count;
    this.inputs = shape.inputs;
    this.width = targetWidth(shape);
    this.params = new Float64Array(this.paramCount);
    this.state = createOptimizerState(this.opt, this.paramCount);
    this.progress = newEpochProgress(this.paramCount);
  }

  getParams(): Float64Array {
    return this.params.slice();
  }

  setParams(params: ArrayLike<number>): void {
    this.params.set(params);
  }

  setOptimizer(opt: ResolvedOptimizer): void {
    this.opt = opt;
    this.state = createOptimizerState(opt, this.paramCount);
  }

  saveState(): TrainerState {
    return {
      params: this.params.slice(), optimizerStep: this.state.step, slots: this.state.slots.map((s) => s.slice()),
      optimizerScalars: this.state.scalars.slice(),
    };
  }

  restoreState(saved: TrainerState): void {
    this.params.set(saved.params);
    this.state.step = saved.optimizerStep;
    saved.slots.forEach((s, i) => this.state.slots[i].set(s));
    this.state.scalars.set(saved.optimizerScalars);
  }

  commit(): void {} // plain JS memory: nothing can fault underneath it

  checkCapacity(): void {} // limited only by JS typed arrays

  loadData(
    src: MatrixSource, y: Float32Array, sw: Float32Array | null, shuffle: boolean,
    split: { train: Uint32Array; val: Uint32Array } | null,
  ): { train: TrainingData; val: TrainingData | null } {
    const width = this.width;
    if (src.csr) {
      const csr = src.csr as CSR;
      const sparse = (part: CSR, ys: Float32Array, s: Float32Array | null, shuf: boolean) => {
        const rows = sparseCopy(part, src);
        return new JsData(part.shape[0], this.inputs, width, { X: rows.values, y: ys, sw: s }, shuf, 1, rows);
      };
      if (!split) return { train: sparse(csr, y.slice(), sw ? sw.slice() : null, shuffle), val: null };
      checkIndptr(csr, src.name);
      return {
        train: sparse(takeCSRRows(csr, split.train), takeRows(y, width, split.train), sw ? takeRows(sw, 1, split.train) : null, shuffle),
        val: sparse(takeCSRRows(csr, split.val), takeRows(y, width, split.val), null, false),
      };
    }
    const X = copied(src);
    const data = (rows: number, Xs: Float32Array, ys: Float32Array, s: Float32Array | null, shuf: boolean) =>
      new JsData(rows, this.inputs, width, { X: Xs, y: ys, sw: s }, shuf, shuffleBuckets(this.shape, rows));
    if (!split) return { train: data(src.rows, X, y.slice(), sw ? sw.slice() : null, shuffle), val: null };
    const F = this.inputs;
    const val = data(split.val.length, takeRows(X, F, split.val), takeRows(y, width, split.val), null, false);
    gatherRows(X, split.train, split.train.length, F, X); // compacts in place
    const n = split.train.length;
    const train = data(n, X.subarray(0, n * F), takeRows(y, width, split.train), sw ? takeRows(sw, 1, split.train) : null, shuffle);
    return { train, val };
  }

  loadValidation(src: MatrixSource, y: Float32Array, shuffle = false): TrainingData {
    if (src.csr) {
      const rows = sparseCopy(src.csr as CSR, src);
      return new JsData(src.rows, this.inputs, this.width, { X: rows.values, y: y.slice(), sw: null }, shuffle, 1, rows);
    }
    return new JsData(src.rows, this.inputs, this.width, { X: copied(src), y: y.slice(), sw: null }, shuffle, 1);
  }

  release(): void {} // garbage-collected with the data

  beginEpoch(data: TrainingData, rng: RngState): void {
    const d = data as JsData;
    const cols = this.inputs;
    d.scatter = false;
    d.rng = rng;
    if (!d.order) return;
    d.ops ??= {
      buckets: d.buckets,
      arranged: false,
      plan: () => planScatter(d.rng, d.ids, d.nextStarts, d.cursors, d.rows, d.buckets),
      scatterAll: () => scatterRows(d.cur, null, d.ids, d.cursors, d.next, 0, d.rows, cols, d.width),
      permute: () => permuteBuckets(d.rng, d.order!, d.starts, d.buckets),
      swap: () => {
        [d.cur, d.next] = [d.next, d.cur];
        [d.starts, d.nextStarts] = [d.nextStarts, d.starts];
      },
    };
    d.scatter = beginShuffledEpoch(d.ops);
  }

  trainBatches(data: TrainingData, config: BatchConfig, first: number, last: number): EpochStats {
    const d = data as JsData;
    const next = d.scatter ? { ids: d.ids, cursors: d.cursors, dst: d.next } : null;
    // As trainEpoch: the totals start over at an epoch's first batch, unless a stream's block carries on.
    if (first === 0 && !config.firstRow) this.progress = newEpochProgress(this.paramCount);
    trainBatches(
      { shape: this.shape, params: this.params, opt: this.opt, optState: this.state, progress: this.progress },
      {
        kind: d.csr ? 'csr' : 'dense', csr: d.csr ?? undefined, rows: d.rows, cols: this.inputs, width: d.width, ...d.cur,
        arrangement: d.order && { order: d.order, next },
        batchSize: config.batchSize, l1: config.l1, l2: config.l2, lrs: config.lrs,
      },
      first, last,
    );
    return epochStats(this.progress);
  }

  endEpoch(data: TrainingData): void {
    const d = data as JsData;
    if (d.ops) endShuffledEpoch(d.ops, d.scatter);
  }

  outputs(src: MatrixSource): Float64Array {
    if (src.csr) return predictNetwork(this.shape, this.params, allRows(sparseCopy(src.csr as CSR, src)), src.rows);
    return predictNetwork(this.shape, this.params, copied(src), src.rows);
  }

  dataOutputs(data: TrainingData): Float64Array {
    const d = data as JsData;
    return predictNetwork(this.shape, this.params, d.csr ? allRows(d.csr) : d.cur.X, d.rows);
  }

  gradient(src: MatrixSource, y: Float32Array, sw: Float32Array | null): { loss: number; grad: Float64Array } {
    const rows = src.rows;
    const grad = new Float64Array(this.paramCount);
    const loss = networkGradient(this.shape, this.params, copied(src), y, sw, rows, grad);
    for (let i = 0; i < grad.length; i++) grad[i] /= rows;
    return { loss: loss / rows, grad };
  }

  dispose(): void {}
}

/** X as float32 in a new array: the js engine's copy of the data, checked as it is made. */
function copied(src: MatrixSource): Float32Array {
  const X = new Float32Array(src.rows * src.features);
  copyRows(src, 0, src.rows, X, 0);
  const bad = findNonFinite(X, 0, X.length);
  if (bad >= 0) throw valueError(src, bad);
  return X;
}

/** A CSR table as the engines hold it (float32 values, u32 columns, indptr rebased to 0), checked as WASM checks its copy. */
function sparseCopy(csr: CSR, src: MatrixSource): SparseRows {
  const values = Float32Array.from(csr.data);
  const indices = Uint32Array.from(csr.indices);
  const base = csr.indptr[0];
  const indptr = Uint32Array.from(csr.indptr, (p) => p - base);
  let bad = findNonFinite(values, 0, values.length) >= 0;
  for (let r = 0; r + 1 < indptr.length && !bad; r++) bad = indptr[r + 1] < indptr[r];
  for (let k = 0; k < indices.length && !bad; k++) bad = indices[k] >= src.features;
  if (bad) checkCSR(src.csr, src.name, src.features); // names the problem
  return { indptr, indices, values };
}

/** Every row of a table, in storage order, as a network's input. */
function allRows(csr: SparseRows): { csr: SparseRows; ids: Uint32Array } {
  const ids = new Uint32Array(csr.indptr.length - 1);
  for (let r = 0; r < ids.length; r++) ids[r] = r;
  return { csr, ids };
}

/** The pure-TypeScript reference engine. */
export const jsEngine: Engine = {
  name: 'js',
  createTrainer: (shape) => new JsTrainer(shape),
};
