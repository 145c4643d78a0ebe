// steepest export, run in this process (the packed command is in command.test.ts): the file it
// writes is what toONNX gives, ONNX Runtime serves it, its one-line summary names the inputs
// and outputs, and its errors are one line each, word for word.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Readable } from 'node:stream';
import ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { LogisticRegression, Preprocessor } from '../../src/index.js';
import { run } from '../../src/cli/run.js';
import { toONNX } from '../../src/onnx/index.js';
import { useReady } from '../helpers/engines.js';
import { ONNX_CASES } from '../helpers/onnxCases.js';

useReady();

const dir = mkdtempSync(join(tmpdir(), 'steepest-export-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function steepest(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = { stdout: '', stderr: '' };
  const sink = (key: 'stdout' | 'stderr') => new Writable({ write: (chunk, _enc, done) => ((out[key] += String(chunk)), done()) });
  const code = await run(args, { stdin: Readable.from([]), stdout: sink('stdout'), stderr: sink('stderr') });
  return { code, ...out };
}

describe('steepest export', () => {
  it('writes the model as toONNX does and prints its inputs and outputs on one line; ONNX Runtime serves it', async () => {
    const c = ONNX_CASES.find((k) => k.name === 'SoftmaxRegression, string labels')!;
    const t = c.make('wasm-simd', 'mixed');
    writeFileSync(join(dir, 'iris.json'), JSON.stringify(t.model.toJSON()));
    const r = await steepest(['export', join(dir, 'iris.json'), '--onnx', join(dir, 'out/iris.onnx')]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const bytes = readFileSync(join(dir, 'out/iris.onnx'));
    expect(r.stdout).toBe(
      `wrote ${join(dir, 'out/iris.onnx')} (${bytes.length} bytes, ONNX opset 13): input X float32 [N, 4]; outputs label string [N], probabilities float32 [N, 3]\n`,
    );
    expect(new Uint8Array(bytes)).toEqual(toONNX(t.model));
    const session = await ort.InferenceSession.create(bytes);
    const out = await session.run({ X: new ort.Tensor('float32', t.input, [t.rows, t.cols]) });
    expect(Array.from(out.label.data)).toEqual((t.model as LogisticRegression).predictLabels(t.predictInput()));
    await session.release();
  });

  it('takes --opset, and a model without preprocessing (a regressor: variable)', async () => {
    const t = ONNX_CASES[0].make('js', null);
    writeFileSync(join(dir, 'linear.json'), JSON.stringify(t.model.toJSON()));
    const file = join(dir, 'linear.onnx');
    const r = await steepest(['export', join(dir, 'linear.json'), '--onnx', file, '--opset', '17']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`wrote ${file} (${readFileSync(file).length} bytes, ONNX opset 17): input X float32 [N, 6]; outputs variable float32 [N, 1]\n`);
  });

  it('lists export in --help with its options', async () => {
    expect((await steepest(['--help'])).stdout).toContain('  export   Write a saved model as an ONNX file');
    const h = await steepest(['export', '--help']);
    expect(h.stdout.startsWith('Usage: steepest export <model> [options]')).toBe(true);
    for (const flag of ['--onnx FILE', '--opset N']) expect(h.stdout).toContain(flag);
  });

  it('fails in one line, naming what is wrong', async () => {
    const model = join(dir, 'color.json');
    const m = new LogisticRegression({ features: 3 });
    m.preprocessing = new Preprocessor().fit([[1, 'red'], [2, 'blue']], ['size', 'color'], { categorical: ['color'] });
    writeFileSync(model, JSON.stringify(m.toJSON()));
    const cases: [string[], number, string][] = [
      [['export', model], 2, 'steepest: export needs --onnx FILE (the file to write)\n'],
      [['export', model, '--onnx', join(dir, 'x.onnx'), '--opset', '12'], 2, "steepest: --opset must be an integer >= 13 and <= 21, got '12'\n"],
      [['export', join(dir, 'none.json'), '--onnx', join(dir, 'x.onnx')], 1, `steepest: cannot read model file '${join(dir, 'none.json')}': no such file\n`],
      [
        ['export', model, '--onnx', join(dir, 'x.onnx')], 1,
        `steepest: model file '${model}' cannot be exported: toONNX cannot express categorical column 'color' (column 1): its category 'blue' is not a number written as a float32 value; ` +
          'the ONNX model takes one float32 matrix, so a categorical column must hold numeric codes such as 1, 2, 3 (encode string categories as codes before training)\n',
      ],
    ];
    for (const [args, code, stderr] of cases) {
      const r = await steepest(args);
      expect({ code: r.code, stderr: r.stderr, stdout: r.stdout }).toEqual({ code, stderr, stdout: '' });
    }
  });
});
