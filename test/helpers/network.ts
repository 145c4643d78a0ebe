// Runs the WASM epoch (assembly/train.ts, over a network and a data descriptor) and its float64 reference
// (src/reference/train.ts over network.ts) on the same data, initial parameters, batches and
// visiting orders, for the network tests; and what those tests check their data with.
import type { TestingRuntime } from './testingBuild.js';
import { allocNetworkBlock, type NetworkBlock } from '../../src/wasm/networkBlock.js';
import { writeOptimizerBlock } from '../../src/wasm/optimizerBlock.js';
import { DATA_BYTES, writeDataBlock, type DataFields } from '../../src/wasm/dataBlock.js';
import {
  STAT_BATCHES, STAT_DIVERGED, STAT_GRAD_NORM, STAT_LOSS_SUM, STAT_MAX_STEP, STAT_ROWS, STATUS_OK,
} from '../../src/wasm/abi.js';
import { expect } from 'vitest';
import { backwardNetwork, forwardNetwork, headLoss } from '../../src/reference/network.js';
import { networkLayout, targetWidth, type NetworkShape } from '../../src/engines/network.js';
import type { EpochStats } from '../../src/engines/engine.js';
import { epochStats, newEpochProgress, trainBatches } from '../../src/reference/train.js';
import { denseForward } from '../../src/reference/dense.js';
import { ACT_IDENTITY, activationForward } from '../../src/reference/activations.js';
import { createOptimizerState, resolveOptimizer, type OptimizerOptions, type OptimizerName } from '../../src/optim/optimizers.js';
import { lcg } from './training.js';

/** A training problem: rows x inputs X, targets (f32 values, or class labels for softmax), optional row weights. */
export interface NetData {
  X: Float32Array;
  y: Float32Array;
  sw: Float32Array | null;
  rows: number;
}

export interface RunOptions {
  epochs: number;
  batchSize: number;
  lr: number;
  optimizer: OptimizerName | OptimizerOptions;
  l1?: number;
  l2?: number;
  /** Visit rows in a fresh seeded permutation each epoch (the same for both runs). */
  shuffle?: boolean;
  /** Rows per chunk of the WASM scratch. */
  capacity?: number;
}

export interface RunResult {
  params: Float64Array;
  stats: EpochStats[];
}

/** Seeded initial parameters, each a float32 value: uniform(-s, s) with s = sqrt(6 / (inputs + units)) per layer (Xavier), biases 0.1 u. */
export function initParams(shape: NetworkShape, seed: number): Float64Array {
  const { layers, count } = networkLayout(shape);
  const r = lcg(seed);
  const p = new Float64Array(count);
  for (const l of layers) {
    const s = Math.sqrt(6 / (l.inputs + l.units));
    for (let i = 0; i < l.units * l.inputs; i++) p[l.weights + i] = Math.fround(s * (2 * r() - 1));
    for (let i = 0; i < l.units; i++) p[l.bias + i] = Math.fround(0.1 * (2 * r() - 1));
  }
  return p;
}

/**
 * Seeded data for a shape: X uniform(-1, 1) * sqrt(3 / inputs), so |x|^2 <= 3 whatever the
 * width (as data.ts's 'scaled' features: SGD steps stay stable); targets from the head
 * (values in (-1, 1), 0/1 per output, or class labels); row weights in [0.25, 1.75).
 */
export function makeData(shape: NetworkShape, rows: number, seed: number, weighted = false): NetData {
  const r = lcg(seed);
  const scale = Math.sqrt(3 / shape.inputs);
  const X = Float32Array.from({ length: rows * shape.inputs }, () => (2 * r() - 1) * scale);
  const outputs = shape.layers[shape.layers.length - 1].units;
  const width = targetWidth(shape);
  const y = new Float32Array(rows * width);
  for (let i = 0; i < y.length; i++) {
    if (shape.head === 'softmax') y[i] = Math.floor(r() * outputs);
    else if (shape.head === 'sigmoid') y[i] = r() < 0.5 ? 0 : 1;
    else y[i] = 2 * r() - 1;
  }
  const sw = weighted ? Float32Array.from({ length: rows }, () => 0.25 + 1.5 * r()) : null;
  return { X, y, sw, rows };
}

