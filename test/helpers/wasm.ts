// Places test data in WASM memory for kernel tests that call exports directly.
import type { WasmRuntime } from '../../src/wasm/runtime.js';

/** Values written around each placed array: a kernel that reads them returns NaN, one that writes them is caught. Must be a multiple of 4. */
export const GUARD = 8;

/** Allocations in one runtime's memory, freed together. */
export class Scratch<R extends WasmRuntime = WasmRuntime> {
  private readonly ptrs: number[] = [];

  constructor(readonly rt: R) {}

  /**
   * Copies values into fresh f32 memory and returns the byte address of the first one.
   * misalign shifts the start that many bytes past alloc's 16-byte alignment; GUARD
   * NaN values sit on each side (so an out-of-range read poisons the result).
   */
  f32(values: ArrayLike<number>, misalign = 0, guardValue = NaN): number {
    const base = this.rt.alloc((values.length + 2 * GUARD) * 4 + 16);
    this.ptrs.push(base);
    // alloc promises 16-byte alignment; the "aligned" and "misaligned" cases rely on it.
    if (base % 16 !== 0) throw new Error(`alloc returned ${base}, which is not 16-byte aligned`);
    const ptr = base + GUARD * 4 + misalign; // GUARD * 4 = 32 bytes keeps the start 16-byte aligned before misalign
    const at = ptr >>> 2;
    const f32 = this.rt.f32;
    f32.fill(guardValue, at - GUARD, at);
    f32.set(values, at);
    f32.fill(guardValue, at + values.length, at + values.length + GUARD);
    return ptr;
  }

  /** Copies values into fresh u32 memory (16-byte aligned) and returns its byte address. */
  u32(values: ArrayLike<number>): number {
    const ptr = this.rt.alloc(Math.max(16, values.length * 4));
    this.ptrs.push(ptr);
    this.rt.u32.set(values, ptr >>> 2);
    return ptr;
  }

  /** n zeroed bytes, 16-byte aligned. */
  bytes(n: number): number {
    const ptr = this.rt.alloc(Math.max(16, n));
    this.ptrs.push(ptr);
    new Uint8Array(this.rt.exports.memory.buffer, ptr, Math.max(16, n)).fill(0);
    return ptr;
  }

  readF32(ptr: number, n: number): Float32Array {
    return this.rt.f32.slice(ptr >>> 2, (ptr >>> 2) + n);
  }

  readU32(ptr: number, n: number): Uint32Array {
    return this.rt.u32.slice(ptr >>> 2, (ptr >>> 2) + n);
  }

  /** The GUARD values just before and just after an array of n f32 values at ptr. */
  guards(ptr: number, n: number): Float32Array {
    const at = ptr >>> 2;
    const f32 = this.rt.f32;
    return Float32Array.from([...f32.subarray(at - GUARD, at), ...f32.subarray(at + n, at + n + GUARD)]);
  }

  free(): void {
    for (const p of this.ptrs.splice(0)) this.rt.free(p);
  }
}
