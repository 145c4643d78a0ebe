// One feature: the data points and the model's output along x (the fitted line,
// or P(class 1) for a classifier).
import { axes, el, frame, linear } from './svg.js';

/** Redraws points (x, y) and, when given, the curve through (xs, out). */
export function drawCurve1D(
  svg: SVGSVGElement, x: ArrayLike<number>, y: ArrayLike<number>, xs: ArrayLike<number>, out: ArrayLike<number> | null,
  labels: { x: string; y: string; probability: boolean },
): void {
  const f = frame(svg.viewBox.baseVal.width, svg.viewBox.baseVal.height);
  svg.replaceChildren();
  const root = el('g', {}, svg);
  let [lo, hi] = labels.probability ? [0, 1] : [Math.min(...Array.from(y)), Math.max(...Array.from(y))];
  const m = (hi - lo) * 0.12 || 1;
  [lo, hi] = [lo - m, hi + m];
  axes(root, f, { lo: xs[0], hi: xs[xs.length - 1], label: labels.x }, { lo, hi, label: labels.y });
  const sx = linear(xs[0], xs[xs.length - 1], f.left, f.right);
  const sy = linear(lo, hi, f.bottom, f.top);
  const inner = el('svg', { x: f.left, y: f.top, width: f.right - f.left, height: f.bottom - f.top, viewBox: `${f.left} ${f.top} ${f.right - f.left} ${f.bottom - f.top}` }, root);
  if (out) {
    const pts: string[] = [];
    for (let i = 0; i < xs.length; i++) if (Number.isFinite(out[i])) pts.push(`${sx(xs[i]).toFixed(1)},${sy(out[i]).toFixed(1)}`);
    el('polyline', { points: pts.join(' '), class: 'fit-curve' }, inner);
  }
  for (let i = 0; i < x.length; i++) {
    const cls = labels.probability ? `pt class${y[i]}` : 'pt value';
    el('circle', { cx: sx(x[i]).toFixed(1), cy: sy(y[i]).toFixed(1), r: 5, class: cls }, inner);
  }
}
