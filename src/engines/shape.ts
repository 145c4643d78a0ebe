// What every engine decides from a model's shape, decided once here so the engines agree:
// whether a model is one output without hidden layers (the WASM epoch's four-row batch kernel,
// the reference's linear twin), and how rows are shuffled.
import { LOSS_BCE, LOSS_MSE, type LossKind } from '../reference/losses.js';
import { bucketCount } from '../reference/shuffle.js';
import type { NetworkShape } from '../reference/network.js';

/** The loss of a one-output model without hidden layers (identity output, mse or sigmoid head), or null for any other network. */
export function singleLayerLoss(shape: NetworkShape): LossKind | null {
  if (shape.layers.length !== 1) return null;
  const [out] = shape.layers;
  if (out.units !== 1 || out.activation !== 'identity' || shape.head === 'softmax') return null;
  return shape.head === 'mse' ? LOSS_MSE : LOSS_BCE;
}

/**
 * Buckets of the shuffle (see arrangement.ts): cache-sized buckets for every shape, so every
 * epoch visits its rows bucket by bucket (a random row read stays in cache) and scatters
 * them into the next arrangement as it trains.
 */
export function shuffleBuckets(shape: NetworkShape, rows: number): number {
  return bucketCount(rows, shape.inputs);
}
