// Shared by the page (smoke.js), the module worker (worker.js) and Node (run.mjs):
// the data set, the fit settings and the training itself, so the only thing that
// differs between the runs is the JavaScript/WebAssembly runtime underneath.
// Plain ESM with no imports: each caller passes in the library it loaded.

export const ROWS = 400;
export const FEATURES = 8;
export const FIT = { epochs: 30, batchSize: 32, learningRate: 0.1, seed: 7 };

// The labelling plane; the data are near-separable by it (small label noise below).
const TRUE_WEIGHTS = [1.5, -2, 1, 0.5, -1, 2, -0.5, 1];
const TRUE_BIAS = 0.25;

/**
 * 400 x 8 rows uniform in [-1, 1) from a 32-bit LCG (Numerical Recipes' constants),
 * labelled by the sign of a fixed plane plus a little uniform noise. Only integer
 * arithmetic and exact float64 operations, so every runtime builds the same bits.
 */
export function makeData(seed = 12345) {
  let state = seed >>> 0;
  const next = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return (state / 4294967296) * 2 - 1;
  };
  const X = new Float32Array(ROWS * FEATURES);
  const y = new Float32Array(ROWS);
  for (let r = 0; r < ROWS; r++) {
    let z = TRUE_BIAS;
    for (let c = 0; c < FEATURES; c++) {
      const v = Math.fround(next());
      X[r * FEATURES + c] = v;
      z += TRUE_WEIGHTS[c] * v;
    }
    y[r] = z + 0.3 * next() > 0 ? 1 : 0;
  }
  return { X, y };
}

/** Trains one LogisticRegression per available engine and returns encoded results. */
export async function trainAll(lib) {
  await lib.ready({ scalar: true });
  const engines = lib.availableEngines();
  const { X, y } = makeData();
  const results = [];
  for (const engine of engines) {
    const model = new lib.LogisticRegression({ features: FEATURES, engine });
    try {
      const history = model.fit(X, y, FIT);
      const evaluation = model.evaluate(X, y);
      results.push({
        engine,
        historyEngine: history.engine,
        accuracy: evaluation.accuracy,
        loss: Array.from(history.loss, hex),
        gradNorm: Array.from(history.gradNorm, hex),
        weights: Array.from(model.weights, hex),
        bias: hex(model.bias),
        evalLoss: hex(evaluation.loss),
        evalAccuracy: hex(evaluation.accuracy),
      });
    } finally {
      model.dispose();
    }
  }
  return { context: describeContext(), engines, results };
}

/** Where this code is running: 'window', 'worker' or 'node'. */
export function describeContext() {
  if (typeof WorkerGlobalScope !== 'undefined' && globalThis instanceof WorkerGlobalScope) return 'worker';
  if (typeof window !== 'undefined' && globalThis === window) return 'window';
  if (typeof process !== 'undefined' && process.versions && process.versions.node) return 'node';
  return 'unknown';
}

// Numbers travel as the 16 hex digits of their float64 bits, so nothing on the way
// (JSON, structured clone, the DevTools protocol) can round them or lose -0 or NaN.
const scratch = new DataView(new ArrayBuffer(8));

export function hex(x) {
  scratch.setFloat64(0, x);
  return scratch.getBigUint64(0).toString(16).padStart(16, '0');
}

export function unhex(h) {
  scratch.setBigUint64(0, BigInt('0x' + h));
  return scratch.getFloat64(0);
}
