// One output without hidden layers (linear and logistic regression) over CSR rows with plain
// SGD (no momentum, no weight decay): the epoch train.ts hands that case to. Other optimizers
// and shapes take trainEpoch's own loop (the network step with a sparse first layer; the
// penalties and the optimizer step touch every parameter: O(params) per step). Here a step is
// O(non-zeros), as in Bottou's
// svmsgd and scikit-learn's SGDClassifier: the weights are a scale times a vector (w = s v),
// so the L2 shrink w <- (1 - lr l2) w is one multiplication of s; L1 is the cumulative penalty
// of Tsuruoka, Tsujii and Ananiadou (2009), applied to a weight when a row touches it (clipped
// at zero). At the end of each call every weight gets its pending penalty and the scale is
// folded back, so between calls the parameters are the plain weights. The fold rounds each
// weight to float32 (s v is not a float32), so where calls end (fitAsync's chunks, per-batch
// callbacks) moves the result in the last bits (docs/text.md). The penalty's state lives in
// plain SGD's unused optimizer slots (saved, restored and reset with them): q_j, the penalty weight j has had, in
// slot 0; u, the penalty any weight could have had, in slot 1's first value.
// src/reference/sparseLinear.ts is the float64 twin.
import { sparseDot, sparseAxpy } from './kernels/sparse';
import { rowLoss, rowLossGrad } from './kernels/losses';
import { field, pointer, fieldF64 } from './fields';
import { startEpoch, finishEpoch } from './train';
import {
  NET_INPUTS, NET_PARAMS, NET_PARAMS_PTR, NET_GRAD_PTR, NET_GRAD_SUM_PTR, NET_SLOTS_PTR, NET_OPT_PTR, NET_STATS_PTR,
  DATA_ROWS, DATA_X_PTR, DATA_Y_PTR, DATA_SW_PTR, DATA_INDPTR_PTR, DATA_INDICES_PTR, DATA_BATCH_SIZE, DATA_FIRST_ROW,
  DATA_LRS_PTR, DATA_L1, DATA_L2, OPT_KIND, OPT_MOMENTUM, OPT_WEIGHT_DECAY, OPT_STEP, OPTIMIZER_SGD, STAT_LOSS_SUM,
  STAT_MAX_STEP,
} from '../src/wasm/abi';


/** Whether the optimizer at optPtr is plain SGD (no momentum, no weight decay): the one lazySgd runs. */
export function plainSgd(optPtr: usize): bool {
  return <i32>load<f64>(optPtr + (<usize>OPT_KIND << 3)) == OPTIMIZER_SGD &&
    load<f64>(optPtr + (<usize>OPT_MOMENTUM << 3)) == 0 && load<f64>(optPtr + (<usize>OPT_WEIGHT_DECAY << 3)) == 0;
}

/**
 * Weight j's pending L1 penalty (scikit-learn's l1penalty): with w_j = s v_j, moves it toward
 * zero by what the cumulative penalty u has added since q_j (the penalty it has had), clipped at
 * zero, and records what it took in q_j.
 */
function clipL1(paramsPtr: usize, qPtr: usize, j: usize, s: f64, u: f64): void {
  const p = paramsPtr + (j << 2);
  const qp = qPtr + (j << 2);
  const v = <f64>load<f32>(p);
  const q = <f64>load<f32>(qp);
  const w = s * v;
  let nv = v;
  if (w > 0) nv = max(0, v - (u + q) / s);
  else if (w < 0) nv = min(0, v + (u - q) / s);
  setV(p, v, <f32>nv);
  store<f32>(qp, <f32>(q + s * (<f64>load<f32>(p) - v)));
}

/**
 * The running ||v||^2 and ||v||_1 for the loss's penalty term, kept as weights change (set at
 * the start of each call). ||v||_1 only when the L1 term reads it: the batch-1 step without L1
 * leaves it stale. WebAssembly globals, not memory: each instance has its own, and in the
 * threaded build each thread is its own instance over the shared memory, so two threads
 * training two models at once do not share them.
 */
let sumSq: f64 = 0;
let sumAbs: f64 = 0;

/** The largest |x| of the row stepRow last stepped (a global: stepRow returns its other result). */
let rowMax: f32 = 0;

