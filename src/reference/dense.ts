// Reference twin of assembly/kernels/dense.ts, in float64. W is stored outputs x
// inputs, row-major (W[o * inputs + i]); a layer's W and b may sit at offsets
// inside one flat parameter vector, hence the offset arguments.

/** out[r, o] = b[o] + sum_i x[r, i] w[o, i] for rows x outputs: the forward product x W^T + b. */
export function denseForward(
  x: ArrayLike<number>, rows: number, inputs: number,
  w: ArrayLike<number>, wOffset: number, b: ArrayLike<number>, bOffset: number, outputs: number,
  out: Float64Array,
): void {
  for (let r = 0; r < rows; r++) {
    for (let o = 0; o < outputs; o++) {
      let sum = b[bOffset + o];
      for (let i = 0; i < inputs; i++) sum += x[r * inputs + i] * w[wOffset + o * inputs + i];
      out[r * outputs + o] = sum;
    }
  }
}

/** out[r, i] = sum_o delta[r, o] w[o, i] for rows x inputs: delta W, the gradient with respect to the input. */
export function denseBackwardInput(
  delta: ArrayLike<number>, rows: number, outputs: number, w: ArrayLike<number>, wOffset: number, inputs: number,
  out: Float64Array,
): void {
  for (let r = 0; r < rows; r++) {
    for (let i = 0; i < inputs; i++) {
      let sum = 0;
      for (let o = 0; o < outputs; o++) sum += delta[r * outputs + o] * w[wOffset + o * inputs + i];
      out[r * inputs + i] = sum;
    }
  }
}

/** gradW[o, i] += sum_r delta[r, o] x[r, i] (delta^T x) and gradB[o] += sum_r delta[r, o]. */
export function denseBackwardWeights(
  x: ArrayLike<number>, delta: ArrayLike<number>, rows: number, inputs: number, outputs: number,
  gradW: Float64Array, wOffset: number, gradB: Float64Array, bOffset: number,
): void {
  for (let o = 0; o < outputs; o++) {
    for (let i = 0; i < inputs; i++) {
      let sum = 0;
      for (let r = 0; r < rows; r++) sum += delta[r * outputs + o] * x[r * inputs + i];
      gradW[wOffset + o * inputs + i] += sum;
    }
    let sum = 0;
    for (let r = 0; r < rows; r++) sum += delta[r * outputs + o];
    gradB[bOffset + o] += sum;
  }
}
