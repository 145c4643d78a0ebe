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
