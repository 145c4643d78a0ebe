// steepest/datasets: every bundled set equals its CSV in data/ (read here by the test
// helper's own csv-parse reader, not by the generator), the teaching sets hold the facts
// their descriptions state, and load hands out copies.
import { describe, expect, expectTypeOf, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { ValidationError } from '../../src/index.js';
import { load, names, table, type TextTargetName } from '../../src/datasets/index.js';
import { readCsv } from '../../src/datasets/csv.js';
import { loadCsv } from '../helpers/data.js';
import { expectThrows } from '../helpers/errors.js';
import { expectSame } from '../helpers/tolerance.js';

const FILES: Record<string, { file: string; rows: number; features: number; classes: string[] | null; strings: boolean }> = {
  breast_cancer: { file: 'breast_cancer.csv', rows: 569, features: 30, classes: ['malignant', 'benign'], strings: false },
  digits: { file: 'digits.csv', rows: 1797, features: 64, classes: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'], strings: false },
  iris: { file: 'iris.csv', rows: 150, features: 4, classes: ['setosa', 'versicolor', 'virginica'], strings: true },
  speeding_tickets: { file: 'speeding_tickets.csv', rows: 5, features: 1, classes: ['no', 'yes'], strings: true },
  secret_number: { file: 'secret_number.csv', rows: 4, features: 1, classes: null, strings: false },
  secret_number_noisy: { file: 'secret_number_noisy.csv', rows: 4, features: 1, classes: null, strings: false },
};

describe('bundled data sets', () => {
  it('names() lists them all', () => {
    expect(names()).toEqual(Object.keys(FILES));
  });

  it.each(Object.entries(FILES))('%s equals data/ its CSV, value for value', async (name, f) => {
    const csv = loadCsv(f.file);
    const d = load(name);
    expect([d.rows, d.features.length]).toEqual([f.rows, f.features]);
    expect(d.features).toEqual(csv.header.slice(0, -1));
    expect(d.target).toBe(csv.header[csv.header.length - 1]);
    expect(d.classes).toEqual(f.classes);
    expectSame(d.X, Float32Array.from(csv.X), 'X (the CSV values rounded to float32)');
    if (f.strings) expect(d.y).toEqual(csv.labels);
    else expectSame(d.y as Float32Array, Float32Array.from(csv.y), 'y');
    // table(): the same text fields readCsv gives for the file (the CSVs write numbers in their shortest form).
    const t = table(name);
    const read = await readCsv(new URL(`../../data/${f.file}`, import.meta.url));
    expect({ ...t, source: read.source }).toEqual(read);
    expect(t.source).toBe(name);
  });

  it("load's type says each set's target kind: text for exactly the sets whose CSV target is text", () => {
    // `satisfies` fails type-checking when a text set is missing here; the loop, when a set is in the wrong list.
    const text = { iris: true, speeding_tickets: true } satisfies Record<TextTargetName, true>;
    for (const [name, f] of Object.entries(FILES)) expect(Object.hasOwn(text, name), name).toBe(f.strings);
    expectTypeOf(load('iris').y).toEqualTypeOf<string[]>();
    expectTypeOf(load('digits').y).toEqualTypeOf<Float32Array>();
    expectTypeOf(load('digits' as string).y).toEqualTypeOf<Float32Array | string[]>();
  });

  it('the teaching sets are the ones the course uses, with their stated optima', () => {
    const speeding = load('speeding_tickets');
    expect(Array.from(speeding.X)).toEqual([30, 33, 35, 37, 39]);
    expect(speeding.y).toEqual(['no', 'no', 'no', 'yes', 'yes']); // separable between 35 and 37
    for (const [name, y, theta, loss] of [['secret_number', [4, 5, 7, 10], 2, 0], ['secret_number_noisy', [3, 6, 5, 12], 2, 2.5]] as const) {
      const d = load(name);
      expect(Array.from(d.X)).toEqual([2, 3, 5, 8]);
      expect(Array.from(d.y as Float32Array)).toEqual(y);
      // y = x + theta: the least-squares theta is the mean of y - x; the mean squared error there is the stated one.
      const residuals = y.map((v, i) => v - d.X[i]);
      const best = residuals.reduce((a, b) => a + b) / residuals.length;
      expect(best).toBe(theta);
      expect(residuals.reduce((a, r) => a + (r - best) ** 2, 0) / residuals.length).toBe(loss);
    }
  });

  it('load and table hand out fresh copies', () => {
    const a = load('iris');
    a.X[0] = -1;
    (a.y as string[])[0] = 'x';
    a.features[0] = 'x';
    a.classes![0] = 'x';
    const b = load('iris');
    expect([b.X[0], b.y[0], b.features[0], b.classes![0]]).toEqual([Math.fround(5.1), 'setosa', 'sepal_length_cm', 'setosa']);
    const t = table('iris');
    t.rows[0][0] = 'x';
    expect(table('iris').rows[0][0]).toBe('5.1');
  });

  it('an unknown name lists the bundled ones', () => {
    const message = "unknown data set 'digts' (the bundled ones are breast_cancer, digits, iris, speeding_tickets, secret_number, secret_number_noisy)";
    expectThrows(() => load('digts'), ValidationError, message);
    expectThrows(() => table('digts'), ValidationError, message);
    expectThrows(() => load('toString'), ValidationError, message.replace("'digts'", "'toString'"));
  });

  it('data/README.md attributes every real data set and describes the teaching sets', () => {
    const readme = readFileSync(new URL('../../data/README.md', import.meta.url), 'utf8');
    for (const text of ['CC BY 4.0', 'Wolberg', 'Alpaydin', 'Fisher', 'speeding_tickets.csv', 'secret_number.csv', 'secret_number_noisy.csv']) {
      expect(readme).toContain(text);
    }
  });
});
