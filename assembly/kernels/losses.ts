// Per-row losses and their derivatives with respect to the logit z.
import { sigmoidKernel } from './sigmoid';
import { expNeg4, log1pUnit4 } from './vmath';

export const LOSS_MSE: i32 = 0;
export const LOSS_BCE: i32 = 1;

/** Squared error (z - y)^2; no 1/2 factor, so its derivative is 2 (z - y). */
// @ts-ignore: decorator
@inline export function mseLoss(z: f32, y: f32): f32 {
  const e = z - y;
  return e * e;
}

// @ts-ignore: decorator
@inline export function mseGrad(z: f32, y: f32): f32 {
  return <f32>2 * (z - y);
}

/**
 * Binary cross-entropy from the logit: max(z,0) - z*y + log1p(exp(-|z|)).
 * Finite for any finite z (no log(0)); at |z| = 1e4 exp underflows to 0 harmlessly.
 */
// @ts-ignore: decorator
@inline export function bceLoss(z: f32, y: f32): f32 {
  return max(z, <f32>0) - z * y + Mathf.log1p(Mathf.exp(-Mathf.abs(z)));
}

// @ts-ignore: decorator
@inline export function bceGrad(z: f32, y: f32): f32 {
  return sigmoidKernel(z) - y;
}

/** Exported for tests: loss of one row for loss kind 0 (MSE) or 1 (BCE). */
export function rowLoss(kind: i32, z: f32, y: f32): f32 {
  return kind == LOSS_BCE ? bceLoss(z, y) : mseLoss(z, y);
}

/** Exported for tests: derivative of rowLoss with respect to z. */
export function rowLossGrad(kind: i32, z: f32, y: f32): f32 {
  return kind == LOSS_BCE ? bceGrad(z, y) : mseGrad(z, y);
}

// Four rows at once (SIMD build only). BCE's loss and derivative share
// e = exp(-|z|), which the caller computes once with expNeg4.

/** exp(-|z|) of four logits: the shared part of bceLoss4 and bceGrad4. */
// @ts-ignore: decorator
@inline export function bceShared4(z: v128): v128 {
  return expNeg4(f32x4.neg(f32x4.abs(z)));
}

/** Cross-entropy of four rows from logits z, targets y and e = bceShared4(z). */
// @ts-ignore: decorator
@inline export function bceLoss4(z: v128, y: v128, e: v128): v128 {
  // pmax is one maxps; wasm max also orders -0/NaN, which costs several instructions and is not needed here.
  return f32x4.add(f32x4.sub(f32x4.pmax(z, f32x4.splat(0)), f32x4.mul(z, y)), log1pUnit4(e));
}

/** sigmoid(z) - y of four rows, with e = bceShared4(z): 1/(1+e) for z >= 0, e/(1+e) below. */
// @ts-ignore: decorator
@inline export function bceGrad4(z: v128, y: v128, e: v128): v128 {
  const r = f32x4.div(f32x4.splat(1), f32x4.add(e, f32x4.splat(1)));
  return f32x4.sub(v128.bitselect(r, f32x4.mul(e, r), f32x4.ge(z, f32x4.splat(0))), y);
}

// @ts-ignore: decorator
@inline function rowWeight(swPtr: usize, e: i32, outputs: i32): f32 {
  return swPtr ? load<f32>(swPtr + (<usize>(outputs == 1 ? e : e / outputs) << 2)) : 1;
}

// Scratch for lossRows' last one to three values (SIMD build): z, y and the derivatives.
const tailBuf = memory.data(48, 16);

/**
 * Loss kind LOSS_MSE or LOSS_BCE of rows x outputs logits at zPtr against targets
 * at yPtr (same shape; each output its own loss), every row weighted by swPtr
 * (f32, 0 = all 1). Returns the weighted loss sum, accumulated in f64, and writes
 * s dLoss/dz to deltaPtr (which may be zPtr). The SIMD build runs the four-lane
 * kernels over the flat values, the last one to three through scratch.
 */
export function lossRows(kind: i32, zPtr: usize, yPtr: usize, swPtr: usize, rows: i32, outputs: i32, deltaPtr: usize): f64 {
  const n = rows * outputs;
  let e = 0;
  if (ASC_FEATURE_SIMD) {
    let lossLo = f64x2.splat(0);
    let lossHi = f64x2.splat(0);
    // do-while, so that V8 hoists the kernels' constants out of the loop (see activations.ts).
    if (n > 0) do {
      const off = <usize>e << 2;
      const left = n - e;
      let z = zPtr + off, y = yPtr + off, d = deltaPtr + off;
      if (left < 4) {
        memory.copy(tailBuf, z, <usize>left << 2);
        memory.copy(tailBuf + 16, y, <usize>left << 2);
        z = tailBuf;
        y = tailBuf + 16;
        d = tailBuf + 32;
      }
      const zv = v128.load(z);
      const yv = v128.load(y);
      let loss: v128, dv: v128;
      if (kind == LOSS_BCE) {
        const x = bceShared4(zv);
        loss = bceLoss4(zv, yv, x);
        dv = bceGrad4(zv, yv, x);
      } else {
        const err = f32x4.sub(zv, yv); // squared error and its derivative 2 (z - y)
        loss = f32x4.mul(err, err);
        dv = f32x4.add(err, err);
      }
      if (swPtr) {
        // Empty lanes of the last group read the group's first weight (never past the rows).
        const s = f32x4(rowWeight(swPtr, e, outputs), rowWeight(swPtr, left > 1 ? e + 1 : e, outputs),
          rowWeight(swPtr, left > 2 ? e + 2 : e, outputs), rowWeight(swPtr, left > 3 ? e + 3 : e, outputs));
        loss = f32x4.mul(loss, s);
        dv = f32x4.mul(dv, s);
      }
      v128.store(d, dv);
      if (left < 4) {
        memory.copy(deltaPtr + off, tailBuf + 32, <usize>left << 2);
        loss = v128.and(loss, i32x4.lt_s(i32x4(0, 1, 2, 3), i32x4.splat(left)));
      }
      lossLo = f64x2.add(lossLo, f64x2.promote_low_f32x4(loss));
      lossHi = f64x2.add(lossHi, f64x2.promote_low_f32x4(v128.shuffle<f32>(loss, loss, 2, 3, 0, 1)));
      e += 4;
    } while (e < n);
    const sum = f64x2.add(lossLo, lossHi);
    return f64x2.extract_lane(sum, 0) + f64x2.extract_lane(sum, 1);
  }
  let sum: f64 = 0;
  for (; e < n; e++) {
    const off = <usize>e << 2;
    const z = load<f32>(zPtr + off);
    const y = load<f32>(yPtr + off);
    const s = rowWeight(swPtr, e, outputs);
    if (kind == LOSS_BCE) {
      sum += <f64>(s * bceLoss(z, y));
      store<f32>(deltaPtr + off, s * bceGrad(z, y));
    } else {
      sum += <f64>(s * mseLoss(z, y));
      store<f32>(deltaPtr + off, s * mseGrad(z, y));
    }
  }
  return sum;
}
