// Calls made from inside a model's own callbacks, on every engine: reading it works, changing
// it throws BusyError (and leaves the outer run exactly as if the call had not been made), and
// dispose() stops the run after the callback returns, throws DisposedError and frees the memory.
import { describe, expect, it } from 'vitest';
import { BusyError, DisposedError, LinearRegression, LogisticRegression, type FitOptions } from '../../src/index.js';
import { ENGINES, runtimeOf, useReady } from '../helpers/engines.js';
import { classification } from '../helpers/data.js';
import { paramsOf } from '../helpers/models.js';

useReady();

const d = classification({ rows: 300, features: 5, seed: 21 });
const fit: FitOptions = { epochs: 4, batchSize: 32, learningRate: 0.1, seed: 9, optimizer: 'adam' };
const busy = (call: string) =>
  `this LinearRegression is training (${call} is in progress and this call came from its callback); calls that change the model must wait until it returns`;

describe.each(ENGINES)('re-entrant calls (%s)', (engine) => {
  const allocated = () => (engine === 'js' ? 0 : runtimeOf(engine).allocatedBytes);

  it.each(['onEpochEnd', 'onBatchEnd'] as const)('inside %s: reads work, changes throw BusyError, the outer run is unaffected', async (hook) => {
    const m = new LinearRegression({ features: 5, engine, seed: 3 });
    const twin = new LinearRegression({ features: 5, engine, seed: 3 });
    const errors: unknown[] = [];
    let reads = 0;
    const rejections: Promise<unknown>[] = [];
    const callback = () => {
      expect(m.predict(d.X).length).toBe(300);
      expect(Number.isFinite(m.evaluate(d.X, d.y).mse)).toBe(true);
      expect(m.weights.length).toBe(5);
      reads++;
      for (const change of [
        () => m.fit(d.X, d.y, { epochs: 1 }),
        () => m.partialFit(d.X, d.y),
        () => m.fitLeastSquares(d.X, d.y),
      ]) {
        try {
          change();
        } catch (e) {
          errors.push(e);
        }
      }
      rejections.push(m.fitAsync(d.X, d.y, { epochs: 1 }).catch((e) => e));
    };
    m.fit(d.X, d.y, { ...fit, [hook]: callback });
    twin.fit(d.X, d.y, fit);
    expect(reads).toBeGreaterThan(0);
    expect(errors.length).toBe(3 * reads);
    const asyncErrors = await Promise.all(rejections);
    for (const e of [...errors, ...asyncErrors]) {
      expect(e).toBeInstanceOf(BusyError);
      expect((e as Error).message).toBe(busy('fit'));
    }
    // The inner calls changed nothing: same bits as a run without them.
    expect(paramsOf(m)).toEqual(paramsOf(twin));
    m.dispose();
    twin.dispose();
  });

  it('inside partialFit the message names partialFit', () => {
    const m = new LinearRegression({ features: 5, engine });
    let message = '';
    m.partialFit(d.X, d.y, { onEpochEnd: () => {
      try {
        m.fit(d.X, d.y);
      } catch (e) {
        message = (e as Error).message;
      }
    } });
    expect(message).toBe(busy('partialFit'));
    m.dispose();
  });

  it.each(['onEpochEnd', 'onBatchEnd'] as const)('dispose() inside %s stops the run with DisposedError, then frees the memory', (hook) => {
    const baseline = allocated();
    const bystander = new LogisticRegression({ features: 5, engine, seed: 4 });
    bystander.fit(d.X, d.y, fit);
    const before = paramsOf(bystander);
    const m = new LinearRegression({ features: 5, engine });
    let calls = 0;
    let readAfterDispose: unknown = null;
    const callback = () => {
      calls++;
      if (calls === 2) {
        m.dispose();
        try {
          m.predict(d.X);
        } catch (e) {
          readAfterDispose = e;
        }
      }
    };
    expect(() => m.fit(d.X, d.y, { ...fit, epochs: 50, [hook]: callback })).toThrowError(
      new DisposedError('this LinearRegression was disposed during fit'),
    );
    expect(calls).toBe(2); // it stopped right after the callback that disposed it
    expect(readAfterDispose).toBeInstanceOf(DisposedError);
    expect(m.disposed).toBe(true);
    expect(paramsOf(bystander)).toEqual(before);
    bystander.fit(d.X, d.y, { epochs: 1 }); // the engine is fine
    bystander.dispose();
    expect(allocated()).toBe(baseline);
  });
});
