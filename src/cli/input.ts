// The inputs the command reads besides a CSV of columns: svmlight / libsvm files (sparse
// rows `label index:value ...`) and a CSV text column hashed into word counts
// (HashingVectorizer, --text), both as CSR rows. How a model's input was made is stored in its file
// (training.input), so predict and eval read new data the same way.
import { readFile } from 'node:fs/promises';
import { readSvmlight } from '../datasets/svmlight.js';
import { HashingVectorizer, type HashingVectorizerOptions } from '../preprocess/HashingVectorizer.js';
import type { CSR } from '../data/csr.js';
import { CliError, UsageError } from './errors.js';

/** How a model's input is read: svmlight rows, or one hashed text column of a CSV. */
export type InputSpec =
  | { format: 'svmlight'; zeroBased: boolean }
  | { format: 'text'; column: string; target: string; hashing: Required<HashingVectorizerOptions> };

/** The data's format: --format, else the file's extension (.svm, .svmlight, .libsvm: svmlight), else CSV. */
export function dataFormat(path: string, flag: string | undefined): 'csv' | 'svmlight' {
  if (flag !== undefined) {
    if (flag !== 'csv' && flag !== 'svmlight') throw new UsageError(`--format must be csv or svmlight, got '${flag}'`);
    return flag;
  }
  return /\.(svm|svmlight|libsvm)$/i.test(path) ? 'svmlight' : 'csv';
}

/** A whole svmlight file; features: the model's width (an index past it is an error), or from the file. */
export async function readSvmlightFile(path: string, o: { zeroBased: boolean; features?: number }): Promise<{ X: CSR; y: Float64Array }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new CliError(`cannot read '${path}': ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (err as Error).message}`);
  }
  const data = readSvmlight(text, { zeroBased: o.zeroBased, name: path, ...(o.features ? { features: o.features } : {}) });
  if (data.y.length === 0) throw new CliError(`${path} has no rows`);
  return data;
}

/** The hashing options of --hash-features, --ngram and --no-alternate-sign, checked. */
export function hashingOptions(features: number | undefined, ngram: string | undefined, alternateSign: boolean): Required<HashingVectorizerOptions> {
  let range: [number, number] = [1, 1];
  if (ngram !== undefined) {
    const parts = ngram.split(',').map((s) => Number(s.trim()));
    if (parts.length > 2 || parts.some((n) => !Number.isInteger(n) || n < 1) || (parts.length === 2 && parts[1] < parts[0])) {
      throw new UsageError(`--ngram must be N or MIN,MAX (word n-gram lengths, e.g. 1,2), got '${ngram}'`);
    }
    range = [parts[0], parts[parts.length - 1]];
  }
  return { ...new HashingVectorizer({ features: features ?? 2 ** 20, ngramRange: range, alternateSign }).options, ngramRange: range };
}

/** The text column hashed as the model's input. */
export function hashTexts(texts: readonly string[], hashing: Required<HashingVectorizerOptions>): CSR {
  return new HashingVectorizer(hashing).transform(texts);
}

/** The input spec a model file stores in training.input, or null (a model of CSV columns). */
export function inputSpecOf(json: unknown): InputSpec | null {
  const input = (json as { training?: { input?: InputSpec } } | null)?.training?.input;
  return input && (input.format === 'svmlight' || input.format === 'text') ? input : null;
}
