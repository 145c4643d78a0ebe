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
import type { NetworkBlock } from '../wasm/networkBlock.js';
import type { restartsSideBySide, sideBySide } from './sideBySide.js';
import type { TeamBlock } from './team.js';
import { DEAD, DONE, EXIT_TASK, FAULT_WORD, IDLE, RUNNING, SLOT_BYTES, STARTING } from './workerSource.js';

/**
 * The exports of the threaded build a worker may run: the kernels and entry points that
 * read and write blocks the owner allocated. alloc and free are not among them.
 */
export type PoolFunction =
  | 'trainEpoch' // (netPtr, dataPtr, firstBatch, lastBatch) -> STATUS_*: a whole epoch (or a run of batches) of one model
  | 'teamServe' // (teamPtr, worker, seen): this worker's chunks of the batches of a trainEpoch call on the owner
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
  /**
   * A byte address in WASM memory where the worker's thread stores 1 (and notifies) if the
   * task fails or the thread ends: an owner inside WASM waiting on the task (data-parallel
   * batches) sees it there, since it cannot see the control slot.
   */
  readonly fault?: number;
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
  /** The workers that are up and have no task, at most cap - 1 of them (default: all). */
  idle(cap?: number): number[];
  /** Chunks of data-parallel batches the workers have computed (tests check that a fit did use them). */
  teamChunks: number;
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
  /** Ends the pool's workers (a later ready() resized it). */
  close(): void;
  /**
   * Starts scatterRows(dataPtr, 0, rows) (a shuffled epoch's rewrite of the next arrangement)
   * on a worker, where the call's cap allows a second thread and rows x rowBytes is at least
   * OVERLAP_MIN_BYTES; returns the pool to join, or null (the training pass scatters instead).
   */
  scatter(dataPtr: number, rows: number, rowBytes: number, cap: number | undefined): Pool | null;
  /**
   * One trainEpoch call, train(teamPtr), with data-parallel batches (src/threads/team.ts:
   * teamEpoch, which keeps the trainer's team block in held): null where no worker is idle, else its status.
   */
  team(
    member: () => NetworkBlock, held: { block: TeamBlock | null }, cap: number, chunks: number,
    train: (teamPtr: number) => number,
  ): number | null;
  /** Whole fits side by side on the pool, and restarts so (src/threads/sideBySide.ts). */
  sideBySide: typeof sideBySide;
  restarts: typeof restartsSideBySide;
}

/**
 * A shuffled epoch's rewrite moves to a second thread from this much training data on
 * (docs/threads.md: below it, handing the task over costs about what it saves).
 */
export const OVERLAP_MIN_BYTES = 1 << 20;

// How code outside the chunk gets at the pool (src/threads/access.ts, in the main bundle):
//   getPool(rt: WasmRuntime): Pool | null   the runtime's pool (starting it), or null where it has one thread
//   threadCount(): number                   exported from 'steepest': the threads the engine has (1 without shared memory)
//   resolveThreads(cap, size): number       a fit's `threads` option (a cap) against the pool's size

/** What a worker is started with (structured-cloned to its thread). */
export interface WorkerData {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  control: SharedArrayBuffer;
  /** The worker's slot in control. */
  index: number;
  /** Which worker of that slot this is: the tag of every state it sets (src/threads/workerSource.ts). */
  incarnation: number;
  names: readonly string[];
}

/** Starts one worker thread on data; onDeath runs (on the owner's event loop) if the thread ends or fails. */
export type Spawn = (data: WorkerData, onDeath: (why: string) => void) => { terminate(): void };

/** Export names by the index a task carries. */
const NAMES: readonly PoolFunction[] = [
  'trainEpoch', 'teamServe', 'scatterRows', 'planScatter', 'permuteBuckets', 'predict', 'networkGradient', 'readRows', 'readSequential', 'forceTrap',
];
/** How long the owner waits, where it may block, for a new worker to come up before it counts it out (ms). */
const START_WAIT_MS = 10_000;

/** The pool behind Threaded.pool() (see Pool). */
export class ThreadPool implements Pool {
  private readonly control: SharedArrayBuffer;
  private readonly i32: Int32Array;
  private readonly f64: Float64Array;
  private readonly workers: ({ terminate(): void } | null)[];
  private readonly posted: (PoolFunction | null)[];
  private gen = -1;
  /** Whether this thread may block in Atomics.wait (a browser's main thread may not). */
  private canBlock = true;
  /** Test hook: the next started task ends its worker's thread instead of running. */
  exitNext = false;
  private spawned = 0;
  /** Each slot's worker's incarnation << 3: the tag of its states. */
  private readonly tags: number[];
  /** Tasks started so far (tests check that a call did use a worker). */
  tasks = 0;
  teamChunks = 0;

  constructor(readonly runtime: WasmRuntime, readonly size: number, private readonly spawn: Spawn) {
    this.control = new SharedArrayBuffer((size - 1) * SLOT_BYTES);
    this.i32 = new Int32Array(this.control);
    this.f64 = new Float64Array(this.control);
    this.workers = new Array(size - 1).fill(null);
    this.posted = new Array(size - 1).fill(null);
    this.tags = new Array(size - 1).fill(0);
    this.renew();
  }

  threads(cap = this.size): number {
    this.renew();
    let n = 1;
    for (let w = 0; w < this.workers.length && n < cap; w++) if (this.state(w) === IDLE) n++;
    return n;
  }

  idle(cap = this.size): number[] {
    this.renew();
    const out: number[] = [];
    for (let w = 0; w < this.workers.length && out.length < cap - 1; w++) if (!this.posted[w] && this.state(w) === IDLE) out.push(w);
    return out;
  }

