// The worker's script, as text: the same few lines serve worker_threads (evaluated as a
// script) and a browser's module worker (from a Blob URL), so no file has to be found next to
// the bundle. A worker instantiates the owner's compiled module over the owner's shared
// memory (instantiation writes only the build's constant data segments: the build assumes
// zero-filled memory, so none of its zero-filled scratch is rewritten), reports that it is
// up, then blocks in Atomics.wait until the owner posts a task. It never allocates.
// Control slot layout (SLOT_BYTES per worker, in src/threads/pool.ts): i32 0 task sequence,
// 1 state (the worker's incarnation << 3 | its state: see below), 2 function index (-1: stop),
// 3 argument count, 4 message length; f64 2..7 arguments, 8 result; i32 FAULT_WORD the task's
// fault address (Task.fault, 0: none); bytes 128.. the failure message (UTF-8).
// A slot outlives its workers: a worker that is replaced (after a fault, or an abort) keeps
// running until its thread ends, later than its successor starts. So every state carries the
// incarnation of the worker it is about (WorkerData.incarnation), and a worker changes the
// state only by compare-and-exchange from one of its own: a replaced worker never marks its
// successor done (which would let the owner free blocks the successor is still writing),
// dead or failed, nor writes its result or fault word; it stops when it sees another's tag.

/** Bytes of one worker's control slot. */
export const SLOT_BYTES = 640;
/** Worker states (i32 1 of its slot). */
export const STARTING = 0;
export const IDLE = 1;
export const RUNNING = 2;
export const DONE = 3;
export const FAILED = 4;
export const DEAD = 5;
/** The i32 of a slot holding the task's fault address in WASM memory (after the result, f64 8). */
export const FAULT_WORD = 18;
/** Test hook's function index: the worker's thread ends in the middle of its task. */
export const EXIT_TASK = -2;

/** @internal The worker's code, shared by both scripts (exported for test/threads/pool.test.ts). */
export const SERVE = `function serve(d, onExit, exit) {
  const i32 = new Int32Array(d.control, d.index * ${SLOT_BYTES}, 32);
  const f64 = new Float64Array(d.control, d.index * ${SLOT_BYTES}, 16);
  const msg = new Uint8Array(d.control, d.index * ${SLOT_BYTES} + 128, ${SLOT_BYTES - 128});
  const me = d.incarnation << 3;
  const mine = () => (Atomics.load(i32, 1) & ~7) === me;
  const move = (from, to) => Atomics.compareExchange(i32, 1, from, me | to) === from && (Atomics.notify(i32, 1), true);
  let stopped = false;
  const report = (state, e) => {
    const s = Atomics.load(i32, 1);
    if (stopped || (s & ~7) !== me) return;
    const b = new TextEncoder().encode(e instanceof Error ? e.name + ': ' + e.message : String(e)).slice(0, msg.length);
    msg.fill(0);
    msg.set(b);
    i32[4] = b.length;
    if (move(s, state) && i32[${FAULT_WORD}]) {
      const m = new Int32Array(d.memory.buffer);
      Atomics.store(m, i32[${FAULT_WORD}] >>> 2, 1);
      Atomics.notify(m, i32[${FAULT_WORD}] >>> 2);
    }
  };
  let ex;
  try {
    ex = new WebAssembly.Instance(d.module, { env: { memory: d.memory, abort(m, f, line, col) { throw new Error('WebAssembly abort at line ' + line + ', column ' + col); } } }).exports;
  } catch (e) {
    report(${FAILED}, e);
    return;
  }
  onExit(() => { if (Atomics.load(i32, 1) !== (me | ${DONE})) report(${DEAD}, 'its thread exited'); });
  move(me | ${STARTING}, ${IDLE});
  let seen = 0;
  for (;;) {
    Atomics.wait(i32, 0, seen);
    if (!mine()) return void (stopped = true); // replaced: the slot is another worker's now
    const now = Atomics.load(i32, 0);
    if (now === seen) continue; // woken with no new task (every post moves the sequence): never run a task twice
    seen = now;
    const fn = i32[2];
    if (fn === -1) return void (stopped = true);
    if (fn === ${EXIT_TASK}) return exit(() => report(${DEAD}, 'its thread exited'));
    try {
      const r = ex[d.names[fn]](...f64.subarray(2, 2 + i32[3]));
      if (!mine()) return void (stopped = true);
      f64[8] = typeof r === 'number' ? r : NaN;
      i32[${FAULT_WORD}] = 0; // the task's block may be freed and reused: a later death must not write there
      move(me | ${RUNNING}, ${DONE});
    } catch (e) {
      report(${FAILED}, e);
    }
  }
}`;

/**
 * worker_threads: the data comes as workerData; process.exit in a worker ends only its thread,
 * after 'exit' listeners. import(), not require: the script runs as CommonJS or, where the
 * owner was started with --input-type=module, as a module.
 */
export const NODE_WORKER = `${SERVE}
import('node:worker_threads').then(({ workerData }) => serve(workerData, (h) => process.on('exit', h), () => process.exit(1)));`;

/** A browser's module worker: the data comes as its first message. */
export const BROWSER_WORKER = `${SERVE}
self.onmessage = (e) => { self.onmessage = null; serve(e.data, () => {}, (dead) => dead()); self.close(); };`;
