// Compiles and instantiates the WASM builds once, each independently, and hands
// out typed-array views of their memory that are re-derived whenever the memory
// has grown (growth detaches every old view). Views never leave src/: callers get
// copies. A trap inside WASM rebuilds the instance (see WasmRuntime.fail).
import { EngineError } from '../errors.js';
import { positiveInteger } from '../validate.js';
import type { Threaded } from '../threads/pool.js';

/**
 * The shipped module's functions (assembly/index.ts): each one's parameter count and
 * whether it returns a number. Pointers are byte offsets; the epoch's settings travel in
 * descriptor blocks (src/wasm/abi.ts). WasmExports is derived from this table, and
 * test/wasm/abi.test.ts compares it with the built module's exports and their arities.
 */
export const WASM_EXPORTS = {
  alloc: 1, // (size) -> ptr
  free: 1, // (ptr)
  forceTrap: 0,
  trainEpoch: 4, // (netPtr, dataPtr, firstBatch, lastBatch) -> STATUS_*
  teamServe: 3, // (teamPtr, worker, seen): a worker's part of data-parallel batches (threaded build; empty in the others)
  predict: 3, // (netPtr, dataPtr, outPtr) -> STATUS_*
  networkGradient: 2, // (netPtr, dataPtr) -> loss sum
  planScatter: 2, // (dataPtr, rngPtr)
  scatterRows: 3, // (dataPtr, from, to)
  permuteBuckets: 2, // (dataPtr, rngPtr)
  arrangeSparse: 1, // (dataPtr)
  readSequential: 2, // (xPtr, n) -> sum
  readRows: 4, // (xPtr, orderPtr, rows, cols) -> sum
  findNonFinite: 2, // (ptr, n) -> index or -1
  gatherRows: 5, // (srcPtr, idsPtr, n, cols, dstPtr)
  checkSparse: 2, // (dataPtr, nnz) -> -1, or the bad row (-2 - row) or stored value
} as const;
/** The exports that return a number (the others return nothing). */
type Returning = 'alloc' | 'trainEpoch' | 'predict' | 'networkGradient' | 'readSequential' | 'readRows' | 'findNonFinite' | 'checkSparse';

type Tuple<N extends number, T extends number[] = []> = T['length'] extends N ? T : Tuple<N, [...T, number]>;

/** The shipped module's exports, typed from WASM_EXPORTS. */
export type WasmExports = { memory: WebAssembly.Memory } & {
  -readonly [K in keyof typeof WASM_EXPORTS]: (...args: Tuple<(typeof WASM_EXPORTS)[K]>) => K extends Returning ? number : void;
};

/** wasm32 linear memory stops at 65,536 pages of 64 KiB. */
export const MAX_MEMORY_BYTES = 2 ** 32;
/** The largest block alloc serves: 2^30 - 2^25 bytes (992 MiB), MAX_ALLOC_BYTES in assembly/heap.ts (which says why). */
export const MAX_BLOCK_BYTES = 2 ** 30 - 2 ** 25;

/** Something that owns WASM memory and must re-create it after the instance is rebuilt. */
export interface Reattachable {
  /** Allocates its blocks in the new instance and writes its last committed state there. */
  reattach(): void;
}

/** One instantiated build with its memory views and allocator. */
export class WasmRuntime {
  /** Increments whenever the instance is rebuilt: pointers from an older generation are void. */
  generation = 0;
  private raw: WasmExports;
  private guarded: WasmExports;
  private spare: WebAssembly.Instance | null = null;
  private broken: EngineError | null = null;
  private trapPending = false;
  private readonly sizes = new Map<number, number>();
  private allocated = 0;
  private readonly clients = new Set<Reattachable>();
  private buffer: ArrayBuffer | null = null;
  /** The thread pool, on a runtime of the threaded build whose pool has more than one thread (src/threads/load.ts attaches it). */
  threaded: Threaded | null = null;
  private f32View = new Float32Array(0);
  private f64View = new Float64Array(0);
  private u32View = new Uint32Array(0);

  constructor(
    /** The compiled build (trainInWorker hands it to its worker, which then compiles nothing). */
    readonly module: WebAssembly.Module, instance: WebAssembly.Instance, readonly simd: boolean) {
    this.raw = instance.exports as unknown as WasmExports;
    this.guarded = this.guard(this.raw);
    this.refillSpare();
  }

  /** The engine's name. */
  get name(): 'wasm-simd' | 'wasm-scalar' {
    return this.simd ? 'wasm-simd' : 'wasm-scalar';
  }

