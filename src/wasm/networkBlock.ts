// One network's block of WASM memory for the epoch (assembly/train.ts): the network
// descriptor (NET_* and LAYER_* of src/wasm/abi.ts), the flat parameter, gradient,
// gradient-sum and optimizer vectors, the optimizer and stats blocks, the shuffle's PRNG
// state, the kernels' tail scratch and scratch rows for one chunk of a batch.
import { HEADS, networkLayout, targetWidth, type NetworkShape } from '../engines/network.js';
import {
  LAYER_ACTIVATION, LAYER_BIAS, LAYER_DELTA_PTR, LAYER_FIELDS, LAYER_OUT_PTR, LAYER_UNITS, LAYER_WEIGHTS, NET_CAPACITY,
  NET_GRAD_PTR, NET_GRAD_SUM_PTR, NET_HEAD, NET_HEADER, NET_SLICE_ROWS, NET_INPUTS, NET_LAYERS, NET_OPT_PTR, NET_PARAMS, NET_PARAMS_PTR,
  KERNEL_TAIL_BYTES, NET_SCRATCH_PTR, NET_SUB_PTR, SUB_SCRATCH_BYTES, NET_SLOTS_PTR, NET_STATS_PTR, NET_SW_PTR, NET_X_PTR, NET_Y_PTR, OPT_FIELDS, SLOTS,
  STAT_FIELDS,
} from './abi.js';
import { DATA_BYTES } from './dataBlock.js';
import { align16, type WasmRuntime } from './runtime.js';

/** Byte addresses of one network's pieces; nParams is the padded vector length the kernels use. */
export interface NetworkBlock {
  readonly base: number;
  /** The network descriptor (NET_* and LAYER_*), which holds every other pointer the epoch uses. */
  readonly descPtr: number;
  readonly paramsPtr: number;
  readonly gradPtr: number;
  readonly slotsPtr: number;
  readonly optPtr: number;
  readonly statsPtr: number;
  /** The shuffle's PRNG state (4 u32). */
  readonly rngPtr: number;
  /** A data descriptor for calls on data the trainer does not keep (predict on new rows). */
  readonly dataPtr: number;
  /** Entries of each parameter-sized vector: count rounded up to a multiple of 4 (zero padding, so the optimizer's SIMD loop applies). */
  readonly nParams: number;
  /** Parameters of the network (networkLayout(shape).count). */
  readonly count: number;
  /** Optimizer state vectors at slotsPtr (the optimizer's slotCount). */
  readonly slots: number;
}

/**
 * Allocates and zeroes one block for shape, with scratch for chunks of capacity
 * rows, sums in slices of slice rows (a divisor of capacity, NET_SLICE_ROWS) and slots optimizer
 * state vectors, and writes its descriptor. Free it with rt.free(block.base).
 */
export function allocNetworkBlock(
  rt: WasmRuntime, shape: NetworkShape, capacity: number, slots = SLOTS, slice = capacity,
): NetworkBlock {
  // The model layer validates user input; these guard the kernels against a malformed shape.
  const positive = (v: number) => Number.isInteger(v) && v >= 1;
  if (!positive(capacity)) throw new RangeError(`capacity must be an integer >= 1, got ${capacity}`);
  if (!positive(shape.inputs)) throw new RangeError(`shape.inputs must be an integer >= 1, got ${shape.inputs}`);
  if (shape.layers.length === 0) throw new RangeError('shape.layers must hold at least the output layer');
  shape.layers.forEach((l, i) => {
    if (!positive(l.units)) throw new RangeError(`shape.layers[${i}].units must be an integer >= 1, got ${l.units}`);
  });
  const { layers, count } = networkLayout(shape);
  const nParams = (count + 3) & ~3;
  // Offsets from the base, each 16-byte aligned.
  let at = 0;
  const take = (bytes: number) => {
    const p = at;
    at += align16(bytes);
    return p;
  };
  const desc = take((NET_HEADER + LAYER_FIELDS * layers.length) * 4);
  const params = take(nParams * 4);
  const grad = take(nParams * 4);
  const gradSum = take(nParams * 8); // f64 sums
  const slotsAt = take(slots * nParams * 4);
  const opt = take(OPT_FIELDS * 8);
  const stats = take(STAT_FIELDS * 8);
  const rng = take(16);
  const scratch = take(KERNEL_TAIL_BYTES);
  const sub = take(SUB_SCRATCH_BYTES);
  const data = take(DATA_BYTES);
  const xs = take(capacity * shape.inputs * 4);
  const ys = take(capacity * targetWidth(shape) * 4);
  const sws = take(capacity * 4);
  const chunk = layers.map((l) => ({ out: take(capacity * l.units * 4), delta: take(capacity * l.units * 4) }));
  const base = rt.alloc(at);
  new Uint8Array(rt.exports.memory.buffer, base, at).fill(0);

  const u32 = rt.u32;
  const d = (base + desc) >>> 2;
  u32[d + NET_INPUTS] = shape.inputs;
  u32[d + NET_LAYERS] = layers.length;
  u32[d + NET_HEAD] = HEADS[shape.head];
  u32[d + NET_PARAMS] = nParams;
  u32[d + NET_CAPACITY] = capacity;
  u32[d + NET_SLICE_ROWS] = slice;
  u32[d + NET_X_PTR] = base + xs;
  u32[d + NET_Y_PTR] = base + ys;
  u32[d + NET_SW_PTR] = base + sws;
  u32[d + NET_SCRATCH_PTR] = base + scratch;
  u32[d + NET_SUB_PTR] = base + sub;
  u32[d + NET_PARAMS_PTR] = base + params;
  u32[d + NET_GRAD_PTR] = base + grad;
  u32[d + NET_GRAD_SUM_PTR] = base + gradSum;
  u32[d + NET_SLOTS_PTR] = base + slotsAt;
  u32[d + NET_OPT_PTR] = base + opt;
  u32[d + NET_STATS_PTR] = base + stats;
  layers.forEach((layer, l) => {
    const f = d + NET_HEADER + l * LAYER_FIELDS;
    u32[f + LAYER_UNITS] = layer.units;
    u32[f + LAYER_ACTIVATION] = layer.activation;
    u32[f + LAYER_WEIGHTS] = layer.weights;
    u32[f + LAYER_BIAS] = layer.bias;
    u32[f + LAYER_OUT_PTR] = base + chunk[l].out;
    u32[f + LAYER_DELTA_PTR] = base + chunk[l].delta;
  });
  return {
    base, descPtr: base + desc, paramsPtr: base + params, gradPtr: base + grad, slotsPtr: base + slotsAt,
    optPtr: base + opt, statsPtr: base + stats, rngPtr: base + rng, dataPtr: base + data, nParams, count, slots,
  };
}
