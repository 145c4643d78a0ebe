// Validation splits and row weights, prepared in TS before data reaches an engine.
import { ValidationError } from '../errors.js';
import { below, type RngState } from '../reference/random.js';
import { show, toTargets } from '../validate.js';

/** Row indices of a seeded split: stratified by label when labels is given. */
export function splitIndices(
  rows: number, fraction: number, rng: RngState, labels: Float32Array | null,
): { train: Uint32Array; val: Uint32Array } {
  const groups = new Map<number, number[]>();
  for (let i = 0; i < rows; i++) {
    const key = labels ? labels[i] : 0;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = []));
    g.push(i);
  }
  const val: number[] = [];
  const train: number[] = [];
  for (const key of [...groups.keys()].sort((a, b) => a - b)) {
    const g = groups.get(key)!;
    for (let k = g.length; k > 1; k--) {
      const j = below(rng, k);
      [g[k - 1], g[j]] = [g[j], g[k - 1]];
    }
    const n = Math.round(g.length * fraction);
    val.push(...g.slice(0, n));
    train.push(...g.slice(n));
  }
  if (val.length === 0 || train.length === 0) {
    throw new ValidationError(`validationFraction ${fraction} of ${rows} rows leaves an empty training or validation set`);
  }
  return { train: Uint32Array.from(train.sort((a, b) => a - b)), val: Uint32Array.from(val.sort((a, b) => a - b)) };
}

/** The rows at idx of a rows x cols matrix. */
export function takeRows(X: Float32Array, cols: number, idx: Uint32Array): Float32Array {
  const out = new Float32Array(idx.length * cols);
  idx.forEach((r, k) => out.set(X.subarray(r * cols, (r + 1) * cols), k * cols));
  return out;
}

/** The values at idx. */
export function take(v: Float32Array, idx: Uint32Array): Float32Array {
  return Float32Array.from(idx, (r) => v[r]);
}

/**
 * Per-row weights from sampleWeight and classWeight (multiplied), or null when
 * both are absent. 'balanced' is scikit-learn's n / (classes * count(label)).
 */
export function rowWeights(
  sampleWeight: unknown, classWeight: 'balanced' | Record<number, number> | undefined, y: Float32Array,
  model: string, classifier: boolean,
): Float32Array | null {
  if (sampleWeight === undefined && classWeight === undefined) return null;
  const w = sampleWeight === undefined ? new Float32Array(y.length).fill(1) : toTargets(sampleWeight, y.length, null, 'sampleWeight');
  for (let i = 0; i < w.length; i++) {
    if (w[i] < 0) throw new ValidationError(`sampleWeight must be >= 0, got ${show(w[i])} at index ${i}`);
  }
  if (classWeight !== undefined) {
    if (!classifier) throw new ValidationError(`classWeight applies to classifiers, not ${model}`);
    const counts = new Map<number, number>();
    for (const label of y) counts.set(label, (counts.get(label) ?? 0) + 1);
    for (let i = 0; i < y.length; i++) {
      const cw = classWeight === 'balanced' ? y.length / (counts.size * counts.get(y[i])!) : (classWeight[y[i]] ?? 1);
      w[i] *= cw;
    }
  }
  return w;
}
