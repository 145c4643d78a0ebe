// Shared by the bundled app (main.js, in Chromium) and the Node side of
// bundlers.test.ts: the data, the two fits and the encoded results, so the only
// difference between the runs is how steepest was loaded. Plain ESM, no imports:
// each caller passes in the library it loaded.

/** Deterministic numbers in [-1, 1) from a 32-bit LCG (Numerical Recipes' constants); exact in any runtime. */
function lcg(seed) {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return (state / 4294967296) * 2 - 1;
  };
}

/** 256 x 8 rows labelled by the side of a fixed plane: linearly separable. */
function plane() {
  const next = lcg(7);
  const w = [1.5, -2, 1, 0.5, -1, 2, -0.5, 1];
  const X = new Float32Array(256 * 8);
  const y = new Float32Array(256);
  for (let r = 0; r < 256; r++) {
    let z = 0.25;
    for (let c = 0; c < 8; c++) z += w[c] * (X[r * 8 + c] = Math.fround(next()));
    y[r] = z > 0 ? 1 : 0;
  }
  return { X, y };
}

/** 256 points in the square, class 1 where x1 and x2 have different signs: XOR, not linearly separable. */
function xor() {
  const next = lcg(11);
  const X = new Float32Array(256 * 2);
  const y = new Float32Array(256);
  for (let r = 0; r < 256; r++) {
    const a = (X[2 * r] = Math.fround(next()));
    const b = (X[2 * r + 1] = Math.fround(next()));
    y[r] = a * b < 0 ? 1 : 0;
  }
  return { X, y };
}

/** Trains LogisticRegression and MLP on engine; numbers as float64 bit patterns (hex), so nothing on the way rounds them. */
export async function trainBoth({ ready, LogisticRegression, MLP }, engine = 'wasm-simd') {
  await ready();
  const out = {};
  {
    const { X, y } = plane();
    const model = new LogisticRegression({ features: 8, engine });
    const history = model.fit(X, y, { epochs: 40, batchSize: 32, learningRate: 0.5, seed: 3 });
    out.logistic = { engine: history.engine, accuracy: model.evaluate(X, y).accuracy, loss: history.loss.map(hex), params: Array.from(model.weights, hex).concat(hex(model.bias)) };
    model.dispose();
  }
  {
    const { X, y } = xor();
    const model = new MLP({ inputs: 2, hidden: [8], outputs: 1, activation: 'tanh', engine, seed: 5 });
    const history = model.fit(X, y, { epochs: 150, batchSize: 16, learningRate: 0.05, optimizer: 'adam', seed: 3 });
    out.mlp = { engine: history.engine, accuracy: model.evaluate(X, y).accuracy, loss: history.loss.map(hex), params: model.layers.flatMap((l) => [...l.weights, ...l.bias]).map(hex) };
    model.dispose();
  }
  return out;
}

/** The plane's LogisticRegression fitted locally and by trainInWorker (browser only): the worker must train exactly as fit does. */
export async function fitInWorker({ LogisticRegression }, trainInWorker) {
  const { X, y } = plane();
  const local = new LogisticRegression({ features: 8 });
  const remote = new LogisticRegression({ features: 8 });
  const options = { epochs: 10, batchSize: 32, learningRate: 0.5, seed: 3 };
  const a = local.fit(X, y, options);
  const b = await trainInWorker(remote, X, y, options);
  const params = (m) => [...m.weights, m.bias].map(hex);
  const out = { engine: b.engine, loss: b.loss.map(hex), localLoss: a.loss.map(hex), params: params(remote), localParams: params(local) };
  local.dispose();
  remote.dispose();
  return out;
}

const view = new DataView(new ArrayBuffer(8));
function hex(x) {
  view.setFloat64(0, x);
  return view.getBigUint64(0).toString(16).padStart(16, '0');
}

/** The number a hex() string encodes. */
export function unhex(h) {
  view.setBigUint64(0, BigInt(`0x${h}`));
  return view.getFloat64(0);
}
