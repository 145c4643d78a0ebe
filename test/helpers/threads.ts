// Counting what the thread pool's workers were given, so a test of threads fails if a call
// silently ran on one thread.
import fc from 'fast-check';
import { expect, vi } from 'vitest';
import { getRuntime } from '../../src/wasm/runtime.js';
import { EngineError, type FitOptions } from '../../src/index.js';
import type { Task } from '../../src/threads/pool.js';

/** Counts the trainEpoch calls the pool's workers were given while f runs. */
export async function workerCalls<T>(f: () => T | Promise<T>): Promise<{ result: T; calls: number }> {
  const pool = getRuntime(true)!.threaded!.pool();
  const start = vi.spyOn(pool, 'start');
  try {
    const result = await f();
    return { result, calls: start.mock.calls.filter(([, t]) => (t as Task).fn === 'trainEpoch').length };
  } finally {
    start.mockRestore();
  }
}

/** The optimizers the bit-identity property tests draw from: every family, with and without momentum or decay. */
export const THREAD_TEST_OPTIMIZERS: FitOptions['optimizer'][] = [
  'sgd', { name: 'sgd', momentum: 0.9, nesterov: true }, 'adam', { name: 'adamw', weightDecay: 0.01 }, 'rmsprop', 'adagrad',
];

/**
 * A random fit for the 1-vs-2-thread property tests: a model type and an optimizer by index
 * (below types and optimizers), a batch size (one of batches, or 2 to 300), shuffle, epochs,
 * seed, penalties, row weights and a validation split.
 */
export function fitCaseArb(types: number, optimizers: number, batches: readonly (number | 'full')[]) {
  return fc.record({
    type: fc.integer({ min: 0, max: types - 1 }),
    optimizer: fc.integer({ min: 0, max: optimizers - 1 }),
    shuffle: fc.boolean(),
    batchSize: fc.oneof(fc.constantFrom(...batches), fc.integer({ min: 2, max: 300 })),
    epochs: fc.integer({ min: 1, max: 3 }),
    seed: fc.integer({ min: 0, max: 1000 }),
    l2: fc.constantFrom(0, 1e-3),
    l1: fc.constantFrom(0, 1e-4),
    weighted: fc.boolean(),
    validationFraction: fc.constantFrom(undefined, 0.2),
  });
}
export type FitCase = ReturnType<typeof fitCaseArb> extends fc.Arbitrary<infer T> ? T : never;

/** The EngineError of a fault on a worker: its cause named, the instance rebuilt and every model restored. */
export function expectWorkerFault(err: unknown, cause: string): void {
  expect(err).toBeInstanceOf(EngineError);
  expect((err as Error).message).toBe(
    `engine 'wasm-simd' failed inside WebAssembly (${cause}); its instance was rebuilt and every model on it restored to its state before the call`,
  );
}