  /** The exports; a trap inside any of them rebuilds the instance and throws EngineError. */
  get exports(): WasmExports {
    if (this.broken) throw this.broken;
    return this.guarded;
  }

  /** The exports without the fault guard, for benchmarks that time single kernel calls. */
  get unguarded(): WasmExports {
    return this.raw;
  }

  /** The current memory as f32; re-derived if memory grew since the last call. */
  get f32(): Float32Array {
    this.refresh();
    return this.f32View;
  }

  get f64(): Float64Array {
    this.refresh();
    return this.f64View;
  }

  get u32(): Uint32Array {
    this.refresh();
    return this.u32View;
  }

  /** Bytes of linear memory right now. */
  get memoryBytes(): number {
    return this.raw.memory.buffer.byteLength;
  }

  /** Bytes in blocks handed out by alloc and not yet freed (this generation). */
  get allocatedBytes(): number {
    return this.allocated;
  }

  /**
   * Why blocks of these sizes cannot be had, or null if they can: a block over
   * the allocator's limit, or a total past what wasm32 memory can hold.
   */
  shortfall(blocks: readonly number[], releasable = 0): { limit: 'block' | 'memory'; bytes: number; available: number } | null {
    let total = 0;
    for (const b of blocks) {
      if (!Number.isSafeInteger(b) || b > MAX_BLOCK_BYTES) return { limit: 'block', bytes: b, available: MAX_BLOCK_BYTES };
      total += align16(b) + 16; // the allocator's header and alignment
    }
    // Free space inside memory counts, but fragmentation may hide some of it: the estimate errs on the safe
    // side by a page, and a page holds the module's static data and the allocator's root.
    // Blocks the caller frees before it allocates (releasable) count as free.
    const available = MAX_MEMORY_BYTES - (this.allocated - releasable) - 2 * 65536;
    return total > available ? { limit: 'memory', bytes: total, available: Math.max(0, available) } : null;
  }

  /** Allocates bytes (16-byte aligned) inside WASM memory; may grow it. */
  alloc(bytes: number): number {
    if (this.broken) throw this.broken;
    if (!Number.isSafeInteger(bytes) || bytes < 0 || bytes > MAX_BLOCK_BYTES) {
      throw new RangeError(`cannot allocate ${bytes} bytes of WebAssembly memory in one block (the limit is ${MAX_BLOCK_BYTES})`);
    }
    const size = Math.max(16, align16(bytes));
    let ptr: number;
    try {
      if (this.trapPending) this.forceTrap();
      ptr = this.raw.alloc(size) >>> 0;
    } catch (err) {
      // Memory that cannot grow traps (unreachable) before the allocator changes its state: nothing to
      // rebuild. Any other trap means its bookkeeping is damaged, as for a trap inside a kernel.
      if (isOutOfMemory(err)) {
        throw new RangeError(`out of WebAssembly memory allocating ${bytes} bytes (${this.allocated} in use)`, { cause: err });
      }
      throw this.fail('alloc', err);
    }
    if (ptr === 0) throw new RangeError(`out of WebAssembly memory allocating ${bytes} bytes`); // over heap.ts's limit: checked above
    this.sizes.set(ptr, size);
    this.allocated += size;
    return ptr;
  }

  /**
   * Makes room for bytes of allocations to come with at most one growth of memory: allocates
   * them as one block and frees it (the allocator then carves the next requests from it).
   */
  reserve(bytes: number): void {
    if (!Number.isSafeInteger(bytes) || bytes <= 0 || bytes > MAX_BLOCK_BYTES) return; // larger: block by block
    try {
      this.raw.free(this.raw.alloc(bytes));
    } catch (err) {
      // Out of memory now: the allocations that follow report it with their sizes.
      if (!isOutOfMemory(err)) throw this.fail('alloc', err);
    }
  }

  /** Returns a block from alloc; pointers this generation did not hand out are ignored. */
  free(ptr: number): void {
    const size = this.sizes.get(ptr);
    if (size === undefined) return;
    this.sizes.delete(ptr);
    this.allocated -= size;
    try {
      this.raw.free(ptr);
    } catch (err) {
      throw this.fail('free', err);
    }
  }

  /** Bytes of a block from alloc (0 for a pointer this generation did not hand out). */
  blockBytes(ptr: number): number {
    return this.sizes.get(ptr) ?? 0;
  }

  /** Copies values into f32 memory at ptr (converting from float64 if needed). */
  writeF32(ptr: number, values: ArrayLike<number>): void {
    this.f32.set(values, ptr >>> 2);
  }

