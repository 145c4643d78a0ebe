// One network's block of WASM memory for assembly/network.ts: the descriptor
// (i32 fields; the numbers below repeat NET_* and LAYER_* there), the flat
// parameter, gradient, gradient-sum and optimizer vectors, the optimizer and
// stats blocks, and scratch rows for one chunk of a batch.
import { HEADS, networkLayout, targetWidth, type NetworkShape } from '../engines/network.js';
import { OPT_FIELDS, SLOTS } from './optimizerBlock.js';
import { align16, type WasmRuntime } from './runtime.js';

const NET = { inputs: 0, layers: 1, head: 2, params: 3, capacity: 4, xPtr: 5, yPtr: 6, swPtr: 7 } as const;
const NET_HEADER = 8;
const LAYER = { units: 0, activation: 1, weights: 2, bias: 3, outPtr: 4, deltaPtr: 5 } as const;
const LAYER_FIELDS = 8;
/** f64 fields of the stats block (assembly/train.ts STAT_*). */
export const STATS_FIELDS = 8;


/** Byte addresses of one network's pieces; nParams is the padded vector length the kernels use. */
export interface NetworkBlock {
  readonly base: number;
  readonly bytes: number;
  readonly descPtr: number;
  readonly paramsPtr: number;
  readonly gradPtr: number;
  readonly gradSumPtr: number;
  readonly slotsPtr: number;
  readonly optPtr: number;
  readonly statsPtr: number;
  /** The shuffle's PRNG state (4 u32). */
  readonly rngPtr: number;
  /** Entries of each parameter-sized vector: count rounded up to a multiple of 4 (zero padding, so the optimizer's SIMD loop applies). */
  readonly nParams: number;
  /** Parameters of the network (networkLayout(shape).count). */
  readonly count: number;
  /** Rows per chunk that the scratch holds. */
  readonly capacity: number;
}

/**
 * Allocates and zeroes one block for shape, with scratch for chunks of capacity
 * rows, and writes its descriptor. Free it with rt.free(block.base).
 */
export function allocNetworkBlock(rt: WasmRuntime, shape: NetworkShape, capacity: number): NetworkBlock {
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
  const slots = take(SLOTS * nParams * 4);
  const opt = take(OPT_FIELDS * 8);
  const stats = take(STATS_FIELDS * 8);
  const rng = take(16);
  const xs = take(capacity * shape.inputs * 4);
  const ys = take(capacity * targetWidth(shape) * 4);
  const sws = take(capacity * 4);
  const scratch = layers.map((l) => ({ out: take(capacity * l.units * 4), delta: take(capacity * l.units * 4) }));
  const base = rt.alloc(at);
  new Uint8Array(rt.exports.memory.buffer, base, at).fill(0);

  const u32 = rt.u32;
  const d = (base + desc) >>> 2;
  u32[d + NET.inputs] = shape.inputs;
  u32[d + NET.layers] = layers.length;
  u32[d + NET.head] = HEADS[shape.head];
  u32[d + NET.params] = nParams;
  u32[d + NET.capacity] = capacity;
  u32[d + NET.xPtr] = base + xs;
  u32[d + NET.yPtr] = base + ys;
  u32[d + NET.swPtr] = base + sws;
  layers.forEach((layer, l) => {
    const f = d + NET_HEADER + l * LAYER_FIELDS;
    u32[f + LAYER.units] = layer.units;
    u32[f + LAYER.activation] = layer.activation;
    u32[f + LAYER.weights] = layer.weights;
    u32[f + LAYER.bias] = layer.bias;
    u32[f + LAYER.outPtr] = base + scratch[l].out;
    u32[f + LAYER.deltaPtr] = base + scratch[l].delta;
  });
  return {
    base, bytes: at, descPtr: base + desc, paramsPtr: base + params, gradPtr: base + grad, gradSumPtr: base + gradSum,
    slotsPtr: base + slots, optPtr: base + opt, statsPtr: base + stats, rngPtr: base + rng, nParams, count, capacity,
  };
}
