// steepest predict: a saved model's predictions for the rows of a data file, as CSV.
import { ready } from '../wasm/ready.js';
import { parse, positionals, str, type CommandSpec } from './args.js';
import { csvLine } from './csvOut.js';
import { UsageError } from './errors.js';
import { commandHelp } from './help.js';
import { checkOutputFile, writeOutputFile } from './outputPath.js';
import { say, type IO } from './io.js';
import { readModelFile } from './modelFile.js';
import { readRows } from './rows.js';

/** What classifiers add to every model: labels as trained, and probabilities. */
interface Classifier {
  predictLabels(X: unknown): (string | number)[];
  predictProba(X: unknown): Float32Array;
}

/** steepest predict's options. */
export const spec: CommandSpec = {
  name: 'predict',
  summary: 'Predict with a saved model for every row of a data file; writes CSV (one row per input row).',
  positionals: ['model', 'data'],
  options: {
    out: { type: 'string', short: 'o', value: 'FILE', default: 'standard output', help: 'write the predictions to FILE' },
    proba: { type: 'boolean', help: 'classifiers: add each class\'s probability' },
    'drop-invalid': { type: 'boolean', help: 'skip rows with an empty, non-numeric or unknown value instead of stopping' },
    format: { type: 'string', value: 'csv|svmlight', default: 'from the extension: .svm, .svmlight, .libsvm are svmlight', help: 'the data\'s format' },
  },
  notes: [
    'The data needs the columns the model was trained on (by name, in any order; others, such as the target, are ignored).',
    'A model trained on svmlight rows reads svmlight rows; one trained on a hashed text column (--text) hashes that column of the data the same way.',
    'Predictions are the class names for a text target, numbers otherwise.',
    '',
    'Example: steepest predict model.json new.csv --proba --out predictions.csv',
  ],
};

/** Runs steepest predict; returns the exit code. */
export async function run(argv: readonly string[], io: IO): Promise<number> {
  const p = parse(spec, argv);
  if (p.values.help) {
    io.stdout.write(commandHelp(spec));
    return 0;
  }
  const [modelPath, dataArg] = positionals(spec, p.positionals);
  const proba = p.values.proba === true;
  const out = str(p, 'out');
  if (out) checkOutputFile(out); // before the model and data are read
  await ready();
  const loaded = await readModelFile(modelPath);
  const { model, prep, input, classifier, kind } = loaded;
  if (proba && !classifier) throw new UsageError(`--proba applies to classifiers; model file '${modelPath}' holds ${kind}`);
  const rows = await readRows(loaded, dataArg, null, p.values['drop-invalid'] === true, io.stdin, str(p, 'format'));
  if (rows.dropped > 0) say(io.stderr, `skipped ${rows.dropped} of ${rows.total} rows (first: ${rows.firstProblem})`);

  const name = prep?.target ?? (input?.format === 'text' ? input.target : input ? 'label' : 'prediction');
  const asClassifier = model as unknown as Classifier;
  const predicted: (string | number)[] = classifier ? asClassifier.predictLabels(rows.features) : Array.from(model.predict(rows.features as unknown as Float32Array));
  const header: string[] = [name];
  let probs: Float32Array | null = null;
  let k = 0;
  if (proba) {
    probs = asClassifier.predictProba(rows.features);
    k = probs.length / predicted.length;
    const classes = model.classes ?? Array.from({ length: Math.max(k, 2) }, (_, i) => String(i));
    // One output: P of the second class (1, or the second name in sorted order).
    header.push(...(k === 1 ? [`p(${classes[1]})`] : classes.map((c) => `p(${c})`)));
  }
  const lines = [csvLine(header)];
  predicted.forEach((v, r) => {
    const fields: (string | number)[] = [typeof v === 'number' ? Number(v.toPrecision(7)) : v];
    for (let j = 0; probs && j < k; j++) fields.push(Number(probs[r * k + j].toPrecision(6)));
    lines.push(csvLine(fields));
  });
  model.dispose();
  const text = `${lines.join('\n')}\n`;
  if (out) {
    writeOutputFile(out, text);
    say(io.stderr, `wrote ${predicted.length} predictions to ${out}`);
  } else io.stdout.write(text);
  return 0;
}