  /** Copies n f32 values out of memory at ptr. */
  readF32(ptr: number, n: number): Float32Array {
    return this.f32.slice(ptr >>> 2, (ptr >>> 2) + n);
  }

  /** Registers an owner of memory to be restored after a rebuild. */
  attach(client: Reattachable): void {
    this.clients.add(client);
  }

  detach(client: Reattachable): void {
    this.clients.delete(client);
  }

  /** Test hook: the next guarded export call traps first (as a kernel bug would). */
  trapNext(): void {
    this.trapPending = true;
  }

  private forceTrap(): void {
    this.trapPending = false;
    this.raw.forceTrap();
  }

  private guard(raw: WasmExports): WasmExports {
    const out: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(raw)) {
      if (typeof value !== 'function') {
        out[name] = value;
        continue;
      }
      const fn = value as (...args: number[]) => unknown;
      out[name] = (...args: number[]) => {
        if (this.broken) throw this.broken;
        try {
          if (this.trapPending) this.forceTrap();
          return fn(...args);
        } catch (err) {
          throw this.fail(name, err);
        }
      };
    }
    out.alloc = (size: number) => this.alloc(size);
    out.free = (ptr: number) => this.free(ptr);
    return out as unknown as WasmExports;
  }

  /**
   * A trap or unexpected error inside WASM: the instance's memory can no longer
   * be trusted. Switch to a fresh instance of the same compiled module, let every
   * owner re-create its memory from its last committed state (kept in JS), and
   * return the error to throw.
   */
  fail(where: string, cause: unknown): EngineError {
    const what = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
    let instance = this.spare;
    this.spare = null;
    if (!instance) {
      try {
        instance = new WebAssembly.Instance(this.module, importsFor(this.module));
      } catch (err) {
        this.broken = new EngineError(
          `engine '${this.name}' failed inside WebAssembly (${what} in ${where}) and could not be rebuilt; ` +
            `use engine 'js' or reload`,
          { cause: err },
        );
        return this.broken;
      }
    }
    this.raw = instance.exports as unknown as WasmExports;
    this.guarded = this.guard(this.raw);
    this.generation++;
    this.sizes.clear();
    this.allocated = 0;
    this.buffer = null;
    for (const client of this.clients) client.reattach();
    this.refillSpare();
    return new EngineError(
      `engine '${this.name}' failed inside WebAssembly (${what} in ${where}); its instance was rebuilt and every ` +
        `model on it restored to its state before the call`,
      { cause },
    );
  }

  // A spare instance, made ahead of time: browsers refuse to instantiate large modules synchronously on the main thread.
  private refillSpare(): void {
    WebAssembly.instantiate(this.module, importsFor(this.module)).then(
      (instance) => {
        this.spare ??= instance;
      },
      () => {},
    );
  }

  private refresh(): void {
    const buffer = this.raw.memory.buffer;
    if (buffer === this.buffer) return;
    this.buffer = buffer;
    this.f32View = new Float32Array(buffer);
    this.f64View = new Float64Array(buffer);
    this.u32View = new Uint32Array(buffer);
  }
}

/** Whether an error from alloc is the allocator's out-of-memory trap (memory could not grow). */
function isOutOfMemory(err: unknown): boolean {
  return err instanceof WebAssembly.RuntimeError && /unreachable/i.test(err.message);
}

/** Rounds bytes up to a multiple of 16, in float64 so sizes past 2^31 stay exact. */
export function align16(bytes: number): number {
  return Math.ceil(bytes / 16) * 16;
}

class WasmAbort extends Error {
  override name = 'WasmAbort';
}

/** What every build imports (AssemblyScript's abort). */
export const wasmImports = {
  env: {
    abort(_msg: number, _file: number, line: number, column: number): never {
      throw new WasmAbort(`WebAssembly abort at line ${line}, column ${column}`);
    },
  },
};

/**
 * The imports of a build: the threaded build (src/threads/) imports its memory, shared and
 * up to wasm32's 4 GiB, which each instance's owner creates fresh (workers get the owner's).
 */
export function importsFor(module: WebAssembly.Module): WebAssembly.Imports {
  if (!WebAssembly.Module.imports(module).some((i) => i.kind === 'memory')) return wasmImports;
  return { env: { ...wasmImports.env, memory: new WebAssembly.Memory({ initial: 1, maximum: 65536, shared: true }) } };
}

// The smallest module that uses a SIMD instruction (v128.const; drop): validating it
// tells whether this runtime supports WebAssembly SIMD without compiling the real module.
const SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 96, 0, 0, 3, 2, 1, 0, 10, 23, 1, 21, 0,
  253, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 26, 11,
]);

