// exp and log1p on four f32 lanes at once, so the per-row loss costs no scalar
// transcendental calls in the SIMD build. Only compiled where SIMD is enabled.
// Accuracy (measured against Math.exp / Math.log1p in test/kernels/vmath.test.ts):
// expNeg within 2 ULP on [-87, 0]; log1pUnit within 3 ULP on [0, 1].

/** exp(x) for x <= 0 (Cephes expf: Cody-Waite reduction, degree-5 polynomial); 0 below -87.3. */
// @ts-ignore: decorator
@inline export function expNeg4(x: v128): v128 {
  const lo = f32x4.splat(-87.33654);
  const under = f32x4.lt(x, lo);
  x = f32x4.pmax(x, lo); // one maxps (NaN logits are caught as divergence anyway)
  // Round x*log2(e) to an integer n by adding 1.5*2^23: the sum's low mantissa
  // bits then hold n, which also gives 2^n's exponent bits without a conversion.
  const magic = f32x4.splat(12582912.0);
  const t = f32x4.add(f32x4.mul(x, f32x4.splat(1.44269504088896341)), magic);
  const n = f32x4.sub(t, magic);
  let r = f32x4.sub(x, f32x4.mul(n, f32x4.splat(0.693359375)));
  r = f32x4.sub(r, f32x4.mul(n, f32x4.splat(-2.12194440e-4)));
  // The degree-5 polynomial by Estrin's scheme, not Horner's: shorter dependency
  // chains, so the blocks of a sub-batch overlap better.
  const r2 = f32x4.mul(r, r);
  const a = f32x4.add(f32x4.splat(5.0000001201e-1), f32x4.mul(f32x4.splat(1.6666665459e-1), r));
  const b = f32x4.add(f32x4.splat(4.1665795894e-2), f32x4.mul(f32x4.splat(8.3334519073e-3), r));
  const c = f32x4.add(f32x4.splat(1.3981999507e-3), f32x4.mul(f32x4.splat(1.9875691500e-4), r));
  let p = f32x4.add(a, f32x4.mul(r2, f32x4.add(b, f32x4.mul(r2, c))));
  p = f32x4.add(f32x4.add(f32x4.mul(p, r2), r), f32x4.splat(1));
  // 2^n from the exponent bits; n >= -126 after the clamp, so the result is normal.
  const scale = i32x4.shl(i32x4.add(i32x4.sub(t, magic), i32x4.splat(127)), 23);
  return v128.andnot(f32x4.mul(p, scale), under);
}

/** log(1 + u) for u in [0, 1]: 2 atanh(s) with s = u / (2 + u) <= 1/3, series to s^13. */
// @ts-ignore: decorator
@inline export function log1pUnit4(u: v128): v128 {
  const s = f32x4.div(u, f32x4.add(u, f32x4.splat(2)));
  const s2 = f32x4.mul(s, s);
  // 1 + s2/3 + s2^2/5 + ... + s2^6/13 by Estrin's scheme (see expNeg4).
  const s4 = f32x4.mul(s2, s2);
  const a = f32x4.add(f32x4.splat(1), f32x4.mul(f32x4.splat(<f32>1 / 3), s2));
  const b = f32x4.add(f32x4.splat(<f32>1 / 5), f32x4.mul(f32x4.splat(<f32>1 / 7), s2));
  const c = f32x4.add(f32x4.add(f32x4.splat(<f32>1 / 9), f32x4.mul(f32x4.splat(<f32>1 / 11), s2)),
    f32x4.mul(f32x4.splat(<f32>1 / 13), s4));
  const p = f32x4.add(a, f32x4.mul(s4, f32x4.add(b, f32x4.mul(s4, c))));
  return f32x4.mul(f32x4.add(s, s), p);
}

/** Exported for tests: exp(x) of four lanes (x <= 0) read from and written to memory. */
export function expNegLanes(inPtr: usize, outPtr: usize): void {
  if (ASC_FEATURE_SIMD) v128.store(outPtr, expNeg4(v128.load(inPtr)));
}

/** Exported for tests: log1p(u) of four lanes (0 <= u <= 1). */
export function log1pUnitLanes(inPtr: usize, outPtr: usize): void {
  if (ASC_FEATURE_SIMD) v128.store(outPtr, log1pUnit4(v128.load(inPtr)));
}
