// The WASM engines (SIMD and scalar builds of the same source). This file owns
// the layout of each model's WASM memory: one block for the network (descriptor,
// parameters, gradients, optimizer state, stats, scratch; src/wasm/networkBlock.ts)
// and one set of data blocks per data set. Every typed-array view is taken from the
// runtime right before use, so memory growth never leaves a stale one.
import type { BatchConfig, DataSize, Engine, EpochStats, Trainer, TrainerState, TrainingData } from './engine.js';
import type { RngState } from '../reference/random.js';
import { networkLayout, targetWidth, type NetworkShape } from './network.js';
import { beginShuffledEpoch, endShuffledEpoch, type ArrangementOps } from './arrangement.js';
import { shuffleBuckets, singleLayerLoss } from './shape.js';
import { resolveOptimizer, slotCount, type ResolvedOptimizer } from '../optim/optimizers.js';
import { allocNetworkBlock, type NetworkBlock } from '../wasm/networkBlock.js';
import type { TeamBlock } from '../threads/team.js';
import { writeOptimizerBlock } from '../wasm/optimizerBlock.js';
import { DATA_BYTES, writeDataBlock, type DataFields } from '../wasm/dataBlock.js';
import {
  NET_SLICE_ROWS, OPT_D, OPT_STEP, STAT_BATCHES, STAT_DIVERGED, STAT_GRAD_NORM, STAT_LOSS_SUM, STAT_MAX_STEP, STATUS_OK, TEAM_THREADS,
} from '../wasm/abi.js';
import { MAX_BLOCK_BYTES, type Reattachable, type WasmRuntime } from '../wasm/runtime.js';
import { EngineError, ValidationError } from '../errors.js';
import { copyRows, valueError, type MatrixSource } from '../validate.js';
import { takeRows } from '../data/rows.js';
import type { Pool, Task } from '../threads/pool.js';
import { checkCSR, checkIndptr, takeCSRRows, type CSR } from '../data/csr.js';

// predict copies X into WASM this many bytes at a time, so it has no size limit.
const PREDICT_CHUNK_BYTES = 4 << 20;
// Rows of a batch that a network's scratch holds (a batch runs in chunks of these); capped by bytes.
const SCRATCH_ROWS = 256;
const SCRATCH_BYTES = 16 << 20;
/**
 * Data-parallel batches only from minWork work per batch (rows x parameters): below it, handing
 * chunks to a worker costs what it saves (docs/threads.md, Crossover). Mutable for the
 * benchmark (bench/team.ts), which measures both sides of it; results never depend on it.
 */
export const dataParallel: {
  minWork: number;
  /**
   * Whether linear and logistic regression models allocated from now on leave their one-output
   * kernel (assembly/linear.ts) for the network's step in the threaded build: summed in slices,
   * data parallel as a network's batches are, the same slices on one thread, so the bits do not
   * depend on the thread count. Absent (false): measured, it does not pay at batch sizes 64 to
   * 4096 (docs/threads.md, Crossover). For the benchmark (bench/team.ts), which measures that step.
   */
  linear?: boolean;
  chunkRows: number;
} = {
  minWork: 1 << 16,
  /**
   * Rows of the slices a network's batch sums its gradient and loss in (NET_SLICE_ROWS, fixed
   * when a model's block is allocated; fewer for networks too wide for 32 rows of scratch): the
   * unit data-parallel batches share out (assembly/team.ts), the same in every build, so the
   * bits never depend on the thread count. Mutable for a test's negative control (another
   * grouping of the same sums gives other bits).
   */
  chunkRows: 32,
};

/** The blocks WasmData allocates for a data set, in bytes (X first); float64 arithmetic keeps sizes past 2^31 exact. */
function dataBlocks({ rows, nnz, weighted, shuffle }: DataSize, cols: number, width: number, buckets: number): number[] {
  buckets = shuffle && nnz === undefined ? buckets : 1; // CSR rows are never bucketed
  const x = nnz === undefined ? rows * cols * 4 : nnz * 4;
  const v = rows * 4;
  const out = nnz === undefined ? [x, v * width] : [x, x, v + 4, v * width];
  if (weighted) out.push(v);
  // Shuffled CSR rows: a second copy in the epoch's visit order (arrangeSparse).
  if (nnz !== undefined && shuffle) out.push(x, x, v + 4, v * width, ...(weighted ? [v] : []));
  if (buckets > 1) out.push(x, v * width, v, ...(weighted ? [v] : []));
  if (shuffle) out.push(v, (buckets + 1) * 4, (buckets + 1) * 4, buckets * 4);
  out.push(DATA_BYTES);
  if (buckets > 1) out.push(DATA_BYTES); // the scattering thread's descriptor
  return out;
}

/** Throws if an entry point refused its data descriptor (a kind of data that build cannot read). */
function checkStatus(rt: WasmRuntime, status: number): void {
  if (status !== STATUS_OK) throw new EngineError(`engine '${rt.name}' cannot read this kind of data (status ${status})`);
}

function staleError(rt: WasmRuntime): EngineError {
  return new EngineError(
    `engine '${rt.name}' was rebuilt after a failure inside WebAssembly during this call; the call was stopped and its model restored`,
  );
}

