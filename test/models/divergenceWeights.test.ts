// Divergence keeps the last finite weights, exactly, and names the batch correctly
// (DESIGN.md, Numerics), on every engine. (divergence.test.ts covers the message's advice.)
import { describe, expect, it } from 'vitest';
import { DivergenceError, type History } from '../../src/index.js';
import { ENGINES, useReady } from '../helpers/engines.js';
import { regression } from '../helpers/data.js';
import { makeModel, paramsOf } from '../helpers/models.js';
import { expectSame } from '../helpers/tolerance.js';

useReady();

// N(0,1) features and lr = 5: for the MSE every full-batch step multiplies the error by
// about |1 - 2 * 5 * lambda| >= 4 (lambda = eigenvalues of X^T X / n, around 1), so the
// loss overflows (float32: ~1e38, float64: ~1e308) within a few dozen to ~150 epochs.
const d = regression({ rows: 50, features: 4, seed: 71, noise: 0.1, dist: 'normal' });
const LR = 5;

function catchDivergence(fn: () => unknown): DivergenceError & { history?: History } {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(DivergenceError);
    return e as DivergenceError & { history?: History };
  }
  return expect.fail('expected a DivergenceError, nothing was thrown');
}

describe.each(ENGINES)('divergence keeps the last finite weights (%s)', (engine) => {
  it('full batch: the weights of epoch - 1 exactly, the finished epochs in err.history, and "batch 1" in the message', () => {
    const m = makeModel('linear', engine, 4, { init: 'random', seed: 1 });
    const err = catchDivergence(() => m.fit(d.X, d.y, { epochs: 500, batchSize: 'full', learningRate: LR, shuffle: false }));
    const epoch = err.epoch;
    expect(epoch).toBeGreaterThan(1);
    expect(epoch).toBeLessThan(500);
    // The weights are those after epoch - 1 epochs: a twin trained for exactly that many.
    const twin = makeModel('linear', engine, 4, { init: 'random', seed: 1 });
    twin.fit(d.X, d.y, { epochs: epoch - 1, batchSize: 'full', learningRate: LR, shuffle: false });
    expectSame(paramsOf(m), paramsOf(twin), 'weights kept');
    expect(paramsOf(m).every(Number.isFinite)).toBe(true);
    // The error carries the history of the finished epochs.
    expect(err.history?.epochs.length).toBe(epoch - 1);
    expect(err.history?.loss.every(Number.isFinite)).toBe(true);
    // Its stop reason says divergence (not 'maxEpochs'), at the last finite epoch, with the error's message.
    expect(err.history?.stopReason).toEqual({ rule: 'diverged', epoch: epoch - 1, message: err.message });
    expect(err.history?.bestEpoch).toBe(epoch - 1);
    // Last, the whole message. With one batch per epoch the batch that diverged is batch 1.
    expect(err.message).toBe(
      `training diverged in epoch ${epoch}, batch 1: the loss or gradient stopped being finite at learningRate ${LR}. ` +
        `The model keeps its weights from the end of epoch ${epoch - 1}. Try a smaller learningRate or standardize the features.`,
    );
    m.dispose();
    twin.dispose();
  });

  it("fitAsync's and partialFit's DivergenceError histories say 'diverged' too", async () => {
    const m = makeModel('linear', engine, 4, { init: 'random', seed: 1 });
    let err: (DivergenceError & { history?: History }) | undefined;
    await m.fitAsync(d.X, d.y, { epochs: 500, batchSize: 'full', learningRate: LR, shuffle: false }).catch((e) => (err = e));
    expect(err).toBeInstanceOf(DivergenceError);
    expect(err!.history?.stopReason).toEqual({ rule: 'diverged', epoch: err!.epoch - 1, message: err!.message });
    // partialFit makes one pass: from weights already past float32's range (see above), its first epoch diverges.
    const p = catchDivergence(() => { for (let k = 0; k < 500; k++) m.partialFit(d.X, d.y, { batchSize: 'full', learningRate: LR, shuffle: false }); });
    expect(p.history?.stopReason).toEqual({ rule: 'diverged', epoch: 0, message: p.message });
    m.dispose();
  });

  it('leaves a usable model: predict and toJSON reflect the kept (finite) weights', () => {
    const m = makeModel('linear', engine, 4);
    catchDivergence(() => m.fit(d.X, d.y, { epochs: 500, batchSize: 'full', learningRate: LR, shuffle: false }));
    const p = paramsOf(m);
    const json = m.toJSON();
    expect([...json.layers[0].weights, ...json.layers[0].bias]).toEqual(Array.from(p));
    const pred = m.predict(d.X.subarray(0, 4));
    expect(pred.length).toBe(1);
    // The kept weights are huge but finite; w.x + b of the first row, in float64, to float32 precision
    // (skipped where the prediction itself overflows float32, as it does for the js engine's ~1e150 weights).
    const z = p[4] + p[0] * d.X[0] + p[1] * d.X[1] + p[2] * d.X[2] + p[3] * d.X[3];
    if (Number.isFinite(Math.fround(z))) expect(Math.abs(pred[0] - z)).toBeLessThanOrEqual(1e-5 * (Math.abs(z) + Math.hypot(...p)));
    m.dispose();
  });
});
