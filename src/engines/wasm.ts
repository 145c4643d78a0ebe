// The WASM engines (SIMD and scalar builds of the same source). This file owns
// the layout of each model's WASM memory: one block for the network (descriptor,
// parameters, gradients, optimizer state, stats, scratch; src/wasm/networkBlock.ts)
// and one set of data blocks per data set. Every typed-array view is taken from the
// runtime right before use, so memory growth never leaves a stale one.
import type { BatchConfig, DataSize, Engine, Trainer, TrainerState, TrainingData } from './engine.js';
import type { LossKind } from '../reference/losses.js';
import type { RngState } from '../reference/random.js';
import type { EpochStats } from '../reference/train.js';
import { networkLayout, targetWidth, type NetworkShape } from '../reference/network.js';
import { beginShuffledEpoch, endShuffledEpoch, type ArrangementOps } from './arrangement.js';
import { shuffleBuckets, singleLayerLoss } from './shape.js';
import { resolveOptimizer, type ResolvedOptimizer } from '../optim/optimizers.js';
import { allocNetworkBlock, type NetworkBlock } from '../wasm/networkBlock.js';
import { OPT, SLOTS, writeOptimizerBlock } from '../wasm/optimizerBlock.js';
import { MAX_BLOCK_BYTES, type Reattachable, type WasmRuntime } from '../wasm/runtime.js';
import { EngineError, ValidationError } from '../errors.js';

// The stats block's f64 fields, as numbered in assembly/train.ts.
const STATS = { lossSum: 0, gradNorm: 1, maxStep: 2, batches: 3, diverged: 4 };
// predict copies X into WASM this many bytes at a time, so it has no size limit.
const PREDICT_CHUNK_BYTES = 4 << 20;
// Rows of a batch that a network's scratch holds (a batch runs in chunks of these); capped by bytes.
const SCRATCH_ROWS = 256;
const SCRATCH_BYTES = 16 << 20;

/** The blocks WasmData allocates for a data set, in bytes (X first); float64 arithmetic keeps sizes past 2^31 exact. */
function dataBlocks({ rows, weighted, shuffle }: DataSize, cols: number, width: number, buckets: number): number[] {
  buckets = shuffle ? buckets : 1;
  const x = rows * cols * 4;
  const v = rows * 4;
  const out = [x, v * width];
  if (weighted) out.push(v);
  if (buckets > 1) out.push(x, v, v, ...(weighted ? [v] : []));
  if (shuffle) out.push(v, (buckets + 1) * 4, (buckets + 1) * 4, buckets * 4);
  return out;
}

function staleError(rt: WasmRuntime): EngineError {
  return new EngineError(
    `engine '${rt.name}' was rebuilt after a failure inside WebAssembly during this call; the call was stopped and its model restored`,
  );
}

/** Training data and the shuffle's buffers, as pointers into WASM memory. */
class WasmData implements TrainingData {
  scatter = false; // whether this epoch's pass scatters into the next arrangement
  ops: ArrangementOps | null = null;
  lrsPtr = 0;
  lrsCapacity = 0;
  readonly buckets: number;
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
  /** The runtime generation these pointers belong to. */
  readonly gen: number;

  constructor(
    private readonly rt: WasmRuntime, readonly rows: number, cols: number, width: number, weighted: boolean,
    shuffle: boolean, buckets: number,
  ) {
    this.gen = rt.generation;
    this.buckets = shuffle ? buckets : 1;
    const scatter = this.buckets > 1; // only the single-layer path scatters, so targets are one per row there
    try {
      this.xPtr = rt.alloc(rows * cols * 4);
      this.yPtr = rt.alloc(rows * width * 4);
      if (weighted) this.swPtr = rt.alloc(rows * 4);
      if (scatter) {
        this.nextXPtr = rt.alloc(rows * cols * 4);
        this.nextYPtr = rt.alloc(rows * 4);
        if (weighted) this.nextSwPtr = rt.alloc(rows * 4);
        this.idsPtr = rt.alloc(rows * 4);
      }
      if (shuffle) {
        this.orderPtr = rt.alloc(rows * 4);
        this.startsPtr = rt.alloc((this.buckets + 1) * 4);
        this.nextStartsPtr = rt.alloc((this.buckets + 1) * 4);
        this.cursorsPtr = rt.alloc(this.buckets * 4);
        const u32 = rt.u32;
        u32[this.startsPtr >>> 2] = 0;
        u32[(this.startsPtr >>> 2) + this.buckets] = rows; // one bucket: all rows; more: set by the first plan
      }
    } catch (err) {
      this.free();
      throw err;
    }
  }