/** Training data and the shuffle's buffers, as pointers into WASM memory; kept between calls for data that fits. */
class WasmData implements TrainingData {
  rows = 0; // rows held now (0: empty)
  buckets = 1;
  scatter = false; // whether this epoch's pass scatters into the next arrangement
  ops: ArrangementOps | null = null;
  lrsPtr = 0;
  lrsCapacity = 0;
  xPtr = 0;
  yPtr = 0;
  swPtr = 0; // per-row weights (0 when unweighted)
  nextXPtr = 0; // the next arrangement (0 without a multi-bucket shuffle)
  nextYPtr = 0;
  nextSwPtr = 0;
  orderPtr = 0; // visit order (0 when not shuffling)
  idsPtr = 0;
  startsPtr = 0;
  nextStartsPtr = 0;
  cursorsPtr = 0;
  indptrPtr = 0; // CSR: rows + 1 u32 (0: dense); xPtr then holds the stored values
  indicesPtr = 0;
  nextIndptrPtr = 0; // shuffled CSR: the rows in this epoch's visit order (nextXPtr: their values), or 0
  nextIndicesPtr = 0;
  /** Shuffled CSR: whether the next* blocks hold this epoch's rows in visit order (training reads those). */
  visitCopy = false;
  descPtr = 0; // the data descriptor that describes these blocks to WASM (written before each call)
  scatterDescPtr = 0; // a second descriptor, for the worker that writes the next arrangement while this thread trains
  /** The pool whose worker is writing the next arrangement (settle() waits for it), or null. */
  scattering: Pool | null = null;
  /** The runtime generation these pointers belong to. */
  readonly gen: number;
  /**
   * A view's source rows (another WasmData's blocks, read, never written or freed) and its
   * two arrangement buffers of its own (x, y, sw each; the first may be the source's, borrowed), or null.
   */
  private readonly view: { x: number; y: number; sw: number; own: [number, number, number][]; source: WasmData; borrowed: boolean } | null = null;
  /** Whether a view has borrowed this data's next arrangement buffers (see the constructor). */
  lent = false;

  /**
   * Blocks for up to capacity rows; maxBuckets > 1 adds the second arrangement of a bucket
   * shuffle. With nnz (not null) the table is CSR, of up to nnz stored values.
   */
  constructor(
    private readonly rt: WasmRuntime, readonly capacity: number, readonly cols: number, readonly width: number,
    readonly weighted: boolean, readonly shuffle: boolean, readonly maxBuckets: number, readonly nnz: number | null = null,
    source: WasmData | null = null,
  ) {
    this.gen = rt.generation;
    try {
      if (source) {
        // A view (Trainer.viewData): the source's rows where they are, as its arrangement before the first.
        [this.xPtr, this.yPtr, this.swPtr, this.indptrPtr, this.indicesPtr] = [source.xPtr, source.yPtr, source.swPtr, source.indptrPtr, source.indicesPtr];
        this.view = { x: this.xPtr, y: this.yPtr, sw: this.swPtr, own: [], source, borrowed: false };
      } else {
        this.xPtr = rt.alloc(nnz === null ? capacity * cols * 4 : nnz * 4);
        if (nnz !== null) {
          this.indicesPtr = rt.alloc(nnz * 4);
          this.indptrPtr = rt.alloc(capacity * 4 + 4);
        }
        this.yPtr = rt.alloc(capacity * width * 4);
        if (weighted) this.swPtr = rt.alloc(capacity * 4);
      }
      if (nnz !== null && shuffle) {
        // Shuffled CSR: each epoch's rows in visit order (a view's own: it writes them every epoch).
        this.nextXPtr = rt.alloc(nnz * 4);
        this.nextIndicesPtr = rt.alloc(nnz * 4);
        this.nextIndptrPtr = rt.alloc(capacity * 4 + 4);
        this.nextYPtr = rt.alloc(capacity * width * 4);
        if (weighted) this.nextSwPtr = rt.alloc(capacity * 4);
        this.view?.own.push([this.nextXPtr, this.nextYPtr, this.nextSwPtr], [this.nextIndicesPtr, this.nextIndptrPtr, 0]);
      }
      if (maxBuckets > 1) {
        const arrangement = (): [number, number, number] => [rt.alloc(capacity * cols * 4), rt.alloc(capacity * width * 4), weighted ? rt.alloc(capacity * 4) : 0];
        const v = this.view;
        // The first view of a data set borrows its idle next arrangement (restarts never shuffle the
        // source itself); a view's second buffer takes turns with its first from its second epoch on.
        const borrow = !!v && !!source!.nextXPtr && !source!.lent;
        [this.nextXPtr, this.nextYPtr, this.nextSwPtr] = borrow ? [source!.nextXPtr, source!.nextYPtr, source!.nextSwPtr] : arrangement();
        if (v) {
          v.own.push([this.nextXPtr, this.nextYPtr, this.nextSwPtr], arrangement());
          if (borrow) source!.lent = v.borrowed = true;
        }
        this.idsPtr = rt.alloc(capacity * 4);
        this.scatterDescPtr = rt.alloc(DATA_BYTES);
      }
      if (shuffle) {
        this.orderPtr = rt.alloc(capacity * 4);
        this.startsPtr = rt.alloc((maxBuckets + 1) * 4);
        this.nextStartsPtr = rt.alloc((maxBuckets + 1) * 4);
        this.cursorsPtr = rt.alloc(maxBuckets * 4);
      }
      this.descPtr = rt.alloc(DATA_BYTES);
    } catch (err) {
      this.destroy();
      throw err;
    }
    if (source) this.reset(capacity, maxBuckets);
  }

