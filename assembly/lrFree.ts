// The learning-rate-free optimizers' steps (Prodigy, D-Adaptation SGD and Adam, DoG,
// Schedule-Free SGD and AdamW); src/optim/lrFree.ts is the float64 reference twin, with the
// papers' algorithm boxes. State vectors are f32, each update is computed in f64 and rounded
// to f32; both builds run these loops (a step is O(parameters) per batch, small beside the
// batch gradient's O(rows x parameters), and one loop keeps the SIMD build small), except
// Schedule-Free's: it is the default optimizer, and at batch 32 on a 64-input model its f64
// step cost as much as the batch gradient, so the SIMD builds run it in f32x4
// (optimizers.ts's scheduleFreeSimd; the scalar build keeps the f64 loop below). The scalar
// state (d, sums) is f64 in the optimizer block: OPT_D, OPT_SUM, OPT_AUX.

import {
  OPT_MOMENTUM, OPT_WEIGHT_DECAY, OPT_BETA1, OPT_BETA2, OPT_EPS, OPT_GROWTH_RATE, OPT_D, OPT_SUM, OPT_AUX, OPT_KIND,
  OPTIMIZER_PRODIGY as PRODIGY, OPTIMIZER_DADAPT_SGD as DADAPT_SGD, OPTIMIZER_DADAPT_ADAM as DADAPT_ADAM,
  OPTIMIZER_DOG as DOG, OPTIMIZER_SF_SGD as SF_SGD, OPTIMIZER_SF_ADAMW as SF_ADAMW, OPT_STEP,
} from '../src/wasm/abi';

// @ts-ignore: decorator
@inline function hyper(optPtr: usize, i: i32): f64 {
  return load<f64>(optPtr + (<usize>i << 3));
}

// @ts-ignore: decorator
@inline function setHyper(optPtr: usize, i: i32, v: f64): void {
  store<f64>(optPtr + (<usize>i << 3), v);
}

// @ts-ignore: decorator
@inline function ld(ptr: usize, i: i32): f64 {
  return <f64>load<f32>(ptr + (<usize>i << 2));
}

// @ts-ignore: decorator
@inline function st(ptr: usize, i: i32, v: f64): void {
  store<f32>(ptr + (<usize>i << 2), <f32>v);
}

/** d <- max(d, min(num / den, d * growthRate)) when den > 0. */
function grow(optPtr: usize, num: f64, den: f64): void {
  const d = hyper(optPtr, OPT_D);
  if (den > 0) setHyper(optPtr, OPT_D, max(d, min(num / den, d * hyper(optPtr, OPT_GROWTH_RATE))));
}

/** Squared norm of n f32 values at ptr, in f64. */
export function normSq(ptr: usize, n: i32): f64 {
  let sq: f64 = 0;
  for (let i = 0; i < n; i++) {
    const v = ld(ptr, i);
    sq += v * v;
  }
  return sq;
}

/** Schedule-Free's beta: the weight of x in y. */
// @ts-ignore: decorator
@inline export function sfBeta(optPtr: usize, kind: i32): f64 {
  return hyper(optPtr, kind == SF_ADAMW ? OPT_BETA1 : OPT_MOMENTUM);
}

/**
 * One step of learning-rate-free optimizer kind (OPT_STEP already counts it as step t) on n
 * parameters at p with gradient at g and state vectors of n entries from s0. Returns the
 * largest parameter change; the gradient's squared norm is the caller's.
 */
