// The same fixed training runs in Chromium and in Node (computed by the browser project's
// globalSetup in the same `npm test`): the WASM engines must agree bit for bit.
import { describe, expect, inject, it } from 'vitest';
import { crossRuns, unhex, type CrossRun } from '../helpers/crossRuntime.js';

const node = inject('nodeRuns');
const versions = inject('nodeVersions');
const browser = await crossRuns();

// The js engine's sigmoid, softmax and losses go through Math.exp and Math.log1p, whose
// rounding ECMAScript leaves to the implementation; Chromium's V8 and Node 20's differ by an
// ulp on some inputs, so its trajectories may drift by ~1e-16 relative per step. 1e-12 covers
// a few hundred such steps; a real difference (data, seed, order) is many orders larger.
const JS_REL = 1e-12;

function expectBits(got: string[], want: string[], label: string, rel: number): void {
  expect(got.length, `${label}: length`).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    if (got[i] === want[i]) continue;
    const g = unhex(got[i]);
    const w = unhex(want[i]);
    const err = Math.abs(g - w) / Math.max(Math.abs(w), 1e-300);
    if (!(err <= rel)) {
      expect.fail(`${label}[${i}]: Chromium ${g} (${got[i]}), Node ${versions.node} (V8 ${versions.v8}) ${w} (${want[i]}), relative ${err}`);
    }
  }
}

describe('Chromium and Node train the same bits', () => {
  it('ran every case in both', () => {
    expect(Object.keys(browser).sort()).toEqual(Object.keys(node).sort());
    expect(Object.keys(browser).length).toBe(15);
  });

  describe.each(Object.keys(node))('%s', (name) => {
    const wasm = !name.startsWith('js:');
    it(wasm ? 'parameters and loss histories are bit-identical' : `parameters and loss histories agree within ${JS_REL} relative (JS Math)`, () => {
      const b: CrossRun = browser[name];
      const n: CrossRun = node[name];
      expectBits(b.data, n.data, 'data', 0); // the same inputs, exactly
      const rel = wasm ? 0 : JS_REL;
      expectBits(b.params, n.params, 'params', rel);
      expectBits(b.loss, n.loss, 'loss', rel);
      expectBits(b.gradNorm, n.gradNorm, 'gradNorm', rel);
      // Validation loss is computed in JS (Math.exp, Math.log1p) for every engine.
      expectBits(b.valLoss, n.valLoss, 'valLoss', JS_REL);
    });
  });
});
