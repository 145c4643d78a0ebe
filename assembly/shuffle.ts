// A uniform random permutation of the rows every epoch, built from streaming
// passes (random access into a large array costs ~10x a sequential read):
//   planScatter   draws a bucket for every position of the current arrangement;
//   scatterRows   copies rows into their buckets: one sequential read, one write stream
//                 per bucket (during training this reuses the read the epoch does anyway;
//                 a two-level split with fewer streams measured slower, docs/benchmark.md);
//   permuteBuckets Fisher-Yates shuffles each bucket's row indices; a bucket fits in cache.
// Every arrangement has probability B^-N * prod(1/n_b!) summed over bucket sizes,
// the same for each permutation, so the visit order is exactly uniform and
// independent of earlier epochs. src/reference/shuffle.ts is the twin; both
// consume the PRNG identically.
import { loadRng, storeRng, below } from './random';
import { field, pointer } from './fields';
import { readSequential } from './bounds';
import {
  DATA_ROWS, DATA_COLS, DATA_WIDTH, DATA_X_PTR, DATA_Y_PTR, DATA_SW_PTR, DATA_ORDER_PTR, DATA_BUCKETS, DATA_STARTS_PTR,
  DATA_NEXT_STARTS_PTR, DATA_IDS_PTR, DATA_CURSORS_PTR, DATA_NEXT_X_PTR, DATA_NEXT_Y_PTR, DATA_NEXT_SW_PTR,
  DATA_INDPTR_PTR, DATA_INDICES_PTR, DATA_NEXT_INDPTR_PTR, DATA_NEXT_INDICES_PTR,
} from '../src/wasm/abi';

/**
 * For the data at dataPtr (src/wasm/abi.ts DATA_*): draws the next arrangement's bucket
 * of each of its rows positions into idsPtr, and writes the next buckets' start rows
 * to nextStartsPtr (buckets + 1) and copies of them, the write cursors, to cursorsPtr.
 * rngPtr: the xoshiro128** state (4 u32), advanced.
 */
export function planScatter(dataPtr: usize, rngPtr: usize): void {
  const rows = field(dataPtr, DATA_ROWS);
  const buckets = field(dataPtr, DATA_BUCKETS);
  const idsPtr = pointer(dataPtr, DATA_IDS_PTR);
  const startsPtr = pointer(dataPtr, DATA_NEXT_STARTS_PTR);
  const cursorsPtr = pointer(dataPtr, DATA_CURSORS_PTR);
  loadRng(rngPtr);
  memory.fill(cursorsPtr, 0, <usize>buckets << 2);
  for (let p = 0; p < rows; p++) {
    const b = below(<u32>buckets);
    store<u32>(idsPtr + (<usize>p << 2), b);
    const c = cursorsPtr + (<usize>b << 2);
    store<u32>(c, load<u32>(c) + 1);
  }
  let start: u32 = 0;
  for (let b = 0; b < buckets; b++) {
    const c = cursorsPtr + (<usize>b << 2);
    const n = load<u32>(c);
    store<u32>(startsPtr + (<usize>b << 2), start);
    store<u32>(c, start);
    start += n;
  }
  store<u32>(startsPtr + (<usize>buckets << 2), start);
  storeRng(rngPtr);
}

/** Copies n f32 values; an inline loop, because memory.copy is a runtime call that costs more than a short row. */
// @ts-ignore: decorator
@inline export function copyRow(dstPtr: usize, srcPtr: usize, n: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i + 4 <= n; i += 4) {
      const off = <usize>i << 2;
      v128.store(dstPtr + off, v128.load(srcPtr + off));
    }
  }
  for (; i < n; i++) {
    const off = <usize>i << 2;
    store<f32>(dstPtr + off, load<f32>(srcPtr + off));
  }
}