  /** Whether these blocks can hold a data set of this size and kind (nnz: CSR's stored values, null for dense). */
  fits(rows: number, cols: number, width: number, weighted: boolean, shuffle: boolean, buckets: number, nnz: number | null = null): boolean {
    return this.rt.generation === this.gen && rows <= this.capacity && cols === this.cols && width === this.width &&
      (nnz === null ? this.nnz === null : this.nnz !== null && nnz <= this.nnz) &&
      weighted === this.weighted && shuffle === this.shuffle && (buckets <= 1 || buckets <= this.maxBuckets);
  }

  /** Prepares the blocks for a new data set of rows rows (its values are written next). */
  reset(rows: number, buckets: number): void {
    this.rows = rows;
    this.buckets = this.shuffle ? buckets : 1;
    this.scatter = false;
    this.visitCopy = false;
    this.ops = null; // a new arrangement: the next shuffled epoch starts over
    if (this.shuffle) {
      const u32 = this.rt.u32;
      u32[this.startsPtr >>> 2] = 0;
      u32[(this.startsPtr >>> 2) + this.buckets] = rows; // one bucket: all rows; more: set by the first plan
    }
  }

  /** Throws if the instance was rebuilt since these pointers were allocated. */
  check(): this {
    this.settle();
    if (this.rt.generation !== this.gen) throw staleError(this.rt);
    return this;
  }

  /**
   * Waits for the worker writing the next arrangement, if one is (it must be done before
   * anything else reads or frees these blocks); throws the pool's EngineError if it failed.
   */
  settle(): void {
    const pool = this.scattering;
    this.scattering = null;
    pool?.join();
  }

  /**
   * Starts the next arrangement's rewrite (this epoch's scatter, which the training pass
   * would otherwise do batch by batch) on a worker of the pool, where one may be used (cap)
   * and the data is large enough to gain (Threaded.scatter). The same copies in the same
   * order: the same bits. Returns whether it did.
   */
  scatterOnWorker(cap: number | undefined): boolean {
    const t = this.rt.threaded;
    return !!t && !!(this.scattering = t.scatter(this.describeAt(this.scatterDescPtr, {}), this.rows, (this.cols + this.width) * 4, cap));
  }

  /** A buffer for n per-batch learning rates, grown as needed. */
  lrs(n: number): number {
    if (n > this.lrsCapacity) {
      this.rt.free(this.lrsPtr);
      this.lrsPtr = 0;
      this.lrsPtr = this.rt.alloc(n * 8);
      this.lrsCapacity = n;
    }
    return this.lrsPtr;
  }

  /** Writes the data descriptor (these blocks, the current arrangement, and more fields for this call); returns its address. */
  describe(more: Partial<DataFields> = {}): number {
    return this.describeAt(this.descPtr, more);
  }

  private describeAt(ptr: number, more: Partial<DataFields>): number {
    writeDataBlock(this.rt, ptr, {
      rows: this.rows, cols: this.cols, width: this.width, xPtr: this.xPtr, yPtr: this.yPtr, swPtr: this.swPtr,
      orderPtr: this.orderPtr, buckets: this.buckets, startsPtr: this.startsPtr, nextStartsPtr: this.nextStartsPtr,
      idsPtr: this.idsPtr, cursorsPtr: this.cursorsPtr, nextXPtr: this.nextXPtr, nextYPtr: this.nextYPtr,
      nextSwPtr: this.nextSwPtr, indptrPtr: this.indptrPtr, indicesPtr: this.indicesPtr, nextIndptrPtr: this.nextIndptrPtr,
      nextIndicesPtr: this.nextIndicesPtr, ...more,
    });
    return ptr;
  }

  swap(): void {
    [this.xPtr, this.nextXPtr] = [this.nextXPtr, this.xPtr];
    [this.yPtr, this.nextYPtr] = [this.nextYPtr, this.yPtr];
    [this.swPtr, this.nextSwPtr] = [this.nextSwPtr, this.swPtr];
    [this.startsPtr, this.nextStartsPtr] = [this.nextStartsPtr, this.startsPtr];
    // A view never writes its source: the arrangement after next goes to its second buffer.
    if (this.view && this.nextXPtr === this.view.x) [this.nextXPtr, this.nextYPtr, this.nextSwPtr] = this.view.own[1];
  }

  /** The call is done with the data: the blocks stay for the next one (the trainer frees them); a view's own are freed. */
  free(): void {
    if (this.view) this.destroy();
  }

  /** Bytes of its blocks in WASM memory (0 once the instance was rebuilt: they are gone). */
  get bytes(): number {
    return this.ptrs().reduce((sum, p) => sum + this.rt.blockBytes(p), 0);
  }

  private ptrs(): number[] {
    if (this.rt.generation !== this.gen) return [];
    const data = this.view ? this.view.own.slice(+this.view.borrowed).flat() : [this.xPtr, this.yPtr, this.swPtr, this.nextXPtr, this.nextYPtr,
      this.nextSwPtr, this.indptrPtr, this.indicesPtr, this.nextIndptrPtr, this.nextIndicesPtr];
    return [...data, this.orderPtr,
      this.idsPtr, this.startsPtr, this.nextStartsPtr, this.cursorsPtr, this.lrsPtr, this.descPtr, this.scatterDescPtr];
  }

