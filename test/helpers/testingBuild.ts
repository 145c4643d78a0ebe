// The testing build (assembly/testing.ts: the shipped exports plus each kernel on its own),
// for kernel tests and the dev benchmarks, instantiated once per kind from build/ (written
// by `npm run build`). Node only: it reads the file.
import { readFileSync } from 'node:fs';
import { WasmRuntime, wasmImports, type WasmExports } from '../../src/wasm/runtime.js';

/** The exports only the testing build has. */
export interface TestingExports extends WasmExports {
  dot(aPtr: number, bPtr: number, n: number): number;
  axpy(alpha: number, xPtr: number, yPtr: number, n: number): void;
  sigmoid(z: number): number;
  rowLoss(kind: number, z: number, y: number): number;
  rowLossGrad(kind: number, z: number, y: number): number;
  drawBelow(statePtr: number, n: number, outPtr: number, count: number): void;
  peakFlops(iterations: number): number;
  expNegLanes(inPtr: number, outPtr: number): void;
  log1pUnitLanes(inPtr: number, outPtr: number): void;
  denseForward(xPtr: number, rows: number, inputs: number, wPtr: number, bPtr: number, outputs: number, outPtr: number): void;
  denseBackwardInput(deltaPtr: number, rows: number, outputs: number, wPtr: number, inputs: number, outPtr: number): void;
  denseBackwardWeights(
    xPtr: number, deltaPtr: number, rows: number, inputs: number, outputs: number, gradWPtr: number, gradBPtr: number,
  ): void;
  activationForward(kind: number, ptr: number, n: number, tailPtr: number): void;
  activationBackward(kind: number, aPtr: number, deltaPtr: number, n: number, tailPtr: number): void;
  softmaxCrossEntropy(zPtr: number, rows: number, classes: number, labelsPtr: number, swPtr: number, gradPtr: number): number;
  lossRows(
    kind: number, zPtr: number, yPtr: number, swPtr: number, rows: number, outputs: number, deltaPtr: number, tailPtr: number,
  ): number;
}

/** A runtime over the testing build: its exports are typed with the kernels. */
export type TestingRuntime = WasmRuntime & { readonly exports: TestingExports; readonly unguarded: TestingExports };

const runtimes = new Map<boolean, TestingRuntime>();

/** The testing build of one kind (SIMD or scalar), instantiated on first use. */
export function testingRuntime(simd: boolean): TestingRuntime {
  let rt = runtimes.get(simd);
  if (!rt) {
    const file = new URL(`../../build/steepest.testing.${simd ? 'simd' : 'scalar'}.wasm`, import.meta.url);
    const module = new WebAssembly.Module(readFileSync(file));
    rt = new WasmRuntime(module, new WebAssembly.Instance(module, wasmImports), simd) as TestingRuntime;
    runtimes.set(simd, rt);
  }
  return rt;
}
