// The loss curve: training (and validation) loss per epoch, on a log scale when
// every value is positive, redrawn as epochs arrive.
import { axes, el, format, frame, linear, ticks } from './svg.js';

/** Most points drawn per line; longer runs are thinned evenly (the last point is always kept). */
const MAX_POINTS = 800;

/** Redraws the curve of `train` and `val` losses in svg; the x axis spans `epochs`. */
export function drawLossCurve(svg: SVGSVGElement, train: readonly number[], val: readonly number[], epochs: number): void {
  const width = svg.viewBox.baseVal.width || 480;
  const height = svg.viewBox.baseVal.height || 260;
  const f = frame(width, height);
  svg.replaceChildren();
  const g = el('g', {}, svg);
  const all = [...train, ...val].filter(Number.isFinite);
  const log = all.length > 0 && all.every((v) => v > 0);
  const tf = log ? Math.log10 : (v: number) => v;
  let lo = all.length ? Math.min(...all.map(tf)) : 0;
  let hi = all.length ? Math.max(...all.map(tf)) : 1;
  const pad = (hi - lo) * 0.05 || (log ? 0.5 : Math.abs(hi) * 0.1 || 1);
  lo -= pad;
  hi += pad;
  const xHi = Math.max(epochs, train.length, 2);
  const yTicks = log ? logTicks(lo, hi) : ticks(lo, hi, 4);
  axes(g, f, { lo: 1, hi: xHi, label: 'epoch' }, {
    lo, hi, label: log ? 'loss (log scale)' : 'loss', ticks: yTicks,
    text: log ? (v) => format(10 ** v) : undefined,
  });
  const sx = linear(1, xHi, f.left, f.right);
  const sy = linear(lo, hi, f.bottom, f.top);
  const line = (values: readonly number[], cls: string) => {
    if (values.length === 0) return;
    const stride = Math.max(1, Math.ceil(values.length / MAX_POINTS));
    const pts: string[] = [];
    for (let i = 0; i < values.length; i += stride) pts.push(point(i, values[i]));
    if ((values.length - 1) % stride !== 0) pts.push(point(values.length - 1, values[values.length - 1]));
    el('polyline', { points: pts.join(' '), class: cls }, g);
  };
  const point = (i: number, v: number) => `${sx(i + 1).toFixed(1)},${sy(tf(v)).toFixed(1)}`;
  line(train, 'loss-train');
  line(val, 'loss-val');
  if (val.length) {
    el('text', { x: f.right - 4, y: f.top + 14, class: 'legend loss-train-text', 'text-anchor': 'end' }, g).textContent = 'training';
    el('text', { x: f.right - 4, y: f.top + 28, class: 'legend loss-val-text', 'text-anchor': 'end' }, g).textContent = 'validation';
  }
}

/** Tick positions (log10 values) for a log axis over [lo, hi]: decades when there are three or more, else 1-2-5 steps. */
function logTicks(lo: number, hi: number): number[] {
  const decades: number[] = [];
  const steps: number[] = [];
  for (let k = Math.floor(lo); k <= Math.ceil(hi); k++) {
    for (const m of [1, 2, 5]) {
      const v = k + Math.log10(m);
      if (v < lo || v > hi) continue;
      steps.push(v);
      if (m === 1) decades.push(v);
    }
  }
  if (decades.length >= 3) return decades.length > 6 ? decades.filter((_, i) => i % 2 === 0) : decades;
  return steps.length >= 2 ? steps : ticks(lo, hi, 3);
}