  /** Frees every block. */
  destroy(): void {
    const rt = this.rt;
    try {
      this.settle(); // no worker may still write blocks that are about to be freed
    } catch {
      // The pool's fault rebuilt the instance: these pointers are void now (ptrs() is empty).
    }
    // After a rebuild these pointers are void: the new instance never handed them out (ptrs() is empty).
    for (const p of this.ptrs()) rt.free(p);
    if (this.view) {
      this.view.own.splice(0);
      if (this.view.borrowed) this.view.source.lent = this.view.borrowed = false;
    }
    this.xPtr = this.yPtr = this.swPtr = this.nextXPtr = this.nextYPtr = this.nextSwPtr = this.orderPtr = this.idsPtr = 0;
    this.startsPtr = this.nextStartsPtr = this.cursorsPtr = this.lrsPtr = this.lrsCapacity = this.descPtr = this.scatterDescPtr = 0;
    this.indptrPtr = this.indicesPtr = this.nextIndptrPtr = this.nextIndicesPtr = 0;
    this.visitCopy = false;
    this.rows = 0;
  }
}

class WasmTrainer implements Trainer, Reattachable {
  readonly paramCount: number;
  private readonly inputs: number;
  private readonly outputsPerRow: number;
  private readonly width: number; // target values per row
  private block!: NetworkBlock;
  private gen = -1;
  /** The data-parallel team's blocks (allocated on first use, by src/threads/team.ts). */
  private readonly team: { block: TeamBlock | null } = { block: null };
  private opt: ResolvedOptimizer = resolveOptimizer('sgd');
  mostThreads = 1;
  /** The state a rebuild restores: kept in JS, where a fault inside WASM cannot reach it. */
  private committed: { opt: ResolvedOptimizer; state: TrainerState } | null = null;
  /** Data blocks kept between calls: training data, and validation data. */
  private kept: { train: WasmData | null; val: WasmData | null } = { train: null, val: null };

  constructor(private readonly rt: WasmRuntime, readonly shape: NetworkShape) {
    this.paramCount = networkLayout(shape).count;
    this.inputs = shape.inputs;
    this.outputsPerRow = shape.layers[shape.layers.length - 1].units;
    this.width = targetWidth(shape);
    this.allocate();
    this.setOptimizer(this.opt);
    this.commit();
    rt.attach(this);
  }

  private allocate(slots = slotCount(this.opt.name)): void {
    const widest = Math.max(this.inputs, ...this.shape.layers.map((l) => l.units));
    const perRow = (this.inputs + this.width + 1 + 2 * this.shape.layers.reduce((s, l) => s + l.units, 0)) * 4;
    // The one-output kernel without hidden layers (assembly/linear.ts) reads rows in place: no chunk scratch.
    const rows = singleLayerLoss(this.shape) === null || dataParallel.linear
      ? Math.max(1, Math.min(SCRATCH_ROWS, Math.floor(SCRATCH_BYTES / Math.max(perRow, widest)))) : 1;
    // The chunk a whole number of slices, so a chunk boundary is always a slice boundary.
    const slice = Math.min(dataParallel.chunkRows, rows);
    this.block = allocNetworkBlock(this.rt, this.shape, rows - (rows % slice), slots, slice);
    this.gen = this.rt.generation;
  }

  commit(): void {
    this.committed = { opt: this.opt, state: this.saveState() };
  }

  reattach(): void {
    this.kept = { train: null, val: null }; // void in the new instance
    const c = this.committed!;
    this.allocate(slotCount(c.opt.name));
    this.setOptimizer(c.opt);
    this.restoreState(c.state);
  }

  checkCapacity(what: string, sets: DataSize[]): void {
    const blocks = sets.flatMap((set) => dataBlocks(set, this.inputs, this.width, shuffleBuckets(this.shape, set.rows)));
    // This model's kept data blocks are either reused or freed before the new ones are allocated: count them as free.
    const kept = (this.kept.train?.bytes ?? 0) + (this.kept.val?.bytes ?? 0);
    const short = this.rt.shortfall(blocks, kept);
    if (!short) return;
    const remedy = `train on fewer rows at a time (partialFit), or use engine 'js', which has no such limit`;
    if (short.limit === 'block') {
      const set = sets.find((x) => x.rows * this.inputs * 4 > MAX_BLOCK_BYTES) ?? sets[0];
      if (set.nnz !== undefined) {
        throw new ValidationError(
          `${what} needs ${set.nnz * 4} bytes of WebAssembly memory in one block for X's ${set.nnz} stored values, more than ` +
            `the ${MAX_BLOCK_BYTES} bytes one block can hold (the limit of the allocator); ${remedy}`,
        );
      }
      throw new ValidationError(
        `${what} needs ${set.rows * this.inputs * 4} bytes of WebAssembly memory in one block for X ` +
          `(${set.rows} rows x ${this.inputs} features x 4 bytes), more than the ${MAX_BLOCK_BYTES} bytes ` +
          `one block can hold (the limit of the allocator); ${remedy}`,
      );
    }
    const shuffled = sets.some((x) => x.shuffle);
    throw new ValidationError(
      `${what} needs ${short.bytes} bytes of WebAssembly memory for its data, but only ${short.available} of ` +
        `wasm32's 4 GiB (4294967296 bytes) are free; ${shuffled ? 'use shuffle: false (it needs half), ' : ''}` +
        `call release() or dispose() on other models, ${remedy}`,
    );
  }

