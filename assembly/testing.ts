// The testing build (build/steepest.testing.*.wasm, never shipped): the shipped exports and
// each kernel on its own, for the kernel tests and the dev benchmarks. The shipped build
// (assembly/index.ts) leaves these out: an export costs the embedded build bytes, and a
// kernel called only from inside can be inlined. Same source, same arithmetic: WebAssembly
// gives every instruction one result, so inlining cannot change a value.
export * from './index';
export { dot } from './kernels/dot';
export { axpy } from './kernels/axpy';
export { sigmoid } from './kernels/sigmoid';
export { rowLoss, rowLossGrad } from './kernels/losses';
export { drawBelow } from './random';
export { peakFlops } from './bounds';
export { expNegLanes, log1pUnitLanes } from './kernels/vmath';
export { denseForward, denseBackwardInput, denseBackwardWeights } from './kernels/dense';
export { activationForward, activationBackward } from './kernels/activations';
export { softmaxCrossEntropy } from './kernels/softmax';
export { lossRows } from './kernels/losses';

/** AssemblyScript's allocator without assembly/heap.ts's fix: the negative control of test/wasm/heap.test.ts. */
export function tlsfAlloc(size: usize): usize {
  return heap.alloc(size);
}
