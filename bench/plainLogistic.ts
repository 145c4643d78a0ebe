// A baseline of case `threads`: the shuffled logistic-regression epoch written by hand in
// plain JavaScript, as a user without this package would: a fresh Fisher-Yates order each
// epoch, Float32Array weights, one row at a time inside each mini-batch, then an SGD step
// with the batch's mean gradient. Same loss and update as the engines' sgd.
import { permutation } from '../src/bench/data.js';
import type { RngState } from '../src/reference/random.js';

/** D weights and a bias; epoch() returns the epoch's mean BCE (at the weights each batch saw). */
export class PlainLogistic {
  readonly w: Float32Array;
  b = 0;
  private readonly g: Float32Array;

  constructor(readonly features: number) {
    this.w = new Float32Array(features);
    this.g = new Float32Array(features);
  }

  epoch(X: Float32Array, y: Float32Array, rows: number, batch: number, lr: number, rng: RngState): number {
    const D = this.features;
    const { w, g } = this;
    const order = permutation(rows, rng);
    let lossSum = 0;
    for (let start = 0; start < rows; start += batch) {
      const end = Math.min(rows, start + batch);
      g.fill(0);
      let gb = 0;
      for (let k = start; k < end; k++) {
        const r = order[k];
        const base = r * D;
        let z = this.b;
        for (let j = 0; j < D; j++) z += w[j] * X[base + j];
        const p = 1 / (1 + Math.exp(-z));
        lossSum += Math.max(z, 0) - z * y[r] + Math.log1p(Math.exp(-Math.abs(z)));
        const d = p - y[r];
        for (let j = 0; j < D; j++) g[j] += d * X[base + j];
        gb += d;
      }
      const step = lr / (end - start);
      for (let j = 0; j < D; j++) w[j] -= step * g[j];
      this.b -= step * gb;
    }
    return lossSum / rows;
  }
}
