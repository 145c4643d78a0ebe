// The worker's side of trainInWorker, run on this thread with a post() that fails on cue:
// whatever goes wrong while the worker handles its request, the caller hears of it (an
// error message, or as a last resort an uncaught error, which ends the worker), never silence.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ValidationError } from '../../src/index.js';
import { errorFromData, WorkerError, type FitRequest, type WorkerMessage } from '../../src/worker/protocol.js';
import { crash, serve, unreadable } from '../../src/worker/serve.js';
import { getRuntime } from '../../src/wasm/runtime.js';
import { ENGINES, useReady } from '../helpers/engines.js';
import { MODEL_TYPES, dataFor, type TestModel } from '../helpers/modelTypes.js';

useReady();

const t = MODEL_TYPES[1]; // LogisticRegression
const d = dataFor(t, 40, 7);

/** The request trainInWorker would send for a fit of m. */
function requestFor(m: TestModel, progressEveryMs: number | null = null): FitRequest {
  const modules: FitRequest['modules'] = {};
  const simd = getRuntime(true);
  const scalar = getRuntime(false);
  if (simd) modules.simd = simd.module;
  if (scalar) modules.scalar = scalar.module;
  return {
    type: 'fit', modules, engine: m.engine, json: m.toJSON(), state: m.exportTraining(), X: d.X, y: d.y,
    options: { epochs: 3, batchSize: 8 }, epochs: 3, progressEveryMs,
  };
}

/** A post() that records what it sends and throws fail(message) for the messages fail picks (when it returns an error). */
function poster(fail: (m: WorkerMessage) => Error | null) {
  const sent: WorkerMessage[] = [];
  return {
    sent,
    post: (m: WorkerMessage) => {
      const err = fail(m);
      if (err) throw err;
      sent.push(m);
    },
  };
}

const cloneError = () => new DOMException('simulated: could not be cloned', 'DataCloneError');

describe.each(ENGINES)('serve (%s)', (engine) => {
  it('posts the history and state on success', async () => {
    const m = t.make(engine, { seed: 1 });
    const p = poster(() => null);
    await serve(requestFor(m), p.post);
    expect(p.sent.map((x) => x.type)).toEqual(['done']);
    m.dispose();
  });

  it('an answer that cannot be posted is reported as a WorkerError saying so', async () => {
    const m = t.make(engine, { seed: 1 });
    const p = poster((x) => (x.type === 'done' ? cloneError() : null));
    await serve(requestFor(m), p.post);
    expect(p.sent).toEqual([{
      type: 'error',
      error: { name: 'WorkerError', message: 'the training worker could not send its answer (DataCloneError: simulated: could not be cloned)' },
    }]);
    // The caller's side rebuilds it as its own class.
    const err = errorFromData((p.sent[0] as Extract<WorkerMessage, { type: 'error' }>).error);
    expect(err).toBeInstanceOf(WorkerError);
    m.dispose();
  });

  it('a progress message that cannot be posted ends the fit with that error, posted as data', async () => {
    const m = t.make(engine, { seed: 1 });
    const p = poster((x) => (x.type === 'progress' ? cloneError() : null));
    await serve(requestFor(m, 0), p.post);
    expect(p.sent).toHaveLength(1);
    const sent = p.sent[0] as Extract<WorkerMessage, { type: 'error' }>;
    expect(sent.type).toBe('error');
    expect(sent.state).toBeUndefined(); // not a divergence: the caller's model stays as it was
    expect([sent.error.name, sent.error.message]).toEqual(['DataCloneError', 'simulated: could not be cloned']);
    m.dispose();
  });

  it('a request the worker cannot use (a damaged model file) is answered with the error', async () => {
    const m = t.make(engine, { seed: 1 });
    const p = poster(() => null);
    await serve({ ...requestFor(m), json: { ...m.toJSON(), layers: 'damaged' } as never }, p.post);
    expect(p.sent).toHaveLength(1);
    const sent = p.sent[0] as Extract<WorkerMessage, { type: 'error' }>;
    expect(sent.type).toBe('error');
    expect(errorFromData(sent.error)).toBeInstanceOf(ValidationError);
    m.dispose();
  });

  it('when nothing at all can be posted, serve rejects (the scripts then crash the worker with it)', async () => {
    const m = t.make(engine, { seed: 1 });
    const last = new Error('the port is closed');
    const p = poster((x) => (x.type === 'error' ? last : cloneError()));
    await expect(serve(requestFor(m), p.post)).rejects.toBe(last);
    expect(p.sent).toEqual([]);
    m.dispose();
  });
});

describe('the worker scripts\' last resorts', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('unreadable: a request that could not be read is answered with a WorkerError', () => {
    const p = poster(() => null);
    unreadable('Error: cannot deserialize', p.post);
    expect(p.sent).toEqual([{ type: 'error', error: { name: 'WorkerError', message: 'the training worker could not read its request (Error: cannot deserialize)' } }]);
    unreadable('', p.post);
    expect(p.sent[1]).toEqual({ type: 'error', error: { name: 'WorkerError', message: 'the training worker could not read its request' } });
  });

  it('crash (and unreadable when it cannot post): the error is thrown uncaught, which ends the worker', () => {
    vi.useFakeTimers();
    const err = new Error('nothing could be posted');
    crash(err);
    expect(() => vi.runAllTimers()).toThrow(err);
    const closed = new Error('closed');
    unreadable('', () => {
      throw closed;
    });
    expect(() => vi.runAllTimers()).toThrow(closed);
  });
});