  getParams(): Float64Array {
    return Float64Array.from(this.rt.readF32(this.block.paramsPtr, this.paramCount));
  }

  setParams(params: ArrayLike<number>): void {
    this.rt.writeF32(this.block.paramsPtr, params);
  }

  setOptimizer(opt: ResolvedOptimizer): void {
    const slots = slotCount(opt.name);
    if (slots !== this.block.slots) {
      // Each optimizer's own number of state vectors: a new block, the parameters carried over.
      const params = this.getParams();
      const old = this.block.base;
      this.allocate(slots);
      this.rt.free(old);
      this.setParams(params);
    }
    this.opt = opt;
    writeOptimizerBlock(this.rt, this.block.optPtr, this.block.slotsPtr, this.block.nParams, this.paramCount, opt);
  }

  saveState(): TrainerState {
    const slots: Float64Array[] = [];
    for (let s = 0; s < this.block.slots; s++) {
      slots.push(Float64Array.from(this.rt.readF32(this.block.slotsPtr + s * this.block.nParams * 4, this.paramCount)));
    }
    const o = this.block.optPtr >>> 3;
    return { params: this.getParams(), optimizerStep: this.rt.f64[o + OPT_STEP], slots, optimizerScalars: this.rt.f64.slice(o + OPT_D, o + OPT_D + 3) };
  }

  restoreState(saved: TrainerState): void {
    this.setParams(saved.params);
    this.rt.f64[(this.block.optPtr >>> 3) + OPT_STEP] = saved.optimizerStep;
    this.rt.f64.set(saved.optimizerScalars, (this.block.optPtr >>> 3) + OPT_D);
    const f32 = this.rt.f32;
    saved.slots.forEach((s, i) => f32.set(s, (this.block.slotsPtr >>> 2) + i * this.block.nParams));
  }

  loadData(
    src: MatrixSource, y: Float32Array, sw: Float32Array | null, shuffle: boolean,
    split: { train: Uint32Array; val: Uint32Array } | null, batches: number,
  ): { train: TrainingData; val: TrainingData | null } {
    if (src.csr) return this.loadSparse(src, y, sw, shuffle, split, batches);
    const N = src.rows;
    const F = this.inputs;
    const rt = this.rt;
    const trainRows = split ? split.train.length : N;
    const buckets = shuffleBuckets(this.shape, trainRows);
    const maxBuckets = shuffle ? Math.max(buckets, shuffleBuckets(this.shape, N)) : 1;
    const size = { rows: N, weighted: sw !== null, shuffle };
    this.checkCapacity('this data set', [size]);
    this.kept.train?.settle(); // a stopped epoch's worker may still be writing the kept blocks
    if (!this.kept.train?.fits(N, F, this.width, sw !== null, shuffle, maxBuckets)) {
      // One growth of memory for everything this call allocates: the allocator grows by at least its
      // current size whenever a request does not fit, so block by block it would double memory.
      this.kept.train?.destroy();
      this.kept.train = null;
      const bytes = dataBlocks(size, F, this.width, maxBuckets).reduce((a, b) => a + b + 16, 0);
      rt.reserve(bytes + batches * 8 + (split ? split.val.length * (F + this.width) * 4 + N * 4 : 0));
    }
    // All N rows go into the training block (then the validation rows move out), so X is read once, in order.
    const train = this.dataBlock('train', N, sw !== null, shuffle, maxBuckets);
    train.lrs(batches);
    let val: WasmData | null = null;
    try {
      this.copyIn(src, train.xPtr);
      if (split) {
        const v = (val = this.dataBlock('val', split.val.length, false, false, 1));
        const ids = rt.alloc(N * 4);
        try {
          rt.u32.set(split.val, ids >>> 2);
          rt.exports.gatherRows(train.xPtr, ids, split.val.length, F, v.xPtr);
          rt.u32.set(split.train, ids >>> 2);
          rt.exports.gatherRows(train.xPtr, ids, split.train.length, F, train.xPtr); // compacts in place
        } finally {
          rt.free(ids);
        }
        this.writeTargets(v, takeRows(y, this.width, split.val), null);
        v.reset(split.val.length, 1);
        this.writeTargets(train, takeRows(y, this.width, split.train), sw ? takeRows(sw, 1, split.train) : null);
      } else {
        this.writeTargets(train, y, sw);
      }
    } catch (err) {
      train.reset(0, 1); // a cache, not state: marked empty
      val?.reset(0, 1);
      throw err;
    }
    train.reset(trainRows, buckets);
    return { train, val };
  }

