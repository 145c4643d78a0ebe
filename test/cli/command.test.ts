// The `steepest` command as a user runs it: the package is packed with `npm pack`,
// installed from the tarball into a fresh project, and its bin run as a subprocess.
// Round trips (train, predict, eval, and the model loaded back through the API),
// --json, the plots, stdin, and every error the command promises, word for word.
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exec, execFirstLine, packAndInstall, remove, ROOT, type Installed, type Ran } from '../helpers/packed.js';
import { loadCsv } from '../helpers/data.js';

let pkg: Installed;
let dir: string;

beforeAll(async () => {
  pkg = await packAndInstall();
  dir = join(pkg.project, 'work');
  mkdirSync(dir);
  writeFiles();
}, 120_000);

afterAll(() => {
  if (pkg) remove(pkg);
});

const steepest = (args: string[], input?: string): Promise<Ran> => exec(pkg.bin, args, dir, input);

// Runs node on a script inside the project that installed the package (so 'steepest' resolves to it).
function nodeScript(name: string, code: string): string {
  const file = join(pkg.project, name);
  writeFileSync(file, code);
  return execFileSync(process.execPath, [file], { cwd: dir, encoding: 'utf8' });
}

const csvRows = (text: string) => parseCsv(text, { skip_empty_lines: true }) as string[][];
const jsonLines = (text: string) => text.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);

// y = 3 + 2 x1 - x2 + noise in [-0.05, 0.05] (a fixed sine, no randomness), 120 rows.
const LINEAR = ['x1,x2,y', ...Array.from({ length: 120 }, (_, i) => {
  const x1 = (i % 12) / 3;
  const x2 = Math.floor(i / 12) / 2;
  return `${x1},${x2},${(3 + 2 * x1 - x2 + 0.05 * Math.sin(i * 2.7)).toFixed(4)}`;
})].join('\n');

// Semicolons, a categorical column, quoted labels with a comma: 'big, heavy' when red or heavier than 5.
const CATEGORICAL = ['size;colour;weight;kind', ...Array.from({ length: 90 }, (_, i) => {
  const colour = ['red', 'green', 'blue'][i % 3];
  const weight = ((i * 37) % 100) / 10;
  return `${(i % 7) + 1};${colour};${weight};${colour === 'red' || weight > 5 ? '"big, heavy"' : 'small'}`;
})].join('\n');

function writeFiles(): void {
  const files: Record<string, string> = {
    'linear.csv': `${LINEAR}\n`,
    'categorical.csv': `${CATEGORICAL}\n`,
    'bad.csv': 'a,b,y\n1,2,3\n4,5,6\n7,abc,9\n1,,2\n5,6,7\n',
    'empty.csv': '',
    'header.csv': 'a,b,y\n',
    'other.csv': 'q,y\n1,2\n',
    'future.json': JSON.stringify({ format: 'steepest', version: 99, model: 'LogisticRegression' }),
    'notmodel.json': JSON.stringify({ hello: 'world' }),
  };
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  mkdirSync(join(dir, 'folder.json'));
}

