// Error messages are part of the API: tests assert the class and the whole text.
import { expect } from 'vitest';

/** Runs fn, expects it to throw an instance of type with exactly this message, and returns the error. */
export function expectThrows(fn: () => unknown, type: new (...args: never[]) => Error, message: string): unknown {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(type);
  expect((caught as Error).message).toBe(message);
  return caught;
}
