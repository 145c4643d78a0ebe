// The baseline of case `mlp`: the two-layer network written by hand in plain
// JavaScript, as a user without this package would: Float32Array weights, one
// row at a time inside each mini-batch, sigmoid via Math.exp, then an SGD step
// with the batch's mean gradient. Same network, loss and update as the engines.
import { uniform, type RngState } from '../src/reference/random.js';
import { permutation } from '../src/bench/data.js';

/** inputs-hidden-1 network: sigmoid hidden units, one sigmoid output, binary cross-entropy, plain SGD. */
export class PlainMlp {
  readonly W1: Float32Array; // hidden x inputs, row-major
  readonly b1: Float32Array;
  readonly w2: Float32Array;
  b2 = 0;
  private readonly gW1: Float32Array;
  private readonly gb1: Float32Array;
  private readonly gw2: Float32Array;
  private readonly h: Float32Array;

  /** Xavier-uniform weights from rng, zero biases. */
  constructor(readonly inputs: number, readonly hidden: number, rng: RngState) {
    const xavier = (n: number, fanIn: number, fanOut: number) => {
      const s = Math.sqrt(6 / (fanIn + fanOut));
      return Float32Array.from({ length: n }, () => s * (2 * uniform(rng) - 1));
    };
    this.W1 = xavier(hidden * inputs, inputs, hidden);
    this.b1 = new Float32Array(hidden);
    this.w2 = xavier(hidden, hidden, 1);
    this.gW1 = new Float32Array(hidden * inputs);
    this.gb1 = new Float32Array(hidden);
    this.gw2 = new Float32Array(hidden);
    this.h = new Float32Array(hidden);
  }

  /** One epoch over rows rows of X (rows x inputs) and 0/1 labels y, in a fresh random order; returns the mean loss. */
  epoch(X: Float32Array, y: Float32Array, rows: number, batchSize: number, learningRate: number, rng: RngState): number {
    const { inputs, hidden, W1, b1, w2, gW1, gb1, gw2, h } = this;
    const order = permutation(rows, rng);
    let lossSum = 0;
    for (let start = 0; start < rows; start += batchSize) {
      const end = Math.min(start + batchSize, rows);
      let gb2 = 0;
      for (let k = start; k < end; k++) {
        const x = order[k] * inputs;
        // Forward: hidden layer, then the output logit.
        let z = this.b2;
        for (let j = 0; j < hidden; j++) {
          let s = b1[j];
          const w = j * inputs;
          for (let i = 0; i < inputs; i++) s += W1[w + i] * X[x + i];
          h[j] = 1 / (1 + Math.exp(-s));
          z += w2[j] * h[j];
        }
        const t = y[order[k]];
        lossSum += Math.max(z, 0) - z * t + Math.log1p(Math.exp(-Math.abs(z)));
        // Backward: dLoss/dz = sigmoid(z) - t, then through w2 and the hidden sigmoid.
        const d = 1 / (1 + Math.exp(-z)) - t;
        gb2 += d;
        for (let j = 0; j < hidden; j++) {
          gw2[j] += d * h[j];
          const dh = d * w2[j] * h[j] * (1 - h[j]);
          gb1[j] += dh;
          const w = j * inputs;
          for (let i = 0; i < inputs; i++) gW1[w + i] += dh * X[x + i];
        }
      }
      // SGD with the batch's mean gradient; the gradient buffers are cleared for the next batch.
      const step = learningRate / (end - start);
      for (let i = 0; i < W1.length; i++) {
        W1[i] -= step * gW1[i];
        gW1[i] = 0;
      }
      for (let j = 0; j < hidden; j++) {
        b1[j] -= step * gb1[j];
        w2[j] -= step * gw2[j];
        gb1[j] = 0;
        gw2[j] = 0;
      }
      this.b2 -= step * gb2;
    }
    return lossSum / rows;
  }
}
