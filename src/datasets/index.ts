// steepest/datasets: the bundled data sets, loadable by name. Its own entry point, so
// `import 'steepest'` does not carry the data (about 400 kB of source).
import { ValidationError } from '../errors.js';
import { show } from '../validate.js';
import type { Bundled } from './bundled.js';
import type { CsvTable } from './csv.js';
import { breastCancer } from './data/breast_cancer.js';
import { digits } from './data/digits.js';
import { iris } from './data/iris.js';
import { speedingTickets } from './data/speeding_tickets.js';
import { secretNumber } from './data/secret_number.js';
import { secretNumberNoisy } from './data/secret_number_noisy.js';

export type { CsvTable };

/** A data set as the models take it; `Y` is its target's kind (load names it per set). */
export interface Dataset<Y extends Float32Array | string[] = Float32Array | string[]> {
  /** Features, rows x features.length, row-major float32. */
  X: Float32Array;
  /** The target per row: numbers (0/1 labels, class indices or values), or string labels. */
  y: Y;
  /** Feature names, in X's column order. */
  features: string[];
  /** The target column's name. */
  target: string;
  /** Class names for a classification set (index = class: y's number, or the sorted string labels), else null. */
  classes: string[] | null;
  rows: number;
}

/** The bundled sets whose target is text (string labels). */
export type TextTargetName = 'iris' | 'speeding_tickets';
/** The bundled sets whose target is numbers (0/1 labels, class indices or values). */
export type NumericTargetName = 'breast_cancer' | 'digits' | 'secret_number' | 'secret_number_noisy';

const SETS: Record<TextTargetName | NumericTargetName, Bundled> = {
  breast_cancer: breastCancer,
  digits,
  iris,
  speeding_tickets: speedingTickets,
  secret_number: secretNumber,
  secret_number_noisy: secretNumberNoisy,
};

/** The bundled data sets' names. */
export function names(): string[] {
  return Object.keys(SETS);
}

/** A bundled data set by name (a fresh copy: change it freely); its `y` is typed by the set's target. */
export function load(name: TextTargetName): Dataset<string[]>;
export function load(name: NumericTargetName): Dataset<Float32Array>;
export function load(name: string): Dataset;
export function load(name: string): Dataset {
  const b = bundled(name);
  const rows = b.y.length;
  return {
    X: Float32Array.from(b.x),
    y: typeof b.y[0] === 'string' ? [...(b.y as readonly string[])] : Float32Array.from(b.y as readonly number[]),
    features: [...b.features],
    target: b.target,
    classes: b.classes ? [...b.classes] : null,
    rows,
  };
}

/** A bundled data set as a CSV file reads (readCsv's form: header, then rows of strings), to treat it like any CSV. */
export function table(name: string): CsvTable {
  const b = bundled(name);
  const width = b.features.length;
  const rows = b.y.map((label, r) => [...b.x.slice(r * width, (r + 1) * width).map(String), String(label)]);
  return { header: [...b.features, b.target], rows, lines: rows.map((_, r) => r + 2), separator: ',', source: name };
}

function bundled(name: unknown): Bundled {
  if (typeof name !== 'string' || !Object.hasOwn(SETS, name)) {
    throw new ValidationError(`unknown data set ${show(name)} (the bundled ones are ${names().join(', ')})`);
  }
  return SETS[name as keyof typeof SETS];
}