  // loadData for a CSR table: validationFraction's rows are taken out in JS first (a copy of
  // theirs), then each table is copied in and checked in one pass (copySparse).
  private loadSparse(
    src: MatrixSource, y: Float32Array, sw: Float32Array | null, shuffle: boolean,
    split: { train: Uint32Array; val: Uint32Array } | null, batches: number,
  ): { train: TrainingData; val: TrainingData | null } {
    const csr = src.csr as CSR;
    const parts = split ? [takeCSRRows(checkIndptr(csr, src.name), split.train), takeCSRRows(csr, split.val)] : [csr];
    const size = { rows: parts[0].shape[0], nnz: parts[0].data.length, weighted: sw !== null, shuffle };
    const sets = split ? [size, { rows: parts[1].shape[0], nnz: parts[1].data.length, weighted: false, shuffle: false }] : [size];
    this.checkCapacity('this data set', sets);
    const trainY = split ? takeRows(y, this.width, split.train) : y;
    const trainSw = split && sw ? takeRows(sw, 1, split.train) : sw;
    const train = this.sparseBlock('train', parts[0], src, trainY, trainSw, shuffle);
    train.lrs(batches);
    const val = split ? this.sparseBlock('val', parts[1], src, takeRows(y, this.width, split.val), null, false) : null;
    return { train, val };
  }

  // Copies a CSR table into this kind's kept blocks (or new ones), checked; named from the caller's table (src) if bad.
  private sparseBlock(
    kind: 'train' | 'val', csr: CSR, src: MatrixSource, y: Float32Array, sw: Float32Array | null, shuffle: boolean,
  ): WasmData {
    const rows = csr.shape[0];
    const d = this.dataBlock(kind, rows, sw !== null, shuffle, 1, csr.data.length);
    try {
      this.copySparse(csr, src, d.xPtr, d.indicesPtr, d.indptrPtr, 0, rows);
      this.writeTargets(d, y, sw);
    } catch (err) {
      d.reset(0, 1); // a cache, not state: marked empty
      throw err;
    }
    d.reset(rows, 1);
    return d;
  }

  /**
   * Copies rows from..from+rows of a CSR table into WASM (values as f32, indices and indptr as
   * u32, indptr rebased to start at 0: one bulk set each) and checks them there (checkSparse);
   * a problem is named by checkCSR over the caller's table src.
   */
  private copySparse(csr: CSR, src: MatrixSource, valsPtr: number, idxPtr: number, indptrPtr: number, from: number, rows: number): void {
    const rt = this.rt;
    const base = csr.indptr[from];
    const nnz = csr.indptr[from + rows] - base;
    rt.f32.set(csr.data.subarray(base, base + nnz), valsPtr >>> 2);
    rt.u32.set(csr.indices.subarray(base, base + nnz), idxPtr >>> 2);
    const u32 = rt.u32;
    const at = indptrPtr >>> 2;
    for (let r = 0; r <= rows; r++) u32[at + r] = csr.indptr[from + r] - base;
    const desc = this.block.dataPtr;
    writeDataBlock(rt, desc, { rows, cols: this.inputs, width: this.width, xPtr: valsPtr, indptrPtr, indicesPtr: idxPtr });
    if (rt.exports.checkSparse(desc, nnz) !== -1) {
      checkCSR(src.csr, src.name, this.inputs);
      throw new EngineError(`engine '${rt.name}' found a problem in ${src.name} that checkCSR did not`);
    }
  }

  loadValidation(src: MatrixSource, y: Float32Array, shuffle = false): TrainingData {
    if (src.csr) {
      this.checkCapacity('the validation data', [{ rows: src.rows, nnz: src.csr.data.length, weighted: false, shuffle }]);
      return this.sparseBlock('val', src.csr as CSR, src, y, null, shuffle);
    }
    this.checkCapacity('the validation data', [{ rows: src.rows, weighted: false, shuffle }]);
    const val = this.dataBlock('val', src.rows, false, shuffle, 1);
    try {
      this.copyIn(src, val.xPtr);
      this.writeTargets(val, y, null);
    } catch (err) {
      val.reset(0, 1); // a cache, not state: marked empty
      throw err;
    }
    val.reset(src.rows, 1);
    return val;
  }

  viewData(data: TrainingData): TrainingData {
    const d = (data as WasmData).check();
    return new WasmData(this.rt, d.rows, d.cols, d.width, d.weighted, d.shuffle, d.buckets, d.nnz, d);
  }

  release(): void {
    const team = this.team.block;
    if (team && team.gen === this.rt.generation) for (const p of team.blocks) this.rt.free(p);
    this.team.block = null;
    this.kept.train?.destroy();
    this.kept.val?.destroy();
    this.kept = { train: null, val: null };
  }

  // The kept block of this kind if it fits, else a new one (the old one freed first).
  private dataBlock(
    kind: 'train' | 'val', rows: number, weighted: boolean, shuffle: boolean, buckets: number, nnz: number | null = null,
  ): WasmData {
    const kept = this.kept[kind];
    if (kept?.fits(rows, this.inputs, this.width, weighted, shuffle, buckets, nnz)) return kept;
    kept?.destroy();
    this.kept[kind] = null;
    const data = new WasmData(this.rt, rows, this.inputs, this.width, weighted, shuffle, buckets, nnz);
    this.kept[kind] = data;
    return data;
  }

