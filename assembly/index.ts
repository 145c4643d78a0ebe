// The module's exports. Only numbers cross: sizes, byte offsets, hyperparameters.
export { dot } from './kernels/dot';
export { axpy } from './kernels/axpy';
export { sigmoid } from './kernels/sigmoid';
export { rowLoss, rowLossGrad } from './kernels/losses';
export { drawBelow } from './random';
export { planScatter, scatterRows, permuteBuckets } from './shuffle';
export { step } from './optimizers';
export { trainEpoch, predictLogits } from './train';
export { readSequential, readRows, peakFlops } from './bounds';
export { findNonFinite, gatherRows } from './data';
export { expNegLanes, log1pUnitLanes } from './kernels/vmath';
export { denseForward, denseBackwardInput, denseBackwardWeights } from './kernels/dense';
export { activationForward, activationBackward } from './kernels/activations';
export { softmaxCrossEntropy } from './kernels/softmax';
export { lossRows } from './kernels/losses';
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
