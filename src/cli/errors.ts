// The command's failures: a one-line message for stderr and an exit code.

/** A failure the command reports in one line (exit code 1: the data, the model file or training). */
export class CliError extends Error {
  override name = 'CliError';
  constructor(message: string, readonly exitCode = 1) {
    super(message);
  }
}

/** A mistake in the command line itself: unknown command or option, a missing or malformed value (exit code 2). */
export class UsageError extends CliError {
  override name = 'UsageError';
  constructor(message: string) {
    super(message, 2);
  }
}
