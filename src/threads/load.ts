// The threads chunk: ready() imports it (a dynamic import, so a page without threads never
// loads it) where shared memory exists. It sizes the pool, unpacks the threaded build (itself
// another dynamic import, made only when the pool has more than one thread) and attaches the
// pool to the runtime, whose workers start when a fit first asks for them.
// It imports nothing the main bundle holds (ready() validates the option and unpacks the
// build): a module both shared would move to a chunk of its own that every page loads.
import type { ThreadsChunk, WasmRuntime } from '../wasm/runtime.js';
import { teamEpoch } from './team.js';
import { OVERLAP_MIN_BYTES, ThreadPool, type Spawn, type Threaded } from './pool.js';
import { BROWSER_WORKER, NODE_WORKER } from './workerSource.js';
import { restartsSideBySide, sideBySide } from './sideBySide.js';

/** 'auto' takes at most this many threads: past it the epochs measured here are bound by memory bandwidth, not cores. */
export const AUTO_MAX_THREADS = 8;

const isNode = typeof process === 'object' && typeof process.versions?.node === 'string';

/** The pool's size for ready()'s threads option (checked by ready()): 1 where this runtime cannot share memory between threads. */
export async function size(option: number | 'auto'): Promise<number> {
  if (!shareable()) return 1;
  return option === 'auto' ? Math.min(await parallelism(), AUTO_MAX_THREADS) : option;
}

/** The embedded threaded build, gzipped, base64. */
export async function build(): Promise<string> {
  return (await import('../wasm/threadsBinary.js')).WASM_GZIP_BASE64;
}

/** Gives rt (an instance of the threaded build) a pool of size threads; its workers start when first needed. */
export async function attach(rt: WasmRuntime, size: number): Promise<void> {
  if (size < 2) {
    rt.threaded = null;
    return;
  }
  const spawn = await spawner();
  let pool: ThreadPool | null = null;
  rt.threaded?.close();
  const threaded: Threaded = (rt.threaded = {
    size,
    pool: () => (pool ??= new ThreadPool(rt, size, spawn)),
    close: () => pool?.close(),
    scatter(dataPtr, rows, rowBytes, cap) {
      if (rows * rowBytes < OVERLAP_MIN_BYTES || (cap ?? size) < 2) return null;
      const p = threaded.pool();
      if (p.threads(cap) < 2) return null;
      p.start(0, { fn: 'scatterRows', args: [dataPtr, 0, rows] });
      return p;
    },
    team: (member, held, cap, chunks, train) => teamEpoch(threaded.pool(), member, held, cap, chunks, train),
    sideBySide,
    restarts: restartsSideBySide,
  });
}

// Shared memory exists only where a page is cross-origin isolated (COOP and COEP headers).
function shareable(): boolean {
  if (typeof SharedArrayBuffer !== 'function' || (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === false) return false;
  try {
    return new WebAssembly.Memory({ initial: 1, maximum: 65536, shared: true }).buffer instanceof SharedArrayBuffer;
  } catch {
    return false;
  }
}

async function parallelism(): Promise<number> {
  if (isNode) {
    const os = await import(/* @vite-ignore */ /* webpackIgnore: true */ nodeModule('os'));
    return os.availableParallelism?.() ?? os.cpus().length;
  }
  return (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? 1;
}

// A name bundlers do not resolve: this branch runs only in Node.
function nodeModule(name: string): string {
  return `node:${name}`;
}

async function spawner(): Promise<Spawn> {
  if (isNode) {
    const { Worker } = await import(/* @vite-ignore */ /* webpackIgnore: true */ nodeModule('worker_threads'));
    return (data, onDeath) => {
      const worker = new Worker(NODE_WORKER, { eval: true, workerData: data, execArgv: [] }); // the script needs none of the owner's flags
      worker.unref(); // an idle pool never keeps the process alive
      worker.on('error', (e: Error) => onDeath(`${e.name}: ${e.message}`));
      worker.on('exit', (code: number) => onDeath(`exit code ${code}`));
      return { terminate: () => void worker.terminate() };
    };
  }
  const url = URL.createObjectURL(new Blob([BROWSER_WORKER], { type: 'text/javascript' }));
  return (data, onDeath) => {
    const worker = new Worker(url, { type: 'module' });
    worker.onerror = (e) => onDeath(e.message);
    worker.postMessage(data);
    return { terminate: () => worker.terminate() };
  };
}

// Typed use of the chunk's exports by ready().
const _chunk: ThreadsChunk = { size, build, attach };
void _chunk;
