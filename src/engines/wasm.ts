// The WASM engines (SIMD and scalar builds of the same source). This file owns
// the layout of each model's block of WASM memory; every typed-array view is
// taken from the runtime right before use, so memory growth never leaves a stale one.
import type { BatchConfig, DataSize, Engine, Trainer, TrainerState, TrainingData } from './engine.js';
import type { LossKind } from '../reference/losses.js';
import type { RngState } from '../reference/random.js';
import type { EpochStats } from '../reference/train.js';
import { bucketCount } from '../reference/shuffle.js';
import { beginShuffledEpoch, endShuffledEpoch, type ArrangementOps } from './arrangement.js';
import { createOptimizerState, resolveOptimizer, type ResolvedOptimizer } from '../optim/optimizers.js';
import { MAX_BLOCK_BYTES, type Reattachable, type WasmRuntime } from '../wasm/runtime.js';
import { EngineError, ValidationError } from '../errors.js';

// The optimizer block's f64 fields, as numbered in assembly/optimizers.ts (13-15 are the kernel's own cache of beta^t).
const OPT = { kind: 0, momentum: 1, dampening: 2, nesterov: 3, weightDecay: 4, beta1: 5, beta2: 6, eps: 7, amsgrad: 8, alpha: 9, centered: 10, lrDecay: 11, step: 12 };
const OPT_KINDS = { sgd: 0, adam: 1, adamw: 2, rmsprop: 3, adagrad: 4 } as const;
const OPT_FIELDS = 16;
// The stats block's f64 fields, as numbered in assembly/train.ts.
const STATS = { lossSum: 0, gradNorm: 1, maxStep: 2, batches: 3, diverged: 4 };
const STATS_FIELDS = 8;
const SLOTS = 3;
// predict copies X into WASM this many bytes at a time, so it has no size limit.
const PREDICT_CHUNK_BYTES = 4 << 20;

