// The reference engine: plain TypeScript over the src/reference kernels, float64
// parameters and arithmetic, float32 data (the same values the WASM engines see).
import type { Engine, Trainer, TrainerState, TrainingData } from './engine.js';
import { shuffledEpoch, type ArrangementOps } from './arrangement.js';
import type { LossKind } from '../reference/losses.js';
import type { RngState } from '../reference/random.js';
import { bucketCount, permuteBuckets, planScatter, scatterRows } from '../reference/shuffle.js';
import { predictLogits, trainEpoch, type EpochStats } from '../reference/train.js';
import { createOptimizerState, resolveOptimizer, type OptimizerState, type ResolvedOptimizer } from '../optim/optimizers.js';

/** Training data and the shuffle's buffers, as plain typed arrays. */
class JsData implements TrainingData {
  arranged = false;
  readonly buckets: number;
  nextX: Float32Array;
  nextY: Float32Array;
  order: Uint32Array | null;
  ids: Uint32Array;
  starts: Uint32Array;
  nextStarts: Uint32Array;
  cursors: Uint32Array;

  constructor(readonly rows: number, cols: number, public X: Float32Array, public y: Float32Array, shuffle: boolean) {
    this.buckets = shuffle ? bucketCount(rows, cols) : 1;
    const scatter = this.buckets > 1;
    this.nextX = new Float32Array(scatter ? rows * cols : 0);
    this.nextY = new Float32Array(scatter ? rows : 0);
    this.order = shuffle ? new Uint32Array(rows) : null;
    this.ids = new Uint32Array(scatter ? rows : 0);
    this.starts = new Uint32Array(this.buckets + 1);
    this.starts[this.buckets] = rows; // one bucket: all rows; more: set by the first plan()
    this.nextStarts = new Uint32Array(this.buckets + 1);
    this.cursors = new Uint32Array(this.buckets);
  }

  free(): void {
    this.X = this.y = this.nextX = this.nextY = new Float32Array(0);
  }
}

class JsTrainer implements Trainer {
  private params: Float64Array;
  private opt: ResolvedOptimizer = resolveOptimizer('sgd');
  private state: OptimizerState;

  constructor(readonly features: number, private readonly loss: LossKind) {
    this.params = new Float64Array(features + 1);
    this.state = createOptimizerState(this.opt, features + 1);
  }

  getParams(): Float64Array {
    return this.params.slice();
  }

  setParams(params: ArrayLike<number>): void {
    this.params.set(params);
  }

  setOptimizer(opt: ResolvedOptimizer): void {
    this.opt = opt;
    this.state = createOptimizerState(opt, this.features + 1);
  }

  saveState(): TrainerState {
    return { params: this.params.slice(), optimizerStep: this.state.step, slots: this.state.slots.map((s) => s.slice()) };
  }

  restoreState(saved: TrainerState): void {
    this.params.set(saved.params);
    this.state.step = saved.optimizerStep;
    saved.slots.forEach((s, i) => this.state.slots[i].set(s));
  }

  loadData(X: Float32Array, y: Float32Array, rows: number, shuffle: boolean): TrainingData {
    return new JsData(rows, this.features, X.slice(0, rows * this.features), y.slice(0, rows), shuffle);
  }

  trainEpoch(data: TrainingData, batchSize: number, lrs: Float64Array, rng: RngState): EpochStats {
    const d = data as JsData;
    const cols = this.features;
    const train = (scatter: boolean) =>
      trainEpoch(this.loss, d.X, d.y, d.order, d.rows, cols, batchSize, this.params, this.opt, this.state, lrs,
        scatter ? { ids: d.ids, cursors: d.cursors, X: d.nextX, y: d.nextY } : null);
    if (!d.order) return train(false);
    const ops: ArrangementOps = {
      buckets: d.buckets,
      get arranged() { return d.arranged; },
      set arranged(v) { d.arranged = v; },
      plan: () => planScatter(rng, d.ids, d.nextStarts, d.cursors, d.rows, d.buckets),
      scatterAll: () => scatterRows(d.X, d.y, null, d.ids, d.cursors, d.nextX, d.nextY, 0, d.rows, cols),
      permute: () => permuteBuckets(rng, d.order!, d.starts, d.buckets),
      train,
      swap: () => {
        [d.X, d.nextX] = [d.nextX, d.X];
        [d.y, d.nextY] = [d.nextY, d.y];
        [d.starts, d.nextStarts] = [d.nextStarts, d.starts];
      },
    };
    return shuffledEpoch(ops);
  }

  logits(X: Float32Array, rows: number): Float64Array {
    return predictLogits(X, rows, this.features, this.params);
  }

  dispose(): void {}
}

/** The pure-TypeScript reference engine. */
export const jsEngine: Engine = {
  name: 'js',
  createTrainer: (features, loss) => new JsTrainer(features, loss),
};
