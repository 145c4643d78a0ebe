// Hidden-layer activations, applied in place over n values, and their derivatives
// applied to a delta. The derivative is taken from the activation's output a
// (sigmoid' = a (1 - a), tanh' = 1 - a^2, relu' = [a > 0]), which is all that
// backpropagation keeps of the forward pass. src/reference/activations.ts is the twin.
//
// Accuracy against float64 (measured in test/kernels/activations.test.ts over
// [-90, 90]): SIMD build sigmoid within 2 ULP (expNeg4, then an add and a divide;
// flushed to 0 below z = -87.3, an absolute error < 2^-126),
// tanh within 1 ULP; scalar build (Mathf.exp, Mathf.tanh) both within 2 ULP. relu
// and the derivatives are exact operations followed by float32 rounding.
// In the SIMD build the last 1..15 values run through the same sixteen-value step in
// scratch, so every element gets the same value whatever its position.
import { sigmoidKernel } from './sigmoid';
import { expNeg4 } from './vmath';
import { ACT_IDENTITY, ACT_SIGMOID, ACT_TANH, ACT_RELU } from '../../src/wasm/abi';

/** 1 / (1 + exp(-z)) on four lanes: with e = exp(-|z|), 1/(1+e) for z >= 0 and e/(1+e) below. */
// @ts-ignore: decorator
@inline export function sigmoid4(z: v128): v128 {
  const one = f32x4.splat(1);
  // -|z| by setting the sign bit: one op where V8 spends three each on abs and neg.
  const e = expNeg4(v128.or(z, f32x4.splat(-0.0)));
  // The numerator is picked before the divide, so the select is off the dependency chain.
  return f32x4.div(v128.bitselect(one, e, f32x4.ge(z, f32x4.splat(0))), f32x4.add(e, one));
}

/**
 * tanh on four lanes, after Cephes tanhf: z + z^3 P(z^2) for |z| < 0.625, where
 * (1 - e)/(1 + e) with e = exp(-2|z|) would cancel; (1 - e)/(1 + e) with z's sign above.
 */
// @ts-ignore: decorator
@inline export function tanh4(z: v128): v128 {
  const a = f32x4.abs(z);
  const z2 = f32x4.mul(z, z);
  let p = f32x4.add(f32x4.mul(f32x4.splat(-5.70498872745e-3), z2), f32x4.splat(2.06390887954e-2));
  p = f32x4.add(f32x4.mul(p, z2), f32x4.splat(-5.37397155531e-2));
  p = f32x4.add(f32x4.mul(p, z2), f32x4.splat(1.33314422036e-1));
  p = f32x4.add(f32x4.mul(p, z2), f32x4.splat(-3.33332819422e-1));
  const small = f32x4.add(f32x4.mul(f32x4.mul(p, z2), z), z);
  const e = expNeg4(f32x4.mul(a, f32x4.splat(-2)));
  const big = f32x4.div(f32x4.sub(f32x4.splat(1), e), f32x4.add(f32x4.splat(1), e));
  const signed = v128.or(big, v128.and(z, f32x4.splat(-0.0))); // big >= 0: or-ing in z's sign bit negates it
  return v128.bitselect(small, signed, f32x4.lt(a, f32x4.splat(0.625)));
}

// @ts-ignore: decorator
@inline function act4(kind: i32, z: v128): v128 {
  if (kind == ACT_SIGMOID) return sigmoid4(z);
  if (kind == ACT_TANH) return tanh4(z);
  return f32x4.max(z, f32x4.splat(0)); // max, not pmax: relu(-0) = +0 and NaN stays NaN, as in the scalar build
}

// @ts-ignore: decorator
@inline function act1(kind: i32, z: f32): f32 {
  if (kind == ACT_SIGMOID) return sigmoidKernel(z);
  if (kind == ACT_TANH) return Mathf.tanh(z);
  return max(z, <f32>0);
}

/** Activation kind (ACT_*) in place on the sixteen f32 values at ptr (SIMD build). */
// @ts-ignore: decorator
@inline function activate16(kind: i32, ptr: usize): void {
  const a = v128.load(ptr), b = v128.load(ptr, 16), c = v128.load(ptr, 32), d = v128.load(ptr, 48);
  v128.store(ptr, act4(kind, a));
  v128.store(ptr, act4(kind, b), 16);
  v128.store(ptr, act4(kind, c), 32);
  v128.store(ptr, act4(kind, d), 48);
}


/** Activation kind (ACT_*) in place on steps >= 1 times 16 f32 values at ptr (SIMD build). */
function activateSteps(kind: i32, ptr: usize, steps: i32): void {
  // Sixteen values per step, in one loop per kind: four independent activations per
  // step overlap their long dependency chains, and V8 reloads each constant once per
  // step instead of once per vector (sigmoid: about a third less time than one vector).
  // do-while: TurboFan hoists the constants out of a loop only when the loop's body
  // dominates its exit; in a while loop it rebuilds them every step (sigmoid +20%).
  const end = ptr + (<usize>steps << 6);
  if (kind == ACT_SIGMOID) do { activate16(ACT_SIGMOID, ptr); ptr += 64; } while (ptr < end);
  else if (kind == ACT_TANH) do { activate16(ACT_TANH, ptr); ptr += 64; } while (ptr < end);
  else do { activate16(ACT_RELU, ptr); ptr += 64; } while (ptr < end);
}

