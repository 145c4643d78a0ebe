// Error classes that are part of the public API: callers can catch them by type.

/** Training stopped because the loss or gradient stopped being finite. */
export class DivergenceError extends Error {
  override name = 'DivergenceError';
  constructor(message: string, public readonly epoch: number) {
    super(message);
  }
}

/** An argument failed validation; the message names the argument, position and value. */
export class ValidationError extends RangeError {
  override name = 'ValidationError';
}

/** A model was used after dispose(). */
export class DisposedError extends Error {
  override name = 'DisposedError';
}
