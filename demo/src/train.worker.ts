// The demo's training worker: fits the page's model with fitAsync (so a stop
// message gets through), and streams epochs, the (bias, weight) path and the
// model's outputs on a grid back to the page while it trains. It also times the
// same model on each engine for the speed readout.
import { availableEngines, DivergenceError, ready, type EngineName, type EpochRecord, type FitAsyncOptions } from 'steepest';
import { makeModel, scoreRows, twoParams, type DemoModel } from './models.js';
import { STOPPED, type BenchResult, type FromWorker, type Metrics, type ModelSpec, type ToWorker, type TrainSettings } from './protocol.js';
import type { Part } from './prepare.js';

/** Shortest gap between progress messages (about two frames): each one evaluates the model on the grid. */
const FLUSH_MS = 33;
/** The speed readout doubles the epochs of a timed fit until one takes this long. */
const BENCH_MIN_MS = 100;
const BENCH_MAX_EPOCHS = 1 << 15;

let running: { id: number; controller: AbortController } | null = null;

function post(msg: FromWorker, transfer: Transferable[] = []): void {
  postMessage(msg, { transfer });
}

// A blocking sleep for pacing: Atomics.wait where the page is cross-origin
// isolated (the demo servers send the headers), otherwise a busy wait.
const sleeper = typeof SharedArrayBuffer === 'function' && globalThis.crossOriginIsolated
  ? new Int32Array(new SharedArrayBuffer(4)) : null;
function pause(ms: number): void {
  if (ms <= 0) return;
  if (sleeper) {
    Atomics.wait(sleeper, 0, 0, ms);
    return;
  }
  const end = performance.now() + ms;
  while (performance.now() < end) { /* waiting */ }
}

function metrics(model: DemoModel, part: Part): Metrics {
  return { ...model.evaluate(part.X, part.y) };
}

async function train(msg: Extract<ToWorker, { type: 'train' }>): Promise<void> {
  const { id, fit, watch } = msg;
  const model = makeModel(msg.model);
  const controller = new AbortController();
  running = { id, controller };
  let pending: EpochRecord[] = [];
  let path: number[] = [];
  let lastFlush = performance.now();
  const flush = () => {
    const grid = watch.grid ? scoreRows(model, watch.grid) : null;
    post({ type: 'progress', id, epochs: pending, path, grid }, grid ? [grid.buffer] : []);
    pending = [];
    path = [];
    lastFlush = performance.now();
  };
  const first = twoParams(model);
  post({ type: 'start', id, engine: model.engine, path: first ?? [] });

  const options: FitAsyncOptions = {
    ...fit,
    signal: controller.signal,
    yieldEveryMs: 16,
    onEpochEnd: (record) => {
      pending.push(record);
      pause(watch.paceMs - record.timeMs);
      if (performance.now() - lastFlush >= FLUSH_MS) flush();
    },
  };
  if (msg.val) options.validationData = { X: msg.val.X, y: msg.val.y };
  if (watch.pathStepsPerEpoch > 0 && first) {
    const batches = fit.batchSize === 'full' ? 1 : Math.ceil(msg.train.rows / fit.batchSize);
    options.batchCallbackEvery = Math.max(1, Math.ceil(batches / watch.pathStepsPerEpoch));
    options.onBatchEnd = () => {
      path.push(...twoParams(model)!);
    };
  }
  try {
    let stop;
    try {
      stop = (await model.fitAsync(msg.train.X, msg.train.y, options)).stopReason;
    } catch (err) {
      if ((err as Error).name !== 'AbortError') throw err;
      const epoch = (pending.at(-1)?.epoch ?? 0);
      stop = { rule: 'callback' as const, epoch, message: STOPPED };
    }
    flush();
    const shown = msg.val ?? msg.train;
    const predicted = msg.model.task === 'regression' ? null : classesOf(model, shown);
    post({
      type: 'done', id, stop, train: metrics(model, msg.train), val: msg.val ? metrics(model, msg.val) : null, predicted,
    });
  } catch (err) {
    flush();
    post({ type: 'error', id, name: (err as Error).name, message: (err as Error).message });
  } finally {
    model.dispose();
    if (running?.id === id) running = null;
  }
}

/** Predicted class of each row. */
function classesOf(model: DemoModel, part: Part): Int32Array {
  return Int32Array.from(model.predict(part.X));
}

/** Milliseconds one fit of `epochs` epochs takes, from the model's initial weights. */
function timeFit(model: DemoModel, part: Part, fit: TrainSettings, epochs: number): number {
  const t0 = performance.now();
  model.fit(part.X, part.y, { ...fit, epochs, warmStart: false });
  return performance.now() - t0;
}

/**
 * ms per epoch on one engine: doubles the epochs until a fit takes BENCH_MIN_MS,
 * then times twice as many; the difference over the extra epochs drops the fixed
 * cost of a fit (copying the data in, setting up), which is not per-epoch work.
 */
function benchEngine(spec: ModelSpec, engine: EngineName, part: Part, fit: TrainSettings): BenchResult {
  const model = makeModel(spec, engine);
  try {
    timeFit(model, part, fit, 1); // warm-up: compiles the JS paths, touches the memory
    let epochs = 1;
    let t = timeFit(model, part, fit, epochs);
    while (t < BENCH_MIN_MS && epochs < BENCH_MAX_EPOCHS) {
      epochs *= 2;
      t = timeFit(model, part, fit, epochs);
    }
    const t2 = timeFit(model, part, fit, 2 * epochs);
    const diff = (t2 - t) / epochs;
    return { engine, msPerEpoch: diff > 0 ? diff : t2 / (2 * epochs), epochs: 2 * epochs };
  } finally {
    model.dispose();
  }
}

function bench(msg: Extract<ToWorker, { type: 'bench' }>): void {
  const results: BenchResult[] = [];
  const skipped: string[] = [];
  const have = availableEngines();
  for (const engine of ['wasm-simd', 'wasm-scalar', 'js'] as const) {
    if (!have.includes(engine)) {
      skipped.push(`${engine}: not available in this browser`);
      continue;
    }
    try {
      results.push(benchEngine(msg.model, engine, msg.train, msg.fit));
    } catch (err) {
      if (!(err instanceof DivergenceError)) throw err;
      skipped.push(`${engine}: diverged while timing (${err.message.split('.')[0]})`);
    }
  }
  post({ type: 'bench', id: msg.id, results, skipped });
}

const started = ready({ scalar: true }); // the speed readout compares all three engines
self.onmessage = async (event: MessageEvent<ToWorker>) => {
  const msg = event.data;
  if (msg.type === 'stop') {
    if (running?.id === msg.id) running.controller.abort();
    return;
  }
  await started;
  try {
    if (msg.type === 'train') await train(msg);
    else bench(msg);
  } catch (err) {
    post({ type: 'error', id: msg.id, name: (err as Error).name, message: (err as Error).message });
  }
};
started.then(() => post({ type: 'ready', engines: availableEngines() }));