/**
 * Applies activation kind (ACT_*) in place to n f32 values at ptr; identity leaves them.
 * tailPtr: KERNEL_TAIL_BYTES of scratch (16-byte aligned) for the SIMD build's last 1..15 values.
 */
export function activationForward(kind: i32, ptr: usize, n: i32, tailPtr: usize): void {
  if (kind == ACT_IDENTITY) return;
  if (ASC_FEATURE_SIMD) {
    if (n >= 16) activateSteps(kind, ptr, n >> 4);
    const left = <usize>(n & 15) << 2;
    if (left) {
      // The last 1..15 values take one more step in scratch: no tail code of their own.
      const at = ptr + (<usize>(n & ~15) << 2);
      memory.copy(tailPtr, at, left);
      activateSteps(kind, tailPtr, 1);
      memory.copy(at, tailPtr, left);
    }
    return;
  }
  for (let i = 0; i < n; i++) {
    const at = ptr + (<usize>i << 2);
    store<f32>(at, act1(kind, load<f32>(at)));
  }
}

/** d * f'(z) on four lanes, from the activation's output a = f(z). */
// @ts-ignore: decorator
@inline function derive4(kind: i32, a: v128, d: v128): v128 {
  if (kind == ACT_SIGMOID) return f32x4.mul(d, f32x4.mul(a, f32x4.sub(f32x4.splat(1), a)));
  if (kind == ACT_TANH) return f32x4.mul(d, f32x4.sub(f32x4.splat(1), f32x4.mul(a, a)));
  return v128.and(d, f32x4.gt(a, f32x4.splat(0)));
}

/** derive4 over the sixteen values at aPtr and deltaPtr, in place on the deltas (SIMD build). */
// @ts-ignore: decorator
@inline function derive16(kind: i32, aPtr: usize, deltaPtr: usize): void {
  const a0 = v128.load(aPtr), a1 = v128.load(aPtr, 16), a2 = v128.load(aPtr, 32), a3 = v128.load(aPtr, 48);
  const d0 = v128.load(deltaPtr), d1 = v128.load(deltaPtr, 16), d2 = v128.load(deltaPtr, 32), d3 = v128.load(deltaPtr, 48);
  v128.store(deltaPtr, derive4(kind, a0, d0));
  v128.store(deltaPtr, derive4(kind, a1, d1), 16);
  v128.store(deltaPtr, derive4(kind, a2, d2), 32);
  v128.store(deltaPtr, derive4(kind, a3, d3), 48);
}

/** derive16 over steps >= 1 times 16 values (SIMD build), one loop per kind as activateSteps. */
function deriveSteps(kind: i32, aPtr: usize, deltaPtr: usize, steps: i32): void {
  const end = deltaPtr + (<usize>steps << 6);
  if (kind == ACT_SIGMOID) do { derive16(ACT_SIGMOID, aPtr, deltaPtr); aPtr += 64; deltaPtr += 64; } while (deltaPtr < end);
  else if (kind == ACT_TANH) do { derive16(ACT_TANH, aPtr, deltaPtr); aPtr += 64; deltaPtr += 64; } while (deltaPtr < end);
  else do { derive16(ACT_RELU, aPtr, deltaPtr); aPtr += 64; deltaPtr += 64; } while (deltaPtr < end);
}

/** delta[i] *= f'(z_i) for n values, from the activation outputs a[i] = f(z_i); tailPtr as activationForward's. */
export function activationBackward(kind: i32, aPtr: usize, deltaPtr: usize, n: i32, tailPtr: usize): void {
  if (kind == ACT_IDENTITY) return;
  if (ASC_FEATURE_SIMD) {
    if (n >= 16) deriveSteps(kind, aPtr, deltaPtr, n >> 4);
    const left = <usize>(n & 15) << 2;
    if (left) {
      // As activationForward: the last 1..15 values take one more step in scratch.
      const off = <usize>(n & ~15) << 2;
      memory.copy(tailPtr, aPtr + off, left);
      memory.copy(tailPtr + 64, deltaPtr + off, left);
      deriveSteps(kind, tailPtr, tailPtr + 64, 1);
      memory.copy(deltaPtr + off, tailPtr + 64, left);
    }
    return;
  }
  for (let i = 0; i < n; i++) {
    const off = <usize>i << 2;
    const a = load<f32>(aPtr + off);
    const d = load<f32>(deltaPtr + off);
    let r: f32;
    if (kind == ACT_SIGMOID) r = d * (a * (<f32>1 - a));
    else if (kind == ACT_TANH) r = d * (<f32>1 - a * a);
    else r = a > 0 ? d : 0;
    store<f32>(deltaPtr + off, r);
  }
}
