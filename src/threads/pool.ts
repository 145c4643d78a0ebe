// The thread pool of the threaded WASM build: worker threads that each hold an instance of
// the same compiled module over the owner's one shared WebAssembly.Memory. The owner (the
// thread that called ready(): the main thread, or a trainInWorker worker) allocates every
// block; a worker only runs exports of the build on pointers the owner gives it, and never
// allocates (AssemblyScript's allocator is not thread-safe, and a worker instance's
// allocator root is never initialized). Tasks and results cross as numbers through a small
// control SharedArrayBuffer beside the WASM memory, so a worker can be told to work and the
// owner can wait for it without either event loop turning (fit is synchronous).
//
// This file is loaded only by the threads chunk (src/threads/load.ts, a dynamic import
// made by ready() where threads can run): a page that never uses threads does not load it.
import type { WasmRuntime } from '../wasm/runtime.js';

/**
 * The exports of the threaded build a worker may run: the kernels and entry points that
 * read and write blocks the owner allocated. alloc and free are not among them.
 */
export type PoolFunction =
  | 'trainEpoch' // (netPtr, dataPtr, firstBatch, lastBatch) -> STATUS_*: a whole epoch (or a run of batches) of one model
  | 'scatterRows' // (dataPtr, from, to): the shuffle's rewrite of the next arrangement
  | 'planScatter' // (dataPtr, rngPtr)
  | 'permuteBuckets' // (dataPtr, rngPtr)
  | 'predict' // (netPtr, dataPtr, outPtr) -> STATUS_*
  | 'networkGradient' // (netPtr, dataPtr) -> loss sum
  | 'readRows' // (xPtr, orderPtr, rows, cols) -> sum
  | 'readSequential' // (xPtr, n) -> sum
  | 'forceTrap'; // () test hook: a trap inside a worker

/** One call of an export on one worker: only numbers cross (byte addresses, counts, indices; at most 6). */
export interface Task {
  readonly fn: PoolFunction;
  readonly args: readonly number[];
}

/**
 * The pool of one threaded runtime. Threads are numbered from 0 (the owner, the thread
 * that calls these methods) to threads() - 1; worker w is thread w + 1.
 *
 * Protocol for one parallel step: start() a task on each worker that takes part, run the
 * owner's own share on the owner's thread (through runtime.exports as usual), then join().
 * A worker runs one task at a time; start() on a busy worker throws.
 *
 * Faults: if a worker throws, traps (a kernel's bad access: the shared memory can no
 * longer be trusted) or dies (its thread ended), join() rebuilds the runtime as a trap on
 * the owner's thread does (runtime.fail: a fresh instance over fresh memory, every model
 * restored from its last committed state, kept in JS), replaces the workers, and throws
 * the EngineError naming the cause. The next call then runs on the rebuilt pool. A
 * caller must not touch the pointers it used in the failed step afterwards (their
 * generation is gone: WasmData.check() and the trainers already guard this).
 *
 * Abort: cancel() ends every worker that is running a task (WASM cannot be interrupted
 * otherwise) and replaces it; blocks those tasks were writing are left half-written, so a
 * caller cancels only tasks whose output it discards (an aborted fit restores its model).
 */
export interface Pool {
  /** The owner's runtime over the shared memory: the only place to alloc and free. */
  readonly runtime: WasmRuntime;
  /** The pool's size: the owner plus its workers (ready({ threads }) after the runtime's limits). */
  readonly size: number;
  /**
   * How many threads a call capped at cap (default: the pool) may use right now: the owner
   * plus the workers that have started (a browser's workers start asynchronously, so the
   * first calls after ready() may get fewer; results do not depend on it).
   */
  threads(cap?: number): number;
  /** Starts task on worker w (0 <= w < threads() - 1) and returns at once. */
  start(w: number, task: Task): void;
  /** Whether worker w is running a task. */
  busy(w: number): boolean;
  /**
   * Waits until every started task has finished and returns each worker's result by
   * worker index (NaN for an export that returns nothing, undefined for a worker that had
   * no task). Blocks with Atomics.wait where the thread may block (Node, workers); a
   * browser's main thread, which may not, polls. Throws EngineError after a fault (see above).
   */
  join(): (number | undefined)[];
  /** join() without blocking the event loop (for fitAsync and browsers' main threads). */
  joinAsync(): Promise<(number | undefined)[]>;
  /** Ends the workers that are running tasks and replaces them (abort); their results are discarded. */
  cancel(): void;
}

/**
 * What the threads chunk attaches to a threaded runtime (WasmRuntime.threaded): the pool's
 * size, and the pool itself, whose workers start on the first call of pool() (so small fits
 * and short scripts that never need a second thread start none).
 */
export interface Threaded {
  /** The pool's size (>= 2): the owner plus ready({ threads })' workers. */
  readonly size: number;
  /** The pool, starting its workers if they are not up (in Node it waits for them; in a browser they come up asynchronously). */
  pool(): Pool;
}

// How code outside the chunk gets at the pool (src/threads/access.ts, in the main bundle):
//   getPool(rt: WasmRuntime): Pool | null   the runtime's pool (starting it), or null where it has one thread
//   threadCount(): number                   exported from 'steepest': the threads the engine has (1 without shared memory)
//   resolveThreads(cap, size): number       a fit's `threads` option (a cap) against the pool's size
