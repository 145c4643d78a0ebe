// The form: defaults per data set, which models fit its task, and the settings
// it describes (model, fit options, validation, pacing).
import type { EngineOption, OptimizerOptions } from 'steepest';
import { DATASETS, type Dataset, type DatasetId, type Task } from './datasets.js';
import type { Activation, ModelKind, ModelSpec, TrainSettings } from './protocol.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

export const form = {
  root: $<HTMLFormElement>('controls'),
  dataset: $<HTMLSelectElement>('dataset'),
  seed: $<HTMLInputElement>('seed'),
  validation: $<HTMLInputElement>('validation'),
  standardize: $<HTMLInputElement>('standardize'),
  model: $<HTMLSelectElement>('model'),
  hidden: $<HTMLInputElement>('hidden'),
  activation: $<HTMLSelectElement>('activation'),
  optimizer: $<HTMLSelectElement>('optimizer'),
  lr: $<HTMLInputElement>('lr'),
  epochs: $<HTMLInputElement>('epochs'),
  schedule: $<HTMLSelectElement>('schedule'),
  batch: $<HTMLSelectElement>('batch'),
  engine: $<HTMLSelectElement>('engine'),
  shuffle: $<HTMLInputElement>('shuffle'),
  pace: $<HTMLSelectElement>('pace'),
  train: $<HTMLButtonElement>('train'),
  stop: $<HTMLButtonElement>('stop'),
  bench: $<HTMLButtonElement>('bench'),
  error: $<HTMLParagraphElement>('form-error'),
};

/** Fills the data set menu. */
export function initForm(): void {
  for (const { id, label } of DATASETS) form.dataset.add(new Option(label, id));
}

/** Models that can learn each task. */
const MODELS: Record<Task, ModelKind[]> = {
  regression: ['linear', 'mlp'],
  binary: ['logistic', 'softmax', 'mlp'],
  multiclass: ['softmax', 'mlp'],
};

/** A first model and settings that train well on each data set. */
const DEFAULTS: Record<DatasetId, { model: ModelKind; hidden?: string; optimizer: string; batch: string }> = {
  blobs: { model: 'logistic', optimizer: 'sgd', batch: '16' },
  xor: { model: 'mlp', hidden: '8', optimizer: 'adam', batch: '16' },
  circles: { model: 'mlp', hidden: '8', optimizer: 'adam', batch: '16' },
  spiral: { model: 'mlp', hidden: '16, 16', optimizer: 'adam', batch: '16' },
  speeding: { model: 'logistic', optimizer: 'sgd', batch: 'full' },
  secret: { model: 'linear', optimizer: 'sgd', batch: 'full' },
  'secret-noisy': { model: 'linear', optimizer: 'sgd', batch: 'full' },
  breast_cancer: { model: 'logistic', optimizer: 'sgd', batch: '32' },
  iris: { model: 'softmax', optimizer: 'sgd', batch: '16' },
  digits: { model: 'softmax', optimizer: 'adam', batch: '32' },
};

/** Sets the form to the data set's defaults and enables only the models its task allows. */
export function applyDefaults(data: Dataset): void {
  const d = DEFAULTS[data.id];
  for (const option of Array.from(form.model.options)) option.disabled = !MODELS[data.task].includes(option.value as ModelKind);
  form.model.value = d.model;
  if (d.hidden) form.hidden.value = d.hidden;
  form.optimizer.value = d.optimizer;
  form.batch.value = d.batch;
  form.lr.value = String(data.learningRate);
  form.epochs.value = String(data.epochs);
  form.schedule.value = 'constant';
  form.standardize.checked = data.standardize;
  form.validation.value = String(Math.round(data.validation * 100));
  syncModelFields();
}

/** Shows the MLP's fields only for the MLP. */
export function syncModelFields(): void {
  for (const node of Array.from(document.querySelectorAll<HTMLElement>('.mlp-only'))) node.hidden = form.model.value !== 'mlp';
}

/** Everything one run needs, read from the form; throws an Error naming the bad field. */
export interface RunSettings {
  model: ModelSpec;
  fit: TrainSettings;
  validation: number;
  standardize: boolean;
  /** Slow motion: spread the run over about this many milliseconds (0: full speed). */
  paceMs: number;
}

export function readSettings(data: Dataset): RunSettings {
  const epochs = integer('Epochs', form.epochs.value, 1, 100_000);
  const learningRate = Number(form.lr.value);
  if (!(learningRate > 0 && Number.isFinite(learningRate))) throw new Error(`Learning rate must be a number > 0, got '${form.lr.value}'`);
  const validation = integer('Validation %', form.validation.value, 0, 90) / 100;
  const seed = integer('Seed', form.seed.value, 0, 2 ** 31 - 1);
  const kind = form.model.value as ModelKind;
  const hidden = kind === 'mlp' ? parseHidden(form.hidden.value) : [];
  return {
    model: {
      kind, task: data.task, inputs: data.features, classes: data.classNames.length, hidden,
      activation: form.activation.value as Activation, seed, engine: form.engine.value as EngineOption,
    },
    fit: {
      epochs, learningRate, seed, shuffle: form.shuffle.checked,
      batchSize: form.batch.value === 'full' ? 'full' : Number(form.batch.value),
      optimizer: optimizer(form.optimizer.value),
      schedule: schedule(form.schedule.value, epochs),
    },
    validation,
    standardize: form.standardize.checked,
    paceMs: Number(form.pace.value),
  };
}

function integer(name: string, text: string, lo: number, hi: number): number {
  const v = Number(text);
  if (!Number.isInteger(v) || v < lo || v > hi) throw new Error(`${name} must be a whole number from ${lo} to ${hi}, got '${text}'`);
  return v;
}

/** "16, 8" -> [16, 8]. */
export function parseHidden(text: string): number[] {
  const parts = text.split(',').map((s) => s.trim()).filter(Boolean);
  const sizes = parts.map(Number);
  if (sizes.length === 0 || sizes.some((n) => !Number.isInteger(n) || n < 1 || n > 512)) {
    throw new Error(`Hidden layers must be sizes from 1 to 512 separated by commas, e.g. '16, 8'; got '${text}'`);
  }
  return sizes;
}

function optimizer(value: string): OptimizerOptions {
  switch (value) {
    case 'momentum': return { name: 'sgd', momentum: 0.9 };
    case 'nesterov': return { name: 'sgd', momentum: 0.9, nesterov: true };
    default: return { name: value as OptimizerOptions['name'] };
  }
}

function schedule(value: string, epochs: number): TrainSettings['schedule'] {
  switch (value) {
    case 'step': return { type: 'step', stepSize: Math.max(1, Math.round(epochs / 3)), gamma: 0.3 };
    case 'exponential': return { type: 'exponential', gamma: 0.01 ** (1 / epochs) };
    case 'cosine': return { type: 'cosine', tMax: epochs };
    // Cycles of t, 2t and 4t epochs fill the run.
    case 'restarts': return { type: 'cosine', tMax: Math.max(1, Math.round(epochs / 7)), restarts: { tMult: 2 } };
    case 'linear': return { type: 'linear' };
    case 'plateau': return { type: 'plateau', factor: 0.5, patience: 5 };
    default: return 'constant';
  }
}
