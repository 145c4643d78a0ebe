// fitAsync gives the event loop turns mid-training: what other code may do to
// the model in those turns (read it: yes; train or free it under the loop: no).
import { describe, expect, it } from 'vitest';
import { DisposedError, LogisticRegression } from '../../src/index.js';
import { ENGINES, useReady } from '../helpers/engines.js';

useReady();

const rows = 3000;
const features = 8;
const X = new Float32Array(rows * features);
const y = new Float32Array(rows);
for (let i = 0; i < rows; i++) {
  let z = 0;
  for (let j = 0; j < features; j++) {
    X[i * features + j] = ((i * 31 + j * 17) % 23) / 11 - 1;
    z += (j % 2 ? 1 : -1) * X[i * features + j];
  }
  y[i] = z > 0 ? 1 : 0;
}
const opts = { epochs: 40, batchSize: 8, learningRate: 0.05, yieldEveryMs: 1 };

describe.each(ENGINES)('fitAsync and the event loop (%s)', (engine) => {
  it('other code may predict between chunks, but not train the same model', async () => {
    const m = new LogisticRegression({ features, engine });
    const seen: string[] = [];
    const run = m.fitAsync(X, y, {
      ...opts,
      onProgress: () => {
        if (seen.length > 0) return;
        expect(m.predict(X.subarray(0, features)).length).toBe(1);
        try {
          m.fit(X, y, { epochs: 1 });
          seen.push('fit ran');
        } catch (e) {
          seen.push((e as Error).message);
        }
      },
    });
    await run;
    expect(seen).toEqual(['this LogisticRegression is training in fitAsync; await it (or abort it) before changing the model']);
    // After it resolves the model is usable again.
    expect(m.fit(X, y, { epochs: 1 }).epochs.length).toBe(1);
    m.dispose();
  });

  it('dispose() during fitAsync stops it with DisposedError and then frees the model', async () => {
    const m = new LogisticRegression({ features, engine });
    let calls = 0;
    const run = m.fitAsync(X, y, {
      ...opts,
      onProgress: () => {
        calls++;
        if (calls === 2) m.dispose();
      },
    });
    await expect(run).rejects.toThrow(new DisposedError('this LogisticRegression was disposed during fitAsync'));
    expect(m.disposed).toBe(true);
    expect(() => m.weights).toThrow(DisposedError);
    m.dispose(); // idempotent
  });
});
