// What every engine decides from a model's shape, decided once here so the engines agree:
// whether a model is one output without hidden layers (the WASM epoch's four-row batch kernel),
// and how rows are shuffled.
import { LOSS_BCE, LOSS_MSE, type LossKind } from '../reference/losses.js';
import type { NetworkShape } from './network.js';

/** Target bytes per bucket: well inside this machine's 1 MiB per-core L2. */
export const BUCKET_BYTES = 256 * 1024;

/** How many buckets the shuffle uses for rows of cols features (every engine uses this). */
export function bucketCount(rows: number, cols: number): number {
  const rowBytes = (cols + 1) * 4; // the X row and its target
  // Data within two buckets (512 KiB, inside L2) is shuffled as one: random reads there cost about what
  // sequential ones do, so scattering costs more than it saves (digits, 467 KB, one bucket instead of two:
  // logistic epoch 0.100 -> 0.060 ms, softmax 0.48 -> 0.43 ms, wasm-simd, medians of 8 alternating processes).
  if (rows * rowBytes <= 2 * BUCKET_BYTES) return 1;
  const bucketRows = Math.max(1, Math.floor(BUCKET_BYTES / rowBytes));
  return Math.max(1, Math.ceil(rows / bucketRows));
}

/** The loss of a one-output model without hidden layers (identity output, mse or sigmoid head), or null for any other network. */
export function singleLayerLoss(shape: NetworkShape): LossKind | null {
  if (shape.layers.length !== 1) return null;
  const [out] = shape.layers;
  if (out.units !== 1 || out.activation !== 'identity' || shape.head === 'softmax') return null;
  return shape.head === 'mse' ? LOSS_MSE : LOSS_BCE;
}

/**
 * Buckets of the shuffle (see arrangement.ts): every model type scatters its rows into
 * cache-sized buckets, so each epoch reads the data in streaming passes.
 */
export function shuffleBuckets(shape: NetworkShape, rows: number): number {
  return bucketCount(rows, shape.inputs);
}