/** The per-epoch visiting orders of a run (null for storage order). */
export function orders(rows: number, epochs: number, seed: number, shuffle: boolean): (Uint32Array | null)[] {
  const r = lcg(seed);
  return Array.from({ length: epochs }, () => {
    if (!shuffle) return null;
    const o = Uint32Array.from({ length: rows }, (_, i) => i);
    for (let i = rows - 1; i > 0; i--) {
      const j = Math.floor(r() * (i + 1));
      [o[i], o[j]] = [o[j], o[i]];
    }
    return o;
  });
}

const batchesOf = (rows: number, batchSize: number) => Math.ceil(rows / batchSize);

/** Trains the reference network for opts.epochs epochs, one trainBatches call per epoch. */
export function runReference(shape: NetworkShape, data: NetData, init: Float64Array, opts: RunOptions): RunResult {
  const opt = resolveOptimizer(opts.optimizer);
  const params = Float64Array.from(init);
  const state = createOptimizerState(opt, params.length);
  const batches = batchesOf(data.rows, opts.batchSize);
  const lrs = new Float64Array(batches).fill(opts.lr);
  const stats: EpochStats[] = [];
  const visit = orders(data.rows, opts.epochs, 77, opts.shuffle ?? false);
  for (let e = 0; e < opts.epochs; e++) {
    const progress = newEpochProgress(params.length);
    const order = visit[e];
    trainBatches({ shape, params, opt, optState: state, progress }, {
      kind: 'dense', rows: data.rows, cols: shape.inputs, width: targetWidth(shape), X: data.X, y: data.y, sw: data.sw,
      arrangement: order && { order, next: null }, batchSize: opts.batchSize, l1: opts.l1 ?? 0, l2: opts.l2 ?? 0, lrs,
    }, 0, batches);
    stats.push(epochStats(progress));
  }
  return { params, stats };
}

/** The network's pieces in one runtime's memory: its block, the data and the per-batch learning rates. */
export class WasmNet {
  readonly block: NetworkBlock;
  private readonly ptrs: number[] = [];
  xPtr = 0;
  yPtr = 0;
  swPtr = 0;
  rows = 0;
  /** A data descriptor for the loaded data (see describe). */
  readonly dataPtr: number;

  constructor(readonly rt: TestingRuntime, readonly shape: NetworkShape, capacity: number) {
    this.block = allocNetworkBlock(rt, shape, capacity);
    this.ptrs.push(this.block.base);
    this.dataPtr = this.place(new Float32Array(DATA_BYTES / 4));
  }

  /** Writes the data descriptor of the loaded data, in storage order unless more says otherwise; returns its address. */
  describe(more: Partial<DataFields> = {}): number {
    writeDataBlock(this.rt, this.dataPtr, {
      rows: this.rows, cols: this.shape.inputs, width: targetWidth(this.shape), xPtr: this.xPtr, yPtr: this.yPtr,
      swPtr: this.swPtr, ...more,
    });
    return this.dataPtr;
  }

  /** Copies values into fresh memory (as f32, or as i32 when ints) and returns their address. */
  place(values: ArrayLike<number>, ints = false): number {
    const ptr = this.rt.alloc(Math.max(16, values.length * 4));
    this.ptrs.push(ptr);
    if (ints) new Int32Array(this.rt.exports.memory.buffer, ptr, values.length).set(values);
    else this.rt.f32.set(values, ptr >>> 2);
    return ptr;
  }

