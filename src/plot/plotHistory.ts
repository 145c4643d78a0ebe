// plotHistory: a training run as an SVG line chart (loss per epoch, validation
// loss, the learning rate on a second axis, where training stopped).
import { ValidationError } from '../errors.js';
import { linearScale, logScale, formatNumber } from './scale.js';
import { axis, el, esc, frame, legend, open, points, type LegendEntry } from './svg.js';

/** What plotHistory reads from a History (fit's result); any object with these fields works. */
export interface HistoryLike {
  loss: readonly number[];
  valLoss?: readonly number[];
  learningRate?: readonly number[];
  stopReason?: { rule: string; epoch: number; message?: string };
  bestEpoch?: number;
}

/** Options of plotHistory. */
export interface PlotHistoryOptions {
  /** Losses on a base-10 log axis (points with a loss <= 0 are left out). Default false. */
  logScale?: boolean;
  /** Default 'Training loss'. */
  title?: string;
  /** Pixels; defaults 640 x 400. */
  width?: number;
  height?: number;
}

const COLORS = { loss: '#1f77b4', valLoss: '#ff7f0e', learningRate: '#2ca02c', stop: '#d62728', best: '#9467bd' };

/** An SVG line chart of a training history: loss and validation loss per epoch, learning rate on the right axis, the stop epoch marked. */
export function plotHistory(history: HistoryLike, options: PlotHistoryOptions = {}): string {
  const { logScale: log = false, title = 'Training loss', width = 640, height = 400 } = options;
  size('width', width);
  size('height', height);
  const loss = series('history.loss', history.loss);
  if (loss.length === 0) throw new ValidationError('history.loss is empty; there is nothing to plot');
  const val = history.valLoss && history.valLoss.length > 0 ? series('history.valLoss', history.valLoss) : [];
  const lr = history.learningRate && history.learningRate.length > 0 ? series('history.learningRate', history.learningRate) : [];

  // A point is drawn when its value is finite (and > 0 on a log axis).
  const drawable = (v: number) => Number.isFinite(v) && (!log || v > 0);
  const lossValues = [...loss, ...val].filter(drawable);
  if (lossValues.length === 0) {
    throw new ValidationError(log ? 'logScale needs a loss > 0, and history.loss has none' : 'history.loss has no finite value to plot');
  }
  const epochs = Math.max(loss.length, val.length, lr.length);
  const f = frame(width, height, lr.length > 0);
  const x = linearScale(1, Math.max(epochs, 2), f.left, f.right, { integer: true });
  const yLo = Math.min(...lossValues);
  const yHi = Math.max(...lossValues);
  const y = log ? logScale(yLo, yHi, f.bottom, f.top) : linearScale(yLo, yHi, f.bottom, f.top);
  const lrFinite = lr.filter(Number.isFinite);
  const y2 = lrFinite.length > 0 ? linearScale(Math.min(0, ...lrFinite), Math.max(...lrFinite), f.bottom, f.top) : null;

  const line = (name: string, values: readonly number[], scale: (v: number) => number, ok: (v: number) => boolean, color: string, dash?: string) => {
    const xy = values.flatMap((v, i) => (ok(v) ? [[x(i + 1), scale(v)] as const] : []));
    const poly = el('polyline', {
      class: 'series', 'data-series': name, points: points(xy), fill: 'none', stroke: color, 'stroke-width': 2,
      'stroke-dasharray': dash, 'stroke-linejoin': 'round',
    });
    // A polyline of one point draws nothing: show a lone point as a dot.
    return xy.length === 1 ? poly + el('circle', { class: 'point', cx: xy[0][0], cy: xy[0][1], r: 3, fill: color }) : poly;
  };

  const parts = [open(f, title), axis(f, 'bottom', x, 'epoch'), axis(f, 'left', y, log ? 'loss (log scale)' : 'loss')];
  const entries: LegendEntry[] = [{ label: 'training loss', color: COLORS.loss }];
  if (y2) {
    parts.push(axis(f, 'right', y2, 'learning rate', COLORS.learningRate));
    parts.push(line('learningRate', lr, y2, Number.isFinite, COLORS.learningRate, '6 4'));
  }
  parts.push(line('loss', loss, y, drawable, COLORS.loss));
  if (val.length > 0) {
    parts.push(line('valLoss', val, y, drawable, COLORS.valLoss));
    entries.push({ label: 'validation loss', color: COLORS.valLoss });
  }
  if (y2) entries.push({ label: 'learning rate', color: COLORS.learningRate, dash: '6 4' });

  const stop = history.stopReason;
  if (stop && stop.epoch >= 1 && stop.epoch <= epochs) {
    parts.push(marker('stop-marker', x(stop.epoch), f.top, f.bottom, 6, `stop: epoch ${stop.epoch}`, COLORS.stop));
    entries.push({ label: `stop (${stop.rule})`, color: COLORS.stop, dash: '3 3' });
  }
  const best = history.bestEpoch;
  if (best !== undefined && stop && best !== stop.epoch && best >= 1 && best <= epochs) {
    parts.push(marker('best-marker', x(best), f.top, f.bottom, 22, `best: epoch ${best}`, COLORS.best));
    entries.push({ label: 'weights kept (best epoch)', color: COLORS.best, dash: '3 3' });
  }
  parts.push(legend(f, entries));
  const last = loss[loss.length - 1];
  parts.push(el('text', { class: 'caption', x: f.left + 4, y: f.top - 6, fill: '#555' }, esc(`final loss ${formatNumber(last)} after ${loss.length} epochs`)));
  return `${parts.join('')}</svg>\n`;
}

// A dashed vertical line across the plot area, labelled left of it `above` pixels over the x axis.
function marker(cls: string, x: number, top: number, bottom: number, above: number, label: string, color: string): string {
  return el('g', { class: cls },
    el('line', { x1: x, y1: top, x2: x, y2: bottom, stroke: color, 'stroke-width': 1.5, 'stroke-dasharray': '3 3' }),
    el('text', { x: x - 4, y: bottom - above, 'text-anchor': 'end', fill: color }, esc(label)));
}

function series(name: string, v: unknown): readonly number[] {
  if (!Array.isArray(v) && !ArrayBuffer.isView(v)) throw new ValidationError(`${name} must be an array of numbers`);
  const a = v as ArrayLike<unknown>;
  for (let i = 0; i < a.length; i++) {
    if (typeof a[i] !== 'number') throw new ValidationError(`${name}[${i}] must be a number, got ${typeof a[i]}`);
  }
  return Array.from(a as ArrayLike<number>);
}

function size(name: string, v: number): void {
  if (!Number.isFinite(v) || v < 200) throw new ValidationError(`${name} must be a number >= 200 (pixels), got ${v}`);
}