  /** Throws if the instance was rebuilt since these pointers were allocated. */
  check(): this {
    if (this.rt.generation !== this.gen) throw staleError(this.rt);
    return this;
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

  swap(): void {
    [this.xPtr, this.nextXPtr] = [this.nextXPtr, this.xPtr];
    [this.yPtr, this.nextYPtr] = [this.nextYPtr, this.yPtr];
    [this.swPtr, this.nextSwPtr] = [this.nextSwPtr, this.swPtr];
    [this.startsPtr, this.nextStartsPtr] = [this.nextStartsPtr, this.startsPtr];
  }

  free(): void {
    const rt = this.rt;
    // After a rebuild these pointers are void: the new instance never handed them out.
    if (rt.generation === this.gen) for (const p of [this.xPtr, this.yPtr, this.swPtr, this.nextXPtr, this.nextYPtr, this.nextSwPtr, this.orderPtr,
      this.idsPtr, this.startsPtr, this.nextStartsPtr, this.cursorsPtr, this.lrsPtr]) rt.free(p);
    this.xPtr = this.yPtr = this.swPtr = this.nextXPtr = this.nextYPtr = this.nextSwPtr = this.orderPtr = this.idsPtr = 0;
    this.startsPtr = this.nextStartsPtr = this.cursorsPtr = this.lrsPtr = this.lrsCapacity = 0;
  }
}

class WasmTrainer implements Trainer, Reattachable {
  readonly paramCount: number;
  private readonly inputs: number;
  private readonly outputsPerRow: number;
  private readonly width: number; // target values per row
  /** The single-layer fast path's loss (assembly/train.ts), or null for a network (assembly/network.ts). */
  private readonly loss: LossKind | null;
  private block!: NetworkBlock;
  private gen = -1;
  private opt: ResolvedOptimizer = resolveOptimizer('sgd');
  /** The state a rebuild restores: kept in JS, where a fault inside WASM cannot reach it. */
  private committed: { opt: ResolvedOptimizer; state: TrainerState } | null = null;

  constructor(private readonly rt: WasmRuntime, readonly shape: NetworkShape) {
    this.paramCount = networkLayout(shape).count;
    this.inputs = shape.inputs;
    this.outputsPerRow = shape.layers[shape.layers.length - 1].units;
    this.width = targetWidth(shape);
    this.loss = singleLayerLoss(shape);
    this.allocate();
    this.setOptimizer(this.opt);
    this.commit();
    rt.attach(this);
  }

  private allocate(): void {
    const widest = Math.max(this.inputs, ...this.shape.layers.map((l) => l.units));
    const perRow = (this.inputs + this.width + 1 + 2 * this.shape.layers.reduce((s, l) => s + l.units, 0)) * 4;
    const capacity = this.loss === null ? Math.max(1, Math.min(SCRATCH_ROWS, Math.floor(SCRATCH_BYTES / Math.max(perRow, widest)))) : 1;
    this.block = allocNetworkBlock(this.rt, this.shape, capacity);
    this.gen = this.rt.generation;
  }

  commit(): void {
    this.committed = { opt: this.opt, state: this.saveState() };
  }

  reattach(): void {
    this.allocate();
    const c = this.committed!;
    this.setOptimizer(c.opt);
    this.restoreState(c.state);
  }

