// The module's exports: what the engines call. Only numbers cross: sizes, byte offsets,
// hyperparameters. Kernel tests and the dev benchmarks use assembly/testing.ts, a build
// that also exports the kernels on their own (not shipped: every export costs the
// embedded build bytes, and a kernel that is only called internally can be inlined).
export { planScatter, scatterRows, permuteBuckets } from './shuffle';
export { step } from './optimizers';
export { trainEpoch, predictLogits } from './train';
export { readSequential, readRows } from './bounds';
export { findNonFinite, gatherRows } from './data';
export { trainNetworkEpoch, networkGradient, predictNetwork } from './network';

/** Allocates size bytes (16-byte aligned) from the module's heap; may grow memory. */
export function alloc(size: usize): usize {
  return heap.alloc(size);
}

/** Returns a block from alloc to the heap. */
export function free(ptr: usize): void {
  heap.free(ptr);
}

/** For tests: the last step's squared gradient norm and largest parameter change. */
export { lastGradNormSq, lastMaxChange } from './optimizers';

/** Test hook: traps, as a bug inside a kernel would (src/wasm/runtime.ts rebuilds the instance). */
export function forceTrap(): void {
  unreachable();
}
