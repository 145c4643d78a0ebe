// The demo's data sets: the ones steepest bundles (steepest/datasets, loaded on
// first use as a chunk of its own) and 2-D toy sets generated here from a seeded
// stream, so the same seed draws the same points.

import type { Dataset as BundledSet } from 'steepest/datasets';

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

/** The demo's names for the sets steepest/datasets bundles, and the first settings that train well on each. */
const BUNDLED: Partial<Record<DatasetId, { name: string; title: string; learningRate: number; epochs: number; standardize: boolean; validation: number }>> = {
  breast_cancer: { name: 'breast_cancer', title: 'Breast cancer (Wisconsin diagnostic)', learningRate: 0.05, epochs: 50, standardize: true, validation: 0.2 },
  iris: { name: 'iris', title: 'Iris', learningRate: 0.05, epochs: 100, standardize: true, validation: 0.2 },
  digits: { name: 'digits', title: 'Handwritten digits (8x8)', learningRate: 0.01, epochs: 30, standardize: true, validation: 0.2 },
  speeding: { name: 'speeding_tickets', title: 'Speeding tickets', learningRate: 0.5, epochs: 200, standardize: true, validation: 0 },
  // Raw x keeps (theta0, theta1) readable as intercept and slope of y = theta0 + theta1 x.
  secret: { name: 'secret_number', title: 'Secret number (exact)', learningRate: 0.02, epochs: 100, standardize: false, validation: 0 },
  'secret-noisy': { name: 'secret_number_noisy', title: 'Secret number (noisy)', learningRate: 0.02, epochs: 100, standardize: false, validation: 0 },
};

/** Points per toy set. */
const TOY_ROWS = 200;

/** Loads a bundled set or generates a toy one (toy sets use `seed`). */
export async function loadDataset(id: DatasetId, seed: number): Promise<Dataset> {
  const info = BUNDLED[id];
  if (info) return fromBundled(id, info, (await import('steepest/datasets')).load(info.name));
  const rand = mulberry32(seed);
  switch (id) {
    case 'blobs': return toy(id, 'Two Gaussian blobs', blobs(rand), 0.1, 100);
    case 'xor': return toy(id, 'XOR', xor(rand), 0.03, 200);
    case 'circles': return toy(id, 'Circles', circles(rand), 0.03, 150);
    case 'spiral': return toy(id, 'Spiral', spiral(rand), 0.01, 600);
  }
  throw new Error(`unknown data set ${id}`);
}

/** A bundled set in the demo's form: targets as class indices (string labels by their place in classes) or values. */
function fromBundled(id: DatasetId, info: NonNullable<(typeof BUNDLED)[DatasetId]>, d: BundledSet): Dataset {
  const classes = d.classes ?? [];
  const y = Float64Array.from(d.y as ArrayLike<number | string>, (v) => (typeof v === 'string' ? classes.indexOf(v) : v));
  return {
    id, title: info.title, task: d.classes === null ? 'regression' : classes.length > 2 ? 'multiclass' : 'binary',
    rows: d.rows, features: d.features.length, X: Float64Array.from(d.X), y, featureNames: d.features, classNames: classes,
    standardize: info.standardize, learningRate: info.learningRate, epochs: info.epochs, validation: info.validation,
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
