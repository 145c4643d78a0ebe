// The reference engine: plain TypeScript over the src/reference kernels, float64
// parameters and arithmetic, float32 data (the same values the WASM engines see).
import type { Engine, Trainer, TrainerState, TrainingData } from './engine.js';
import type { LossKind } from '../reference/losses.js';
import type { RngState } from '../reference/random.js';
import { bucketCount, shuffleRows } from '../reference/shuffle.js';
import { predictLogits, trainEpoch, type EpochStats } from '../reference/train.js';
import { createOptimizerState, resolveOptimizer, type OptimizerState, type ResolvedOptimizer } from '../optim/optimizers.js';

class JsData implements TrainingData {
  constructor(
    readonly rows: number,
    public X: Float32Array,
    public y: Float32Array,
    public spareX: Float32Array | null, // scatter target for the shuffle
    public spareY: Float32Array | null,
    readonly order: Uint32Array | null,
  ) {}
  free(): void {
    this.X = this.y = new Float32Array(0);
    this.spareX = this.spareY = null;
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
    const cols = this.features;
    const buckets = bucketCount(rows, cols);
    const scatter = shuffle && buckets > 1;
    return new JsData(
      rows, X.slice(), y.slice(),
      scatter ? new Float32Array(rows * cols) : null,
      scatter ? new Float32Array(rows) : null,
      shuffle ? new Uint32Array(rows) : null,
    );
  }

  trainEpoch(data: TrainingData, batchSize: number, lrs: Float64Array, rng: RngState): EpochStats {
    const d = data as JsData;
    const cols = this.features;
    if (d.order) {
      const buckets = bucketCount(d.rows, cols);
      if (shuffleRows(rng, d.X, d.y, d.spareX!, d.spareY!, d.order, d.rows, cols, buckets)) {
        [d.X, d.spareX] = [d.spareX!, d.X];
        [d.y, d.spareY] = [d.spareY!, d.y];
      }
    }
    return trainEpoch(this.loss, d.X, d.y, d.order, d.rows, cols, batchSize, this.params, this.opt, this.state, lrs);
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