/**
 * For positions from..to of the source arrangement (row order[p], or row p when
 * orderPtr is 0), copies the row (cols f32), its width target values (copied as bits:
 * f32 values or i32 labels) and its weight (when srcSwPtr is not 0) to the next free
 * slot of bucket ids[p] in dst. Not inlined into its two callers (scatterRows and the
 * training pass): a call per batch costs nothing measurable, and one copy of its body is
 * about 330 bytes of each build.
 */
export function scatterKernel(
  srcXPtr: usize, srcYPtr: usize, srcSwPtr: usize, orderPtr: usize, idsPtr: usize, cursorsPtr: usize,
  dstXPtr: usize, dstYPtr: usize, dstSwPtr: usize, from: i32, to: i32, cols: i32, width: i32,
): void {
  const rowBytes = <usize>cols << 2;
  for (let p = from; p < to; p++) {
    const r = orderPtr ? load<u32>(orderPtr + (<usize>p << 2)) : <u32>p;
    const c = cursorsPtr + (<usize>load<u32>(idsPtr + (<usize>p << 2)) << 2);
    const dst = load<u32>(c);
    store<u32>(c, dst + 1);
    copyRow(dstXPtr + <usize>dst * rowBytes, srcXPtr + <usize>r * rowBytes, cols);
    if (width == 1) {
      store<u32>(dstYPtr + (<usize>dst << 2), load<u32>(srcYPtr + (<usize>r << 2)));
    } else {
      copyRow(dstYPtr + <usize>dst * (<usize>width << 2), srcYPtr + <usize>r * (<usize>width << 2), width);
    }
    if (srcSwPtr) store<f32>(dstSwPtr + (<usize>dst << 2), load<f32>(srcSwPtr + (<usize>r << 2)));
  }
}

// Keeps the warm-up reads from being optimized away (written, never read).
let warmSink: f32 = 0;

/**
 * Scatters positions from..to of the data at dataPtr into its next arrangement (see
 * scatterKernel; a plan must have set ids and cursors). The engines call it for the
 * first arrangement with orderPtr 0; later epochs scatter inside trainEpoch, or, with
 * threads, on a second thread while the first trains (src/threads/). Visiting a bucketed
 * arrangement, it reads each bucket once sequentially before its rows in random order,
 * as trainEpoch does, so those reads hit cache: alone on its thread it has no training
 * pass to have brought the rows in.
 */
export function scatterRows(dataPtr: usize, from: i32, to: i32): void {
  const xPtr = pointer(dataPtr, DATA_X_PTR);
  const orderPtr = pointer(dataPtr, DATA_ORDER_PTR);
  const cols = field(dataPtr, DATA_COLS);
  // Only the threaded build scatters a bucketed arrangement here (the others do it in trainEpoch's pass).
  const buckets = ASC_FEATURE_THREADS && orderPtr ? field(dataPtr, DATA_BUCKETS) : 1;
  const startsPtr = pointer(dataPtr, DATA_STARTS_PTR);
  for (let b = 0; b < buckets; b++) {
    let start = from;
    let end = to;
    if (buckets > 1) {
      start = max(from, <i32>load<u32>(startsPtr + (<usize>b << 2)));
      end = min(to, <i32>load<u32>(startsPtr + (<usize>(b + 1) << 2)));
      if (start >= end) continue;
      warmSink += readSequential(xPtr + <usize>start * (<usize>cols << 2), (end - start) * cols);
    }
    scatterKernel(
      xPtr, pointer(dataPtr, DATA_Y_PTR), pointer(dataPtr, DATA_SW_PTR), orderPtr,
      pointer(dataPtr, DATA_IDS_PTR), pointer(dataPtr, DATA_CURSORS_PTR),
      pointer(dataPtr, DATA_NEXT_X_PTR), pointer(dataPtr, DATA_NEXT_Y_PTR), pointer(dataPtr, DATA_NEXT_SW_PTR),
      start, end, cols, field(dataPtr, DATA_WIDTH),
    );
  }
}

/**
 * Writes to the data's orderPtr a uniform random order of each bucket's rows (bucket b
 * is rows starts[b]..starts[b+1] of the current arrangement), advancing the state at rngPtr.
 */
