// The data descriptor (DATA_* of src/wasm/abi.ts) that trainEpoch, predict,
// networkGradient and the shuffle read: a table of rows (dense, or CSR: values at xPtr), its
// arrangement, and the epoch's settings.
import {
  DATA_BATCH_SIZE, DATA_BUCKETS, DATA_COLS, DATA_CURSORS_PTR, DATA_FIELDS, DATA_IDS_PTR, DATA_KIND, DATA_L1, DATA_L2,
  DATA_LRS_PTR, DATA_NEXT_INDICES_PTR, DATA_NEXT_INDPTR_PTR, DATA_NEXT_STARTS_PTR, DATA_NEXT_SW_PTR, DATA_NEXT_X_PTR, DATA_NEXT_Y_PTR, DATA_ORDER_PTR, DATA_ROWS,
  DATA_STARTS_PTR, DATA_SW_PTR, DATA_WIDTH, DATA_X_PTR, DATA_Y_PTR, KIND_DENSE, KIND_CSR, DATA_INDPTR_PTR, DATA_INDICES_PTR, DATA_FIRST_ROW,
  DATA_TEAM_PTR,
} from './abi.js';
import type { WasmRuntime } from './runtime.js';

/** Bytes of one data descriptor. */
export const DATA_BYTES = DATA_FIELDS * 4;

/** A table's descriptor fields (pointers are byte addresses; absent = 0: none). A CSR table has indptrPtr. */
export interface DataFields {
  indptrPtr?: number;
  indicesPtr?: number;
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
  /** KIND_CSR: the next arrangement's indptr and indices (arrangeSparse). */
  nextIndptrPtr?: number;
  nextIndicesPtr?: number;
  batchSize?: number;
  lrsPtr?: number;
  l1?: number;
  l2?: number;
  /** A stream's block (fitStream): the epoch's rows before it; the epoch's totals carry on unless 0. */
  firstRow?: number;
  /** Threaded build: the team block (TEAM_*) whose workers share the batches of this call. */
  teamPtr?: number;
}

/** Writes the descriptor of a table at ptr (fields not given, and the reserved ones, are 0). */
export function writeDataBlock(rt: WasmRuntime, ptr: number, f: DataFields): void {
  const u32 = rt.u32;
  const d = ptr >>> 2;
  u32.fill(0, d, d + DATA_FIELDS);
  u32[d + DATA_KIND] = f.indptrPtr ? KIND_CSR : KIND_DENSE;
  u32[d + DATA_INDPTR_PTR] = f.indptrPtr ?? 0;
  u32[d + DATA_INDICES_PTR] = f.indicesPtr ?? 0;
  u32[d + DATA_FIRST_ROW] = f.firstRow ?? 0;
  u32[d + DATA_TEAM_PTR] = f.teamPtr ?? 0;
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
  u32[d + DATA_NEXT_INDPTR_PTR] = f.nextIndptrPtr ?? 0;
  u32[d + DATA_NEXT_INDICES_PTR] = f.nextIndicesPtr ?? 0;
  u32[d + DATA_BATCH_SIZE] = f.batchSize ?? 0;
  u32[d + DATA_LRS_PTR] = f.lrsPtr ?? 0;
  const f64 = rt.f64;
  f64[(ptr >>> 3) + (DATA_L1 >>> 1)] = f.l1 ?? 0;
  f64[(ptr >>> 3) + (DATA_L2 >>> 1)] = f.l2 ?? 0;
}
