// What y means for each kind of model, validated and encoded as float32 rows x width
// before anything reaches an engine: values, 0/1 labels, class indices, or string
// labels mapped to class indices in sorted order.
import { ValidationError } from '../errors.js';
import { show, toMatrix, toTargets } from '../validate.js';

/** What a model's targets are. */
export type TargetKind =
  | { kind: 'values'; width: number } // regression: one value per output
  | { kind: 'binary' } // 0/1 labels (or two string labels)
  | { kind: 'classes'; count: number } // class indices 0..count-1 (or count string labels)
  | { kind: 'multilabel'; width: number }; // 0/1 per output

/** Target values per row in the encoded form. */
export function targetColumns(t: TargetKind): number {
  return t.kind === 'values' || t.kind === 'multilabel' ? t.width : 1;
}

/** How many classes labels can name (0 for values and multilabel targets). */
export function classCount(t: TargetKind): number {
  return t.kind === 'binary' ? 2 : t.kind === 'classes' ? t.count : 0;
}

/** Encoded targets, and the class names when y held strings (sorted; index = class). */
export interface Encoded {
  y: Float32Array;
  classes: string[] | null;
}

/**
 * Validates y for rows rows and encodes it. String labels map to the model's known
 * classes, or (a model that has none yet) to the sorted distinct labels, which must
 * number exactly as many as the model has classes.
 */
export function encodeTargets(
  y: unknown, rows: number, t: TargetKind, known: readonly string[] | null, model: string, name = 'y',
): Encoded {
  if (Array.isArray(y) && y.length > 0 && typeof y[0] === 'string') return encodeStrings(y, rows, t, known, model, name);
  if (t.kind === 'values' && t.width === 1) return { y: toTargets(y, rows, null, name), classes: null };
  if (t.kind === 'values' || t.kind === 'multilabel') {
    const m = matrixTargets(y, rows, t.width, name);
    if (t.kind === 'multilabel') {
      for (let i = 0; i < m.length; i++) {
        if (m[i] !== 0 && m[i] !== 1) {
          throw new ValidationError(`${name} must contain only 0 or 1 for ${model}, got ${show(m[i])} at row ${Math.floor(i / t.width)}, column ${i % t.width}`);
        }
      }
    }
    return { y: m, classes: null };
  }
  if (t.kind === 'binary') return { y: toTargets(y, rows, model, name), classes: null };
  const v = toTargets(y, rows, null, name);
  for (let i = 0; i < rows; i++) {
    if (!Number.isInteger(v[i]) || v[i] < 0 || v[i] >= t.count) {
      throw new ValidationError(
        `${name} must contain integer class labels 0..${t.count - 1} for ${model}, got ${show(v[i])} at index ${i}`,
      );
    }
  }
  return { y: v, classes: null };
}

// A rows x width target matrix: a flat typed array or number[][].
function matrixTargets(y: unknown, rows: number, width: number, name: string): Float32Array {
  const m = toMatrix(y instanceof Int32Array || y instanceof Uint8Array ? Float32Array.from(y) : y, width, name);
  if (m.rows !== rows) throw new ValidationError(`${name} has ${m.rows} rows but X has ${rows} rows`);
  return m.data;
}

function encodeStrings(
  y: unknown[], rows: number, t: TargetKind, known: readonly string[] | null, model: string, name: string,
): Encoded {
  const count = classCount(t);
  if (count === 0) throw new ValidationError(`${name} holds strings, but ${model} predicts numbers; give numbers`);
  if (y.length !== rows) throw new ValidationError(`${name} has ${y.length} values but X has ${rows} rows`);
  for (let i = 0; i < rows; i++) {
    if (typeof y[i] !== 'string') throw new ValidationError(`${name} mixes strings and other values: ${show(y[i])} at index ${i}`);
  }
  const labels = y as string[];
  let classes = known ? [...known] : null;
  if (!classes) {
    classes = [...new Set(labels)].sort();
    if (classes.length !== count) {
      throw new ValidationError(
        `${name} has ${classes.length} distinct labels (${preview(classes)}) but ${model} has ${count} classes`,
      );
    }
  }
  const index = new Map(classes.map((c, i) => [c, i]));
  const out = new Float32Array(rows);
  for (let i = 0; i < rows; i++) {
    const k = index.get(labels[i]);
    if (k === undefined) {
      throw new ValidationError(`${name} contains ${show(labels[i])} at index ${i}, which is not one of the model's classes (${preview(classes)})`);
    }
    out[i] = k;
  }
  return { y: out, classes };
}

function preview(classes: readonly string[]): string {
  const shown = classes.slice(0, 8).map(show).join(', ');
  return classes.length > 8 ? `${shown}, ...` : shown;
}