  // Copies src's rows into WASM at xPtr (one bulk set for typed arrays) and checks them there.
  private copyIn(src: MatrixSource, xPtr: number, from = 0, rows = src.rows): void {
    const rt = this.rt;
    copyRows(src, from, rows, rt.f32, xPtr >>> 2);
    if (!Array.isArray(src.X)) {
      const bad = rt.exports.findNonFinite(xPtr, rows * src.features);
      if (bad >= 0) throw valueError(src, from * src.features + bad);
    }
  }

  private writeTargets(d: WasmData, y: Float32Array, sw: Float32Array | null): void {
    const rt = this.rt;
    if (this.shape.head === 'softmax') rt.u32.set(y, d.yPtr >>> 2); // class labels as i32
    else rt.f32.set(y, d.yPtr >>> 2);
    if (sw) rt.f32.set(sw, d.swPtr >>> 2);
  }

  beginEpoch(data: TrainingData, rng: RngState): void {
    const rt = this.rt;
    const ex = rt.exports;
    const d = (data as WasmData).check();
    const rngPtr = this.block.rngPtr;
    d.scatter = false;
    if (!d.orderPtr) return;
    d.ops ??= {
      buckets: d.buckets,
      arranged: false,
      plan: () => ex.planScatter(d.describe(), rngPtr),
      scatterAll: () => ex.scatterRows(d.describe({ orderPtr: 0 }), 0, d.rows),
      permute: () => ex.permuteBuckets(d.describe(), rngPtr),
      swap: () => d.swap(),
    };
    rt.u32.set(rng, rngPtr >>> 2);
    d.scatter = beginShuffledEpoch(d.ops);
    rng.set(rt.u32.subarray(rngPtr >>> 2, (rngPtr >>> 2) + 4));
    // CSR rows: copied once in the visit order, so training streams them (the same rows in the same order: the same bits).
    if (d.nextIndptrPtr) {
      ex.arrangeSparse(d.describe());
      d.visitCopy = true;
    }
  }

  trainBatches(data: TrainingData, config: BatchConfig, first: number, last: number): EpochStats {
    const d = data as WasmData;
    const threaded = this.rt.threaded;
    const cap = config.threads ?? threaded?.size ?? 1;
    const slice = this.sliceRows();
    const chunks = Math.ceil(Math.min(config.batchSize, d.rows) / slice);
    // Data-parallel batches (src/threads/team.ts): a network on dense rows (slices of more than one
    // row: the one-output kernel's block has one-row slices, unless dataParallel.linear), at least
    // two slices (the team's chunks) and dataParallel.minWork per batch, a second thread.
    if (threaded && cap > 1 && !d.indptrPtr && slice > 1 && chunks > 1 &&
      config.batchSize * this.block.nParams >= dataParallel.minWork) {
      // Each worker's network block: the model's shape, scratch for one slice, no optimizer state.
      const member = () => allocNetworkBlock(this.rt, this.shape, slice, 0, slice);
      const status = threaded.team(member, this.team, cap, chunks, (teamPtr) => {
        const [net, desc] = this.prepareBatches(data, config, first, last, teamPtr).args;
        return this.rt.exports.trainEpoch(net, desc, first, last);
      });
      if (status !== null) {
        this.mostThreads = Math.max(this.mostThreads, this.rt.u32[(this.team.block!.ptr >>> 2) + TEAM_THREADS]);
        return this.batchesDone(status);
      }
    }
    const [net, desc] = this.prepareBatches(data, config, first, last).args;
    return this.batchesDone(this.rt.exports.trainEpoch(net, desc, first, last));
  }

  /** Rows of the network's slices (NET_SLICE_ROWS): the chunks data-parallel batches share out. */
  private sliceRows(): number {
    return this.rt.u32[(this.block.descPtr >>> 2) + NET_SLICE_ROWS];
  }

  prepareBatches(data: TrainingData, config: BatchConfig, first: number, last: number, teamPtr = 0): Task {
    const rt = this.rt;
    const d = (data as WasmData).check();
    const lrsPtr = d.lrs(config.lrs.length); // may grow memory: views below are taken after it
    rt.f64.set(config.lrs.subarray(first, last), (lrsPtr >>> 3) + first);
    // A worker writes the next arrangement for the whole epoch while this thread trains; else the pass scatters.
    // (Not with data-parallel batches: they take every thread there is, and the rewrite is a few percent of a network's epoch.)
    if (first === 0 && d.scatter && !teamPtr && d.scatterOnWorker(config.threads)) {
      d.scatter = false;
      this.mostThreads = Math.max(this.mostThreads, 2);
    }
    const copy = d.visitCopy
      ? { xPtr: d.nextXPtr, indicesPtr: d.nextIndicesPtr, indptrPtr: d.nextIndptrPtr, yPtr: d.nextYPtr, swPtr: d.nextSwPtr, orderPtr: 0 }
      : {};
    const dataPtr = d.describe({
      ...copy, teamPtr, idsPtr: d.scatter ? d.idsPtr : 0, batchSize: config.batchSize, lrsPtr, l1: config.l1, l2: config.l2, firstRow: config.firstRow,
    });
    return { fn: 'trainEpoch', args: [this.block.descPtr, dataPtr, first, last] };
  }

