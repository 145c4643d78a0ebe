// ready(): the runtime's loader with the package's own builds to fall back on. They are
// embedded as gzipped base64 (src/wasm/{simd,scalar}Binary.ts, from scripts/embed-wasm.mjs),
// the scalar one behind an import() that only runs where it is needed. Kept apart from
// runtime.ts so a training worker, which is handed compiled modules, carries neither.
import { WASM_GZIP_BASE64 as SIMD_BUILD } from './simdBinary.js';
import { loadBuilds, type EmbeddedBuilds, type ReadyOptions } from './runtime.js';

const embedded: EmbeddedBuilds = {
  simd: async () => gunzip(decodeBase64(SIMD_BUILD)),
  scalar: async () => gunzip(decodeBase64((await import('./scalarBinary.js')).WASM_GZIP_BASE64)),
};

/**
 * Compiles and instantiates the SIMD build, or where it cannot load the scalar
 * one (both when options.scalar asks), each on its own: one that fails leaves the
 * other usable, and 'auto' falls back to the best that loaded, then to js (with
 * one warning). Resolves whatever happened. Calls add up: a later call loads what it
 * asks for that is not loaded yet (the scalar build, or a build that failed, from a
 * different source); a build that loaded stays, whatever source a later call names;
 * concurrent calls share each compile. Everything after it is synchronous.
 */
export function ready(options: ReadyOptions = {}): Promise<void> {
  return loadBuilds(options, embedded);
}

function decodeBase64(s: string): Uint8Array {
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

async function gunzip(bytes: Uint8Array): Promise<Uint8Array> {
  if (typeof DecompressionStream !== 'function') {
    throw new Error('this runtime has no DecompressionStream to unpack the embedded build: pass ready() the .wasm files (steepest/steepest.simd.wasm) as bytes or URLs');
  }
  // Read by hand rather than through Response: Node's Response compiles a WebAssembly module of its own.
  const reader = new Blob([bytes as BlobPart]).stream().pipeThrough(new DecompressionStream('gzip')).getReader();
  const chunks: Uint8Array[] = [];
  let length = 0;
  for (let r = await reader.read(); !r.done; r = await reader.read()) {
    chunks.push(r.value);
    length += r.value.length;
  }
  const out = new Uint8Array(length);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
