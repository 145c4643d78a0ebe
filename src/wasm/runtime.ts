// Compiles and instantiates the WASM builds once, and hands out typed-array
// views of their memory that are re-derived whenever the memory has grown
// (growth detaches every old view). Views never leave src/: callers get copies.
import { SCALAR_WASM_BASE64, SIMD_WASM_BASE64 } from './binaries.js';

/** The module's exports (assembly/index.ts). Pointers are byte offsets. */
export interface WasmExports {
  memory: WebAssembly.Memory;
  alloc(size: number): number;
  free(ptr: number): void;
  dot(aPtr: number, bPtr: number, n: number): number;
  axpy(alpha: number, xPtr: number, yPtr: number, n: number): void;
  sigmoid(z: number): number;
  rowLoss(kind: number, z: number, y: number): number;
  rowLossGrad(kind: number, z: number, y: number): number;
  drawBelow(statePtr: number, n: number, outPtr: number, count: number): void;
  planScatter(statePtr: number, idsPtr: number, startsPtr: number, cursorsPtr: number, rows: number, buckets: number): void;
  scatterRows(
    srcXPtr: number, srcYPtr: number, srcSwPtr: number, orderPtr: number, idsPtr: number, cursorsPtr: number,
    dstXPtr: number, dstYPtr: number, dstSwPtr: number, from: number, to: number, cols: number,
  ): void;
  permuteBuckets(statePtr: number, orderPtr: number, startsPtr: number, buckets: number): void;
  step(optPtr: number, paramsPtr: number, gradPtr: number, slotsPtr: number, n: number, lr: number): void;
  trainEpoch(
    lossKind: number, xPtr: number, yPtr: number, swPtr: number, orderPtr: number, rows: number, cols: number,
    batchSize: number, firstBatch: number, lastBatch: number,
    paramsPtr: number, gradPtr: number, gradSumPtr: number, nParams: number, slotsPtr: number, optPtr: number,
    lrsPtr: number, l1: number, l2: number, statsPtr: number,
    startsPtr: number, buckets: number, idsPtr: number, cursorsPtr: number, nextXPtr: number, nextYPtr: number,
    nextSwPtr: number,
  ): void;
  expNegLanes(inPtr: number, outPtr: number): void;
  log1pUnitLanes(inPtr: number, outPtr: number): void;
  predictLogits(xPtr: number, rows: number, cols: number, paramsPtr: number, outPtr: number): void;
  readSequential(xPtr: number, n: number): number;
  readRows(xPtr: number, orderPtr: number, rows: number, cols: number): number;
  denseForward(xPtr: number, rows: number, inputs: number, wPtr: number, bPtr: number, outputs: number, outPtr: number): void;
  denseBackwardInput(deltaPtr: number, rows: number, outputs: number, wPtr: number, inputs: number, outPtr: number): void;
  denseBackwardWeights(
    xPtr: number, deltaPtr: number, rows: number, inputs: number, outputs: number, gradWPtr: number, gradBPtr: number,
  ): void;
  activationForward(kind: number, ptr: number, n: number): void;
  activationBackward(kind: number, aPtr: number, deltaPtr: number, n: number): void;
  softmaxCrossEntropy(zPtr: number, rows: number, classes: number, labelsPtr: number, swPtr: number, gradPtr: number): number;
  lossRows(kind: number, zPtr: number, yPtr: number, swPtr: number, rows: number, outputs: number, deltaPtr: number): number;
  trainNetworkEpoch(
    descPtr: number, xPtr: number, yPtr: number, swPtr: number, orderPtr: number, rows: number,
    batchSize: number, firstBatch: number, lastBatch: number,
    paramsPtr: number, gradPtr: number, gradSumPtr: number, slotsPtr: number, optPtr: number,
    lrsPtr: number, l1: number, l2: number, statsPtr: number,
  ): void;
  networkGradient(
    descPtr: number, xPtr: number, yPtr: number, swPtr: number, rows: number, paramsPtr: number, gradPtr: number,
  ): number;
  predictNetwork(descPtr: number, xPtr: number, rows: number, paramsPtr: number, outPtr: number): void;
  lastGradNormSq: WebAssembly.Global;
  lastMaxChange: WebAssembly.Global;
}

/** One instantiated build with its memory views and allocator. */
export class WasmRuntime {
  private buffer: ArrayBuffer | null = null;
  private f32View = new Float32Array(0);
  private f64View = new Float64Array(0);
  private u32View = new Uint32Array(0);

  constructor(readonly exports: WasmExports, readonly simd: boolean) {}

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
    return this.exports.memory.buffer.byteLength;
  }

  /** Allocates bytes (16-byte aligned) inside WASM memory; may grow it. */
  alloc(bytes: number): number {
    let ptr: number;
    try {
      ptr = this.exports.alloc(Math.max(16, bytes)) >>> 0;
    } catch (err) {
      throw new RangeError(`out of WebAssembly memory allocating ${bytes} bytes`, { cause: err });
    }
    if (ptr === 0) throw new RangeError(`out of WebAssembly memory allocating ${bytes} bytes`);
    return ptr;
  }

  free(ptr: number): void {
    if (ptr !== 0) this.exports.free(ptr);
  }

  /** Copies values into f32 memory at ptr (converting from float64 if needed). */
  writeF32(ptr: number, values: ArrayLike<number>): void {
    this.f32.set(values, ptr >>> 2);
  }

  /** Copies n f32 values out of memory at ptr. */
  readF32(ptr: number, n: number): Float32Array {
    return this.f32.slice(ptr >>> 2, (ptr >>> 2) + n);
  }

  private refresh(): void {
    const buffer = this.exports.memory.buffer;
    if (buffer === this.buffer) return;
    this.buffer = buffer;
    this.f32View = new Float32Array(buffer);
    this.f64View = new Float64Array(buffer);
    this.u32View = new Uint32Array(buffer);
  }
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

let simdRuntime: WasmRuntime | null = null;
let scalarRuntime: WasmRuntime | null = null;
let pending: Promise<void> | null = null;
let loaded = false;

/**
 * Compiles and instantiates the WASM builds this runtime supports (SIMD where it
 * validates, scalar always). Idempotent; everything after it is synchronous.
 */
export function ready(): Promise<void> {
  pending ??= load().catch((err) => {
    pending = null; // allow a retry after a transient failure
    throw err;
  });
  return pending;
}

async function load(): Promise<void> {
  const support = detectSupport();
  if (!support.wasm) {
    loaded = true; // only the js engine is available
    return;
  }
  scalarRuntime = await instantiate(SCALAR_WASM_BASE64, false);
  if (support.simd) simdRuntime = await instantiate(SIMD_WASM_BASE64, true);
  loaded = true;
}

/** Whether ready() has finished. */
export function isReady(): boolean {
  return loaded;
}

async function instantiate(base64: string, simd: boolean): Promise<WasmRuntime> {
  const bytes = decodeBase64(base64);
  const imports = {
    env: {
      abort(_msg: number, _file: number, line: number, column: number): never {
        throw new Error(`steepest: WebAssembly abort at line ${line}, column ${column}`);
      },
    },
  };
  const module = await WebAssembly.compile(bytes as BufferSource);
  const instance = await WebAssembly.instantiate(module, imports);
  return new WasmRuntime(instance.exports as unknown as WasmExports, simd);
}

function decodeBase64(s: string): Uint8Array {
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** The instantiated build, or null if ready() has not finished or the runtime lacks it. */
export function getRuntime(simd: boolean): WasmRuntime | null {
  return simd ? simdRuntime : scalarRuntime;
}
