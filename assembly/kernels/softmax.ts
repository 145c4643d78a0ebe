// Softmax cross-entropy per row of logits, for integer labels, in the stable
// log-sum-exp form: with m = max_j z_j, every exponent z_j - m is <= 0, so exp
// never overflows and logits of +-1e4 give finite losses and gradients.
// src/reference/softmax.ts is the twin.
//
// The loss log(sum_j e^(z_j - m)) + m - z_y is formed as log1p(t) + (m - z_y),
// where t = sum_j e^(z_j - m) - 1 is summed without the 1 (the terms with z_j = m
// are counted, not added), so a confidently right row keeps its small loss to
// full relative precision instead of losing it to rounding 1 + t. Both terms are
// >= 0, so nothing cancels. Accuracy (test/kernels/softmax.test.ts): probabilities
// within a few ULP (exp 2 ULP, the sum's roundings, one divide).
import { expNeg4 } from './vmath';

/**
 * Softmax cross-entropy of rows x classes logits at zPtr against i32 labels at
 * labelsPtr, each row weighted by swPtr (f32, 0 = all 1). Returns the weighted
 * loss sum, accumulated in f64. When gradPtr is not 0, writes the gradient with
 * respect to the logits, s (softmax(z) - onehot(label)), there (gradPtr may be
 * zPtr). A label outside 0..classes-1 makes the loss NaN (the caller's divergence
 * check) and nothing is written outside the row.
 */
export function softmaxCrossEntropy(
  zPtr: usize, rows: i32, classes: i32, labelsPtr: usize, swPtr: usize, gradPtr: usize,
): f64 {
  const rowBytes = <usize>classes << 2;
  let lossSum: f64 = 0;
  for (let r = 0; r < rows; r++) {
    const z = zPtr + <usize>r * rowBytes;
    const g = gradPtr + <usize>r * rowBytes;
    const label = load<i32>(labelsPtr + (<usize>r << 2));
    const valid = <u32>label < <u32>classes;
    const s: f32 = swPtr ? load<f32>(swPtr + (<usize>r << 2)) : 1;
    // Pass 1: the row's largest logit (max, not pmax: a NaN logit makes m NaN and so the loss).
    let j = 0;
    let m: f32 = -Infinity;
    if (ASC_FEATURE_SIMD) {
      if (classes >= 4) {
        let mv = v128.load(z);
        for (j = 4; j + 4 <= classes; j += 4) mv = f32x4.max(mv, v128.load(z + (<usize>j << 2)));
        m = max(max(f32x4.extract_lane(mv, 0), f32x4.extract_lane(mv, 1)),
          max(f32x4.extract_lane(mv, 2), f32x4.extract_lane(mv, 3)));
      }
    }
    for (; j < classes; j++) m = max(m, load<f32>(z + (<usize>j << 2)));
    const zy: f32 = valid ? load<f32>(z + (<usize>label << 2)) : NaN; // read before g overwrites z
    // Pass 2: e_j = exp(z_j - m), kept in g; t sums those with z_j < m, ties counts z_j = m (each e_j = 1).
    let t: f32 = 0;
    let ties: f32 = 0;
    if (ASC_FEATURE_SIMD) {
      // Four values a step; the last one to three padded with -Infinity, whose e is 0 and
      // which count as below m, so they add nothing. do-while, so that V8 hoists expNeg4's
      // constants out of the loop (see activations.ts).
      const mv = f32x4.splat(m);
      let tv = f32x4.splat(0);
      let nv = f32x4.splat(0);
      j = 0;
      if (classes > 0) do {
        const off = <usize>j << 2;
        const left = classes - j;
        let zv: v128;
        if (left >= 4) zv = v128.load(z + off);
        else {
          zv = f32x4.replace_lane(f32x4.splat(-Infinity), 0, load<f32>(z + off));
          if (left > 1) zv = f32x4.replace_lane(zv, 1, load<f32>(z + off, 4));
          if (left > 2) zv = f32x4.replace_lane(zv, 2, load<f32>(z + off, 8));
        }
        const e = expNeg4(f32x4.sub(zv, mv));
        const below = f32x4.lt(zv, mv);
        tv = f32x4.add(tv, v128.and(e, below));
        nv = f32x4.add(nv, v128.andnot(f32x4.splat(1), below));
        if (gradPtr) {
          if (left >= 4) v128.store(g + off, e);
          else {
            store<f32>(g + off, f32x4.extract_lane(e, 0));
            if (left > 1) store<f32>(g + off, f32x4.extract_lane(e, 1), 4);
            if (left > 2) store<f32>(g + off, f32x4.extract_lane(e, 2), 8);
          }
        }
        j += 4;
      } while (j < classes);
      t = (f32x4.extract_lane(tv, 0) + f32x4.extract_lane(tv, 1)) + (f32x4.extract_lane(tv, 2) + f32x4.extract_lane(tv, 3));
      ties = (f32x4.extract_lane(nv, 0) + f32x4.extract_lane(nv, 1)) + (f32x4.extract_lane(nv, 2) + f32x4.extract_lane(nv, 3));
    } else {
      for (j = 0; j < classes; j++) {
        const off = <usize>j << 2;
        const zj = load<f32>(z + off);
        const e = Mathf.exp(zj - m);
        if (zj < m) t += e;
        else ties += 1;
        if (gradPtr) store<f32>(g + off, e);
      }
    }
    // ties >= 1 (the max itself), so ties - 1 + t is exact in its integer part and >= 0.
    const sum = ties + t;
    const loss = valid ? Mathf.log1p((ties - 1) + t) + (m - zy) : <f32>NaN;
    lossSum += <f64>s * <f64>loss;
    if (!gradPtr) continue;
    // Pass 3: g_j = s e_j / sum, and s (p_y - 1) at the label.
    const ey = valid ? load<f32>(g + (<usize>label << 2)) : 0; // e_y from pass 2
    j = 0;
    if (ASC_FEATURE_SIMD) {
      const sumV = f32x4.splat(sum);
      const sV = f32x4.splat(s);
      for (; j + 4 <= classes; j += 4) {
        const at = g + (<usize>j << 2);
        v128.store(at, f32x4.mul(sV, f32x4.div(v128.load(at), sumV)));
      }
    }
    for (; j < classes; j++) {
      const at = g + (<usize>j << 2);
      store<f32>(at, s * (load<f32>(at) / sum));
    }
    if (valid) store<f32>(g + (<usize>label << 2), s * (ey / sum - <f32>1));
  }
  return lossSum;
}
