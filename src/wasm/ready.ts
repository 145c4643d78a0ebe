// ready(): the runtime's loader with the package's own builds to fall back on. They are
// embedded as gzipped base64 (src/wasm/{simd,scalar,threads}Binary.ts, from
// scripts/embed-wasm.mjs), the scalar one behind an import() that only runs where it is
// needed, and the threaded one with the pool (src/threads/load.ts) behind another, made only
// where shared memory exists. Kept apart from runtime.ts so a training worker, which is
// handed compiled modules, carries neither.
import { WASM_GZIP_BASE64 as SIMD_BUILD } from './simdBinary.js';
import { unpack } from './unpack.js';
import { loadBuilds, type EmbeddedBuilds, type ReadyOptions } from './runtime.js';

const embedded: EmbeddedBuilds = {
  simd: async () => unpack(SIMD_BUILD),
  scalar: async () => unpack((await import('./scalarBinary.js')).WASM_GZIP_BASE64),
  threads: () => import('../threads/load.js'),
  unpack,
};

/**
 * Compiles and instantiates the SIMD build, or where it cannot load the scalar
 * one (both when options.scalar asks), each on its own: one that fails leaves the
 * other usable, and 'auto' falls back to the best that loaded, then to js (with
 * one warning). Where shared memory and more than one core exist (and options.threads
 * is not 1), the threaded build takes the SIMD build's place and the engine gets a pool of
 * threads (docs/threads.md), started when a fit first needs it. Resolves whatever happened.
 * Calls add up: a later call loads what it asks for that is not loaded yet (the scalar
 * build, or a build that failed, from a different source); a build that loaded stays,
 * whatever source a later call names; concurrent calls share each compile. Everything
 * after it is synchronous.
 */
export function ready(options: ReadyOptions = {}): Promise<void> {
  return loadBuilds(options, embedded);
}