describe('the packed package', () => {
  it('ships the command, the entry points, LICENSE and README, and no source maps or sources', () => {
    const list = execFileSync('tar', ['tzf', pkg.tarball], { encoding: 'utf8' }).trim().split('\n').map((f) => f.replace(/^package\//, ''));
    for (const f of ['LICENSE', 'README.md', 'package.json', 'data/README.md', 'dist/cli/main.js', 'dist/index.js', 'dist/plot/index.js', 'dist/datasets/index.js', 'dist/preprocess/index.js', 'dist/metrics/index.js', 'dist/minimize/index.js', 'dist/bench/fit.js', 'dist/bench/fitChild.js', 'dist/bench/train.js']) {
      expect(list, f).toContain(f);
    }
    expect(list.filter((f) => f.endsWith('.map'))).toEqual([]);
    expect(list.filter((f) => !/^(dist\/|LICENSE$|README\.md$|package\.json$|data\/README\.md$)/.test(f))).toEqual([]);
    const license = readFileSync(join(pkg.project, 'node_modules/steepest/LICENSE'), 'utf8');
    expect(license).toContain('MIT License');
    expect(license).toContain('steepest contributors');
    // The embedded WASM's declaration is a plain string, not the base64 repeated as a literal type.
    const dts = readFileSync(join(pkg.project, 'node_modules/steepest/dist/wasm/simdBinary.d.ts'), 'utf8');
    expect(dts).toContain('export declare const WASM_GZIP_BASE64: string;');
    expect(dts.length).toBeLessThan(1000);
  });

  it('installs its bin with a shebang, and only its runtime dependencies', () => {
    expect(readFileSync(join(pkg.project, 'node_modules/steepest/dist/cli/main.js'), 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    const installed = readdirSync(join(pkg.project, 'node_modules')).sort();
    expect(installed).toContain('cli-progress');
    expect(installed).toContain('csv-parse');
    for (const dev of ['typescript', 'vitest', 'tsx', 'assemblyscript', '@assemblyscript', 'playwright']) expect(installed).not.toContain(dev);
  });

  it('runs with npx and prints the package version', async () => {
    const version = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version;
    const r = await exec('npx', ['--no-install', 'steepest', '--version'], pkg.project);
    expect(r).toMatchObject({ code: 0, stdout: `${version}\n` });
  });

  it("loads 'steepest' and every other library entry point without the command's dependencies", () => {
    const nm = join(pkg.project, 'node_modules');
    const away = join(pkg.project, 'away');
    mkdirSync(away);
    renameSync(join(nm, 'cli-progress'), join(away, 'cli-progress'));
    renameSync(join(nm, 'csv-parse'), join(away, 'csv-parse'));
    try {
      const out = nodeScript('imports.mjs', `
        const lib = await import('steepest');
        const plot = await import('steepest/plot');
        const sets = await import('steepest/datasets');
        const prep = await import('steepest/preprocess');
        const metrics = await import('steepest/metrics');
        const min = await import('steepest/minimize');
        const onnx = await import('steepest/onnx');
        await lib.ready();
        const back = onnx.fromONNX(onnx.toONNX(new lib.LogisticRegression({ features: 2 })));
        console.log(typeof lib.LogisticRegression, typeof plot.plotHistory, sets.names().length > 0,
          typeof prep.StandardScaler, prep.Preprocessor === lib.Preprocessor, typeof metrics.confusionMatrix, typeof min.gradientCheck,
          back instanceof lib.LogisticRegression);
      `);
      expect(out.trim()).toBe('function function true function true function function true');
    } finally {
      renameSync(join(away, 'cli-progress'), join(nm, 'cli-progress'));
      renameSync(join(away, 'csv-parse'), join(nm, 'csv-parse'));
    }
  });
});

describe('help, version, info, bench', () => {
  it('has --help for every command, listing its options', async () => {
    const main = await steepest(['--help']);
    expect(main.code).toBe(0);
    for (const c of ['train', 'predict', 'eval', 'bench', 'info', 'export']) expect(main.stdout).toContain(`  ${c} `);
    const expected: Record<string, string[]> = {
      train: ['--target', '--model', '--hidden', '--activation', '--optimizer', '--lr', '--epochs', '--batch', '--schedule', '--l2', '--val',
        '--early-stopping', '--seed', '--engine', '--categorical', '--drop-invalid', '--out', '--plot', '--plot-path', '--quiet', '--json', '--debug'],
      predict: ['--out', '--proba', '--drop-invalid'],
      eval: ['--target', '--json', '--drop-invalid'],
      bench: ['--quick', '--rows'],
      info: ['--json'],
      export: ['--onnx', '--opset'],
    };
    for (const [c, flags] of Object.entries(expected)) {
      const r = await steepest([c, '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout.startsWith(`Usage: steepest ${c}`)).toBe(true);
      for (const f of flags) expect(r.stdout, `${c} --help lists ${f}`).toContain(f);
    }
  });

  it('info names the version, SIMD support, the engines and what auto picks', async () => {
    const r = await steepest(['info', '--json']);
    expect(r.code).toBe(0);
    const info = JSON.parse(r.stdout);
    expect(info.version).toBe(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version);
    expect(info.engines).toContain('js');
    // Node 20 has WebAssembly SIMD: both builds load and auto picks the SIMD one.
    expect(info).toMatchObject({ webAssembly: true, simd: true, engines: ['wasm-simd', 'wasm-scalar', 'js'], auto: 'wasm-simd' });
    const text = await steepest(['info']);
    expect(text.stdout).toContain('auto picks   wasm-simd');
  });

  it('bench runs the compiled benchmark from the installed package, fit then train (a smoke run at 2048 rows)', async () => {
    const r = await steepest(['bench', '--quick', '--rows', '2048']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    // the whole-fit table first (its cold runs start the compiled child process), then per-epoch train
    const fit = r.stdout.indexOf('fit: logistic regression, wasm-simd, 10 epochs');
    expect(fit).toBeGreaterThan(0);
    expect(r.stdout.indexOf('train: logistic regression, N = 2,048 rows')).toBeGreaterThan(fit);
    expect(r.stdout).toMatch(/^2048 {2}16 {7}on /m);
    for (const engine of ['js', 'wasm-scalar', 'wasm-simd']) expect(r.stdout).toContain(engine);
  });
});

describe('round trips: train, predict, eval', () => {
  // Accuracy of predictions (a CSV whose first column is the label) against the data's labels.
  const accuracyOf = (predictions: string, truth: readonly string[]) => {
    const rows = csvRows(predictions).slice(1);
    expect(rows).toHaveLength(truth.length);
    return rows.filter((r, i) => r[0] === truth[i]).length / truth.length;
  };

  // One trained model, predicted and evaluated on the data it came from: eval's accuracy must be the one
  // computed here from predict's output, and both must reach the floor.
  async function roundTrip(data: string, csv: string, trainArgs: string[], floor: number, model: string) {
    const file = `${model}-${data}.json`;
    const t = await steepest(['train', data, ...trainArgs, '--out', file, '--quiet']);
    expect(t.stderr).toBe('');
    expect(t.code).toBe(0);
    const saved = JSON.parse(readFileSync(join(dir, file), 'utf8'));
    expect(saved.model).toBe(model);
    const truth = loadCsv(csv).labels;
    const p = await steepest(['predict', file, data]);
    expect(p.code).toBe(0);
    const acc = accuracyOf(p.stdout, truth);
    expect(acc).toBeGreaterThanOrEqual(floor);
    const e = await steepest(['eval', file, data, '--json']);
    expect(e.code).toBe(0);
    const ev = JSON.parse(e.stdout);
    expect(ev.accuracy).toBe(acc);
    // the confusion matrix counts every row once, and its diagonal is the correct ones
    const cm = ev.confusionMatrix.matrix as number[][];
    expect(cm.flat().reduce((a, b) => a + b, 0)).toBe(truth.length);
    expect(cm.reduce((a, row, i) => a + row[i], 0)).toBe(Math.round(acc * truth.length));
    return { saved, ev };
  }

  // Floors: training-set accuracy of standardized models on these sets is 97-100% with these settings;
  // each floor leaves a few points for seeds and engines.
  it('logistic regression on breast_cancer (auto choice: 2 values)', async () => {
    await roundTrip('breast_cancer', 'breast_cancer.csv', ['--seed', '1'], 0.95, 'LogisticRegression');
  });

  it('an MLP on breast_cancer', async () => {
    const { saved } = await roundTrip('breast_cancer', 'breast_cancer.csv', ['--model', 'mlp', '--hidden', '16', '--activation', 'tanh', '--epochs', '20'], 0.95, 'MLP');
    expect(saved.shape.layers.map((l: { units: number }) => l.units)).toEqual([16, 1]);
  });

  it('softmax regression on digits (auto choice: 10 integer classes)', async () => {
    await roundTrip('digits', 'digits.csv', ['--epochs', '15'], 0.95, 'SoftmaxRegression');
  });

  it('an MLP on digits', async () => {
    const { saved } = await roundTrip('digits', 'digits.csv', ['--model', 'mlp', '--hidden', '32', '--activation', 'relu', '--epochs', '10'], 0.95, 'MLP');
    expect(saved.shape.layers.map((l: { units: number }) => l.units)).toEqual([32, 10]);
  });

  it('softmax regression on iris (auto choice: text labels), predicting the species names', async () => {
    const { saved, ev } = await roundTrip('iris', 'iris.csv', ['--epochs', '100'], 0.9, 'SoftmaxRegression');
    expect(saved.classes).toEqual(['setosa', 'versicolor', 'virginica']);
    expect(ev.precisionRecall.labels).toEqual(['setosa', 'versicolor', 'virginica']);
  });

  it('an MLP on iris', async () => {
    await roundTrip('iris', 'iris.csv', ['--model', 'mlp', '--hidden', '8', '--activation', 'tanh', '--epochs', '100'], 0.9, 'MLP');
  });

  it('reads the data sets from CSV files the same as by name', async () => {
    const csv = join(ROOT, 'data/iris.csv');
    const byFile = await steepest(['train', csv, '--target', 'species', '--epochs', '30', '--json']);
    const byName = await steepest(['train', 'iris', '--epochs', '30', '--json']);
    const last = (r: Ran) => jsonLines(r.stdout).at(-1)!;
    expect((last(byFile).history as { loss: number[] }).loss).toEqual((last(byName).history as { loss: number[] }).loss);
  });

  it('linear regression on a CSV written here: R^2 near 1, predictions near the truth', async () => {
    const t = await steepest(['train', 'linear.csv', '--target', 'y', '--epochs', '200', '--lr', '0.05', '--out', 'linear.json', '--json']);
    expect(t.code).toBe(0);
    const result = jsonLines(t.stdout).at(-1)!;
    expect(result).toMatchObject({ model: { type: 'linear', auto: true, reason: "target 'y' holds numbers with 120 distinct values" } });
    const p = await steepest(['predict', 'linear.json', 'linear.csv']);
    const truth = csvRows(LINEAR).slice(1).map((r) => Number(r[2]));
    const predicted = csvRows(p.stdout).slice(1).map((r) => Number(r[0]));
    expect(csvRows(p.stdout)[0]).toEqual(['y']);
    // noise is at most 0.05; 0.1 allows for the fit not being exactly the least-squares one after 200 epochs
    predicted.forEach((v, i) => expect(Math.abs(v - truth[i]), `row ${i}`).toBeLessThanOrEqual(0.1));
    const e = JSON.parse((await steepest(['eval', 'linear.json', 'linear.csv', '--json'])).stdout);
    expect(e.r2).toBeGreaterThan(0.99);
    const mae = predicted.reduce((s, v, i) => s + Math.abs(v - truth[i]), 0) / truth.length;
    // eval's MAE against the one computed here from predict's 7-digit output
    expect(Math.abs(e.mae - mae)).toBeLessThanOrEqual(1e-5);
  });

  it('export writes a trained model as ONNX', async () => {
    expect((await steepest(['train', 'linear.csv', '--target', 'y', '--epochs', '5', '--out', 'linear5.json', '--quiet'])).code).toBe(0);
    const r = await steepest(['export', 'linear5.json', '--onnx', 'linear5.onnx']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(`wrote linear5.onnx (${readFileSync(join(dir, 'linear5.onnx')).length} bytes, ONNX opset 13): input X float32 [N, 2]; outputs variable float32 [N, 1]\n`);
  });

  it('a classifier on a CSV with semicolons, a categorical column and a text target with a comma in it', async () => {
    const t = await steepest(['train', 'categorical.csv', '--target', 'kind', '--categorical', 'colour', '--epochs', '150', '--out', 'cat.json', '--quiet']);
    expect(t.code).toBe(0);
    const saved = JSON.parse(readFileSync(join(dir, 'cat.json'), 'utf8'));
    expect(saved.classes).toEqual(['big, heavy', 'small']);
    expect(saved.preprocessing.columns.find((c: { name: string }) => c.name === 'colour')).toEqual({ name: 'colour', kind: 'categorical', categories: ['blue', 'green', 'red'] });
    const p = await steepest(['predict', 'cat.json', 'categorical.csv']);
    const rows = csvRows(p.stdout);
    expect(rows[0]).toEqual(['kind']);
    const truth = CATEGORICAL.split('\n').slice(1).map((l) => l.split(';')[3].replace(/"/g, ''));
    // 'big, heavy' comes back quoted, so the CSV parser reads it as one field
    expect(new Set(rows.slice(1).map((r) => r.length))).toEqual(new Set([1]));
    const acc = rows.slice(1).filter((r, i) => r[0] === truth[i]).length / truth.length;
    expect(acc).toBeGreaterThanOrEqual(0.9); // the rule is a threshold on one feature and one category
    const e = await steepest(['eval', 'cat.json', 'categorical.csv']);
    expect(e.stdout).toContain(`accuracy ${(100 * acc).toFixed(1)}%`);
    expect(e.stdout).toContain('confusion matrix (rows: true class, columns: predicted class)');
  });

  it('a saved model reloads in the API with loadModel and predicts exactly what steepest predict printed', async () => {
    await steepest(['train', 'iris', '--epochs', '50', '--out', 'iris-api.json', '--quiet']);
    const cli = csvRows((await steepest(['predict', 'iris-api.json', 'iris', '--proba'])).stdout);
    const api = JSON.parse(nodeScript('reload.mjs', `
      import { readFileSync } from 'node:fs';
      import { ready, loadModel } from 'steepest';
      import { table } from 'steepest/datasets';
      await ready();
      const model = loadModel(readFileSync('iris-api.json', 'utf8'));
      const t = table('iris');
      const rows = t.rows.map((r) => r.slice(0, 4));   // raw values; the model standardizes them itself
      console.log(JSON.stringify({ labels: model.predictLabels(rows), proba: Array.from(model.predictProba(rows)), type: model.constructor.name }));
    `));
    expect(api.type).toBe('SoftmaxRegression');
    expect(cli.slice(1).map((r) => r[0])).toEqual(api.labels);
    expect(cli[0]).toEqual(['species', 'p(setosa)', 'p(versicolor)', 'p(virginica)']);
    // the command prints probabilities to 6 significant digits: equal to the API's within that rounding
    cli.slice(1).forEach((r, i) => r.slice(1).forEach((v, k) => {
      const p = api.proba[i * 3 + k];
      expect(Math.abs(Number(v) - p), `row ${i}, class ${k}`).toBeLessThanOrEqual(5e-6 * Math.abs(p) + 1e-30);
    }));
  });
});

describe('output', () => {
  it('--json prints one object per epoch and then the result, all valid JSON', async () => {
    const r = await steepest(['train', 'breast_cancer', '--epochs', '12', '--val', '0.25', '--json']);
    expect(r.code).toBe(0);
    const lines = jsonLines(r.stdout);
    const epochs = lines.filter((l) => l.type === 'epoch');
    expect(epochs.map((e) => e.epoch)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    for (const e of epochs) for (const k of ['loss', 'valLoss', 'learningRate', 'gradNorm', 'timeMs']) expect(typeof e[k], k).toBe('number');
    const result = lines.at(-1)!;
    expect(lines).toHaveLength(13);
    expect(result).toMatchObject({ type: 'result', command: 'train', epochs: 12, stopReason: { rule: 'maxEpochs', epoch: 12 }, model: { type: 'logistic', auto: true } });
    expect(result.data).toMatchObject({ rows: 569, validationRows: 142, trainRows: 427 });
    expect(['wasm-simd', 'wasm-scalar', 'js']).toContain(result.engine);
  });

  it('prints plain progress lines when stdout is not a terminal, then the summary with the loss curve', async () => {
    const r = await steepest(['train', 'iris', '--epochs', '10', '--val', '0.2', '--lr', '0.01']); // the old default rate, given explicitly
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe("model: softmax regression (auto: target 'species' holds text with 3 distinct values; --model to choose)");
    expect(lines.filter((l) => /^epoch +\d+\/10 {2}loss [\d.e-]+ {2}val_loss [\d.e-]+ {2}lr 0\.01 {2}[\d.e-]+ ms$/.test(l))).toHaveLength(10);
    for (const s of ['engine    wasm-simd', 'stopped   epoch 10: ', 'ms per epoch (median)', 'metrics   train      accuracy', '          validation accuracy', '* training loss   o validation loss']) {
      expect(r.stdout).toContain(s);
    }
    expect(r.stderr).toBe('');
  });

  it('without --lr (or with --lr auto) searches for the rate and prints the rate it chose and what the search cost', async () => {
    for (const extra of [[], ['--lr', 'auto']]) {
      const r = await steepest(['train', 'iris', '--epochs', '10', ...extra]);
      expect(r.code).toBe(0);
      const line = r.stdout.split('\n').find((l) => l.startsWith('rate '));
      expect(line).toMatch(/^rate +learning rate [\d.e-]+ chosen by a search of \d+ trials \([\d.]+ m?s, [\d.]+ epochs of the data\)$/);
      // The progress lines show the chosen rate.
      const rate = /learning rate ([\d.e-]+) chosen/.exec(line!)![1];
      expect(r.stdout).toMatch(new RegExp(`^epoch +1/10 .* lr ${rate.replace('.', '\\.')}`, 'm')); // printed to more digits there
    }
    const j = await steepest(['train', 'iris', '--epochs', '3', '--json']);
    const result = JSON.parse(j.stdout.trim().split('\n').at(-1)!);
    expect(result.learningRateSearch).toMatchObject({ rate: expect.any(Number), epochs: expect.any(Number), trials: expect.any(Number) });
    const fixed = JSON.parse((await steepest(['train', 'iris', '--epochs', '3', '--lr', '0.01', '--json'])).stdout.trim().split('\n').at(-1)!);
    expect(fixed.learningRateSearch).toBeNull();
  });

  it('--quiet prints one line', async () => {
    const r = await steepest(['train', 'iris', '--epochs', '5', '--quiet']);
    expect(r.stdout).toMatch(/^accuracy \d+\.\d% \(train\), stopped: maxEpochs at epoch 5\n$/);
  });

  it('--plot and --plot-path write SVG files; standard input works as data', async () => {
    // a CSV of 4 integer targets would be classes by the auto rule: --model linear
    const r = await steepest(['train', '-', '--target', 'y', '--model', 'linear', '--batch', 'full', '--optimizer', 'sgd', '--lr', '0.1', '--epochs', '30',
      '--plot', 'plots/loss.svg', '--plot-path', 'plots/path.svg', '--quiet'], readFileSync(join(ROOT, 'data/secret_number.csv'), 'utf8'));
    expect(r).toMatchObject({ code: 0, stderr: '' });
    const loss = readFileSync(join(dir, 'plots/loss.svg'), 'utf8');
    expect(loss.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(loss).toContain('data-series="loss"');
    const path = readFileSync(join(dir, 'plots/path.svg'), 'utf8');
    expect(path).toContain('data-series="path"');
    // 30 epochs of full-batch descent: the start and 30 updates
    expect(path).toContain('path (30 updates)');
  });
});

describe('errors: one line on stderr, a non-zero exit code, no stack trace unless --debug', () => {
  const cases: [string, string[], number, string][] = [
    ['a missing target column (the columns listed)', ['train', 'linear.csv', '--target', 'nope'], 1,
      "linear.csv has no column 'nope' (its columns are x1, x2, y)"],
    ['no target given for a CSV', ['train', 'linear.csv'], 2,
      'steepest train needs --target: name the column to predict (linear.csv has columns x1, x2, y)'],
    ['a non-numeric value in a numeric column', ['train', 'bad.csv', '--target', 'y'], 1,
      "bad.csv line 4: column 'b' has 'abc', which is not a number; --drop-invalid skips such rows"],
    ['a text column not named categorical', ['train', 'categorical.csv', '--target', 'kind'], 1,
      "categorical.csv line 2: column 'colour' has 'red', which is not a number; --categorical colour one-hot encodes the column; --drop-invalid skips such rows"],
    ['an empty file', ['train', 'empty.csv', '--target', 'y'], 1, 'empty.csv is empty (expected a header row)'],
    ['a header and no rows', ['train', 'header.csv', '--target', 'y'], 1, 'header.csv has a header but no rows'],
    ['a data file that does not exist', ['train', 'nothere.csv', '--target', 'y'], 1,
      "cannot read 'nothere.csv': no such file, and no bundled data set has that name (they are breast_cancer, digits, iris, speeding_tickets, secret_number, secret_number_noisy)"],
    ['data whose columns do not match the model', ['predict', 'linear.json', 'other.csv'], 1,
      "other.csv does not have the model's columns 'x1', 'x2'; the model reads x1, x2, the data has q, y"],
    ['a model file that does not exist', ['predict', 'nothere.json', 'linear.csv'], 1, "cannot read model file 'nothere.json': no such file"],
    ['a model file that is a folder', ['predict', 'folder.json', 'linear.csv'], 1, "cannot read model file 'folder.json': it is a directory"],
    ['a model file of another version (and no library field)', ['eval', 'future.json', 'linear.csv'], 1,
      "model file 'future.json' cannot be loaded: json has file format version 99; this version of steepest reads versions 1, 2 and 3 (the file was written by a newer steepest: upgrade steepest to load it)"],
    ['a JSON file that is not a model', ['eval', 'notmodel.json', 'linear.csv'], 1, "model file 'notmodel.json' cannot be loaded: "],
    ['a misspelled option', ['train', 'linear.csv', '--target', 'y', '--epoch', '5'], 2, "unknown option '--epoch' for steepest train; did you mean '--epochs'?"],
    ['a misspelled command', ['trian', 'linear.csv'], 2, "unknown command 'trian'; did you mean 'train'? (commands: train, predict, eval, bench, info, export; steepest --help)"],
    ['a bad option value', ['train', 'linear.csv', '--target', 'y', '--lr', 'fast'], 2, "--lr must be a number > 0, got 'fast'"],
    ['--plot-path for a model it cannot draw', ['train', 'iris', '--plot-path', 'p.svg'], 2,
      '--plot-path draws linear regression on one feature; this is softmax regression on 4 features'],
    ['--proba for a regression model', ['predict', 'linear.json', 'linear.csv', '--proba'], 2, "--proba applies to classifiers; model file 'linear.json' holds linear regression"],
  ];

  it.each(cases)('%s', async (_, args, code, message) => {
    const r = await steepest(args);
    expect(r.code).toBe(code);
    expect(r.stdout).toBe('');
    const line = `steepest: ${message}`;
    if (message.endsWith(': ')) expect(r.stderr.startsWith(line)).toBe(true); // the rest is the library's own message
    else expect(r.stderr).toBe(`${line}\n`);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('a truncated model file', async () => {
    // written by a finished training run, then cut in half
    const full = readFileSync(join(dir, 'linear.json'), 'utf8');
    writeFileSync(join(dir, 'truncated.json'), full.slice(0, full.length >> 1));
    const r = await steepest(['predict', 'truncated.json', 'linear.csv']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^steepest: model file 'truncated\.json' is not valid JSON \(truncated\?\): .+\n$/);
  });

  it('--drop-invalid skips the bad rows and says how many', async () => {
    const r = await steepest(['train', 'bad.csv', '--target', 'y', '--drop-invalid', '--batch', 'full', '--quiet']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("skipped 2 of 5 rows with an empty or non-numeric value (first: bad.csv line 4: column 'b' has 'abc', which is not a number)\n");
  });

  it('--debug adds the stack trace', async () => {
    const r = await steepest(['train', 'linear.csv', '--target', 'nope', '--debug']);
    expect(r.code).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines[0]).toBe("steepest: linear.csv has no column 'nope' (its columns are x1, x2, y)");
    expect(lines.length).toBeGreaterThan(2);
    expect(lines.slice(1).some((l) => /^\s+at .+(\.js|\.ts):\d+:\d+\)?$/.test(l))).toBe(true);
  });
});

// Every option that writes a file, with a path that cannot be written: a file used as a folder
// (bad.csv is a file), and a folder that cannot be made (/proc refuses new entries; Node 20's
// mkdir({ recursive: true }) never returned there). Each fails at once, before the data is read
// or training starts (nothing on stdout), with one line naming the path; a hang is killed.
describe('output paths: a bad one fails at once, before any training', () => {
  const TIMEOUT = 30_000;
  const writers: [string, (path: string) => string[], string][] = [
    ['train --out', (f) => ['train', 'linear.csv', '--target', 'y', '--epochs', '500', '--out', f], 'm.json'],
    ['train --plot', (f) => ['train', 'linear.csv', '--target', 'y', '--epochs', '500', '--plot', f], 'loss.svg'],
    ['train --plot-path', (f) => ['train', 'secret_number', '--epochs', '500', '--plot-path', f], 'path.svg'],
    ['predict --out', (f) => ['predict', 'linear.json', 'linear.csv', '--out', f], 'p.csv'],
    ['export --onnx', (f) => ['export', 'linear.json', '--onnx', f], 'm.onnx'],
    // bench writes <DIR>/fit.json first: checked before any timing
    ['bench --out', (f) => ['bench', '--quick', '--out', f.slice(0, f.lastIndexOf('/'))], 'fit.json'],
  ];

  it.each(writers)('%s into a file used as a folder', async (_, args, name) => {
    const path = `bad.csv/x/${name}`;
    const r = await exec(pkg.bin, args(path), dir, undefined, TIMEOUT);
    expect(r).toEqual({ code: 1, stdout: '', stderr: `steepest: cannot write '${path}': 'bad.csv' is not a directory\n` });
  }, 2 * TIMEOUT);

  it.runIf(process.platform === 'linux').each(writers)('%s into a folder that cannot be made (/proc/nope)', async (_, args, name) => {
    const path = `/proc/nope/${name}`;
    const r = await exec(pkg.bin, args(path), dir, undefined, TIMEOUT);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    // root is refused by procfs (no such file), anyone else by permissions first
    expect(r.stderr).toMatch(new RegExp(`^steepest: cannot write '${path}': cannot create directory '/proc/nope': (no such file or directory|permission denied)\n$`));
  }, 2 * TIMEOUT);

  it('a file in a folder that exists but cannot hold it (/proc) fails before training too', async () => {
    const r = await exec(pkg.bin, ['train', 'linear.csv', '--target', 'y', '--out', '/proc/m.json'], dir, undefined, TIMEOUT);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^steepest: cannot write '\/proc\/m\.json': (no such file or directory|permission denied)\n$/);
  }, 2 * TIMEOUT);

  it('a folder as the output file', async () => {
    const r = await exec(pkg.bin, ['train', 'linear.csv', '--target', 'y', '--out', 'folder.json'], dir, undefined, TIMEOUT);
    expect(r).toEqual({ code: 1, stdout: '', stderr: "steepest: cannot write 'folder.json': it is a directory\n" });
  }, 2 * TIMEOUT);

  it('the up-front check leaves no file behind when the run then fails; missing folders are made', async () => {
    const r = await exec(pkg.bin, ['train', 'bad.csv', '--target', 'y', '--out', 'made/here/m.json'], dir, undefined, TIMEOUT);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("steepest: bad.csv line 4: column 'b' has 'abc', which is not a number; --drop-invalid skips such rows\n");
    expect(existsSync(join(dir, 'made/here'))).toBe(true);
    expect(existsSync(join(dir, 'made/here/m.json'))).toBe(false);
  }, 2 * TIMEOUT);
});

// `steepest ... | head -1`: the reader takes one line and closes the pipe. Every command ends
// quietly (no EPIPE stack trace, exit code 0) and still writes its files.
describe('a closed output pipe ends the output quietly', () => {
  const TIMEOUT = 60_000;
  const headed = (args: string[]) => execFirstLine(pkg.bin, args, dir, TIMEOUT);
  const expectQuiet = (r: Ran, first: string | RegExp) => {
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    if (typeof first === 'string') expect(r.stdout).toBe(first);
    else expect(r.stdout).toMatch(first);
  };

  it('train (progress lines) still writes its model file', async () => {
    const r = await headed(['train', 'breast_cancer', '--epochs', '200', '--out', 'piped.json']);
    expectQuiet(r, "model: logistic regression (auto: target 'benign' has 2 distinct values; --model to choose)\n");
    expect(JSON.parse(readFileSync(join(dir, 'piped.json'), 'utf8')).model).toBe('LogisticRegression');
  }, 2 * TIMEOUT);

  it('train --json', async () => {
    expectQuiet(await headed(['train', 'breast_cancer', '--epochs', '200', '--json']), /^\{"type":"epoch","epoch":1,.*\}\n$/);
  }, 2 * TIMEOUT);

  it('predict (more output than a pipe holds) and eval', async () => {
    expect((await steepest(['train', 'digits', '--epochs', '2', '--out', 'digits-pipe.json', '--quiet'])).code).toBe(0);
    expectQuiet(await headed(['predict', 'digits-pipe.json', 'digits', '--proba']), 'digit,p(0),p(1),p(2),p(3),p(4),p(5),p(6),p(7),p(8),p(9)\n');
    expectQuiet(await headed(['eval', 'digits-pipe.json', 'digits']), 'softmax regression (digits-pipe.json) on digits: 1797 rows\n');
  }, 3 * TIMEOUT);
});
