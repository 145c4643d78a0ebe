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
export { alloc, free } from './heap';

/** For tests: the last step's squared gradient norm and largest parameter change. */
export { lastGradNormSq, lastMaxChange } from './optimizers';

/**
 * Test hook: traps with an access past the end of memory, as a kernel with a bad pointer would
 * (src/wasm/runtime.ts rebuilds the instance). Not `unreachable`: inside alloc that trap means
 * out of memory, which needs no rebuild.
 */
export function forceTrap(): void {
  store<u32>(<usize>0xfffffffc, 0, 16); // effective address 2^32 + 12: past any wasm32 memory
}