/**
 * The per-sample step without L1 (the fused pass 2 of lazySgd) for stored values from..to:
 * v_j += a g_j and gradSum_j += g_j, where g_j = d x_j; returns the change of sum v^2 and
 * leaves max |x| in rowMax. Its own function, not a branch of lazySgd, so that its loop gets
 * registers for every pointer (inside lazySgd TurboFan reloaded them from the stack each pass).
 * Two values per pass halve the loop's checks (TurboFan adds an interrupt check to each pass);
 * max |x| is taken on the bits (non-negative floats order as their bits), without f32.max's
 * NaN handling and branches. A zero g leaves v, the sums and the max as they were, so no branch.
 */
function stepRow(d: f64, a: f64, valsPtr: usize, idxPtr: usize, from: i32, to: i32, paramsPtr: usize, gradSumPtr: usize): f64 {
  let dsq: f64 = 0;
  let xmax: u32 = 0;
  let k = from;
  for (; k + 2 <= to; k += 2) {
    const off = <usize>k << 2;
    const x0 = load<f32>(valsPtr + off);
    const x1 = load<f32>(valsPtr + off, 4);
    dsq += stepValue(d, a, x0, load<u32>(idxPtr + off), paramsPtr, gradSumPtr);
    // The second column is read after the first value's stores: the two may be the same (a repeated index).
    dsq += stepValue(d, a, x1, load<u32>(idxPtr + off, 4), paramsPtr, gradSumPtr);
    xmax = max(xmax, max(reinterpret<u32>(x0) & 0x7fffffff, reinterpret<u32>(x1) & 0x7fffffff));
  }
  if (k < to) {
    const off = <usize>k << 2;
    const x0 = load<f32>(valsPtr + off);
    dsq += stepValue(d, a, x0, load<u32>(idxPtr + off), paramsPtr, gradSumPtr);
    xmax = max(xmax, reinterpret<u32>(x0) & 0x7fffffff);
  }
  rowMax = reinterpret<f32>(xmax);
  return dsq;
}

/** One stored value x of column j: its gradient sum and its weight's step; returns the step's change of the squared norm. */
// @ts-ignore: decorator
@inline function stepValue(d: f64, a: f64, x: f32, j: u32, paramsPtr: usize, gradSumPtr: usize): f64 {
  const p = paramsPtr + (<usize>j << 2);
  const s = gradSumPtr + (<usize>j << 3);
  const g = d * <f64>x;
  const v = <f64>load<f32>(p);
  store<f64>(s, load<f64>(s) + g);
  const n = <f32>(v + a * g);
  store<f32>(p, n);
  return (<f64>n - v) * (<f64>n + v);
}

/** Stores nv at p, where old was, and updates the running sums. */
// @ts-ignore: decorator
@inline function setV(p: usize, old: f64, nv: f32): void {
  store<f32>(p, nv);
  const n = <f64>nv;
  sumSq += n * n - old * old;
  sumAbs += Math.abs(n) - Math.abs(old);
}

/** Brings every weight rows start..end touch up to the cumulative penalty u (clipL1), before they are read. */
function clipRows(
  paramsPtr: usize, qPtr: usize, valsIdxPtr: usize, indptrPtr: usize, start: i32, end: i32, s: f64, u: f64,
): void {
  for (let p = start; p < end; p++) {
    const r = <usize>p;
    const to = <i32>load<u32>(indptrPtr + (r << 2), 4);
    for (let k = <i32>load<u32>(indptrPtr + (r << 2)); k < to; k++) {
      clipL1(paramsPtr, qPtr, <usize>load<u32>(valsIdxPtr + (<usize>k << 2)), s, u);
    }
  }
}

/** Folds the scale into the weights (w = s v) after giving each its pending L1 penalty. */
function settle(paramsPtr: usize, qPtr: usize, cols: i32, s: f64, u: f64, l1: f64): void {
  for (let j = 0; j < cols; j++) {
    if (l1 != 0) clipL1(paramsPtr, qPtr, <usize>j, s, u);
    const p = paramsPtr + (<usize>j << 2);
    store<f32>(p, <f32>(s * <f64>load<f32>(p)));
  }
}

