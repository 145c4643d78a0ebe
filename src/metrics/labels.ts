// Checking the label vectors classification metrics compare: equal lengths, and labels
// that are all numbers or all strings, so equality means what it says.
import { ValidationError } from '../errors.js';
import { show } from '../validate.js';

/** A class label: a number (0/1, a class index) or a string (a class name). */
export type Label = number | string;

/** Label vectors the classification metrics take: what predict and predictLabels return, or the targets given to fit. */
export type LabelInput = ArrayLike<number> | readonly Label[];

const TYPED = [Float32Array, Float64Array, Int32Array, Uint8Array];

/** yTrue and yPred as plain arrays, checked against each other (and against labels, when given). */
export function labelPairs(yTrue: unknown, yPred: unknown, labels?: unknown): { t: Label[]; p: Label[]; labels: Label[] } {
  const t = labelArray('yTrue', yTrue);
  const p = labelArray('yPred', yPred);
  if (p.length !== t.length) throw new ValidationError(`yPred has ${p.length} values but yTrue has ${t.length}`);
  const kind = typeof t[0];
  const sameKind = (name: string, v: Label[]) =>
    v.forEach((x, i) => {
      if (typeof x !== kind) {
        throw new ValidationError(`${name} contains ${show(x)} at index ${i}, but yTrue[0] is ${show(t[0])}: labels must be all numbers or all strings`);
      }
    });
  sameKind('yTrue', t);
  sameKind('yPred', p);
  if (labels === undefined) return { t, p, labels: sortedLabels([...new Set([...t, ...p])]) };
  const given = labelArray('labels', labels);
  sameKind('labels', given);
  if (new Set(given).size !== given.length) throw new ValidationError(`labels must be distinct, got ${show(given)}`);
  const known = new Set(given);
  for (const [name, v] of [['yTrue', t], ['yPred', p]] as const) {
    v.forEach((x, i) => {
      if (!known.has(x)) throw new ValidationError(`${name} contains ${show(x)} at index ${i}, which is not one of labels (${given.map(show).join(', ')})`);
    });
  }
  return { t, p, labels: [...given] };
}

/** Numbers ascending, strings in code-unit order (the order models give string classes). */
export function sortedLabels(labels: Label[]): Label[] {
  return typeof labels[0] === 'number' ? (labels as number[]).sort((a, b) => a - b) : (labels as string[]).sort();
}

function labelArray(name: string, v: unknown): Label[] {
  if (!Array.isArray(v) && !TYPED.some((T) => v instanceof T)) {
    throw new ValidationError(`${name} must be an array of labels (numbers or strings) or a typed array, got ${show(v)}`);
  }
  const a = Array.from(v as ArrayLike<unknown>);
  if (a.length === 0) throw new ValidationError(`${name} is empty`);
  a.forEach((x, i) => {
    if (typeof x === 'string') return;
    if (typeof x !== 'number') throw new ValidationError(`${name} contains ${show(x)} at index ${i}; labels are numbers or strings`);
    if (!Number.isFinite(x)) throw new ValidationError(`${name} contains ${show(x)} at index ${i}`);
  });
  return a as Label[];
}
