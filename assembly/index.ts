// The module's exports: what the engines call, each with at most 6 arguments. Only
// numbers cross: byte addresses of descriptor blocks (assembly/abi.ts), ranges, sizes.
// src/wasm/runtime.ts lists the same names and arities (WASM_EXPORTS; test/wasm/abi.test.ts
// compares them with this build). Kernel tests and the dev benchmarks use
// assembly/testing.ts, a build that also exports the kernels on their own (not shipped:
// every export costs the embedded build bytes, and a kernel that is only called
// internally can be inlined).
export { trainEpoch } from './train';
export { predict, networkGradient } from './network';
export { planScatter, scatterRows, permuteBuckets } from './shuffle';
export { readSequential, readRows } from './bounds';
export { findNonFinite, gatherRows } from './data';

/** Allocates size bytes (16-byte aligned) from the module's heap; may grow memory. */
export function alloc(size: usize): usize {
  return heap.alloc(size);
}

/** Returns a block from alloc to the heap. */
export function free(ptr: usize): void {
  heap.free(ptr);
}

/** Test hook: traps, as a bug inside a kernel would (src/wasm/runtime.ts rebuilds the instance). */
export function forceTrap(): void {
  unreachable();
}