export function lrFreeStep(kind: i32, optPtr: usize, p: usize, g: usize, s0: usize, n: i32, lr: f64, t: f64, b2Pow: f64): f64 {
  const s1 = s0 + (<usize>n << 2);
  const s2 = s1 + (<usize>n << 2);
  const s3 = s2 + (<usize>n << 2);
  // Step 1 records the starting point x0 (Schedule-Free: z_1 = x_1 = x0).
  if (t == 1) {
    const bytes = <usize>n << 2;
    if (kind == PRODIGY) memory.copy(s3, p, bytes);
    else if (kind == DADAPT_SGD) memory.copy(s1, p, bytes);
    else if (kind == DOG) memory.copy(s0, p, bytes);
  }
  const wd = hyper(optPtr, OPT_WEIGHT_DECAY);
  // Coupled weight decay (added to g) for all but Prodigy (decoupled) and Schedule-Free AdamW (its own term).
  const wdG = kind == PRODIGY || kind == SF_ADAMW ? 0 : wd;
  const b1 = hyper(optPtr, OPT_BETA1);
  const b2 = hyper(optPtr, OPT_BETA2);
  const eps = hyper(optPtr, OPT_EPS);
  const mu = hyper(optPtr, OPT_MOMENTUM);
  const d = hyper(optPtr, OPT_D);
  let maxChange: f64 = 0;
  let num: f64 = 0;
  let den: f64 = 0;

  if (kind == PRODIGY) {
    const b3 = Math.sqrt(b2);
    for (let i = 0; i < n; i++) {
      const x = ld(p, i);
      const gi = ld(g, i);
      num += gi * (ld(s3, i) - x);
      const m = b1 * ld(s0, i) + (1 - b1) * d * gi;
      const v = b2 * ld(s1, i) + (1 - b2) * d * d * gi * gi;
      const s = b3 * ld(s2, i) + (1 - b3) * lr * d * d * gi;
      st(s0, i, m);
      st(s1, i, v);
      st(s2, i, s);
      den += Math.abs(<f64><f32>s);
      const q = <f32>(x * (1 - wd * lr * d) - lr * d * <f64><f32>m / (Math.sqrt(<f64><f32>v) + d * eps));
      maxChange = max(maxChange, Math.abs(<f64>q - x));
      store<f32>(p + (<usize>i << 2), q);
    }
    const r = b3 * hyper(optPtr, OPT_SUM) + (1 - b3) * lr * d * d * num;
    setHyper(optPtr, OPT_SUM, r);
    grow(optPtr, r, den);
  } else if (kind == DADAPT_ADAM) {
    const b3 = Math.sqrt(b2);
    const dl = d * lr;
    for (let i = 0; i < n; i++) {
      const x = ld(p, i);
      const gi = ld(g, i) + wdG * x;
      num += gi * ld(s2, i) / (Math.sqrt(ld(s1, i)) + eps);
      const m = <f32>(b1 * ld(s0, i) + (1 - b1) * dl * gi);
      const v = <f32>(b2 * ld(s1, i) + (1 - b2) * gi * gi);
      const s = <f32>(b3 * ld(s2, i) + (1 - b3) * dl * gi);
      store<f32>(s0 + (<usize>i << 2), m);
      store<f32>(s1 + (<usize>i << 2), v);
      store<f32>(s2 + (<usize>i << 2), s);
      den += Math.abs(<f64>s);
      const q = <f32>(x - <f64>m / (Math.sqrt(<f64>v) + eps));
      maxChange = max(maxChange, Math.abs(<f64>q - x));
      store<f32>(p + (<usize>i << 2), q);
    }
    const r = b3 * hyper(optPtr, OPT_SUM) + (1 - b3) * dl * num;
    setHyper(optPtr, OPT_SUM, r);
    grow(optPtr, r, (1 - b3) * den);
  } else if (kind == DADAPT_SGD) {
    if (hyper(optPtr, OPT_AUX) == 0) {
      let sq: f64 = 0;
      for (let i = 0; i < n; i++) {
        const gi = ld(g, i) + wdG * ld(p, i);
        sq += gi * gi;
      }
      setHyper(optPtr, OPT_AUX, Math.sqrt(sq)); // ||g_0||: the first non-zero gradient's norm
    }
    const g0 = hyper(optPtr, OPT_AUX);
    if (g0 == 0) return 0;
    const lambda = d * lr / g0;
    for (let i = 0; i < n; i++) {
      const x = ld(p, i);
      const gi = ld(g, i) + wdG * x;
      num += gi * ld(s0, i);
      const s = <f32>(ld(s0, i) + lambda * gi);
      store<f32>(s0 + (<usize>i << 2), s);
      den += <f64>s * <f64>s;
      const q = <f32>(mu * x + (1 - mu) * (ld(s1, i) - <f64>s));
      maxChange = max(maxChange, Math.abs(<f64>q - x));
      store<f32>(p + (<usize>i << 2), q);
    }
    const r = hyper(optPtr, OPT_SUM) + lambda * num;
    setHyper(optPtr, OPT_SUM, r);
    grow(optPtr, 2 * r, Math.sqrt(den));
  } else if (kind == DOG) {
    if (t == 1) setHyper(optPtr, OPT_D, 1e-6 * (1 + Math.sqrt(normSq(s0, n))));
    let dist: f64 = 0;
    let gsq: f64 = 0;
    for (let i = 0; i < n; i++) {
      const x = ld(p, i);
      const gi = ld(g, i) + wdG * x;
      const e = x - ld(s0, i);
      dist += e * e;
      gsq += gi * gi;
    }
    const rbar = max(hyper(optPtr, OPT_D), Math.sqrt(dist));
    const gsum = hyper(optPtr, OPT_SUM) + gsq;
    setHyper(optPtr, OPT_D, rbar);
    setHyper(optPtr, OPT_SUM, gsum);
    const eta = gsum > 0 ? lr * rbar / Math.sqrt(gsum) : 0;
    for (let i = 0; i < n; i++) {
      const x = ld(p, i);
      const q = <f32>(x - eta * (ld(g, i) + wdG * x));
      maxChange = max(maxChange, Math.abs(<f64>q - x));
      store<f32>(p + (<usize>i << 2), q);
    }
  } else if (!ASC_FEATURE_SIMD) { // Schedule-Free: the SIMD builds take optimizers.ts's f32x4 loop
    const adam = kind == SF_ADAMW;
    const beta = sfBeta(optPtr, kind);
    const gamma = sfBegin(kind, optPtr, p, s0, n, lr, t, b2Pow);
    const c = sfWeight(optPtr, gamma);
    for (let i = 0; i < n; i++) {
      const y = ld(p, i);
      let u = ld(g, i) + wdG * y;
      if (adam) {
        const v = <f32>(b2 * ld(s2, i) + (1 - b2) * u * u);
        store<f32>(s2 + (<usize>i << 2), v);
        u = u / (Math.sqrt(<f64>v) + eps) + wd * y;
      }
      const z = <f32>(ld(s0, i) - gamma * u);
      const x = <f32>((1 - c) * ld(s1, i) + c * <f64>z);
      store<f32>(s0 + (<usize>i << 2), z);
      store<f32>(s1 + (<usize>i << 2), x);
      const q = <f32>((1 - beta) * <f64>z + beta * <f64>x);
      maxChange = max(maxChange, Math.abs(<f64>q - y));
      store<f32>(p + (<usize>i << 2), q);
    }
  }
  return maxChange;
}

