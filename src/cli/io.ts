// The streams a command uses, passed in so the command never reaches for globals.
import type { Readable, Writable } from 'node:stream';

/** Standard streams of one run of the command. */
export interface IO {
  stdin: Readable;
  stdout: Writable & { isTTY?: boolean };
  stderr: Writable;
}

/** Writes a line to a stream. */
export function say(out: Writable, text = ''): void {
  out.write(`${text}\n`);
}

/**
 * Makes a closed output pipe (`steepest ... | head -1`) end the command's output quietly: the
 * EPIPE error is ignored and later writes are dropped (the stream is destroyed), while the
 * command finishes its work (files it writes) and exits with its own code. Other errors stay fatal.
 */
export function quietOnClosedPipe(out: Writable): void {
  out.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
  });
}
