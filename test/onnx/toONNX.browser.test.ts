// onnxruntime-web in Chromium runs an MLP that toONNX exported in the same page (preprocessing
// included) and gives the model's own labels and probabilities (1e-5 relative, as in Node).
import * as ort from 'onnxruntime-web/wasm';
import wasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.wasm?url';
import { describe, it } from 'vitest';
import { ready } from '../../src/index.js';
import { toONNX } from '../../src/onnx/index.js';
import { ONNX_CASES, ROWS, expectSameOutputs } from '../helpers/onnxCases.js';

// The page is not cross-origin isolated (no SharedArrayBuffer), so one thread; the .wasm file
// comes from the dev server (the bundled loader would look for it next to the prebundled module).
ort.env.wasm.numThreads = 1;
ort.env.wasm.wasmPaths = { wasm: wasmUrl };

describe('toONNX served by onnxruntime-web (Chromium)', () => {
  it('an MLP (relu and tanh, softmax head) with preprocessing gives the same labels and probabilities', async () => {
    await ready();
    const c = ONNX_CASES.find((k) => k.name === 'MLP relu and tanh hidden layers, softmax head, labels 0..3')!;
    const t = c.make('auto', 'mixed');
    const session = await ort.InferenceSession.create(toONNX(t.model));
    for (const first of [ROWS, 1]) {
      const out = await session.run({ X: new ort.Tensor('float32', t.input.slice(0, first * t.cols), [first, t.cols]) });
      expectSameOutputs(c, t, out, first);
    }
    await session.release();
  });
});
