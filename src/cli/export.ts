// steepest export: a saved model as an ONNX file, for ONNX Runtime (Python, C, C#, Java,
// mobile, JavaScript) and the engines that read ONNX.
import { ValidationError } from '../errors.js';
import { OPSETS, toONNX } from '../onnx/toONNX.js';
import { decodeModel, type ValueInfo } from '../onnx/proto.js';
import { ready } from '../wasm/ready.js';
import { num, parse, positionals, str, type CommandSpec } from './args.js';
import { CliError, UsageError } from './errors.js';
import { commandHelp } from './help.js';
import { say, type IO } from './io.js';
import { loadModelFile } from './modelFile.js';
import { checkOutputFile, writeOutputFile } from './outputPath.js';

/** steepest export's options. */
export const spec: CommandSpec = {
  name: 'export',
  summary: 'Write a saved model as an ONNX file (its preprocessing included), to serve it with ONNX Runtime.',
  positionals: ['model'],
  options: {
    onnx: { type: 'string', value: 'FILE', help: 'write the ONNX model to FILE (required)' },
    opset: { type: 'string', value: 'N', default: String(OPSETS.default), help: `the ONNX operator set version, ${OPSETS.min} to ${OPSETS.max}` },
  },
  notes: [
    "Inputs: one float32 matrix, rows x the model's input columns. Outputs as scikit-learn's skl2onnx names them:",
    "'label' and 'probabilities' for classifiers, 'variable' for regressors.",
    '',
    'Example: steepest export model.json --onnx model.onnx',
  ],
};

const TYPES: Record<number, string> = { 1: 'float32', 7: 'int64', 8: 'string' };

/** Runs steepest export; returns the exit code. */
export async function run(argv: readonly string[], io: IO): Promise<number> {
  const p = parse(spec, argv);
  if (p.values.help) {
    io.stdout.write(commandHelp(spec));
    return 0;
  }
  const [modelPath] = positionals(spec, p.positionals);
  const out = str(p, 'onnx');
  if (out === undefined) throw new UsageError('export needs --onnx FILE (the file to write)');
  const opset = num(p, 'opset', { integer: true, min: OPSETS.min, max: OPSETS.max }) ?? OPSETS.default;
  checkOutputFile(out); // before the model is loaded: a bad path fails at once
  await ready();
  const model = await loadModelFile(modelPath);
  let bytes: Uint8Array;
  try {
    bytes = toONNX(model, { opset });
  } catch (err) {
    if (err instanceof ValidationError) throw new CliError(`model file '${modelPath}' cannot be exported: ${err.message}`);
    throw err;
  } finally {
    model.dispose();
  }
  writeOutputFile(out, bytes);
  const { graph } = decodeModel(bytes);
  say(io.stdout, `wrote ${out} (${bytes.length} bytes, ONNX opset ${opset}): input ${graph.inputs.map(describe).join(', ')}; outputs ${graph.outputs.map(describe).join(', ')}`);
  return 0;
}

// 'X float32 [N, 4]'
function describe(v: ValueInfo): string {
  return `${v.name} ${TYPES[v.type] ?? `type ${v.type}`} [${v.dims.join(', ')}]`;
}

