// The parameter update: one pass over all parameters that applies the optimizer,
// and measures the gradient L2 norm and the largest parameter change on the way.
// PyTorch semantics; src/optim/optimizers.ts is the float64 reference twin.
// Parameters and state are stored as f32 in both builds. The scalar build computes each
// update in f64 and rounds the result to f32; the SIMD build computes it in f32x4 lanes (the
// gradient's squared norm alone is summed in f64). The js engine computes everything in f64.

import {
  OPT_KIND, OPT_MOMENTUM, OPT_DAMPENING, OPT_NESTEROV, OPT_WEIGHT_DECAY, OPT_BETA1, OPT_BETA2, OPT_EPS, OPT_AMSGRAD,
  OPT_ALPHA, OPT_CENTERED, OPT_LR_DECAY, OPT_STEP, OPT_POW_STEP, OPT_BETA1_POW, OPT_BETA2_POW,
  OPTIMIZER_SGD as SGD, OPTIMIZER_ADAM as ADAM, OPTIMIZER_ADAMW as ADAMW, OPTIMIZER_RMSPROP as RMSPROP, OPTIMIZER_ADAGRAD as ADAGRAD,
  STAT_STEP_NORM_SQ, STAT_STEP_MAX_CHANGE, OPTIMIZER_PRODIGY, OPTIMIZER_SF_SGD, OPTIMIZER_SF_ADAMW,
} from '../src/wasm/abi';
import { lrFreeStep, normSq as squaredNorm, sfBegin, sfBeta, sfWeight } from './lrFree';

// The optimizer block (f64 OPT_* fields at optPtr) is written by src/wasm/optimizerBlock.ts.
// A step's results (squared gradient norm, largest change) go to the stats block, not to
// module globals, so an instance sharing the memory would see them too.

// @ts-ignore: decorator
@inline function hyper(optPtr: usize, i: i32): f64 {
  return load<f64>(optPtr + (<usize>i << 3));
}

/**
 * b^t for 0 <= b < 1 and a whole number t >= 1, by repeated squaring (within
 * about log2(t) ULPs of float64; PyTorch's beta ** step is a float pow). Once
 * b^t < e^-700 it returns 0: 1 - b^t is then exactly 1 in float64, and the
 * squarings would otherwise reach denormals, which are slow to multiply.
 */
// beta1^t and beta2^t for Adam's bias corrections (set by betaPowers).
let beta1Pow: f64 = 0;
let beta2Pow: f64 = 0;

/**
 * Adam's beta^t: one multiply per step from the previous step's values, kept in
 * the optimizer block; powInt only when the step does not follow them (a fresh
 * or restored state). powInt's data-dependent branches cost more than the whole
 * SIMD update at D = 64. Values below 1e-300 are flushed to 0 (1 - b^t is then
 * exactly 1) so the products never become slow denormals.
 */
function betaPowers(optPtr: usize, t: f64): void {
  const b1 = hyper(optPtr, OPT_BETA1);
  const b2 = hyper(optPtr, OPT_BETA2);
  if (t > 1 && hyper(optPtr, OPT_POW_STEP) == t - 1) {
    beta1Pow = hyper(optPtr, OPT_BETA1_POW) * b1;
    beta2Pow = hyper(optPtr, OPT_BETA2_POW) * b2;
  } else {
    beta1Pow = powInt(b1, t);
    beta2Pow = powInt(b2, t);
  }
  if (beta1Pow < 1e-300) beta1Pow = 0;
  if (beta2Pow < 1e-300) beta2Pow = 0;
  store<f64>(optPtr + (<usize>OPT_POW_STEP << 3), t);
  store<f64>(optPtr + (<usize>OPT_BETA1_POW << 3), beta1Pow);
  store<f64>(optPtr + (<usize>OPT_BETA2_POW << 3), beta2Pow);
}

function powInt(b: f64, t: f64): f64 {
  if (t * (1 - b) > 700) return 0; // b^t <= e^(-t (1 - b))
  let result: f64 = 1;
  let n = <u64>t;
  while (true) {
    if (n & 1) result *= b;
    n >>= 1;
    if (!n) return result;
    b *= b; // b^(2^k) >= b^t here, so never denormal
  }
  return result; // unreachable
}