  load(data: NetData): void {
    this.xPtr = this.place(data.X);
    this.yPtr = this.place(data.y, this.shape.head === 'softmax');
    this.swPtr = data.sw ? this.place(data.sw) : 0;
    this.rows = data.rows;
  }

  setParams(p: ArrayLike<number>): void {
    this.rt.f32.set(p, this.block.paramsPtr >>> 2);
  }

  params(): Float64Array {
    return Float64Array.from(this.rt.readF32(this.block.paramsPtr, this.block.count));
  }

  stats(): EpochStats & { rows: number } {
    const f64 = this.rt.f64;
    const s = this.block.statsPtr >>> 3;
    return {
      lossSum: f64[s + STAT_LOSS_SUM], gradNorm: f64[s + STAT_GRAD_NORM], maxStep: f64[s + STAT_MAX_STEP],
      batches: f64[s + STAT_BATCHES], diverged: f64[s + STAT_DIVERGED], rows: f64[s + STAT_ROWS],
    };
  }

  free(): void {
    for (const p of this.ptrs.splice(0)) this.rt.free(p);
  }
}

/** Trains the WASM network for opts.epochs epochs, one trainEpoch call per epoch. */
export function runWasm(rt: TestingRuntime, shape: NetworkShape, data: NetData, init: Float64Array, opts: RunOptions): RunResult {
  const net = new WasmNet(rt, shape, opts.capacity ?? 64);
  try {
    const b = net.block;
    net.load(data);
    net.setParams(init);
    writeOptimizerBlock(rt, b.optPtr, b.slotsPtr, b.nParams, b.count, resolveOptimizer(opts.optimizer));
    const batches = batchesOf(data.rows, opts.batchSize);
    const lrsPtr = net.place(new Float32Array(batches * 2)); // room for batches f64
    rt.f64.fill(opts.lr, lrsPtr >>> 3, (lrsPtr >>> 3) + batches);
    const visit = orders(data.rows, opts.epochs, 77, opts.shuffle ?? false);
    const orderPtrs = visit.map((o) => (o ? net.place(o, true) : 0));
    const stats: EpochStats[] = [];
    for (let e = 0; e < opts.epochs; e++) {
      const dataPtr = net.describe({ orderPtr: orderPtrs[e], batchSize: opts.batchSize, lrsPtr, l1: opts.l1 ?? 0, l2: opts.l2 ?? 0 });
      expect(rt.exports.trainEpoch(b.descPtr, dataPtr, 0, batches)).toBe(STATUS_OK);
      stats.push(net.stats());
    }
    return { params: net.params(), stats };
  } finally {
    net.free();
  }
}

/** The smallest |pre-activation| of any hidden unit on any row: relu's kink must be further than h away. */
export function minAbsPreActivation(shape: NetworkShape, params: Float64Array, data: NetData): number {
  let input: ArrayLike<number> = data.X;
  let least = Infinity;
  for (const l of networkLayout(shape).layers) {
    const z = new Float64Array(data.rows * l.units);
    denseForward(input, data.rows, l.inputs, params, l.weights, params, l.bias, l.units, z);
    if (l.activation !== ACT_IDENTITY) for (const v of z) least = Math.min(least, Math.abs(v));
    activationForward(l.activation, z, z.length);
    input = z;
  }
  return least;
}

/**
 * The float64 gradient of shape at params on data (summed over rows), with the backward pass told
 * backShape and backParams instead: a tampered pass, for negative controls, when they differ.
 */
export function backwardWith(
  shape: NetworkShape, params: Float64Array, data: NetData, backShape: NetworkShape, backParams: Float64Array,
): Float64Array {
  const acts = forwardNetwork(shape, params, data.X, data.rows);
  const out = acts[acts.length - 1];
  const delta = new Float64Array(out.length);
  headLoss(shape, out, data.y, data.sw, data.rows, delta);
  const grad = new Float64Array(params.length);
  backwardNetwork(backShape, backParams, data.X, acts, delta, data.rows, grad);
  return grad;
}
