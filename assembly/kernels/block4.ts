// Four rows at a time (SIMD build): the four dot products share each load of w,
// and the gradient update reads and writes each gradient chunk once per four rows.

/** Transpose-and-add: lane k of the result is the sum of the four lanes of ak. */
// @ts-ignore: decorator
@inline export function sumLanes4(a0: v128, a1: v128, a2: v128, a3: v128): v128 {
  const s01 = f32x4.add(v128.shuffle<f32>(a0, a1, 0, 4, 1, 5), v128.shuffle<f32>(a0, a1, 2, 6, 3, 7));
  const s23 = f32x4.add(v128.shuffle<f32>(a2, a3, 0, 4, 1, 5), v128.shuffle<f32>(a2, a3, 2, 6, 3, 7));
  return f32x4.add(v128.shuffle<f32>(s01, s23, 0, 1, 4, 5), v128.shuffle<f32>(s01, s23, 2, 3, 6, 7));
}

/** The four logits w.x_k (k < 4) of rows at x0..x3, as one f32x4. */
// @ts-ignore: decorator
@inline export function dot4(wPtr: usize, x0: usize, x1: usize, x2: usize, x3: usize, n: i32): v128 {
  let a0 = f32x4.splat(0);
  let a1 = f32x4.splat(0);
  let a2 = f32x4.splat(0);
  let a3 = f32x4.splat(0);
  let i = 0;
  // Unrolled by two: constant load offsets save an address add per load.
  for (; i + 8 <= n; i += 8) {
    const off = <usize>i << 2;
    const w = v128.load(wPtr + off);
    const v = v128.load(wPtr + off, 16);
    const p0 = x0 + off, p1 = x1 + off, p2 = x2 + off, p3 = x3 + off;
    a0 = f32x4.add(a0, f32x4.add(f32x4.mul(w, v128.load(p0)), f32x4.mul(v, v128.load(p0, 16))));
    a1 = f32x4.add(a1, f32x4.add(f32x4.mul(w, v128.load(p1)), f32x4.mul(v, v128.load(p1, 16))));
    a2 = f32x4.add(a2, f32x4.add(f32x4.mul(w, v128.load(p2)), f32x4.mul(v, v128.load(p2, 16))));
    a3 = f32x4.add(a3, f32x4.add(f32x4.mul(w, v128.load(p3)), f32x4.mul(v, v128.load(p3, 16))));
  }
  for (; i + 4 <= n; i += 4) {
    const off = <usize>i << 2;
    const w = v128.load(wPtr + off);
    a0 = f32x4.add(a0, f32x4.mul(w, v128.load(x0 + off)));
    a1 = f32x4.add(a1, f32x4.mul(w, v128.load(x1 + off)));
    a2 = f32x4.add(a2, f32x4.mul(w, v128.load(x2 + off)));
    a3 = f32x4.add(a3, f32x4.mul(w, v128.load(x3 + off)));
  }
  let z = sumLanes4(a0, a1, a2, a3);
  if (i < n) {
    let t0: f32 = 0, t1: f32 = 0, t2: f32 = 0, t3: f32 = 0;
    for (; i < n; i++) {
      const off = <usize>i << 2;
      const w = load<f32>(wPtr + off);
      t0 += w * load<f32>(x0 + off);
      t1 += w * load<f32>(x1 + off);
      t2 += w * load<f32>(x2 + off);
      t3 += w * load<f32>(x3 + off);
    }
    z = f32x4.add(z, f32x4(t0, t1, t2, t3));
  }
  return z;
}

/** g += d[0] x0 + d[1] x1 + d[2] x2 + d[3] x3 over n values. */
// @ts-ignore: decorator
@inline export function axpy4(d: v128, x0: usize, x1: usize, x2: usize, x3: usize, gPtr: usize, n: i32): void {
  const d0 = v128.shuffle<f32>(d, d, 0, 0, 0, 0);
  const d1 = v128.shuffle<f32>(d, d, 1, 1, 1, 1);
  const d2 = v128.shuffle<f32>(d, d, 2, 2, 2, 2);
  const d3 = v128.shuffle<f32>(d, d, 3, 3, 3, 3);
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    const off = <usize>i << 2;
    const p0 = x0 + off, p1 = x1 + off, p2 = x2 + off, p3 = x3 + off, g = gPtr + off;
    const s01 = f32x4.add(f32x4.mul(d0, v128.load(p0)), f32x4.mul(d1, v128.load(p1)));
    const s23 = f32x4.add(f32x4.mul(d2, v128.load(p2)), f32x4.mul(d3, v128.load(p3)));
    const t01 = f32x4.add(f32x4.mul(d0, v128.load(p0, 16)), f32x4.mul(d1, v128.load(p1, 16)));
    const t23 = f32x4.add(f32x4.mul(d2, v128.load(p2, 16)), f32x4.mul(d3, v128.load(p3, 16)));
    v128.store(g, f32x4.add(v128.load(g), f32x4.add(s01, s23)));
    v128.store(g, f32x4.add(v128.load(g, 16), f32x4.add(t01, t23)), 16);
  }
  for (; i + 4 <= n; i += 4) {
    const off = <usize>i << 2;
    const s01 = f32x4.add(f32x4.mul(d0, v128.load(x0 + off)), f32x4.mul(d1, v128.load(x1 + off)));
    const s23 = f32x4.add(f32x4.mul(d2, v128.load(x2 + off)), f32x4.mul(d3, v128.load(x3 + off)));
    v128.store(gPtr + off, f32x4.add(v128.load(gPtr + off), f32x4.add(s01, s23)));
  }
  if (i < n) {
    const e0 = f32x4.extract_lane(d, 0), e1 = f32x4.extract_lane(d, 1);
    const e2 = f32x4.extract_lane(d, 2), e3 = f32x4.extract_lane(d, 3);
    for (; i < n; i++) {
      const off = <usize>i << 2;
      store<f32>(gPtr + off, load<f32>(gPtr + off) +
        ((e0 * load<f32>(x0 + off) + e1 * load<f32>(x1 + off)) + (e2 * load<f32>(x2 + off) + e3 * load<f32>(x3 + off))));
    }
  }
}
