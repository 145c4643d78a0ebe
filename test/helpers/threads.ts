// Counting what the thread pool's workers were given, so a test of threads fails if a call
// silently ran on one thread.
import { vi } from 'vitest';
import { getRuntime } from '../../src/wasm/runtime.js';
import type { FitOptions } from '../../src/index.js';
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