  checkCapacity(what: string, sets: DataSize[]): void {
    const blocks = sets.flatMap((set) => dataBlocks(set, this.inputs, this.width, shuffleBuckets(this.shape, set.rows)));
    const short = this.rt.shortfall(blocks);
    if (!short) return;
    const remedy = `train on fewer rows at a time (partialFit), or use engine 'js', which has no such limit`;
    if (short.limit === 'block') {
      const set = sets.find((x) => x.rows * this.inputs * 4 > MAX_BLOCK_BYTES) ?? sets[0];
      throw new ValidationError(
        `${what} needs ${set.rows * this.inputs * 4} bytes of WebAssembly memory in one block for X ` +
          `(${set.rows} rows x ${this.inputs} features x 4 bytes), more than the ${MAX_BLOCK_BYTES} bytes ` +
          `one block can hold (the limit of AssemblyScript's allocator); ${remedy}`,
      );
    }
    const shuffled = sets.some((x) => x.shuffle);
    throw new ValidationError(
      `${what} needs ${short.bytes} bytes of WebAssembly memory for its data, but only ${short.available} of ` +
        `wasm32's 4 GiB (4294967296 bytes) are free; ${shuffled ? 'use shuffle: false (it needs half), ' : ''}${remedy}`,
    );
  }

  getParams(): Float64Array {
    return Float64Array.from(this.rt.readF32(this.block.paramsPtr, this.paramCount));
  }

  setParams(params: ArrayLike<number>): void {
    this.rt.writeF32(this.block.paramsPtr, params);
  }

  setOptimizer(opt: ResolvedOptimizer): void {
    this.opt = opt;
    writeOptimizerBlock(this.rt, this.block.optPtr, this.block.slotsPtr, this.block.nParams, this.paramCount, opt);
  }

  saveState(): TrainerState {
    const slots: Float64Array[] = [];
    for (let s = 0; s < SLOTS; s++) {
      slots.push(Float64Array.from(this.rt.readF32(this.block.slotsPtr + s * this.block.nParams * 4, this.paramCount)));
    }
    return { params: this.getParams(), optimizerStep: this.rt.f64[(this.block.optPtr >>> 3) + OPT.step], slots };
  }

  restoreState(saved: TrainerState): void {
    this.setParams(saved.params);
    this.rt.f64[(this.block.optPtr >>> 3) + OPT.step] = saved.optimizerStep;
    const f32 = this.rt.f32;
    for (let s = 0; s < SLOTS; s++) f32.set(saved.slots[s], (this.block.slotsPtr >>> 2) + s * this.block.nParams);
  }

  loadData(X: Float32Array, y: Float32Array, sw: Float32Array | null, rows: number, shuffle: boolean): TrainingData {
    const buckets = shuffleBuckets(this.shape, rows);
    this.checkCapacity('this data set', [{ rows, weighted: sw !== null, shuffle }]);
    const data = new WasmData(this.rt, rows, this.inputs, this.width, sw !== null, shuffle, buckets);
    // Views are taken after every allocation (which may have grown memory).
    const rt = this.rt;
    rt.f32.set(X.subarray(0, rows * this.inputs), data.xPtr >>> 2);
    if (this.shape.head === 'softmax') rt.u32.set(y.subarray(0, rows), data.yPtr >>> 2); // class labels as i32
    else rt.f32.set(y.subarray(0, rows * this.width), data.yPtr >>> 2);
    if (sw) rt.f32.set(sw.subarray(0, rows), data.swPtr >>> 2);
    return data;
  }

  beginEpoch(data: TrainingData, rng: RngState): void {
    const rt = this.rt;
    const ex = rt.exports;
    const d = (data as WasmData).check();
    const rngPtr = this.block.rngPtr;
    d.scatter = false;
    if (!d.orderPtr) return;
    const cols = this.inputs;
    d.ops ??= {
      buckets: d.buckets,
      arranged: false,
      plan: () => ex.planScatter(rngPtr, d.idsPtr, d.nextStartsPtr, d.cursorsPtr, d.rows, d.buckets),
      scatterAll: () => ex.scatterRows(d.xPtr, d.yPtr, d.swPtr, 0, d.idsPtr, d.cursorsPtr, d.nextXPtr, d.nextYPtr,
        d.nextSwPtr, 0, d.rows, cols),
      permute: () => ex.permuteBuckets(rngPtr, d.orderPtr, d.startsPtr, d.buckets),
      swap: () => d.swap(),
    };
    rt.u32.set(rng, rngPtr >>> 2);
    d.scatter = beginShuffledEpoch(d.ops);
    rng.set(rt.u32.subarray(rngPtr >>> 2, (rngPtr >>> 2) + 4));
  }