/** The blocks WasmData allocates for a data set, in bytes (X first); float64 arithmetic keeps sizes past 2^31 exact. */
function dataBlocks({ rows, weighted, shuffle }: DataSize, cols: number): number[] {
  const buckets = shuffle ? bucketCount(rows, cols) : 1;
  const x = rows * cols * 4;
  const v = rows * 4;
  const out = [x, v];
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

  constructor(private readonly rt: WasmRuntime, readonly rows: number, cols: number, weighted: boolean, shuffle: boolean) {
    this.gen = rt.generation;
    this.buckets = shuffle ? bucketCount(rows, cols) : 1;
    const scatter = this.buckets > 1;
    try {
      this.xPtr = rt.alloc(rows * cols * 4);
      this.yPtr = rt.alloc(rows * 4);
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
  private readonly nParams: number; // features + bias, padded to a multiple of 4 for SIMD
  private base = 0;
  private gen = -1;
  private paramsPtr = 0;
  private gradPtr = 0;
  private gradSumPtr = 0; // f64
  private slotsPtr = 0;
  private optPtr = 0;
  private statsPtr = 0;
  private rngPtr = 0;
  private opt: ResolvedOptimizer = resolveOptimizer('sgd');
  /** The state a rebuild restores: kept in JS, where a fault inside WASM cannot reach it. */
  private committed: { opt: ResolvedOptimizer; state: TrainerState } | null = null;

  constructor(private readonly rt: WasmRuntime, readonly features: number, private readonly loss: LossKind) {
    this.nParams = (features + 1 + 3) & ~3;
    this.allocate();
    this.setOptimizer(this.opt);
    this.commit();
    rt.attach(this);
  }

  // One block for parameters, gradients, optimizer state and the stats, laid out from base.
  private allocate(): void {
    const n = this.nParams;
    const bytes = (2 + 2 + SLOTS) * n * 4 + (OPT_FIELDS + STATS_FIELDS) * 8 + 16;
    this.base = this.rt.alloc(bytes);
    this.gen = this.rt.generation;
    this.paramsPtr = this.base;
    this.gradPtr = this.paramsPtr + n * 4;
    this.gradSumPtr = this.gradPtr + n * 4;
    this.slotsPtr = this.gradSumPtr + n * 8;
    this.optPtr = this.slotsPtr + SLOTS * n * 4;
    this.statsPtr = this.optPtr + OPT_FIELDS * 8;
    this.rngPtr = this.statsPtr + STATS_FIELDS * 8;
    this.rt.f32.fill(0, this.base >>> 2, (this.base + bytes) >>> 2);
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
    const blocks = sets.flatMap((set) => dataBlocks(set, this.features));
    const short = this.rt.shortfall(blocks);
    if (!short) return;
    const remedy = `train on fewer rows at a time (partialFit), or use engine 'js', which has no such limit`;
    if (short.limit === 'block') {
      const set = sets.find((x) => x.rows * this.features * 4 > MAX_BLOCK_BYTES) ?? sets[0];
      throw new ValidationError(
        `${what} needs ${set.rows * this.features * 4} bytes of WebAssembly memory in one block for X ` +
          `(${set.rows} rows x ${this.features} features x 4 bytes), more than the ${MAX_BLOCK_BYTES} bytes ` +
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
    return Float64Array.from(this.rt.readF32(this.paramsPtr, this.features + 1));
  }

  setParams(params: ArrayLike<number>): void {
    this.rt.writeF32(this.paramsPtr, params);
  }

  setOptimizer(opt: ResolvedOptimizer): void {
    this.opt = opt;
    const f64 = this.rt.f64;
    const o = this.optPtr >>> 3;
    f64.fill(0, o, o + OPT_FIELDS);
    f64[o + OPT.kind] = OPT_KINDS[opt.name];
    f64[o + OPT.momentum] = opt.momentum;
    f64[o + OPT.dampening] = opt.dampening;
    f64[o + OPT.nesterov] = opt.nesterov ? 1 : 0;
    f64[o + OPT.weightDecay] = opt.weightDecay;
    f64[o + OPT.beta1] = opt.betas[0];
    f64[o + OPT.beta2] = opt.betas[1];
    f64[o + OPT.eps] = opt.eps;
    f64[o + OPT.amsgrad] = opt.amsgrad ? 1 : 0;
    f64[o + OPT.alpha] = opt.alpha;
    f64[o + OPT.centered] = opt.centered ? 1 : 0;
    f64[o + OPT.lrDecay] = opt.lrDecay;
    // The reference decides how state starts (e.g. Adagrad's initial accumulator).
    const initial = createOptimizerState(opt, this.features + 1);
    this.writeSlots(initial.slots);
  }

  saveState(): TrainerState {
    const slots: Float64Array[] = [];
    for (let s = 0; s < SLOTS; s++) {
      slots.push(Float64Array.from(this.rt.readF32(this.slotsPtr + s * this.nParams * 4, this.features + 1)));
    }
    return { params: this.getParams(), optimizerStep: this.rt.f64[(this.optPtr >>> 3) + OPT.step], slots };
  }

  restoreState(saved: TrainerState): void {
    this.setParams(saved.params);
    this.rt.f64[(this.optPtr >>> 3) + OPT.step] = saved.optimizerStep;
    this.writeSlots(saved.slots);
  }

  loadData(X: Float32Array, y: Float32Array, sw: Float32Array | null, rows: number, shuffle: boolean): TrainingData {
    this.checkCapacity('this data set', [{ rows, weighted: sw !== null, shuffle }]);
    const data = new WasmData(this.rt, rows, this.features, sw !== null, shuffle);
    // Views are taken after every allocation (which may have grown memory).
    const f32 = this.rt.f32;
    f32.set(X.subarray(0, rows * this.features), data.xPtr >>> 2);
    f32.set(y.subarray(0, rows), data.yPtr >>> 2);
    if (sw) f32.set(sw.subarray(0, rows), data.swPtr >>> 2);
    return data;
  }

  beginEpoch(data: TrainingData, rng: RngState): void {
    const rt = this.rt;
    const ex = rt.exports;
    const d = (data as WasmData).check();
    d.scatter = false;
    if (!d.orderPtr) return;
    const cols = this.features;
    d.ops ??= {
      buckets: d.buckets,
      arranged: false,
      plan: () => ex.planScatter(this.rngPtr, d.idsPtr, d.nextStartsPtr, d.cursorsPtr, d.rows, d.buckets),
      scatterAll: () => ex.scatterRows(d.xPtr, d.yPtr, d.swPtr, 0, d.idsPtr, d.cursorsPtr, d.nextXPtr, d.nextYPtr,
        d.nextSwPtr, 0, d.rows, cols),
      permute: () => ex.permuteBuckets(this.rngPtr, d.orderPtr, d.startsPtr, d.buckets),
      swap: () => d.swap(),
    };
    rt.u32.set(rng, this.rngPtr >>> 2);
    d.scatter = beginShuffledEpoch(d.ops);
    rng.set(rt.u32.subarray(this.rngPtr >>> 2, (this.rngPtr >>> 2) + 4));
  }

  trainBatches(data: TrainingData, config: BatchConfig, first: number, last: number): EpochStats {
    const rt = this.rt;
    const d = (data as WasmData).check();
    const lrsPtr = d.lrs(config.lrs.length); // may grow memory: views below are taken after it
    rt.f64.set(config.lrs.subarray(first, last), (lrsPtr >>> 3) + first);
    rt.exports.trainEpoch(
      this.loss, d.xPtr, d.yPtr, d.swPtr, d.orderPtr, d.rows, this.features, config.batchSize, first, last,
      this.paramsPtr, this.gradPtr, this.gradSumPtr, this.nParams, this.slotsPtr, this.optPtr,
      lrsPtr, config.l1, config.l2, this.statsPtr,
      d.buckets > 1 ? d.startsPtr : 0, d.buckets,
      d.scatter ? d.idsPtr : 0, d.cursorsPtr, d.nextXPtr, d.nextYPtr, d.nextSwPtr,
    );
    return this.readStats();
  }

  endEpoch(data: TrainingData): void {
    const d = (data as WasmData).check();
    if (d.ops) endShuffledEpoch(d.ops, d.scatter);
  }

  private readStats(): EpochStats {
    const f64 = this.rt.f64;
    const s = this.statsPtr >>> 3;
    return {
      lossSum: f64[s + STATS.lossSum],
      gradNorm: f64[s + STATS.gradNorm],
      maxStep: f64[s + STATS.maxStep],
      batches: f64[s + STATS.batches],
      diverged: f64[s + STATS.diverged],
    };
  }

  logits(X: Float32Array, rows: number): Float64Array {
    // In chunks: predict needs a few MB of WASM memory whatever the size of X.
    const rt = this.rt;
    const cols = this.features;
    const chunk = Math.max(1, Math.min(rows, Math.floor(PREDICT_CHUNK_BYTES / (cols * 4))));
    const out = new Float64Array(rows);
    const gen = rt.generation;
    const xPtr = rt.alloc(chunk * cols * 4);
    const outPtr = rt.alloc(chunk * 4);
    try {
      for (let r = 0; r < rows; r += chunk) {
        const n = Math.min(chunk, rows - r);
        rt.f32.set(X.subarray(r * cols, (r + n) * cols), xPtr >>> 2);
        rt.exports.predictLogits(xPtr, n, cols, this.paramsPtr, outPtr);
        out.set(rt.f32.subarray(outPtr >>> 2, (outPtr >>> 2) + n), r);
      }
      return out;
    } finally {
      if (rt.generation === gen) {
        rt.free(outPtr);
        rt.free(xPtr);
      }
    }
  }

  dataLogits(data: TrainingData): Float64Array {
    const d = (data as WasmData).check();
    const rt = this.rt;
    const outPtr = rt.alloc(d.rows * 4);
    try {
      rt.exports.predictLogits(d.xPtr, d.rows, this.features, this.paramsPtr, outPtr);
      return Float64Array.from(rt.readF32(outPtr, d.rows));
    } finally {
      if (rt.generation === d.gen) rt.free(outPtr);
    }
  }

  dispose(): void {
    this.rt.detach(this);
    if (this.rt.generation === this.gen) this.rt.free(this.base);
    this.base = 0;
  }

  private writeSlots(slots: Float64Array[]): void {
    const f32 = this.rt.f32;
    for (let s = 0; s < SLOTS; s++) {
      const at = (this.slotsPtr >>> 2) + s * this.nParams;
      f32.fill(0, at, at + this.nParams);
      f32.set(slots[s], at);
    }
  }
}

/** An engine over one instantiated WASM build. */
export function wasmEngine(rt: WasmRuntime): Engine {
  return {
    name: rt.simd ? 'wasm-simd' : 'wasm-scalar',
    createTrainer: (features, loss) => new WasmTrainer(rt, features, loss),
  };
}
