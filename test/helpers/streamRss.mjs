// Child process for fitStreamMemory.test.ts: trains a logistic regression on ROWS rows made
// on the fly by a generator (never held whole), one epoch, then prints peak RSS in bytes.
// Uses the built package (dist/), so run `npm run build` first.
import { ready, LogisticRegression } from '../../dist/index.js';

const rows = Number(process.argv[2]);
const F = 8;
const CHUNK = 10_000;
await ready();
let s = 12345;
const rnd = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32) - 0.5;
function* chunks() {
  for (let r = 0; r < rows; r += CHUNK) {
    const n = Math.min(CHUNK, rows - r);
    const X = new Float32Array(n * F);
    const y = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      let z = 0;
      for (let j = 0; j < F; j++) z += (X[i * F + j] = rnd()) * (j - 3.5);
      y[i] = z > 0 ? 1 : 0;
    }
    yield { X, y };
  }
}
const model = new LogisticRegression({ features: F });
const history = await model.fitStream(chunks, { epochs: 1, batchSize: 256, learningRate: 0.5, shuffleBuffer: 20_000, seed: 1 });
const acc = history.loss[0];
process.stdout.write(JSON.stringify({ rows, maxRSS: process.resourceUsage().maxRSS * 1024, loss: acc }) + '\n');
