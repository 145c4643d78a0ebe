// The pool as the engines and the API see it, without loading the pool's code: a runtime of
// the threaded build carries its pool (WasmRuntime.threaded, attached by src/threads/load.ts).
import { getRuntime, type WasmRuntime } from '../wasm/runtime.js';
import type { Pool } from './pool.js';

/**
 * The threads a call capped at cap (a fit's `threads` option; default the pool's size) may
 * use on rt right now, and the pool to run them on; null where that is one thread.
 */
export function getPool(rt: WasmRuntime, cap?: number): Pool | null {
  const t = rt.threaded;
  if (!t || (cap ?? t.size) < 2) return null;
  const pool = t.pool();
  return pool.threads(cap) > 1 ? pool : null;
}

/**
 * The number of threads the WASM engine has: the size of the pool that ready({ threads })
 * gave the SIMD engine, or 1 where it has none (no shared memory: a page that is not
 * cross-origin isolated; one core; threads: 1; ready() not called).
 */
export function threadCount(): number {
  return getRuntime(true)?.threaded?.size ?? 1;
}
