// Case `hashing`: HashingVectorizer.transform's throughput in tokens per second (issue 18's
// target: at least 1 million), beside its parts: finding the tokens alone (lowercase and
// the token regex: the floor any tokenizer-based hasher pays) and hashing alone. The text
// is synthetic, from the seeded PRNG: words drawn from a Zipf-like vocabulary (English-like
// ASCII words, and Cyrillic ones for 2-byte UTF-8), about 100 words per document.
import { HashingVectorizer, TOKEN_PATTERN as TOKEN } from '../src/preprocess/HashingVectorizer.js';
import { murmurhash3 } from '../src/preprocess/murmurhash3.js';
import { below, seedState, uniform, type RngState } from '../src/reference/random.js';
import { check, measure, perSecond, printTable, sig, writeResult, type BenchOptions, type MeasureOptions } from '../src/bench/harness.js';

const VOCABULARY = 20_000;
const WORDS_PER_DOC = 100;

/** A word of 2-10 letters from alphabet, first letter capitalized sometimes (so lowercasing has work). */
function word(rng: RngState, alphabet: string): string {
  const n = 2 + below(rng, 9);
  let w = '';
  for (let i = 0; i < n; i++) w += alphabet[below(rng, alphabet.length)];
  return uniform(rng) < 0.1 ? w[0].toUpperCase() + w.slice(1) : w;
}

/** docs texts of WORDS_PER_DOC words each, word k drawn with probability proportional to 1/(k+1), with punctuation. */
function corpus(docs: number, alphabet: string, seed: number): string[] {
  const rng = seedState(seed);
  const vocab = Array.from({ length: VOCABULARY }, () => word(rng, alphabet));
  // Inverse CDF of the Zipf weights, sampled by binary search.
  const cdf = new Float64Array(VOCABULARY);
  for (let k = 0, s = 0; k < VOCABULARY; k++) cdf[k] = s += 1 / (k + 1);
  const pick = () => {
    const u = uniform(rng) * cdf[VOCABULARY - 1];
    let lo = 0;
    let hi = VOCABULARY - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid] < u) lo = mid + 1;
      else hi = mid;
    }
    return vocab[lo];
  };
  return Array.from({ length: docs }, () => Array.from({ length: WORDS_PER_DOC }, (_, i) => pick() + (i % 12 === 11 ? '.' : '')).join(' '));
}

interface HashingRow {
  text: string;
  step: string;
  tokens: number;
  ms: number;
  tokensPerSecond: number;
}

/** Runs the case: prints the table, writes bench/results/hashing.json. */
export async function run(options: BenchOptions): Promise<void> {
  const docs = options.rows ?? (options.quick ? 1_000 : 10_000);
  const timing: MeasureOptions = options.quick ? { warmup: 1, samples: 5 } : { warmup: 2, warmupMs: 200, samples: 11 };
  const rows: HashingRow[] = [];
  for (const [text, alphabet, seed] of [['ascii', 'abcdefghijklmnopqrstuvwxyz', 1], ['cyrillic', 'абвгдежзийклмнопрстуфхцчшщыьэюя', 2]] as const) {
    const texts = corpus(docs, alphabet, seed);
    const words = texts.map((t) => t.toLowerCase().match(TOKEN) ?? []);
    const unigrams = words.reduce((n, w) => n + w.length, 0);
    check(unigrams === docs * WORDS_PER_DOC, `hashing ${text}: found ${unigrams} tokens, expected ${docs * WORDS_PER_DOC}`);
    const flat = words.flat();
    // Counting check: unnormalized, unsigned, every token adds exactly 1 somewhere.
    let counted = 0;
    for (const v of new HashingVectorizer({ norm: null, alternateSign: false }).transform(texts).data) counted += v;
    check(counted === unigrams, `hashing ${text}: transform counted ${counted} tokens, expected ${unigrams}`);
    const add = (step: string, tokens: number, fn: () => number) => {
      const stats = measure(fn, timing);
      check(Number.isFinite(stats.median) && stats.median > 0, `hashing ${text} ${step}: time ${stats.median}`);
      rows.push({ text, step, tokens, ms: stats.median, tokensPerSecond: tokens / (stats.median / 1000) });
    };
    add('tokenize only', unigrams, () => texts.reduce((n, t) => n + (t.toLowerCase().match(TOKEN)?.length ?? 0), 0));
    add('murmurhash3 only', unigrams, () => flat.reduce((h, w) => h ^ murmurhash3(w), 0));
    add('transform [1, 1]', unigrams, () => new HashingVectorizer().transform(texts).data.length);
    // Bigrams hash about twice the tokens; counted as hashed tokens (words + word pairs).
    add('transform [1, 2]', unigrams + words.reduce((n, w) => n + Math.max(0, w.length - 1), 0),
      () => new HashingVectorizer({ ngramRange: [1, 2] }).transform(texts).data.length);
  }
  printTable(
    `hashing: HashingVectorizer over ${docs} documents of ${WORDS_PER_DOC} words, median of ${timing.samples}${options.quick ? ' [quick]' : ''}`,
    [{ title: 'text', left: true }, { title: 'step', left: true }, { title: 'tokens' }, { title: 'ms' }, { title: 'tokens/s' }],
    rows.map((r) => [r.text, r.step, String(r.tokens), sig(r.ms), perSecond(r.tokensPerSecond)]),
    [
      'tokens: words found (for [1, 2], words plus word pairs, each hashed once). Target (issue 18): transform at 1 M tokens/s or more.',
      'tokenize only is lowercase + the token regex, a floor for transform; murmurhash3 only hashes the words already found.',
    ],
  );
  const path = writeResult('hashing', options, { docs, wordsPerDoc: WORDS_PER_DOC, vocabulary: VOCABULARY, timing, rows });
  if (path) console.log(`wrote ${path}`);
}