/**
 * Updates n parameters at paramsPtr (n a multiple of 4 in the SIMD build, as NET_PARAMS
 * is) from the gradient at gradPtr. slotsPtr holds
 * the optimizer's state vectors of n f32 each (sgd: momentum buffer; adam/adamw: exp_avg,
 * exp_avg_sq, max_exp_avg_sq; rmsprop: square_avg, momentum_buffer, grad_avg;
 * adagrad: state_sum; the learning-rate-free ones: lrFree.ts). Writes the gradient's squared norm and the largest parameter
 * change to STAT_STEP_NORM_SQ and STAT_STEP_MAX_CHANGE of the stats block at statsPtr.
 */
export function step(optPtr: usize, paramsPtr: usize, gradPtr: usize, slotsPtr: usize, n: i32, lr: f64, statsPtr: usize): void {
  const kind = <i32>hyper(optPtr, OPT_KIND);
  const t = hyper(optPtr, OPT_STEP) + 1;
  store<f64>(optPtr + (<usize>OPT_STEP << 3), t);
  if (kind >= OPTIMIZER_PRODIGY) { // the learning-rate-free ones (lrFree.ts), the same loop in both builds but Schedule-Free's
    if (kind == OPTIMIZER_SF_ADAMW) betaPowers(optPtr, t);
    if (ASC_FEATURE_SIMD && kind >= OPTIMIZER_SF_SGD) {
      scheduleFreeSimd(kind, optPtr, paramsPtr, gradPtr, slotsPtr, n, lr, t, statsPtr);
      return;
    }
    const change = lrFreeStep(kind, optPtr, paramsPtr, gradPtr, slotsPtr, n, lr, t, beta2Pow);
    finishStep(statsPtr, squaredNorm(gradPtr, n), change);
    return;
  }
  // SIMD build: every optimizer in f32x4; the loops below are the scalar build's.
  if (ASC_FEATURE_SIMD) {
    if (kind == ADAM || kind == ADAMW) betaPowers(optPtr, t);
    const s1 = slotsPtr + (<usize>n << 2);
    const s2 = slotsPtr + (<usize>n << 3);
    // n is NET_PARAMS, a multiple of 4 (the vectors are zero-padded): no tail.
    updateSimd(kind, optPtr, paramsPtr, gradPtr, slotsPtr, s1, s2, n, lr, t, statsPtr);
    return;
  }
  const wd = hyper(optPtr, OPT_WEIGHT_DECAY);
  const mu = hyper(optPtr, OPT_MOMENTUM);
  const eps = hyper(optPtr, OPT_EPS);
  const s0 = slotsPtr;
  const s1 = slotsPtr + (<usize>n << 2);
  const s2 = slotsPtr + (<usize>n << 3);
  let normSq: f64 = 0;
  let maxChange: f64 = 0;

  if (kind == SGD) {
    const dampening = hyper(optPtr, OPT_DAMPENING);
    const nesterov = hyper(optPtr, OPT_NESTEROV) != 0;
    for (let i = 0; i < n; i++) {
      const off = <usize>i << 2;
      const p = <f64>load<f32>(paramsPtr + off);
      const g0 = <f64>load<f32>(gradPtr + off);
      normSq += g0 * g0;
      let g = g0 + wd * p;
      if (mu != 0) {
        const buf = t == 1 ? g : mu * <f64>load<f32>(s0 + off) + (1 - dampening) * g;
        store<f32>(s0 + off, <f32>buf);
        g = nesterov ? g + mu * buf : buf;
      }
      const q = <f32>(p - lr * g);
      maxChange = max(maxChange, abs(<f64>q - p));
      store<f32>(paramsPtr + off, q);
    }
  } else if (kind == ADAM || kind == ADAMW) {
    const b1 = hyper(optPtr, OPT_BETA1);
    const b2 = hyper(optPtr, OPT_BETA2);
    const amsgrad = hyper(optPtr, OPT_AMSGRAD) != 0;
    betaPowers(optPtr, t);
    const bc1 = 1 - beta1Pow;
    const sqrtBc2 = Math.sqrt(1 - beta2Pow);
    const stepSize = lr / bc1;
    for (let i = 0; i < n; i++) {
      const off = <usize>i << 2;
      let p = <f64>load<f32>(paramsPtr + off);
      const p0 = p;
      const g0 = <f64>load<f32>(gradPtr + off);
      normSq += g0 * g0;
      let g = g0;
      if (kind == ADAMW) p *= 1 - lr * wd;
      else g += wd * p;
      const m = b1 * <f64>load<f32>(s0 + off) + (1 - b1) * g;
      const v = b2 * <f64>load<f32>(s1 + off) + (1 - b2) * g * g;
      store<f32>(s0 + off, <f32>m);
      store<f32>(s1 + off, <f32>v);
      let vHat = v;
      if (amsgrad) {
        vHat = max(<f64>load<f32>(s2 + off), v);
        store<f32>(s2 + off, <f32>vHat);
      }
      const q = <f32>(p - stepSize * m / (Math.sqrt(vHat) / sqrtBc2 + eps));
      maxChange = max(maxChange, abs(<f64>q - p0));
      store<f32>(paramsPtr + off, q);
    }
  } else if (kind == RMSPROP) {
    const alpha = hyper(optPtr, OPT_ALPHA);
    const centered = hyper(optPtr, OPT_CENTERED) != 0;
    for (let i = 0; i < n; i++) {
      const off = <usize>i << 2;
      const p = <f64>load<f32>(paramsPtr + off);
      const g0 = <f64>load<f32>(gradPtr + off);
      normSq += g0 * g0;
      const g = g0 + wd * p;
      const sq = alpha * <f64>load<f32>(s0 + off) + (1 - alpha) * g * g;
      store<f32>(s0 + off, <f32>sq);
      let avg: f64;
      if (centered) {
        const ga = alpha * <f64>load<f32>(s2 + off) + (1 - alpha) * g;
        store<f32>(s2 + off, <f32>ga);
        avg = Math.sqrt(sq - ga * ga) + eps;
      } else {
        avg = Math.sqrt(sq) + eps;
      }
      let q: f32;
      if (mu > 0) {
        const buf = mu * <f64>load<f32>(s1 + off) + g / avg;
        store<f32>(s1 + off, <f32>buf);
        q = <f32>(p - lr * buf);
      } else {
        q = <f32>(p - lr * g / avg);
      }
      maxChange = max(maxChange, abs(<f64>q - p));
      store<f32>(paramsPtr + off, q);
    }
  } else if (kind == ADAGRAD) {
    const clr = lr / (1 + (t - 1) * hyper(optPtr, OPT_LR_DECAY));
    for (let i = 0; i < n; i++) {
      const off = <usize>i << 2;
      const p = <f64>load<f32>(paramsPtr + off);
      const g0 = <f64>load<f32>(gradPtr + off);
      normSq += g0 * g0;
      const g = g0 + wd * p;
      const sum = <f64>load<f32>(s0 + off) + g * g;
      store<f32>(s0 + off, <f32>sum);
      const q = <f32>(p - clr * g / (Math.sqrt(sum) + eps));
      maxChange = max(maxChange, abs(<f64>q - p));
      store<f32>(paramsPtr + off, q);
    }
  }
  finishStep(statsPtr, normSq, maxChange);
}

