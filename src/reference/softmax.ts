// Reference twin of assembly/kernels/softmax.ts, in float64: softmax cross-entropy
// per row through log-sum-exp, log sum_j exp(z_j - m) + m - z_y with m = max_j z_j.

/**
 * Weighted sum over rows of the softmax cross-entropy of rows x classes logits
 * against integer labels (sw null = all weights 1). When grad is given, writes
 * s (softmax(z) - onehot(label)) there. A label outside 0..classes-1 gives NaN.
 */
export function softmaxCrossEntropy(
  z: ArrayLike<number>, rows: number, classes: number, labels: ArrayLike<number>,
  sw: ArrayLike<number> | null, grad: Float64Array | null,
): number {
  let lossSum = 0;
  for (let r = 0; r < rows; r++) {
    const at = r * classes;
    const label = labels[r];
    const s = sw ? sw[r] : 1;
    let m = -Infinity;
    for (let j = 0; j < classes; j++) m = Math.max(m, z[at + j]);
    let sum = 0;
    for (let j = 0; j < classes; j++) sum += Math.exp(z[at + j] - m);
    const valid = Number.isInteger(label) && label >= 0 && label < classes;
    lossSum += s * (valid ? Math.log(sum) + m - z[at + label] : NaN);
    if (!grad) continue;
    for (let j = 0; j < classes; j++) grad[at + j] = s * (Math.exp(z[at + j] - m) / sum - (j === label ? 1 : 0));
  }
  return lossSum;
}
