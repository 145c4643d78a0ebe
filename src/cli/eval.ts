// steepest eval: a saved model's metrics on a data file that has the target column:
// accuracy, per-class precision and recall and the confusion matrix for classifiers;
// MSE, MAE and R^2 for regression.
import { ready } from '../wasm/ready.js';
import { parseNumber } from '../preprocess/Preprocessor.js';
import { accuracy } from '../metrics/accuracy.js';
import { confusionMatrix } from '../metrics/confusionMatrix.js';
import { precisionRecall } from '../metrics/precisionRecall.js';
import { mae, mse, r2 } from '../metrics/regression.js';
import { formatNumber } from '../plot/scale.js';
import { parse, positionals, str, type CommandSpec } from './args.js';
import { CliError, UsageError } from './errors.js';
import { commandHelp } from './help.js';
import { say, type IO } from './io.js';
import { readModelFile } from './modelFile.js';
import { readRows } from './rows.js';
import { percent } from './summary.js';

/** steepest eval's options. */
export const spec: CommandSpec = {
  name: 'eval',
  summary: 'Evaluate a saved model on a data file that has the target column.',
  positionals: ['model', 'data'],
  options: {
    target: { type: 'string', value: 'COLUMN', default: 'the column the model was trained to predict', help: 'the column with the true values' },
    json: { type: 'boolean', help: 'print the metrics as one JSON object' },
    'drop-invalid': { type: 'boolean', help: 'skip rows with an empty, non-numeric or unknown value instead of stopping' },
    format: { type: 'string', value: 'csv|svmlight', default: 'from the extension: .svm, .svmlight, .libsvm are svmlight', help: 'the data\'s format (svmlight: the label starts each row)' },
  },
  notes: [
    'Classifiers: accuracy, loss, precision and recall per class, and the confusion matrix. Regression: MSE, MAE, R^2 and loss.',
    '',
    'Example: steepest eval model.json test.csv',
  ],
};

/** Runs steepest eval; returns the exit code. */
export async function run(argv: readonly string[], io: IO): Promise<number> {
  const p = parse(spec, argv);
  if (p.values.help) {
    io.stdout.write(commandHelp(spec));
    return 0;
  }
  const [modelPath, dataArg] = positionals(spec, p.positionals);
  await ready();
  const loaded = await readModelFile(modelPath);
  const { model, prep, input, classifier, kind } = loaded;
  const target = str(p, 'target') ?? prep?.target ?? (input?.format === 'text' ? input.target : input ? 'label' : null);
  if (target === null) throw new UsageError(`model file '${modelPath}' does not name its target column; give --target COLUMN`);
  const rows = await readRows(loaded, dataArg, target, p.values['drop-invalid'] === true, io.stdin, str(p, 'format'));
  if (rows.dropped > 0) say(io.stderr, `skipped ${rows.dropped} of ${rows.total} rows (first: ${rows.firstProblem})`);
  const at = (r: number) => `${rows.source} line ${rows.lines[r]}`;
  const features = rows.features as unknown as Float32Array; // raw rows or CSR: the model reads either

  let result: Record<string, unknown>;
  if (classifier) {
    const classes = model.classes;
    const labels: (string | number)[] = classes ?? Array.from({ length: Math.max(2, model.layers.at(-1)!.bias.length) }, (_, i) => i);
    // The true labels as the model names its classes: text, or class numbers.
    const truth = rows.target.map((v, r) => {
      const t = classes ? String(v).trim() : parseNumber(v);
      if (t === null || !labels.includes(t)) {
        throw new CliError(`${at(r)}: target '${target}' has '${String(v)}', which is not one of the model's classes (${labels.join(', ')})`);
      }
      return t;
    });
    const predicted = (model as unknown as { predictLabels(X: unknown): (string | number)[] }).predictLabels(features);
    const loss = model.evaluate(features, truth as number[]).loss;
    const pr = precisionRecall(truth, predicted, labels);
    const cm = confusionMatrix(truth, predicted, labels);
    result = { type: 'eval', model: kind, rows: truth.length, accuracy: accuracy(truth, predicted), loss, precisionRecall: pr, confusionMatrix: cm };
    if (p.values.json !== true) {
      io.stdout.write(classifierReport(kind, modelPath, rows.source, truth.length, result.accuracy as number, loss, pr, cm));
    }
  } else {
    const truth = rows.target.map((v, r) => {
      const t = parseNumber(v);
      if (t === null) throw new CliError(`${at(r)}: target '${target}' has '${String(v)}', which is not a number`);
      return t;
    });
    const predicted = model.predict(features);
    const loss = model.evaluate(features, truth).loss;
    result = { type: 'eval', model: kind, rows: truth.length, mse: mse(truth, predicted), mae: mae(truth, predicted), r2: r2(truth, predicted), loss };
    if (p.values.json !== true) {
      say(io.stdout, `${kind} (${modelPath}) on ${rows.source}: ${truth.length} rows`);
      say(io.stdout, `MSE ${formatNumber(result.mse as number)}  MAE ${formatNumber(result.mae as number)}  R^2 ${formatNumber(result.r2 as number)}  loss ${formatNumber(loss)}`);
    }
  }
  model.dispose();
  if (p.values.json === true) say(io.stdout, JSON.stringify(result));
  return 0;
}

function classifierReport(
  kind: string, modelPath: string, source: string, rows: number, acc: number, loss: number,
  pr: ReturnType<typeof precisionRecall>, cm: ReturnType<typeof confusionMatrix>,
): string {
  const names = pr.labels.map(String);
  const w = Math.max(9, ...names.map((n) => n.length));
  const lines = [
    `${kind} (${modelPath}) on ${source}: ${rows} rows`,
    `accuracy ${percent(acc)}  loss ${formatNumber(loss)}`,
    '',
    `${'class'.padEnd(w)}  precision  recall  support`,
    ...names.map((n, i) => `${n.padEnd(w)}  ${percent(pr.precision[i]).padStart(9)}  ${percent(pr.recall[i]).padStart(6)}  ${String(pr.support[i]).padStart(7)}`),
    `${'macro avg'.padEnd(w)}  ${percent(pr.macro.precision).padStart(9)}  ${percent(pr.macro.recall).padStart(6)}  ${String(rows).padStart(7)}`,
    '',
    'confusion matrix (rows: true class, columns: predicted class)',
  ];
  const cw = Math.max(...names.map((n) => n.length), ...cm.matrix.flat().map((v) => String(v).length));
  lines.push(`${''.padEnd(w)}  ${names.map((n) => n.padStart(cw)).join('  ')}`);
  cm.matrix.forEach((row, i) => lines.push(`${names[i].padEnd(w)}  ${row.map((v) => String(v).padStart(cw)).join('  ')}`));
  return `${lines.join('\n')}\n`;
}
