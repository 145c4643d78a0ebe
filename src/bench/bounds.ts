// Bench twin of assembly/bounds.ts: what it costs only to read X, once in storage
// order and once row by row in a random order. An epoch that visits rows in that
// order has to do at least this much memory traffic.
import type { WasmRuntime } from '../wasm/runtime.js';
import { checkFinite, measure, summarize, type MeasureOptions, type Stats } from './harness.js';

/** Median-of-runs times of the two reads, in ms. */
export interface Bounds {
  /** One sequential SIMD pass over X (readSequential). */
  sequential: Stats;
  /** Every row once, in `order` (readRows). */
  randomRows: Stats;
}

/** Copies X (rows x cols) and order into rt's memory (untimed), then times both reads of it. */
export function measureBounds(
  rt: WasmRuntime, X: Float32Array, rows: number, cols: number, order: Uint32Array, options: MeasureOptions,
): Bounds {
  const ex = rt.exports;
  const xPtr = rt.alloc(X.length * 4);
  let orderPtr = 0;
  try {
    orderPtr = rt.alloc(rows * 4);
    rt.writeF32(xPtr, X);
    rt.u32.set(order, orderPtr >>> 2); // after both allocs: growth would have detached an earlier view
    const n = rows * cols;
    checkFinite(`bounds D=${cols}: read sums`, [ex.readSequential(xPtr, n), ex.readRows(xPtr, orderPtr, rows, cols)]);
    const sequential = measure(() => ex.readSequential(xPtr, n), options);
    const randomRows = measure(() => ex.readRows(xPtr, orderPtr, rows, cols), options);
    checkFinite(`bounds D=${cols}: times`, [sequential.median, randomRows.median]);
    return { sequential, randomRows };
  } finally {
    rt.free(orderPtr);
    rt.free(xPtr);
  }
}

/** Pools the runs of two measurements (say, before and after the fits they bound), so a burst of noise in one skews neither. */
export function poolBounds(a: Bounds, b: Bounds): Bounds {
  return {
    sequential: summarize([...a.sequential.samples, ...b.sequential.samples]),
    randomRows: summarize([...a.randomRows.samples, ...b.randomRows.samples]),
  };
}