/** Records a step's squared gradient norm and largest parameter change in the stats block. */
// @ts-ignore: decorator
@inline function finishStep(statsPtr: usize, normSq: f64, maxChange: f64): void {
  store<f64>(statsPtr + (<usize>STAT_STEP_NORM_SQ << 3), normSq);
  store<f64>(statsPtr + (<usize>STAT_STEP_MAX_CHANGE << 3), maxChange);
}

/** acc + the squares of g's four lanes, squared and summed in f64. */
// @ts-ignore: decorator
@inline function addSquares(acc: v128, g: v128): v128 {
  const lo = f64x2.promote_low_f32x4(g);
  const hi = f64x2.promote_low_f32x4(v128.shuffle<f32>(g, g, 2, 3, 0, 1));
  return f64x2.add(acc, f64x2.add(f64x2.mul(lo, lo), f64x2.mul(hi, hi)));
}

// @ts-ignore: decorator
@inline function finish(statsPtr: usize, normSq: v128, maxChange: v128): void {
  const m01 = max(f32x4.extract_lane(maxChange, 0), f32x4.extract_lane(maxChange, 1));
  const m23 = max(f32x4.extract_lane(maxChange, 2), f32x4.extract_lane(maxChange, 3));
  finishStep(statsPtr, f64x2.extract_lane(normSq, 0) + f64x2.extract_lane(normSq, 1), <f64>max(m01, m23));
}


