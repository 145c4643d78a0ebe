// Text to a CSR matrix of hashed word (and word n-gram) counts, the same indices and values
// as scikit-learn's HashingVectorizer with the corresponding parameters (analyzer 'word',
// its default token pattern, float64 output). Stateless: nothing to fit, nothing to store
// but the options, and new words never need a vocabulary update (Weinberger et al. 2009).
import { ValidationError } from '../errors.js';
import type { CSR } from '../data/csr.js';
import { knownKeys, optionsObject, show } from '../validate.js';
import { murmurhash3 } from './murmurhash3.js';

/** HashingVectorizer's options (scikit-learn's n_features, ngram_range, alternate_sign, norm, lowercase). */
export interface HashingVectorizerOptions {
  /** Columns of the output; a token's column is |hash| mod features. Default 2**20. */
  features?: number;
  /** [min, max]: word n-grams of these lengths, joined by one space. Default [1, 1] (single words). */
  ngramRange?: readonly [number, number];
  /** Add a token as -1 when its hash is negative, so collisions tend to cancel instead of pile up. Default true. */
  alternateSign?: boolean;
  /** Scale each row to unit L1 or L2 norm (rows of zeros stay as they are), or null to keep the counts. Default 'l2'. */
  norm?: 'l1' | 'l2' | null;
  /** Lowercase the text before finding tokens. Default true. */
  lowercase?: boolean;
}

const OPTIONS = ['features', 'ngramRange', 'alternateSign', 'norm', 'lowercase'] as const;

// scikit-learn's default token_pattern r"(?u)\b\w\w+\b": runs of two or more word characters.
// Python's \w is str.isalnum() or '_', which is exactly letters (L*) and numbers (N*) plus '_'
// for every code point Python's Unicode database assigns (checked over all of them against
// Python 3.11, Unicode 14); combining marks (M*) are not word characters there either.
// JavaScript's \b is ASCII-only, so the boundaries come from taking maximal runs instead.
/** The token pattern: global, so match() returns every token. */
export const TOKEN_PATTERN = /[\p{L}\p{N}_]{2,}/gu;

/** Hashes documents' words into a fixed number of columns, as scikit-learn's HashingVectorizer. */
export class HashingVectorizer {
  /** The options in use, defaults filled in. */
  readonly options: Readonly<Required<HashingVectorizerOptions>>;

  constructor(options: HashingVectorizerOptions = {}) {
    const o = optionsObject('options', options);
    knownKeys('HashingVectorizer option', o, OPTIONS);
    const features = o.features ?? 2 ** 20;
    if (typeof features !== 'number' || !Number.isInteger(features) || features < 1 || features > 2 ** 31 - 1) {
      throw new ValidationError(`features must be an integer from 1 to 2147483647, got ${show(features)}`);
    }
    const range = o.ngramRange ?? [1, 1];
    if (!Array.isArray(range) || range.length !== 2 || !range.every((n) => Number.isInteger(n) && n >= 1) || range[0] > range[1]) {
      throw new ValidationError(`ngramRange must be [min, max] with integers 1 <= min <= max, got ${show(range)}`);
    }
    for (const key of ['alternateSign', 'lowercase'] as const) {
      if (o[key] !== undefined && typeof o[key] !== 'boolean') throw new ValidationError(`${key} must be true or false, got ${show(o[key])}`);
    }
    const norm = o.norm === undefined ? 'l2' : o.norm;
    if (norm !== 'l1' && norm !== 'l2' && norm !== null) throw new ValidationError(`norm must be 'l1', 'l2' or null, got ${show(norm)}`);
    this.options = Object.freeze({
      features, ngramRange: Object.freeze([range[0], range[1]] as const), norm,
      alternateSign: (o.alternateSign ?? true) as boolean, lowercase: (o.lowercase ?? true) as boolean,
    });
  }

  /**
   * One row per text: column |h| mod features of each token's MurmurHash3 h (of its UTF-8
   * bytes, seed 0) gets +1 (or -1 where h < 0 and alternateSign), repeated columns add,
   * then the row is normalized. Indices are sorted within each row; a column whose signs
   * cancelled stays stored as an explicit 0, as in scikit-learn. data is float64.
   */
  transform(texts: readonly string[]): CSR {
    if (!Array.isArray(texts)) throw new ValidationError(`texts must be an array of strings, got ${show(texts)}`);
    texts.forEach((t, i) => {
      if (typeof t !== 'string') throw new ValidationError(`texts[${i}] must be a string, got ${show(t)}`);
    });
    const { features, ngramRange: [minN, maxN], alternateSign, norm, lowercase } = this.options;
    const indptr = new Int32Array(texts.length + 1);
    const indices: number[] = [];
    const data: number[] = [];
    let keys = new Float64Array(64);
    for (let r = 0; r < texts.length; r++) {
      const words = (lowercase ? texts[r].toLowerCase() : texts[r]).match(TOKEN_PATTERN) ?? [];
      // Each token as column * 2 + (1 for +1, 0 for -1): one numeric sort groups a column's tokens.
      let count = 0;
      for (let n = minN; n <= maxN; n++) {
        for (let i = 0; i + n <= words.length; i++) {
          const h = murmurhash3(n === 1 ? words[i] : words.slice(i, i + n).join(' '));
          if (count === keys.length) {
            const grown = new Float64Array(2 * count);
            grown.set(keys);
            keys = grown;
          }
          keys[count++] = (Math.abs(h) % features) * 2 + (alternateSign && h < 0 ? 0 : 1);
        }
      }
      const sorted = keys.subarray(0, count).sort();
      const start = data.length;
      for (let k = 0; k < count; ) {
        const column = Math.floor(sorted[k] / 2);
        let sum = 0;
        for (; k < count && Math.floor(sorted[k] / 2) === column; k++) sum += sorted[k] % 2 === 1 ? 1 : -1;
        indices.push(column);
        data.push(sum);
      }
      if (norm !== null) normalizeRow(data, start, norm);
      indptr[r + 1] = data.length;
    }
    return { shape: [texts.length, features], indptr, indices: Int32Array.from(indices), data: Float64Array.from(data) };
  }
}

// scikit-learn's inplace_csr_row_normalize_l1/l2, in the same order of operations, so the
// float64 results are bit for bit theirs.
function normalizeRow(data: number[], start: number, norm: 'l1' | 'l2'): void {
  let sum = 0;
  for (let j = start; j < data.length; j++) sum += norm === 'l1' ? Math.abs(data[j]) : data[j] * data[j];
  if (sum === 0) return;
  const scale = norm === 'l1' ? sum : Math.sqrt(sum);
  for (let j = start; j < data.length; j++) data[j] /= scale;
}