/** Whether this runtime has WebAssembly at all, and 128-bit SIMD. */
export function detectSupport(): { wasm: boolean; simd: boolean } {
  const wasm = typeof WebAssembly === 'object' && typeof WebAssembly.validate === 'function';
  let simd = false;
  if (wasm) {
    try {
      simd = WebAssembly.validate(SIMD_PROBE);
    } catch {
      simd = false;
    }
  }
  return { wasm, simd };
}

/** A build given to ready(): compiled, as bytes, or where to fetch it. */
export type WasmSource = WebAssembly.Module | ArrayBuffer | ArrayBufferView | URL | string;

/**
 * Where ready() takes each build from (default: the copies embedded in the package).
 * The scalar build loads only where the SIMD build cannot (no SIMD, or it failed),
 * unless `scalar` is given: a source, or `true` for the embedded copy (to compare
 * engines, or to force 'wasm-scalar' on a runtime with SIMD).
 */
export interface ReadyOptions {
  simd?: WasmSource;
  scalar?: WasmSource | true;
  /**
   * Threads of the WASM engine's pool over one shared memory (docs/threads.md): 'auto' (the
   * default) takes the runtime's available parallelism, at most 8; 1 loads no threaded build.
   * Without shared memory (a page that is not cross-origin isolated) the engine has one thread.
   */
  threads?: number | 'auto';
  /** Where to take the threaded build from (default: the embedded copy, steepest/steepest.threads.wasm). */
  threadsBuild?: WasmSource;
}

/** The package's own copies of the builds, unpacked on demand (src/wasm/ready.ts); a training worker has none. */
export interface EmbeddedBuilds {
  simd(): Promise<Uint8Array>;
  scalar(): Promise<Uint8Array>;
  /** The threads chunk (src/threads/load.ts), imported only where threads may run. */
  threads?(): Promise<ThreadsChunk>;
  /** The threaded build's bytes, from the chunk's base64. */
  unpack?(base64: string): Promise<Uint8Array>;
}

/** What the threads chunk offers ready(). */
export interface ThreadsChunk {
  /** The pool size for ready()'s threads option on this runtime (1: no threads). */
  size(option: number | 'auto'): Promise<number>;
  /** The embedded threaded build (gzipped, base64). */
  build(): Promise<string>;
  /** Gives a runtime of the threaded build its pool of size threads (workers start when first needed). */
  attach(rt: WasmRuntime, size: number): Promise<void>;
}
type Source = WasmSource | (() => Promise<Uint8Array>) | undefined;
type Build = 'simd' | 'scalar';

/** One build across ready() calls: it loads once; a failure remembers its source so that only another one retries. */
interface Slot {
  runtime: WasmRuntime | null;
  failure: Error | null;
  failedSource: Source;
  /** The compile under way (it never rejects): later callers wait for it instead of compiling again. */
  pending: Promise<void> | null;
}
const slots: Record<Build, Slot> = {
  simd: { runtime: null, failure: null, failedSource: undefined, pending: null },
  scalar: { runtime: null, failure: null, failedSource: undefined, pending: null },
};
let loaded = false;
let warned = false;
let threadedSource: Source;
let threadedFailed = false;

/**
 * ready() (src/wasm/ready.ts) with the builds to fall back on: the embedded copies, or
 * none in a training worker, which is handed the caller's compiled modules and so
 * neither carries nor compiles a build of its own. Calls add up: each loads what it asks
 * for that no earlier call loaded (see want); a build that loaded stays.
 */
