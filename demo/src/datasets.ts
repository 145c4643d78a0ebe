// The demo's data sets: the three bundled CSVs (fetched on demand) and small toy
// sets generated here from a seeded stream, so the same seed draws the same points.
import breastCancerUrl from '../../data/breast_cancer.csv?url';
import digitsUrl from '../../data/digits.csv?url';
import irisUrl from '../../data/iris.csv?url';

/** What the targets are: values, two classes, or several. */
export type Task = 'regression' | 'binary' | 'multiclass';

/** A data set as the page uses it: row-major features and one target per row. */
export interface Dataset {
  id: DatasetId;
  title: string;
  task: Task;
  rows: number;
  features: number;
  /** rows x features, row-major. */
  X: Float64Array;
  /** Class indices 0..classes-1, or values. */
  y: Float64Array;
  featureNames: string[];
  /** Class names (index = class) for classification. */
  classNames: string[];
  /** Standardize features by default (off where the raw scale is the lesson). */
  standardize: boolean;
  /** Suggested learning rate and epochs for a first run. */
  learningRate: number;
  epochs: number;
  /** Fraction held out for validation by default (0 for the tiny sets). */
  validation: number;
}

export type DatasetId =
  | 'blobs' | 'xor' | 'circles' | 'spiral' | 'speeding' | 'secret' | 'secret-noisy'
  | 'breast_cancer' | 'iris' | 'digits';

/** Menu order and labels. */
export const DATASETS: readonly { id: DatasetId; label: string }[] = [
  { id: 'blobs', label: 'Two Gaussian blobs (2-D)' },
  { id: 'xor', label: 'XOR (2-D)' },
  { id: 'circles', label: 'Circles (2-D)' },
  { id: 'spiral', label: 'Spiral (2-D)' },
  { id: 'speeding', label: 'Speeding tickets (1 feature)' },
  { id: 'secret', label: 'Secret number, exact (1 feature)' },
  { id: 'secret-noisy', label: 'Secret number, noisy (1 feature)' },
  { id: 'breast_cancer', label: 'Breast cancer (569 x 30)' },
  { id: 'iris', label: 'Iris (150 x 4, 3 classes)' },
  { id: 'digits', label: 'Digits (1797 x 64, 10 classes)' },
];

const CSV_URLS: Partial<Record<DatasetId, string>> = {
  breast_cancer: breastCancerUrl,
  iris: irisUrl,
  digits: digitsUrl,
};

/** Points per toy set. */
const TOY_ROWS = 200;

/** Loads or generates a data set; toy sets use `seed`. */
export async function loadDataset(id: DatasetId, seed: number): Promise<Dataset> {
  const url = CSV_URLS[id];
  if (url) return fromCsv(id, await fetchText(url));
  const rand = mulberry32(seed);
  switch (id) {
    case 'blobs': return toy(id, 'Two Gaussian blobs', blobs(rand), 0.1, 100);
    case 'xor': return toy(id, 'XOR', xor(rand), 0.03, 200);
    case 'circles': return toy(id, 'Circles', circles(rand), 0.03, 150);
    case 'spiral': return toy(id, 'Spiral', spiral(rand), 0.01, 600);
    case 'speeding': return speeding();
    case 'secret': return secret(id, [4, 5, 7, 10]);
    case 'secret-noisy': return secret(id, [3, 6, 5, 12]);
  }
  throw new Error(`unknown data set ${id}`);
}

async function fetchText(url: string): Promise<string> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`could not load ${url}: HTTP ${res.status}`);
  return res.text();
}

const CSV_INFO: Record<string, { title: string; learningRate: number; epochs: number }> = {
  breast_cancer: { title: 'Breast cancer (Wisconsin diagnostic)', learningRate: 0.05, epochs: 50 },
  iris: { title: 'Iris', learningRate: 0.05, epochs: 100 },
  digits: { title: 'Handwritten digits (8x8)', learningRate: 0.01, epochs: 30 },
};

/** Parses a CSV of numbers with a header row; the last column is the target (numbers or names). */
export function fromCsv(id: DatasetId, text: string): Dataset {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = lines[0].split(',');
  const features = header.length - 1;
  const rows = lines.length - 1;
  const X = new Float64Array(rows * features);
  const labels: string[] = [];
  for (let r = 0; r < rows; r++) {
    const cells = lines[r + 1].split(',');
    if (cells.length !== header.length) throw new Error(`${id}: row ${r + 1} has ${cells.length} cells, the header ${header.length}`);
    for (let c = 0; c < features; c++) X[r * features + c] = Number(cells[c]);
    labels.push(cells[features].trim());
  }
  // Numeric labels keep their values as class indices; names map to classes in sorted order.
  const numeric = labels.every((l) => /^\d+$/.test(l));
  const classNames = numeric
    ? Array.from({ length: Math.max(...labels.map(Number)) + 1 }, (_, i) => String(i))
    : [...new Set(labels)].sort();
  const y = Float64Array.from(labels, (l) => (numeric ? Number(l) : classNames.indexOf(l)));
  const info = CSV_INFO[id];
  return {
    id, title: info.title, task: classNames.length > 2 ? 'multiclass' : 'binary', rows, features, X, y,
    featureNames: header.slice(0, features), classNames: id === 'breast_cancer' ? ['malignant', 'benign'] : classNames,
    standardize: true, learningRate: info.learningRate, epochs: info.epochs, validation: 0.2,
  };
}

