// The files the command writes (train's --out, --plot and --plot-path, predict's --out, export's
// --onnx, bench's --out folder): checked before any work starts, so a long training is not lost to a bad path,
// and their folders made one component at a time. Node 20's mkdir({ recursive: true }) never
// returns for some paths (ENOENT under /proc), so it is not used.
import { accessSync, closeSync, constants, mkdirSync, openSync, statSync, unlinkSync, writeFileSync, type Stats } from 'node:fs';
import { dirname } from 'node:path';
import { CliError } from './errors.js';

/** Makes the folder dir and its missing parents; any failure is a CliError naming file (the path the user gave). */
export function makeDirectory(dir: string, file = dir): void {
  const missing: string[] = [];
  for (let d = dir; ; d = dirname(d)) {
    const st = stat(d, file);
    if (st) {
      if (!st.isDirectory()) throw cannotWrite(file, `'${d}' is not a directory`);
      break;
    }
    if (dirname(d) === d) throw cannotWrite(file, `'${d}' does not exist`);
    missing.push(d);
  }
  for (const d of missing.reverse()) {
    try {
      mkdirSync(d);
    } catch (err) {
      if (code(err) !== 'EEXIST') throw cannotWrite(file, `cannot create directory '${d}': ${reason(err)}`);
    }
  }
}

/**
 * Checks that file can be written, before the work that produces it: makes its folder and
 * opens the file for appending (which changes nothing in an existing file), removing it again
 * if it did not exist. Any failure is a CliError naming file.
 */
export function checkOutputFile(file: string): void {
  makeDirectory(dirname(file), file);
  const st = stat(file, file);
  if (st?.isDirectory()) throw cannotWrite(file, 'it is a directory');
  try {
    // A device or pipe (/dev/null, /dev/stdout) is only checked for permission: opening a pipe may block.
    if (st && !st.isFile()) accessSync(file, constants.W_OK);
    else closeSync(openSync(file, 'a'));
  } catch (err) {
    throw cannotWrite(file, reason(err));
  }
  if (!st) unlinkSync(file);
}

/** Writes text (or bytes) to file, making its folder first; any failure is a CliError naming file. */
export function writeOutputFile(file: string, text: string | Uint8Array): void {
  makeDirectory(dirname(file), file);
  try {
    writeFileSync(file, text);
  } catch (err) {
    throw cannotWrite(file, code(err) === 'EISDIR' ? 'it is a directory' : reason(err));
  }
}

// path's stats, or null if it does not exist (or a parent is a file: the walk up finds that parent).
function stat(path: string, file: string): Stats | null {
  try {
    return statSync(path);
  } catch (err) {
    if (code(err) === 'ENOENT' || code(err) === 'ENOTDIR') return null;
    throw cannotWrite(file, reason(err));
  }
}

function cannotWrite(file: string, why: string): CliError {
  return new CliError(`cannot write '${file}': ${why}`);
}

const code = (err: unknown) => (err as NodeJS.ErrnoException).code;

// Node's "EACCES: permission denied, open 'x'" without the code and the call: "permission denied".
function reason(err: unknown): string {
  return (err as Error).message.replace(/^[A-Z]+: /, '').replace(/, \w+ '.*'$/, '');
}
