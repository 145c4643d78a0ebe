// The data descriptor (DATA_* of src/wasm/abi.ts) that trainEpoch, predict,
// networkGradient and the shuffle read: a table of rows, its arrangement, and the
// epoch's settings. Dense tables (KIND_DENSE) and a stream's blocks (KIND_STREAM, when firstRow is given).
import {
  DATA_BATCH_SIZE, DATA_BUCKETS, DATA_COLS, DATA_CURSORS_PTR, DATA_FIELDS, DATA_IDS_PTR, DATA_KIND, DATA_L1, DATA_L2,
  DATA_LRS_PTR, DATA_NEXT_STARTS_PTR, DATA_NEXT_SW_PTR, DATA_NEXT_X_PTR, DATA_NEXT_Y_PTR, DATA_ORDER_PTR, DATA_ROWS,
  DATA_STARTS_PTR, DATA_SW_PTR, DATA_WIDTH, DATA_X_PTR, DATA_Y_PTR, KIND_DENSE, KIND_STREAM, DATA_FIRST_ROW,
} from './abi.js';
import type { WasmRuntime } from './runtime.js';

/** Bytes of one data descriptor. */
export const DATA_BYTES = DATA_FIELDS * 4;

/** A dense table's descriptor fields (pointers are byte addresses; absent = 0: none). */
export interface DataFields {
  rows: number;
  cols: number;
  width: number;
  xPtr: number;
  yPtr?: number;
  swPtr?: number;
  orderPtr?: number;
  buckets?: number;
  startsPtr?: number;
  nextStartsPtr?: number;
  idsPtr?: number;
  cursorsPtr?: number;
  nextXPtr?: number;
  nextYPtr?: number;
  nextSwPtr?: number;
  batchSize?: number;
  lrsPtr?: number;
  l1?: number;
  l2?: number;
  /** A stream's block: the epoch's rows before it (the descriptor is then KIND_STREAM). */
  firstRow?: number;
}

/** Writes the descriptor of a dense table at ptr (fields not given, and the reserved ones, are 0). */
export function writeDataBlock(rt: WasmRuntime, ptr: number, f: DataFields): void {
  const u32 = rt.u32;
  const d = ptr >>> 2;
  u32.fill(0, d, d + DATA_FIELDS);
  u32[d + DATA_KIND] = f.firstRow === undefined ? KIND_DENSE : KIND_STREAM;
  u32[d + DATA_FIRST_ROW] = f.firstRow ?? 0;
  u32[d + DATA_ROWS] = f.rows;
  u32[d + DATA_COLS] = f.cols;
  u32[d + DATA_WIDTH] = f.width;
  u32[d + DATA_X_PTR] = f.xPtr;
  u32[d + DATA_Y_PTR] = f.yPtr ?? 0;
  u32[d + DATA_SW_PTR] = f.swPtr ?? 0;
  u32[d + DATA_ORDER_PTR] = f.orderPtr ?? 0;
  u32[d + DATA_BUCKETS] = f.buckets ?? 1;
  u32[d + DATA_STARTS_PTR] = f.startsPtr ?? 0;
  u32[d + DATA_NEXT_STARTS_PTR] = f.nextStartsPtr ?? 0;
  u32[d + DATA_IDS_PTR] = f.idsPtr ?? 0;
  u32[d + DATA_CURSORS_PTR] = f.cursorsPtr ?? 0;
  u32[d + DATA_NEXT_X_PTR] = f.nextXPtr ?? 0;
  u32[d + DATA_NEXT_Y_PTR] = f.nextYPtr ?? 0;
  u32[d + DATA_NEXT_SW_PTR] = f.nextSwPtr ?? 0;
  u32[d + DATA_BATCH_SIZE] = f.batchSize ?? 0;
  u32[d + DATA_LRS_PTR] = f.lrsPtr ?? 0;
  const f64 = rt.f64;
  f64[(ptr >>> 3) + (DATA_L1 >>> 1)] = f.l1 ?? 0;
  f64[(ptr >>> 3) + (DATA_L2 >>> 1)] = f.l2 ?? 0;
}