  start(w: number, task: Task): void {
    this.renew();
    if (this.state(w) !== IDLE || this.posted[w]) throw new Error(`worker ${w} is not idle`);
    const at = w * SLOT_I32;
    this.i32[at + 2] = this.exitNext ? EXIT_TASK : NAMES.indexOf(task.fn);
    this.exitNext = false;
    this.i32[at + 3] = task.args.length;
    this.i32[at + FAULT_WORD] = task.fault ?? 0;
    this.f64.set(task.args, w * SLOT_F64 + 2);
    this.posted[w] = task.fn;
    this.tasks++;
    this.setState(w, RUNNING);
    Atomics.add(this.i32, at, 1);
    Atomics.notify(this.i32, at);
  }

  busy(w: number): boolean {
    return this.posted[w] !== null;
  }

  join(): (number | undefined)[] {
    for (let w = 0; w < this.workers.length; w++) {
      if (!this.posted[w]) continue;
      const at = w * SLOT_I32 + 1;
      const running = this.tags[w] | RUNNING;
      while (Atomics.load(this.i32, at) === running) {
        if (this.canBlock) {
          try {
            Atomics.wait(this.i32, at, running, 1000);
            continue;
          } catch {
            this.canBlock = false; // a browser's main thread: poll
          }
        }
      }
    }
    return this.collect();
  }

  cancel(): void {
    for (let w = 0; w < this.workers.length; w++) {
      if (!this.posted[w]) continue;
      this.posted[w] = null;
      if (this.state(w) === RUNNING) this.replace(w);
      else this.setState(w, IDLE);
    }
  }

  /** Ends every worker (the runtime's pool is being replaced). */
  close(): void {
    for (let w = 0; w < this.workers.length; w++) this.end(w);
  }

  private state(w: number): number {
    return Atomics.load(this.i32, w * SLOT_I32 + 1) & 7;
  }

  // Sets worker w's state, tagged with its incarnation.
  private setState(w: number, state: number): void {
    Atomics.store(this.i32, w * SLOT_I32 + 1, this.tags[w] | state);
  }

  // Every finished task's result; after a fault, the runtime's rebuild and its EngineError.
  private collect(): (number | undefined)[] {
    const out: (number | undefined)[] = [];
    let failure: { w: number; fn: PoolFunction; cause: Error } | null = null;
    for (let w = 0; w < this.workers.length; w++) {
      const fn = this.posted[w];
      if (!fn) continue;
      this.posted[w] = null;
      const at = w * SLOT_I32;
      const state = this.state(w);
      if (state === DONE) {
        out[w] = this.f64[w * SLOT_F64 + 8];
        this.setState(w, IDLE);
      } else {
        failure ??= { w, fn, cause: this.failure(w, state) };
        this.end(w);
      }
    }
    if (failure) throw this.runtime.fail(`${failure.fn} on worker thread ${failure.w + 1}`, failure.cause);
    return out;
  }

  /** Why worker w failed, from its slot: the error it caught, or its thread's death. */
  private failure(w: number, state: number): Error {
    const at = w * SLOT_I32;
    const bytes = new Uint8Array(this.control, w * SLOT_BYTES + 128, this.i32[at + 4]).slice();
    const text = new TextDecoder().decode(bytes);
    const colon = text.indexOf(': ');
    const err = new Error(state === DEAD || colon < 0 ? text : text.slice(colon + 2));
    err.name = state === DEAD ? 'WorkerExit' : colon < 0 ? 'Error' : text.slice(0, colon);
    return err;
  }

  // Workers follow the runtime: after a rebuild (a new memory) every one is replaced.
  private renew(): void {
    if (this.gen === this.runtime.generation) return;
    this.gen = this.runtime.generation;
    this.posted.fill(null);
    for (let w = 0; w < this.workers.length; w++) this.replace(w);
    // Where this thread may block, wait for them: instantiation is quick, and a fit then gets every thread.
    const deadline = performance.now() + START_WAIT_MS;
    for (let w = 0; w < this.workers.length && this.canBlock; w++) {
      while (this.state(w) === STARTING && performance.now() < deadline) {
        try {
          Atomics.wait(this.i32, w * SLOT_I32 + 1, this.tags[w] | STARTING, 50);
        } catch {
          this.canBlock = false;
        }
        if (!this.canBlock) break;
      }
    }
  }

  private replace(w: number): void {
    this.end(w);
    const at = w * SLOT_I32;
    this.i32.fill(0, at, at + SLOT_I32);
    const incarnation = ++this.spawned;
    this.tags[w] = incarnation << 3;
    this.setState(w, STARTING);
    const gen = this.gen;
    const worker = this.spawn(
      { module: this.runtime.module, memory: this.runtime.exports.memory, control: this.control, index: w, incarnation, names: NAMES },
      () => {
        // The thread ended without saying so (terminated, out of memory): count it out.
        if (this.workers[w] === worker && this.gen === gen && this.state(w) !== DEAD) {
          this.setState(w, DEAD);
          Atomics.notify(this.i32, at + 1);
        }
      },
    );
    this.workers[w] = worker;
  }

  private end(w: number): void {
    const worker = this.workers[w];
    this.workers[w] = null;
    if (!worker) return;
    const at = w * SLOT_I32;
    this.i32[at + 2] = -1; // stop, for a worker blocked in wait
    Atomics.add(this.i32, at, 1);
    Atomics.notify(this.i32, at);
    worker.terminate();
  }
}

const SLOT_I32 = SLOT_BYTES / 4;
const SLOT_F64 = SLOT_BYTES / 8;