type Points = { X: number[]; y: number[] };

function toy(id: DatasetId, title: string, p: Points, learningRate: number, epochs: number): Dataset {
  return {
    id, title, task: 'binary', rows: p.y.length, features: 2, X: Float64Array.from(p.X), y: Float64Array.from(p.y),
    featureNames: ['x1', 'x2'], classNames: ['0', '1'], standardize: true, learningRate, epochs, validation: 0.2,
  };
}

/** Two round Gaussian clusters, sd 0.6, centred at (-1, -1) and (1, 1). */
function blobs(rand: () => number): Points {
  const X: number[] = [];
  const y: number[] = [];
  for (let i = 0; i < TOY_ROWS; i++) {
    const label = i % 2;
    const c = label ? 1 : -1;
    X.push(c + 0.6 * gauss(rand), c + 0.6 * gauss(rand));
    y.push(label);
  }
  return { X, y };
}

/** Uniform in [-1, 1]^2, class 1 where the signs of x1 and x2 differ (a little label noise near the axes). */
function xor(rand: () => number): Points {
  const X: number[] = [];
  const y: number[] = [];
  for (let i = 0; i < TOY_ROWS; i++) {
    const a = rand() * 2 - 1;
    const b = rand() * 2 - 1;
    X.push(a, b);
    y.push((a + 0.05 * gauss(rand)) * (b + 0.05 * gauss(rand)) < 0 ? 1 : 0);
  }
  return { X, y };
}

/** Class 1 inside radius 0.5, class 0 on a ring at radius 1, both with noise. */
function circles(rand: () => number): Points {
  const X: number[] = [];
  const y: number[] = [];
  for (let i = 0; i < TOY_ROWS; i++) {
    const label = i % 2;
    const r = label ? 0.5 * Math.sqrt(rand()) : 0.85 + 0.3 * rand();
    const t = 2 * Math.PI * rand();
    X.push(r * Math.cos(t) + 0.05 * gauss(rand), r * Math.sin(t) + 0.05 * gauss(rand));
    y.push(label);
  }
  return { X, y };
}

/** Two interleaved arms, each 1.75 turns, as in TensorFlow Playground. */
function spiral(rand: () => number): Points {
  const X: number[] = [];
  const y: number[] = [];
  const n = TOY_ROWS / 2;
  for (let label = 0; label < 2; label++) {
    for (let i = 0; i < n; i++) {
      const r = i / n;
      const t = 1.75 * 2 * Math.PI * r + label * Math.PI;
      X.push(r * Math.sin(t) + 0.03 * gauss(rand), r * Math.cos(t) + 0.03 * gauss(rand));
      y.push(label);
    }
  }
  return { X, y };
}

/** Speeds 30, 33, 35 got no ticket, 37 and 39 got one. */
function speeding(): Dataset {
  return {
    id: 'speeding', title: 'Speeding tickets', task: 'binary', rows: 5, features: 1,
    X: Float64Array.of(30, 33, 35, 37, 39), y: Float64Array.of(0, 0, 0, 1, 1),
    featureNames: ['speed'], classNames: ['no ticket', 'ticket'], standardize: true,
    learningRate: 0.5, epochs: 200, validation: 0,
  };
}

/** y = x + theta at x = 2, 3, 5, 8: exact (theta = 2) or noisy (residuals 1, 3, 0, 4; mean 2). */
function secret(id: DatasetId, ys: number[]): Dataset {
  return {
    id, title: id === 'secret' ? 'Secret number (exact)' : 'Secret number (noisy)', task: 'regression', rows: 4, features: 1,
    X: Float64Array.of(2, 3, 5, 8), y: Float64Array.from(ys), featureNames: ['x'], classNames: [],
    // Raw x keeps (theta0, theta1) readable as intercept and slope of y = theta0 + theta1 x.
    standardize: false, learningRate: 0.02, epochs: 100, validation: 0,
  };
}

/** Mulberry32: a small seeded generator of uniform numbers in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal by Box-Muller. */
function gauss(rand: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}
