// Reference twin of assembly/sparseLinear.ts: plain SGD for one output without hidden layers
// over CSR rows in O(non-zeros) per step, in float64. The weights are a scale times a vector
// (w = s v: the L2 shrink multiplies s); L1 is Tsuruoka, Tsujii and Ananiadou's (2009)
// cumulative penalty as scikit-learn applies it (u: the penalty every weight could have had so
// far, q_j: what weight j has had; a touched weight moves toward zero by the difference,
// clipped at zero). At the end of each call every weight takes its pending penalty and s is
// folded into v, so between calls the parameters are the plain weights. q and u live in plain
// SGD's unused optimizer slots (q in slot 0, u in slot 1's first value), as in WASM, where u is
// rounded to float32 between calls.
import type { SparseRows } from './sparse.js';
import { sparseAxpy, sparseDot } from './sparse.js';
import { rowLoss, rowLossGrad, type LossKind } from './losses.js';
import { FLOAT32_MAX } from '../engines/engine.js';
import type { EpochProgress } from './train.js';

/** What lazySgd reads: the rows, their order, targets, weights and the epoch's settings. */
export interface LazyData {
  csr: SparseRows;
  rows: number;
  cols: number;
  y: Float32Array;
  sw: Float32Array | null;
  order: Uint32Array | null;
  batchSize: number;
  lrs: Float64Array;
  l1: number;
  l2: number;
}

// Weight j's pending L1 penalty (scikit-learn's l1penalty), recorded in q.
function clipL1(v: Float64Array, q: Float64Array, j: number, s: number, u: number): void {
  const old = v[j];
  const w = s * old;
  if (w > 0) v[j] = Math.max(0, old - (u + q[j]) / s);
  else if (w < 0) v[j] = Math.min(0, old + (u - q[j]) / s);
  q[j] += s * (v[j] - old);
}

/**
 * Batches first..last of an epoch (see the top of this file) on params ([w (cols), bias]),
 * adding to progress as the reference epoch does; returns the number of steps taken.
 */
export function lazySgd(
  loss: LossKind, d: LazyData, params: Float64Array, slots: Float64Array[], progress: EpochProgress, first: number, last: number,
): number {
  const { csr, rows, cols, y, sw, order, batchSize, l1, l2 } = d;
  const v = params; // the vector; the weights are s * v until the end of the call
  const q = slots[0];
  const grad = new Float64Array(cols);
  let sq = 0;
  let abs1 = 0;
  for (let j = 0; j < cols; j++) {
    sq += v[j] * v[j];
    abs1 += Math.abs(v[j]);
  }
  let s = 1;
  let u = Math.fround(slots[1][0]);
  let batch = first;
  for (let start = batch * batchSize; batch < last && start < rows; batch++, start += batchSize) {
    const end = Math.min(start + batchSize, rows);
    const n = end - start;
    const lr = d.lrs[batch];
    const bias = params[cols];
    // The rows' weights take their pending L1 penalty first, so they are read as if every weight were penalized every step.
    if (l1 !== 0) {
      for (let p = start; p < end; p++) {
        const r = order ? order[p] : p;
        for (let k = csr.indptr[r]; k < csr.indptr[r + 1]; k++) {
          const j = csr.indices[k];
          const old = v[j];
          clipL1(v, q, j, s, u);
          sq += v[j] * v[j] - old * old;
          abs1 += Math.abs(v[j]) - Math.abs(old);
        }
      }
    }
    const penalty = 0.5 * l2 * s * s * sq + l1 * Math.abs(s) * abs1;
    let batchLoss = 0;
    let gradBias = 0;
    let change = 0;
    let overflow = false; // a weight past float32's range: Infinity in WASM
    for (let p = start; p < end; p++) {
      const r = order ? order[p] : p;
      const w = sw ? sw[r] : 1;
      const z = s * sparseDot(v, 0, csr, csr.indptr[r], csr.indptr[r + 1]) + bias;
      const l = w * rowLoss(loss, z, y[r]);
      batchLoss += l > FLOAT32_MAX ? Infinity : l;
      const g = w * rowLossGrad(loss, z, y[r]);
      sparseAxpy(g, csr, csr.indptr[r], csr.indptr[r + 1], grad, 0);
      sparseAxpy(g, csr, csr.indptr[r], csr.indptr[r + 1], progress.gradSum, 0);
      gradBias += g;
    }
    if (!Number.isFinite(batchLoss)) {
      progress.diverged = batch;
      break;
    }
    s *= 1 - lr * l2;
    if (s === 0) {
      v.fill(0, 0, cols);
      sq = abs1 = 0;
      s = 1;
    }
    if (l1 !== 0) u += lr * l1;
    const a = -lr / (n * s);
    for (let p = start; p < end; p++) {
      const r = order ? order[p] : p;
      for (let k = csr.indptr[r]; k < csr.indptr[r + 1]; k++) {
        const j = csr.indices[k];
        const old = v[j];
        if (grad[j] !== 0) {
          v[j] += a * grad[j];
          change = Math.max(change, Math.abs((lr * grad[j]) / n));
          grad[j] = 0;
        }
        if (l1 !== 0) clipL1(v, q, j, s, u);
        if (Math.abs(v[j]) > FLOAT32_MAX) overflow = true;
        sq += v[j] * v[j] - old * old;
        abs1 += Math.abs(v[j]) - Math.abs(old);
      }
    }
    progress.gradSum[cols] += gradBias;
    params[cols] = bias - (lr * gradBias) / n;
    change = Math.max(change, Math.abs(params[cols] - bias));
    progress.lossSum += batchLoss + penalty * n;
    if (overflow || !(Math.abs(params[cols]) <= FLOAT32_MAX)) {
      progress.diverged = batch;
      break;
    }
    progress.rows += n;
    progress.maxStep = Math.max(progress.maxStep, change);
    if (Math.abs(s) < 1e-6) {
      for (let j = 0; j < cols; j++) v[j] *= s;
      sq *= s * s;
      abs1 *= Math.abs(s);
      s = 1;
    }
  }
  for (let j = 0; j < cols; j++) {
    if (l1 !== 0) clipL1(v, q, j, s, u);
    v[j] *= s;
  }
  slots[1][0] = Math.fround(u);
  progress.batches = batch;
  return batch - first;
}