/**
 * The update of optimizer kind on n parameters (a multiple of 4) in f32x4, with the
 * state slots at s0, s1, s2. Adam's betaPowers must have run for this step.
 */
function updateSimd(
  kind: i32, optPtr: usize, paramsPtr: usize, gradPtr: usize, s0: usize, s1: usize, s2: usize, n: i32, lr: f64, t: f64,
  statsPtr: usize,
): void {
  if (kind == SGD) sgdSimd(optPtr, paramsPtr, gradPtr, s0, n, lr, statsPtr);
  else if (kind == ADAM || kind == ADAMW) adamSimd(optPtr, paramsPtr, gradPtr, s0, s1, s2, n, lr, kind == ADAMW, statsPtr);
  else if (kind == RMSPROP) rmspropSimd(optPtr, paramsPtr, gradPtr, s0, s1, s2, n, lr, statsPtr);
  else adagradSimd(optPtr, paramsPtr, gradPtr, s0, n, lr, t, statsPtr);
}

/**
 * Schedule-Free SGD and AdamW (lrFree.ts's loop, whose comments give the paper's steps) in f32x4:
 * the default optimizer's step, which in f64 lanes cost as much as the whole batch gradient of a
 * small model. y: the parameters (where the gradient was taken); z, x: slots 0, 1; AdamW's v: slot 2.
 */
function scheduleFreeSimd(kind: i32, optPtr: usize, paramsPtr: usize, gradPtr: usize, s0: usize, n: i32, lr: f64, t: f64, statsPtr: usize): void {
  const adam = kind == OPTIMIZER_SF_ADAMW;
  const gammaS = sfBegin(kind, optPtr, paramsPtr, s0, n, lr, t, beta2Pow);
  const cS = sfWeight(optPtr, gammaS);
  const betaS = sfBeta(optPtr, kind);
  const wdS = hyper(optPtr, OPT_WEIGHT_DECAY);
  const b2S = hyper(optPtr, OPT_BETA2);
  const wdG = f32x4.splat(adam ? 0 : <f32>wdS); // SGD: coupled decay (in g); AdamW: its own term after the division
  const wdA = f32x4.splat(adam ? <f32>wdS : 0);
  const b2 = f32x4.splat(<f32>b2S);
  const c2 = f32x4.splat(<f32>(1 - b2S));
  const eps = f32x4.splat(<f32>hyper(optPtr, OPT_EPS));
  const gamma = f32x4.splat(<f32>gammaS);
  const c = f32x4.splat(<f32>cS);
  const keepX = f32x4.splat(<f32>(1 - cS));
  const beta = f32x4.splat(<f32>betaS);
  const keepZ = f32x4.splat(<f32>(1 - betaS));
  const s1 = s0 + (<usize>n << 2);
  const s2 = s1 + (<usize>n << 2);
  let normSq = f64x2.splat(0);
  let maxChange = f32x4.splat(0);
  for (let i = 0; i < n; i += 4) {
    const off = <usize>i << 2;
    const y = v128.load(paramsPtr + off);
    const g0 = v128.load(gradPtr + off);
    normSq = addSquares(normSq, g0);
    let u = f32x4.add(g0, f32x4.mul(wdG, y));
    if (adam) {
      const v = f32x4.add(f32x4.mul(b2, v128.load(s2 + off)), f32x4.mul(c2, f32x4.mul(u, u)));
      v128.store(s2 + off, v);
      u = f32x4.add(f32x4.div(u, f32x4.add(f32x4.sqrt(v), eps)), f32x4.mul(wdA, y));
    }
    const z = f32x4.sub(v128.load(s0 + off), f32x4.mul(gamma, u));
    const x = f32x4.add(f32x4.mul(keepX, v128.load(s1 + off)), f32x4.mul(c, z));
    v128.store(s0 + off, z);
    v128.store(s1 + off, x);
    const q = f32x4.add(f32x4.mul(keepZ, z), f32x4.mul(beta, x));
    maxChange = f32x4.pmax(maxChange, f32x4.abs(f32x4.sub(q, y)));
    v128.store(paramsPtr + off, q);
  }
  finish(statsPtr, normSq, maxChange);
}

