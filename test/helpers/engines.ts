// The engines every model test runs on, and the one-time WASM setup.
import { beforeAll } from 'vitest';
import { getRuntime, type WasmRuntime } from '../../src/wasm/runtime.js';
import { ready } from '../../src/wasm/ready.js';

/** Every engine, fastest first: model tests run on each (`describe.each(ENGINES)`). */
export const ENGINES = ['wasm-simd', 'wasm-scalar', 'js'] as const;
export type TestEngine = (typeof ENGINES)[number];

/** The WASM engines only, for WASM-specific tests (memory, kernels). */
export const WASM_ENGINES = ['wasm-simd', 'wasm-scalar'] as const;

/** The two WASM builds, for kernel tests that call exports directly. */
export const BUILDS = [
  { build: 'simd', simd: true },
  { build: 'scalar', simd: false },
] as const;

/** Registers a beforeAll that compiles the WASM builds (ready() is global and idempotent). */
export function useReady(): void {
  beforeAll(async () => {
    await ready({ scalar: true });
  });
}

/** The instantiated runtime of one build; throws if ready() has not run or the build is missing. */
export function runtime(simd: boolean): WasmRuntime {
  const rt = getRuntime(simd);
  if (!rt) throw new Error(`the ${simd ? 'SIMD' : 'scalar'} WASM build is not available (did ready() run?)`);
  return rt;
}

/** The runtime behind a WASM engine name. */
export function runtimeOf(engine: (typeof WASM_ENGINES)[number]): WasmRuntime {
  return runtime(engine === 'wasm-simd');
}
