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

/** A WebAssembly engine cannot be used (its build did not load) or failed inside WebAssembly; `cause` holds the original. */
export class EngineError extends Error {
  override name = 'EngineError';
}

/** A call that changes a model was made while the model is training (from its own callback, or during fitAsync). */
export class BusyError extends Error {
  override name = 'BusyError';
}
