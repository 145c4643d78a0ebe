// The repository's CSV data sets (data/*.csv), read with node:fs: Node-only tests.
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import type { CsvData } from './data.js';

/** Loads data/<name> from this repository. */
export function loadCsv(name: string): CsvData {
  const text = readFileSync(new URL(`../../data/${name}`, import.meta.url), 'utf8');
  const records = parse(text, { skip_empty_lines: true }) as string[][];
  const [header, ...body] = records;
  const features = header.length - 1;
  const X = new Float64Array(body.length * features);
  const y = new Float64Array(body.length);
  body.forEach((rec, r) => {
    if (rec.length !== header.length) throw new Error(`${name}: row ${r + 1} has ${rec.length} fields, expected ${header.length}`);
    for (let c = 0; c < features; c++) X[r * features + c] = Number(rec[c]);
    y[r] = Number(rec[features]);
  });
  return { header, X, y, labels: body.map((rec) => rec[features]), rows: body.length, features };
}