/** torch.optim.SGD in f32x4: g += wd p; momentum buffer (the first gradient on step 1); nesterov. */
function sgdSimd(optPtr: usize, paramsPtr: usize, gradPtr: usize, slotsPtr: usize, n: i32, lr: f64, statsPtr: usize): void {
  const t = hyper(optPtr, OPT_STEP);
  const wd = f32x4.splat(<f32>hyper(optPtr, OPT_WEIGHT_DECAY));
  const muS = hyper(optPtr, OPT_MOMENTUM);
  const mu = f32x4.splat(<f32>muS);
  const keep = f32x4.splat(<f32>(1 - hyper(optPtr, OPT_DAMPENING)));
  const nesterov = hyper(optPtr, OPT_NESTEROV) != 0;
  const rate = f32x4.splat(<f32>lr);
  let normSq = f64x2.splat(0); // f64: a gradient past 1.8e19 squares past float32's range
  let maxChange = f32x4.splat(0);
  for (let i = 0; i < n; i += 4) {
    const off = <usize>i << 2;
    const p = v128.load(paramsPtr + off);
    const g0 = v128.load(gradPtr + off);
    normSq = addSquares(normSq, g0);
    let g = f32x4.add(g0, f32x4.mul(wd, p));
    if (muS != 0) {
      const buf = t == 1 ? g : f32x4.add(f32x4.mul(mu, v128.load(slotsPtr + off)), f32x4.mul(keep, g));
      v128.store(slotsPtr + off, buf);
      g = nesterov ? f32x4.add(g, f32x4.mul(mu, buf)) : buf;
    }
    const q = f32x4.sub(p, f32x4.mul(rate, g));
    maxChange = f32x4.pmax(maxChange, f32x4.abs(f32x4.sub(q, p))); // pmax: one maxps; a NaN update shows in normSq
    v128.store(paramsPtr + off, q);
  }
  finish(statsPtr, normSq, maxChange);
}

/** torch.optim.Adam / AdamW in f32x4, with bias correction and amsgrad. */
function adamSimd(
  optPtr: usize, paramsPtr: usize, gradPtr: usize, slotsPtr: usize, s1: usize, s2: usize, n: i32, lr: f64, decoupled: bool,
  statsPtr: usize,
): void {
  const t = hyper(optPtr, OPT_STEP);
  const wdS = hyper(optPtr, OPT_WEIGHT_DECAY);
  const wd = f32x4.splat(<f32>wdS);
  const shrink = f32x4.splat(<f32>(1 - lr * wdS));
  const b1S = hyper(optPtr, OPT_BETA1);
  const b2S = hyper(optPtr, OPT_BETA2);
  const b1 = f32x4.splat(<f32>b1S);
  const b2 = f32x4.splat(<f32>b2S);
  const c1 = f32x4.splat(<f32>(1 - b1S));
  const c2 = f32x4.splat(<f32>(1 - b2S));
  const eps = f32x4.splat(<f32>hyper(optPtr, OPT_EPS));
  const amsgrad = hyper(optPtr, OPT_AMSGRAD) != 0;
  const stepSize = f32x4.splat(<f32>(lr / (1 - beta1Pow)));
  const invSqrtBc2 = f32x4.splat(<f32>(1 / Math.sqrt(1 - beta2Pow)));
  let normSq = f64x2.splat(0); // f64: a gradient past 1.8e19 squares past float32's range
  let maxChange = f32x4.splat(0);
  for (let i = 0; i < n; i += 4) {
    const off = <usize>i << 2;
    const p0 = v128.load(paramsPtr + off);
    const g0 = v128.load(gradPtr + off);
    normSq = addSquares(normSq, g0);
    let p = p0;
    let g = g0;
    if (decoupled) p = f32x4.mul(p, shrink);
    else g = f32x4.add(g, f32x4.mul(wd, p));
    const m = f32x4.add(f32x4.mul(b1, v128.load(slotsPtr + off)), f32x4.mul(c1, g));
    const v = f32x4.add(f32x4.mul(b2, v128.load(s1 + off)), f32x4.mul(c2, f32x4.mul(g, g)));
    v128.store(slotsPtr + off, m);
    v128.store(s1 + off, v);
    let vHat = v;
    if (amsgrad) {
      vHat = f32x4.pmax(v128.load(s2 + off), v);
      v128.store(s2 + off, vHat);
    }
    const denom = f32x4.add(f32x4.mul(f32x4.sqrt(vHat), invSqrtBc2), eps);
    const q = f32x4.sub(p, f32x4.div(f32x4.mul(stepSize, m), denom));
    maxChange = f32x4.pmax(maxChange, f32x4.abs(f32x4.sub(q, p0)));
    v128.store(paramsPtr + off, q);
  }
  finish(statsPtr, normSq, maxChange);
}