export function permuteBuckets(dataPtr: usize, rngPtr: usize): void {
  const orderPtr = pointer(dataPtr, DATA_ORDER_PTR);
  const startsPtr = pointer(dataPtr, DATA_STARTS_PTR);
  const buckets = field(dataPtr, DATA_BUCKETS);
  loadRng(rngPtr);
  for (let b = 0; b < buckets; b++) {
    const start = load<u32>(startsPtr + (<usize>b << 2));
    const end = load<u32>(startsPtr + (<usize>(b + 1) << 2));
    for (let k = start; k < end; k++) store<u32>(orderPtr + (<usize>k << 2), k);
    for (let k = end - start; k > 1; k--) {
      const j = below(k);
      const pa = orderPtr + (<usize>(start + k - 1) << 2);
      const pb = orderPtr + (<usize>(start + j) << 2);
      const t = load<u32>(pa);
      store<u32>(pa, load<u32>(pb));
      store<u32>(pb, t);
    }
  }
  storeRng(rngPtr);
}

/**
 * For CSR data at dataPtr: writes its rows in the visit order (row order[p] at position p)
 * into the next arrangement's blocks (values, indices, indptr, targets, row weights), so the
 * epoch then reads them in storage order. CSR rows are not bucketed: this is the one pass that
 * reads rows at random, with no training work between the misses, so they overlap (a row's
 * reads do not wait on the last row's arithmetic), and the training pass streams. (Reading 16
 * rows ahead and an inline copy loop took 10-25% off the shuffled epoch's CPU time in three
 * alternating pairs, and 250 bytes more of the threaded build than its budget has left.)
 */
export function arrangeSparse(dataPtr: usize): void {
  const rows = field(dataPtr, DATA_ROWS);
  const width = <usize>field(dataPtr, DATA_WIDTH) << 2;
  const orderPtr = pointer(dataPtr, DATA_ORDER_PTR);
  const valsPtr = pointer(dataPtr, DATA_X_PTR);
  const idxPtr = pointer(dataPtr, DATA_INDICES_PTR);
  const indptrPtr = pointer(dataPtr, DATA_INDPTR_PTR);
  const yPtr = pointer(dataPtr, DATA_Y_PTR);
  const swPtr = pointer(dataPtr, DATA_SW_PTR);
  const nValsPtr = pointer(dataPtr, DATA_NEXT_X_PTR);
  const nIdxPtr = pointer(dataPtr, DATA_NEXT_INDICES_PTR);
  const nIndptrPtr = pointer(dataPtr, DATA_NEXT_INDPTR_PTR);
  const nYPtr = pointer(dataPtr, DATA_NEXT_Y_PTR);
  const nSwPtr = pointer(dataPtr, DATA_NEXT_SW_PTR);
  let at: usize = 0;
  store<u32>(nIndptrPtr, 0);
  for (let p = 0; p < rows; p++) {
    const r = <usize>load<u32>(orderPtr + (<usize>p << 2));
    const from = <usize>load<u32>(indptrPtr + (r << 2)) << 2;
    const n = <i32>load<u32>(indptrPtr + (r << 2), 4) - <i32>(from >> 2);
    // memory.copy, not copyRow's inline loop: 110 bytes less of the threaded build, which is at its size budget.
    memory.copy(nValsPtr + at, valsPtr + from, <usize>n << 2);
    memory.copy(nIdxPtr + at, idxPtr + from, <usize>n << 2);
    at += <usize>n << 2;
    store<u32>(nIndptrPtr + (<usize>p << 2), <u32>(at >> 2), 4);
    if (width == 4) store<u32>(nYPtr + (<usize>p << 2), load<u32>(yPtr + (r << 2)));
    else memory.copy(nYPtr + <usize>p * width, yPtr + r * width, width);
    if (swPtr) store<f32>(nSwPtr + (<usize>p << 2), load<f32>(swPtr + (r << 2)));
  }
}
