// The WASM engines (SIMD and scalar builds of the same source). This file owns
// the layout of each model's block of WASM memory; every typed-array view is
// taken from the runtime right before use, so memory growth never leaves a stale one.
import type { BatchConfig, Engine, Trainer, TrainerState, TrainingData } from './engine.js';
import type { LossKind } from '../reference/losses.js';
import type { RngState } from '../reference/random.js';
import type { EpochStats } from '../reference/train.js';
import { bucketCount } from '../reference/shuffle.js';
import { beginShuffledEpoch, endShuffledEpoch, type ArrangementOps } from './arrangement.js';
import { createOptimizerState, resolveOptimizer, type ResolvedOptimizer } from '../optim/optimizers.js';
import type { WasmRuntime } from '../wasm/runtime.js';

// The optimizer block's f64 fields, as numbered in assembly/optimizers.ts (13-15 are the kernel's own cache of beta^t).
const OPT = { kind: 0, momentum: 1, dampening: 2, nesterov: 3, weightDecay: 4, beta1: 5, beta2: 6, eps: 7, amsgrad: 8, alpha: 9, centered: 10, lrDecay: 11, step: 12 };
const OPT_KINDS = { sgd: 0, adam: 1, adamw: 2, rmsprop: 3, adagrad: 4 } as const;
const OPT_FIELDS = 16;
// The stats block's f64 fields, as numbered in assembly/train.ts.
const STATS = { lossSum: 0, gradNorm: 1, maxStep: 2, batches: 3, diverged: 4 };
const STATS_FIELDS = 8;
const SLOTS = 3;

const align16 = (bytes: number) => (bytes + 15) & ~15;

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

  constructor(private readonly rt: WasmRuntime, readonly rows: number, cols: number, weighted: boolean, shuffle: boolean) {
    this.buckets = shuffle ? bucketCount(rows, cols) : 1;
    const scatter = this.buckets > 1;
    try {
      this.xPtr = rt.alloc(align16(rows * cols * 4));
      this.yPtr = rt.alloc(align16(rows * 4));
      if (weighted) this.swPtr = rt.alloc(align16(rows * 4));
      if (scatter) {
        this.nextXPtr = rt.alloc(align16(rows * cols * 4));
        this.nextYPtr = rt.alloc(align16(rows * 4));
        if (weighted) this.nextSwPtr = rt.alloc(align16(rows * 4));
        this.idsPtr = rt.alloc(align16(rows * 4));
      }
      if (shuffle) {
        this.orderPtr = rt.alloc(align16(rows * 4));
        this.startsPtr = rt.alloc(align16((this.buckets + 1) * 4));
        this.nextStartsPtr = rt.alloc(align16((this.buckets + 1) * 4));
        this.cursorsPtr = rt.alloc(align16(this.buckets * 4));
        const u32 = rt.u32;
        u32[this.startsPtr >>> 2] = 0;
        u32[(this.startsPtr >>> 2) + this.buckets] = rows; // one bucket: all rows; more: set by the first plan
      }
    } catch (err) {
      this.free();
      throw err;
    }
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
    for (const p of [this.xPtr, this.yPtr, this.swPtr, this.nextXPtr, this.nextYPtr, this.nextSwPtr, this.orderPtr,
      this.idsPtr, this.startsPtr, this.nextStartsPtr, this.cursorsPtr, this.lrsPtr]) rt.free(p);
    this.xPtr = this.yPtr = this.swPtr = this.nextXPtr = this.nextYPtr = this.nextSwPtr = this.orderPtr = this.idsPtr = 0;
    this.startsPtr = this.nextStartsPtr = this.cursorsPtr = this.lrsPtr = this.lrsCapacity = 0;
  }
}

class WasmTrainer implements Trainer {
  private readonly nParams: number; // features + bias, padded to a multiple of 4 for SIMD
  private base: number;
  private readonly paramsPtr: number;
  private readonly gradPtr: number;
  private readonly gradSumPtr: number;
  private readonly slotsPtr: number;
  private readonly optPtr: number;
  private readonly statsPtr: number;
  private readonly rngPtr: number;

  constructor(private readonly rt: WasmRuntime, readonly features: number, private readonly loss: LossKind) {
    const n = (this.nParams = (features + 1 + 3) & ~3);
    const bytes = (3 + SLOTS) * n * 4 + (OPT_FIELDS + STATS_FIELDS) * 8 + 16;
    this.base = rt.alloc(bytes);
    this.paramsPtr = this.base;
    this.gradPtr = this.paramsPtr + n * 4;
    this.gradSumPtr = this.gradPtr + n * 4;
    this.slotsPtr = this.gradSumPtr + n * 4;
    this.optPtr = this.slotsPtr + SLOTS * n * 4;
    this.statsPtr = this.optPtr + OPT_FIELDS * 8;
    this.rngPtr = this.statsPtr + STATS_FIELDS * 8;
    rt.f32.fill(0, this.base >>> 2, (this.base + bytes) >>> 2);
    this.setOptimizer(resolveOptimizer('sgd'));
  }

  getParams(): Float64Array {
    return Float64Array.from(this.rt.readF32(this.paramsPtr, this.features + 1));
  }

  setParams(params: ArrayLike<number>): void {
    this.rt.writeF32(this.paramsPtr, params);
  }

  setOptimizer(opt: ResolvedOptimizer): void {
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
    const d = data as WasmData;
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
    const d = data as WasmData;
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
    const d = data as WasmData;
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
    const rt = this.rt;
    const xPtr = rt.alloc(align16(rows * this.features * 4));
    try {
      rt.f32.set(X.subarray(0, rows * this.features), xPtr >>> 2);
      return this.logitsAt(xPtr, rows);
    } finally {
      rt.free(xPtr);
    }
  }

  dataLogits(data: TrainingData): Float64Array {
    const d = data as WasmData;
    return this.logitsAt(d.xPtr, d.rows);
  }

  // Logits of rows already in WASM memory at xPtr, copied out.
  private logitsAt(xPtr: number, rows: number): Float64Array {
    const rt = this.rt;
    const outPtr = rt.alloc(align16(rows * 4));
    try {
      rt.exports.predictLogits(xPtr, rows, this.features, this.paramsPtr, outPtr);
      return Float64Array.from(rt.readF32(outPtr, rows));
    } finally {
      rt.free(outPtr);
    }
  }

  dispose(): void {
    this.rt.free(this.base);
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
