// The module's exports: what the engines call, each with at most 6 arguments. Only
// numbers cross: byte addresses of descriptor blocks (src/wasm/abi.ts), ranges, sizes.
// src/wasm/runtime.ts lists the same names and arities (WASM_EXPORTS; test/wasm/abi.test.ts
// compares them with this build). Kernel tests and the dev benchmarks use
// assembly/testing.ts, a build that also exports the kernels on their own (not shipped:
// every export costs the embedded build bytes, and a kernel that is only called
// internally can be inlined).
export { trainEpoch } from './train';
export { teamServe } from './team';
export { predict, networkGradient } from './network';
export { planScatter, scatterRows, permuteBuckets, arrangeSparse } from './shuffle';
export { readSequential, readRows } from './bounds';
export { findNonFinite, gatherRows, checkSparse } from './data';
export { alloc, free } from './heap';

/**
 * Test hook: traps with an access past the end of memory, as a kernel with a bad pointer would
 * (src/wasm/runtime.ts rebuilds the instance). Not `unreachable`: inside alloc that trap means
 * out of memory, which needs no rebuild.
 */
export function forceTrap(): void {
  store<u32>(<usize>0xfffffffc, 0, 16); // effective address 2^32 + 12: past any wasm32 memory
}