  batchesDone(status: number): EpochStats {
    const rt = this.rt;
    checkStatus(rt, status);
    const f64 = rt.f64;
    const s = this.block.statsPtr >>> 3;
    return {
      lossSum: f64[s + STAT_LOSS_SUM],
      gradNorm: f64[s + STAT_GRAD_NORM],
      maxStep: f64[s + STAT_MAX_STEP],
      batches: f64[s + STAT_BATCHES],
      diverged: f64[s + STAT_DIVERGED],
    };
  }

  endEpoch(data: TrainingData): void {
    const d = data as WasmData;
    const overlapped = d.scattering !== null;
    d.check(); // waits for the worker's rewrite
    if (d.ops) endShuffledEpoch(d.ops, d.scatter || overlapped);
  }

  outputs(src: MatrixSource): Float64Array {
    if (src.csr) return this.sparseOutputs(src);
    // In chunks: predict needs a few MB of WASM memory whatever the size of X, and reads X once.
    const rt = this.rt;
    const rows = src.rows;
    const cols = this.inputs;
    const k = this.outputsPerRow;
    const chunk = Math.max(1, Math.min(rows, Math.floor(PREDICT_CHUNK_BYTES / (cols * 4))));
    const out = new Float64Array(rows * k);
    const gen = rt.generation;
    const xPtr = rt.alloc(chunk * cols * 4);
    const outPtr = rt.alloc(chunk * k * 4);
    try {
      for (let r = 0; r < rows; r += chunk) {
        const n = Math.min(chunk, rows - r);
        this.copyIn(src, xPtr, r, n);
        writeDataBlock(rt, this.block.dataPtr, { rows: n, cols, width: this.width, xPtr });
        checkStatus(rt, rt.exports.predict(this.block.descPtr, this.block.dataPtr, outPtr));
        out.set(rt.f32.subarray(outPtr >>> 2, (outPtr >>> 2) + n * k), r * k);
      }
      return out;
    } finally {
      if (rt.generation === gen) {
        rt.free(outPtr);
        rt.free(xPtr);
      }
    }
  }

  // outputs() for a CSR table: chunks of rows with at most PREDICT_CHUNK_BYTES of stored values
  // (a row longer than that is a chunk of its own), each copied in and checked as training data is.
  private sparseOutputs(src: MatrixSource): Float64Array {
    const rt = this.rt;
    const csr = checkIndptr(src.csr as CSR, src.name);
    const k = this.outputsPerRow;
    const rows = src.rows;
    const out = new Float64Array(rows * k);
    const most = PREDICT_CHUNK_BYTES / 8; // values and indices, 4 bytes each
    let nnzCap = Math.min(most, csr.data.length);
    for (let r = 0; r < rows; r++) nnzCap = Math.max(nnzCap, csr.indptr[r + 1] - csr.indptr[r]);
    const rowCap = Math.min(rows, Math.max(1, most));
    const gen = rt.generation;
    const ptrs = [rt.alloc(nnzCap * 4 + 4), rt.alloc(nnzCap * 4 + 4), rt.alloc(rowCap * 4 + 4), rt.alloc(rowCap * k * 4)];
    const [valsPtr, idxPtr, indptrPtr, outPtr] = ptrs;
    try {
      for (let r = 0, n = 0; r < rows; r += n) {
        for (n = 1; r + n < rows && n < rowCap && csr.indptr[r + n + 1] - csr.indptr[r] <= most; n++);
        this.copySparse(csr, src, valsPtr, idxPtr, indptrPtr, r, n);
        checkStatus(rt, rt.exports.predict(this.block.descPtr, this.block.dataPtr, outPtr));
        out.set(rt.f32.subarray(outPtr >>> 2, (outPtr >>> 2) + n * k), r * k);
      }
      return out;
    } finally {
      if (rt.generation === gen) for (const p of ptrs) rt.free(p);
    }
  }

  dataOutputs(data: TrainingData): Float64Array {
    const d = (data as WasmData).check();
    const rt = this.rt;
    const outPtr = rt.alloc(d.rows * this.outputsPerRow * 4);
    try {
      checkStatus(rt, rt.exports.predict(this.block.descPtr, d.describe(), outPtr));
      return Float64Array.from(rt.readF32(outPtr, d.rows * this.outputsPerRow));
    } finally {
      if (rt.generation === d.gen) rt.free(outPtr);
    }
  }

  gradient(src: MatrixSource, y: Float32Array, sw: Float32Array | null): { loss: number; grad: Float64Array } {
    const rows = src.rows;
    const rt = this.rt;
    const data = new WasmData(rt, rows, this.inputs, this.width, sw !== null, false, 1);
    const b = this.block;
    try {
      this.copyIn(src, data.xPtr);
      this.writeTargets(data, y, sw);
      data.reset(rows, 1);
      const loss = rt.exports.networkGradient(b.descPtr, data.describe());
      const grad = Float64Array.from(rt.readF32(b.gradPtr, this.paramCount), (g) => g / rows);
      return { loss: loss / rows, grad };
    } finally {
      data.destroy();
    }
  }

  dispose(): void {
    this.release();
    this.rt.detach(this);
    if (this.rt.generation === this.gen) this.rt.free(this.block.base);
  }
}

/** An engine over one instantiated WASM build. */
export function wasmEngine(rt: WasmRuntime): Engine {
  return {
    name: rt.simd ? 'wasm-simd' : 'wasm-scalar',
    createTrainer: (shape) => new WasmTrainer(rt, shape),
  };
}