/**
 * Schedule-Free's bookkeeping for step t, shared by both builds' loops: step 1 records the
 * starting point (z_1 = x_1 = x0, slots 0 and 1); the sum of gamma^2 grows. Returns gamma
 * (AdamW: lr with Adam's bias correction of the second moment).
 */
export function sfBegin(kind: i32, optPtr: usize, p: usize, s0: usize, n: i32, lr: f64, t: f64, b2Pow: f64): f64 {
  if (t == 1) {
    const bytes = <usize>n << 2;
    memory.copy(s0, p, bytes);
    memory.copy(s0 + bytes, p, bytes);
  }
  const gamma = kind == SF_ADAMW ? lr * Math.sqrt(1 - b2Pow) : lr;
  setHyper(optPtr, OPT_D, hyper(optPtr, OPT_D) + gamma * gamma);
  return gamma;
}

/** The weight c of the new z in the average x: gamma^2 over the sum so far (0 while the sum is 0). */
export function sfWeight(optPtr: usize, gamma: f64): f64 {
  const sum = hyper(optPtr, OPT_D);
  return sum > 0 ? gamma * gamma / sum : 0;
}

/**
 * Moves the n parameters at p between Schedule-Free's points once it has stepped: to x (slot 1,
 * where the model is evaluated) when toEval, else to y = (1 - beta) z + beta x (where gradients
 * are taken, computed as the step computes it). Other optimizers: nothing to do.
 */
export function schedulePoint(optPtr: usize, p: usize, s0: usize, n: i32, toEval: bool): void {
  const kind = <i32>hyper(optPtr, OPT_KIND);
  if ((kind != SF_SGD && kind != SF_ADAMW) || hyper(optPtr, OPT_STEP) == 0) return;
  const s1 = s0 + (<usize>n << 2);
  if (toEval) {
    memory.copy(p, s1, <usize>n << 2);
    return;
  }
  const beta = sfBeta(optPtr, kind);
  if (ASC_FEATURE_SIMD) { // in f32, as optimizers.ts's f32x4 step computes y (a chunked epoch then matches a whole one)
    const keepZ = <f32>(1 - beta);
    const b = <f32>beta;
    for (let i = 0; i < n; i++) {
      const off = <usize>i << 2;
      store<f32>(p + off, keepZ * load<f32>(s0 + off) + b * load<f32>(s1 + off));
    }
    return;
  }
  for (let i = 0; i < n; i++) st(p, i, (1 - beta) * ld(s0, i) + beta * ld(s1, i));
}