export async function loadBuilds(options: ReadyOptions, embedded: Partial<EmbeddedBuilds> | null): Promise<void> {
  const support = detectSupport();
  // Threads: the threaded build takes the SIMD build's place (the same kernels over a shared memory).
  const t = options.threads ?? 'auto';
  if (t !== 'auto') positiveInteger('threads', t); // or 'auto'
  const chunk = typeof SharedArrayBuffer === 'function' && t !== 1 ? await embedded?.threads?.() : undefined;
  const size = chunk ? await chunk.size(t) : 1;
  const plain = options.simd ?? embedded?.simd;
  threadedSource ??= async () => embedded!.unpack!(await chunk!.build());
  // A SIMD build the caller names is used as named; the threaded build is tried once (where it fails, the SIMD build loads).
  const threaded = options.threadsBuild ?? (options.simd || threadedFailed ? undefined : threadedSource);
  const simd = size > 1 && threaded && !slots.simd.runtime
    ? want('simd', threaded, support).catch(() => {
      threadedFailed = true;
      return want('simd', plain, support);
    })
    : want('simd', plain, support);
  const scalarSource = options.scalar === true || options.scalar === undefined ? embedded?.scalar : options.scalar;
  // Without options.scalar the scalar build is a fallback: loaded (and its chunk fetched) only if SIMD did not load.
  const scalar = options.scalar !== undefined ? want('scalar', scalarSource, support)
    : simd.then(() => null, () => want('scalar', scalarSource, support));
  await Promise.allSettled([simd, scalar]);
  const rt = slots.simd.runtime;
  if (chunk && rt && WebAssembly.Module.imports(rt.module).some((i) => i.kind === 'memory')) await chunk.attach(rt, size);
  loaded = true;
  if (!slots.simd.runtime && !slots.scalar.runtime && !warned) {
    warned = true; // once per page: a later call that changes nothing has nothing new to say
    const cause = slots.scalar.failure ?? slots.simd.failure;
    console.warn(
      `steepest: WebAssembly is unavailable (${describe(cause)}); engine 'auto' trains with the js engine` +
        (isCspRefusal(cause) ? ". A Content-Security-Policy without 'wasm-unsafe-eval' blocks it" : ''),
    );
  }
}

/**
 * A build, compiled at most once: one that loaded is kept whatever source a later call
 * names (models may already hold its memory, and every source is the same package's
 * build); one being compiled is waited for; one that failed is tried again only from a
 * different source (the same bytes or URL would fail the same way).
 */
async function want(build: Build, source: Source, support: { wasm: boolean; simd: boolean }): Promise<WasmRuntime> {
  const slot = slots[build];
  for (;;) {
    if (slot.runtime) return slot.runtime;
    if (slot.pending) {
      await slot.pending;
      continue;
    }
    if (slot.failure && slot.failedSource === source) throw slot.failure;
    slot.pending = instantiate(source, build === 'simd', support).then(
      (runtime) => {
        slot.runtime = runtime;
        slot.failure = null;
        slot.pending = null;
      },
      (err) => {
        slot.failure = asError(err);
        slot.failedSource = source;
        slot.pending = null;
      },
    );
  }
}

async function instantiate(source: Source, simd: boolean, support: { wasm: boolean; simd: boolean }): Promise<WasmRuntime> {
  if (!support.wasm) throw new Error('this runtime has no WebAssembly');
  if (simd && !support.simd) throw new Error('this runtime has no WebAssembly SIMD');
  const module = await compile(source);
  const instance = await WebAssembly.instantiate(module, importsFor(module));
  const exports = instance.exports as Record<string, unknown>;
  // The epoch entry's arity marks this version's ABI (test/wasm/abi.test.ts holds every export to WASM_EXPORTS).
  if ((exports.trainEpoch as Function | undefined)?.length !== 4 || !(exports.memory instanceof WebAssembly.Memory)) {
    throw new Error('the module is not a steepest build of this version (it lacks trainEpoch(4 arguments) or memory)');
  }
  return new WasmRuntime(module, instance, simd);
}

async function compile(source: Source): Promise<WebAssembly.Module> {
  if (source === undefined) throw new Error('no build was given');
  if (source instanceof WebAssembly.Module) return source;
  if (typeof source === 'function') return WebAssembly.compile((await source()) as BufferSource);
  if (source instanceof ArrayBuffer || ArrayBuffer.isView(source)) return WebAssembly.compile(source as BufferSource);
  const response = await fetch(source);
  if (!response.ok) throw new Error(`fetching ${String(source)} gave HTTP ${response.status}`);
  return WebAssembly.compile(await response.arrayBuffer());
}

function asError(e: unknown): Error {
  return e instanceof Error ? e : new Error(String(e));
}

function describe(e: Error | null): string {
  return e ? `${e.name}: ${e.message}` : 'unknown cause';
}

/** Whether an error is a browser refusing WebAssembly under its Content-Security-Policy. */
export function isCspRefusal(e: Error | null): boolean {
  return !!e && /content.security.policy|unsafe-eval|\bCSP\b/i.test(e.message);
}

/** Whether ready() has finished. */
export function isReady(): boolean {
  return loaded;
}

/** The instantiated build, or null if ready() has not finished or the build did not load. */
export function getRuntime(simd: boolean): WasmRuntime | null {
  return slots[simd ? 'simd' : 'scalar'].runtime;
}

/** Why a build did not load (null if it loaded, was not asked for, or has not been tried). */
export function loadFailure(simd: boolean): Error | null {
  return slots[simd ? 'simd' : 'scalar'].failure;
}
