// plotCurves: several training runs' losses on one chart (e.g. a grid of learning
// rates beside methods that choose their own), one line per run, on a log axis by default.
import { ValidationError } from '../errors.js';
import { linearScale, logScale } from './scale.js';
import { axis, el, frame, legend, open, points, type LegendEntry } from './svg.js';

/** One run: its name in the legend ('' leaves it out), its loss per epoch, and optionally a color and a dash pattern. */
export interface Curve {
  label: string;
  loss: readonly number[];
  color?: string;
  dash?: string;
}

/** Options of plotCurves. */
export interface PlotCurvesOptions {
  /** Default true: losses on a base-10 log axis (points <= 0 left out). */
  logScale?: boolean;
  /** Default 'Training loss'. */
  title?: string;
  /** Pixels; defaults 720 x 440. */
  width?: number;
  height?: number;
}

const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

/** An SVG line chart of several loss curves against the epoch; non-finite points (a diverged run) are left out. */
export function plotCurves(curves: readonly Curve[], options: PlotCurvesOptions = {}): string {
  const { logScale: log = true, title = 'Training loss', width = 720, height = 440 } = options;
  if (!(width >= 200) || !(height >= 200)) throw new ValidationError(`width and height must be numbers >= 200 (pixels), got ${width} x ${height}`);
  if (curves.length === 0) throw new ValidationError('curves is empty; there is nothing to plot');
  const ok = (v: number) => Number.isFinite(v) && (!log || v > 0);
  const values = curves.flatMap((c) => c.loss.filter(ok));
  if (values.length === 0) throw new ValidationError('no curve has a finite loss to plot');
  const epochs = Math.max(2, ...curves.map((c) => c.loss.length));
  const f = frame(width, height, false);
  const x = linearScale(1, epochs, f.left, f.right, { integer: true });
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const y = log ? logScale(lo, hi, f.bottom, f.top) : linearScale(lo, hi, f.bottom, f.top);
  const parts = [open(f, title), axis(f, 'bottom', x, 'epoch'), axis(f, 'left', y, log ? 'loss (log scale)' : 'loss')];
  const entries: LegendEntry[] = [];
  curves.forEach((c, i) => {
    const color = c.color ?? PALETTE[i % PALETTE.length];
    const xy = c.loss.flatMap((v, e) => (ok(v) ? [[x(e + 1), y(v)] as const] : []));
    parts.push(el('polyline', {
      class: 'series', 'data-series': c.label, points: points(xy), fill: 'none', stroke: color, 'stroke-width': 1.5,
      'stroke-dasharray': c.dash, 'stroke-linejoin': 'round',
    }));
    if (c.label !== '') entries.push({ label: c.label, color, dash: c.dash });
  });
  if (entries.length > 0) parts.push(legend(f, entries));
  return `${parts.join('')}</svg>\n`;
}