/** torch.optim.RMSprop in f32x4: square_avg, optional centering (grad_avg) and momentum buffer. */
function rmspropSimd(
  optPtr: usize, paramsPtr: usize, gradPtr: usize, slotsPtr: usize, s1: usize, s2: usize, n: i32, lr: f64, statsPtr: usize,
): void {
  const wd = f32x4.splat(<f32>hyper(optPtr, OPT_WEIGHT_DECAY));
  const alphaS = hyper(optPtr, OPT_ALPHA);
  const alpha = f32x4.splat(<f32>alphaS);
  const keep = f32x4.splat(<f32>(1 - alphaS));
  const eps = f32x4.splat(<f32>hyper(optPtr, OPT_EPS));
  const muS = hyper(optPtr, OPT_MOMENTUM);
  const mu = f32x4.splat(<f32>muS);
  const centered = hyper(optPtr, OPT_CENTERED) != 0;
  const rate = f32x4.splat(<f32>lr);
  let normSq = f64x2.splat(0); // f64: a gradient past 1.8e19 squares past float32's range
  let maxChange = f32x4.splat(0);
  for (let i = 0; i < n; i += 4) {
    const off = <usize>i << 2;
    const p = v128.load(paramsPtr + off);
    const g0 = v128.load(gradPtr + off);
    normSq = addSquares(normSq, g0);
    const g = f32x4.add(g0, f32x4.mul(wd, p));
    const sq = f32x4.add(f32x4.mul(alpha, v128.load(slotsPtr + off)), f32x4.mul(keep, f32x4.mul(g, g)));
    v128.store(slotsPtr + off, sq);
    let avg: v128;
    if (centered) {
      const ga = f32x4.add(f32x4.mul(alpha, v128.load(s2 + off)), f32x4.mul(keep, g));
      v128.store(s2 + off, ga);
      avg = f32x4.add(f32x4.sqrt(f32x4.sub(sq, f32x4.mul(ga, ga))), eps);
    } else {
      avg = f32x4.add(f32x4.sqrt(sq), eps);
    }
    let step = f32x4.div(g, avg);
    if (muS > 0) {
      step = f32x4.add(f32x4.mul(mu, v128.load(s1 + off)), step);
      v128.store(s1 + off, step);
    }
    const q = f32x4.sub(p, f32x4.mul(rate, step));
    maxChange = f32x4.pmax(maxChange, f32x4.abs(f32x4.sub(q, p)));
    v128.store(paramsPtr + off, q);
  }
  finish(statsPtr, normSq, maxChange);
}

/** torch.optim.Adagrad in f32x4: state_sum of squared gradients, lr decayed per step. */
function adagradSimd(
  optPtr: usize, paramsPtr: usize, gradPtr: usize, slotsPtr: usize, n: i32, lr: f64, t: f64, statsPtr: usize,
): void {
  const wd = f32x4.splat(<f32>hyper(optPtr, OPT_WEIGHT_DECAY));
  const eps = f32x4.splat(<f32>hyper(optPtr, OPT_EPS));
  const clr = f32x4.splat(<f32>(lr / (1 + (t - 1) * hyper(optPtr, OPT_LR_DECAY))));
  let normSq = f64x2.splat(0); // f64: a gradient past 1.8e19 squares past float32's range
  let maxChange = f32x4.splat(0);
  for (let i = 0; i < n; i += 4) {
    const off = <usize>i << 2;
    const p = v128.load(paramsPtr + off);
    const g0 = v128.load(gradPtr + off);
    normSq = addSquares(normSq, g0);
    const g = f32x4.add(g0, f32x4.mul(wd, p));
    const sum = f32x4.add(v128.load(slotsPtr + off), f32x4.mul(g, g));
    v128.store(slotsPtr + off, sum);
    const q = f32x4.sub(p, f32x4.div(f32x4.mul(clr, g), f32x4.add(f32x4.sqrt(sum), eps)));
    maxChange = f32x4.pmax(maxChange, f32x4.abs(f32x4.sub(q, p)));
    v128.store(paramsPtr + off, q);
  }
  finish(statsPtr, normSq, maxChange);
}