  trainBatches(data: TrainingData, config: BatchConfig, first: number, last: number): EpochStats {
    const rt = this.rt;
    const d = (data as WasmData).check();
    const b = this.block;
    const lrsPtr = d.lrs(config.lrs.length); // may grow memory: views below are taken after it
    rt.f64.set(config.lrs.subarray(first, last), (lrsPtr >>> 3) + first);
    if (this.loss === null) {
      rt.exports.trainNetworkEpoch(
        b.descPtr, d.xPtr, d.yPtr, d.swPtr, d.orderPtr, d.rows, config.batchSize, first, last,
        b.paramsPtr, b.gradPtr, b.gradSumPtr, b.slotsPtr, b.optPtr, lrsPtr, config.l1, config.l2, b.statsPtr,
      );
    } else {
      rt.exports.trainEpoch(
        this.loss, d.xPtr, d.yPtr, d.swPtr, d.orderPtr, d.rows, this.inputs, config.batchSize, first, last,
        b.paramsPtr, b.gradPtr, b.gradSumPtr, b.nParams, b.slotsPtr, b.optPtr,
        lrsPtr, config.l1, config.l2, b.statsPtr,
        d.buckets > 1 ? d.startsPtr : 0, d.buckets,
        d.scatter ? d.idsPtr : 0, d.cursorsPtr, d.nextXPtr, d.nextYPtr, d.nextSwPtr,
      );
    }
    const f64 = rt.f64;
    const s = b.statsPtr >>> 3;
    return {
      lossSum: f64[s + STATS.lossSum],
      gradNorm: f64[s + STATS.gradNorm],
      maxStep: f64[s + STATS.maxStep],
      batches: f64[s + STATS.batches],
      diverged: f64[s + STATS.diverged],
    };
  }

  endEpoch(data: TrainingData): void {
    const d = (data as WasmData).check();
    if (d.ops) endShuffledEpoch(d.ops, d.scatter);
  }

  outputs(X: Float32Array, rows: number): Float64Array {
    // In chunks: predict needs a few MB of WASM memory whatever the size of X.
    const rt = this.rt;
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
        rt.f32.set(X.subarray(r * cols, (r + n) * cols), xPtr >>> 2);
        this.forward(xPtr, n, outPtr);
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

  dataOutputs(data: TrainingData): Float64Array {
    const d = (data as WasmData).check();
    const rt = this.rt;
    const outPtr = rt.alloc(d.rows * this.outputsPerRow * 4);
    try {
      this.forward(d.xPtr, d.rows, outPtr);
      return Float64Array.from(rt.readF32(outPtr, d.rows * this.outputsPerRow));
    } finally {
      if (rt.generation === d.gen) rt.free(outPtr);
    }
  }

  // The output layer's values of n rows at xPtr, written to outPtr.
  private forward(xPtr: number, n: number, outPtr: number): void {
    const b = this.block;
    if (this.loss === null) this.rt.exports.predictNetwork(b.descPtr, xPtr, n, b.paramsPtr, outPtr);
    else this.rt.exports.predictLogits(xPtr, n, this.inputs, b.paramsPtr, outPtr);
  }

  gradient(X: Float32Array, y: Float32Array, sw: Float32Array | null, rows: number): { loss: number; grad: Float64Array } {
    const data = this.loadData(X, y, sw, rows, false) as WasmData;
    const rt = this.rt;
    const b = this.block;
    try {
      // The network kernels also serve a single-layer model: the same parameter vector, the same head.
      const loss = rt.exports.networkGradient(b.descPtr, data.xPtr, data.yPtr, data.swPtr, rows, b.paramsPtr, b.gradPtr);
      const grad = Float64Array.from(rt.readF32(b.gradPtr, this.paramCount), (g) => g / rows);
      return { loss: loss / rows, grad };
    } finally {
      data.free();
    }
  }

  dispose(): void {
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
