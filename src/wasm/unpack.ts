// Unpacking an embedded build: base64 text of gzipped WASM (scripts/embed-wasm.mjs).

/** The bytes of an embedded build. */
export async function unpack(base64: string): Promise<Uint8Array> {
  return gunzip(decodeBase64(base64));
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