/**
 * trainEpoch for one output without hidden layers over CSR data with plain SGD: batches
 * firstBatch..lastBatch at O(non-zeros) each (see the top of this file). Each batch: the rows'
 * logits at the current weights, the mean data gradient (scattered into the network's gradient
 * vector, zero between batches), s *= 1 - lr l2, v -= lr g / s on the touched weights, the bias
 * step, then the touched weights' L1 penalty. Stats as trainEpoch's, except that maxStep counts
 * the touched weights' data step and the bias (not the L2 shrink or L1 clip of the others).
 */
export function lazySgd(netPtr: usize, dataPtr: usize, firstBatch: i32, lastBatch: i32, lossKind: i32): void {
  const cols = field(netPtr, NET_INPUTS);
  const nParams = field(netPtr, NET_PARAMS);
  const paramsPtr = pointer(netPtr, NET_PARAMS_PTR);
  const gradPtr = pointer(netPtr, NET_GRAD_PTR);
  const gradSumPtr = pointer(netPtr, NET_GRAD_SUM_PTR);
  const qPtr = pointer(netPtr, NET_SLOTS_PTR); // slot 0: q
  const uPtr = qPtr + (<usize>nParams << 2); // slot 1, value 0: u (f32 between calls, f64 within one)
  const optPtr = pointer(netPtr, NET_OPT_PTR);
  const statsPtr = pointer(netPtr, NET_STATS_PTR);
  const rows = field(dataPtr, DATA_ROWS);
  const valsPtr = pointer(dataPtr, DATA_X_PTR);
  const idxPtr = pointer(dataPtr, DATA_INDICES_PTR);
  const indptrPtr = pointer(dataPtr, DATA_INDPTR_PTR);
  const yPtr = pointer(dataPtr, DATA_Y_PTR);
  const swPtr = pointer(dataPtr, DATA_SW_PTR);
  const batchSize = field(dataPtr, DATA_BATCH_SIZE);
  const lrsPtr = pointer(dataPtr, DATA_LRS_PTR);
  const l1 = fieldF64(dataPtr, DATA_L1);
  const l2 = fieldF64(dataPtr, DATA_L2);
  const biasPtr = paramsPtr + (<usize>cols << 2);

  if (firstBatch == 0 && field(dataPtr, DATA_FIRST_ROW) == 0) startEpoch(statsPtr, gradSumPtr, nParams); // a stream's later block carries on (train.ts)
  memory.fill(gradPtr, 0, <usize>nParams << 2);
  let sq: f64 = 0;
  let abs1: f64 = 0;
  for (let j = 0; j < cols; j++) {
    const v = <f64>load<f32>(paramsPtr + (<usize>j << 2));
    sq += v * v;
    abs1 += Math.abs(v);
  }
  sumSq = sq;
  sumAbs = abs1;
  let s: f64 = 1;
  let u = <f64>load<f32>(uPtr);
  let lossSum = load<f64>(statsPtr + (STAT_LOSS_SUM << 3));
  let maxStep = load<f64>(statsPtr + (STAT_MAX_STEP << 3));
  let diverged = -1;
  let batch = firstBatch;
  let start = firstBatch * batchSize;
  for (; batch < lastBatch && start < rows; batch++, start += batchSize) {
    const end = min(start + batchSize, rows);
    const n = end - start;
    const lr = load<f64>(lrsPtr + (<usize>batch << 3));
    const bias = load<f32>(biasPtr);
    let batchLoss: f64 = 0;
    let gradBias: f64 = 0;
    let change: f64 = 0;
    // The rows' weights take their pending L1 penalty first, so they are read as if every weight were penalized every step.
    if (l1 != 0) clipRows(paramsPtr, qPtr, idxPtr, indptrPtr, start, end, s, u);
    const penalty = 0.5 * l2 * s * s * sumSq + l1 * Math.abs(s) * sumAbs;
    const shrink = 1 - lr * l2;
    // Pass 1: every row's derivative at the batch's starting weights, summed into the gradient vector
    // (one row: kept as d, its gradient is d x, applied in pass 2 as it is read).
    const single = n == 1;
    let d1: f64 = 0;
    for (let p = start; p < end; p++) {
      const r = <usize>p;
      const from = <i32>load<u32>(indptrPtr + (r << 2));
      const to = <i32>load<u32>(indptrPtr + (r << 2), 4);
      const y = load<f32>(yPtr + (r << 2));
      const sw: f32 = swPtr ? load<f32>(swPtr + (r << 2)) : 1;
      const z = <f32>(s * <f64>sparseDot(paramsPtr, valsPtr, idxPtr, from, to)) + bias;
      batchLoss += <f64>(sw * rowLoss(lossKind, z, y));
      const d = sw * rowLossGrad(lossKind, z, y);
      if (!single) sparseAxpy(d, valsPtr, idxPtr, from, to, gradPtr);
      gradBias += <f64>d;
      d1 = <f64>d;
    }
    if (!isFinite(batchLoss)) { diverged = batch; memory.fill(gradPtr, 0, <usize>nParams << 2); break; }
    s *= shrink;
    if (s == 0) { memory.fill(paramsPtr, 0, <usize>cols << 2); sumSq = sumAbs = 0; s = 1; }
    if (l1 != 0) u += lr * l1;
    // Pass 2: each touched weight takes its step once (its gradient entry is zeroed as it is used;
    // one row: each stored value's d x) and adds it to the epoch's gradient sum, then takes its L1
    // penalty. The running sums change by dsq and dabs.
    const a = -lr / (<f64>n * s);
    let dsq: f64 = 0;
    let dabs: f64 = 0;
    let gmax: f64 = 0;
    if (single && l1 == 0) {
      // One row, no L1 (the per-sample case): the fused step. A zero g leaves v, the sums and
      // gmax as they were, so no branch; ||v||_1 only feeds the L1 term, so it is not kept; and
      // d x is exact in f64 (two f32 mantissas), so max |g| = |d| max |x|.
      const r = <usize>start;
      dsq = stepRow(d1, a, valsPtr, idxPtr, <i32>load<u32>(indptrPtr + (r << 2)), <i32>load<u32>(indptrPtr + (r << 2), 4), paramsPtr, gradSumPtr);
      gmax = Math.abs(d1) * <f64>rowMax;
    } else for (let p = start; p < end; p++) {
      const r = <usize>p;
      const from = <i32>load<u32>(indptrPtr + (r << 2));
      const to = <i32>load<u32>(indptrPtr + (r << 2), 4);
      for (let k = from; k < to; k++) {
        const off = <usize>k << 2;
        const j = <usize>load<u32>(idxPtr + off);
        const gp = gradPtr + (j << 2);
        const g = single ? d1 * <f64>load<f32>(valsPtr + off) : <f64>load<f32>(gp);
        const pp = paramsPtr + (j << 2);
        if (g != 0) {
          const v = <f64>load<f32>(pp);
          const sp = gradSumPtr + (j << 3);
          store<f64>(sp, load<f64>(sp) + g);
          if (!single) store<f32>(gp, 0);
          const nv = <f32>(v + a * g);
          store<f32>(pp, nv);
          dsq += <f64>nv * <f64>nv - v * v;
          dabs += Math.abs(<f64>nv) - Math.abs(v);
          gmax = max(gmax, Math.abs(g));
        }
        if (l1 != 0) clipL1(paramsPtr, qPtr, j, s, u);
      }
    }
    sumSq += dsq;
    sumAbs += dabs;
    change = gmax * lr / <f64>n;
    const gb = gradSumPtr + (<usize>cols << 3);
    store<f64>(gb, load<f64>(gb) + gradBias);
    gradBias /= <f64>n;
    const nb = <f32>(<f64>bias - lr * gradBias);
    store<f32>(biasPtr, nb);
    change = max(change, Math.abs(<f64>nb - <f64>bias));
    lossSum += batchLoss + penalty * n;
    if (!isFinite(change) || !isFinite(sumSq)) { diverged = batch; break; }
    maxStep = max(maxStep, change);
    // A tiny scale would lose the weights' range: fold it in (O(cols), rare: (1 - lr l2)^k reaching 1e-6).
    if (Math.abs(s) < 1e-6) {
      settle(paramsPtr, qPtr, cols, s, u, 0);
      sumSq *= s * s;
      sumAbs *= Math.abs(s);
      s = 1;
    }
  }
  settle(paramsPtr, qPtr, cols, s, u, l1);
  store<f32>(uPtr, <f32>u);
  const optStep = optPtr + (<usize>OPT_STEP << 3);
  store<f64>(optStep, load<f64>(optStep) + <f64>(batch - firstBatch));
  finishEpoch(statsPtr, gradSumPtr, nParams, lossSum, maxStep, batch, min(start, rows) - firstBatch * batchSize, diverged);
}
