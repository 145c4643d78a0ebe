// Parameter space of a two-parameter model (one feature, one output): contours of
// the loss J(theta0, theta1) over the data, and the path gradient descent takes.
import { contourSegments } from './contours.js';
import { gridPoints, gridToPixels, paintField, sequential, type Grid } from './field.js';
import { axes, el, frame, linear } from './svg.js';

/** J at (theta0, theta1) = (bias, weight). */
export type Objective = (theta0: number, theta1: number) => number;

const N = 72;
const LEVELS = 14;
/** The view never grows past this size, so a diverging run stays drawable. */
const MAX_SPAN = 1e6;

/** The mean squared error of y = theta0 + theta1 x (LinearRegression's loss, no 1/2). */
export function mseObjective(x: ArrayLike<number>, y: ArrayLike<number>): Objective {
  return (t0, t1) => {
    let s = 0;
    for (let i = 0; i < x.length; i++) s += (t0 + t1 * x[i] - y[i]) ** 2;
    return s / x.length;
  };
}

/** Mean binary cross-entropy of sigmoid(theta0 + theta1 x), in the stable form the library uses. */
export function bceObjective(x: ArrayLike<number>, y: ArrayLike<number>): Objective {
  return (t0, t1) => {
    let s = 0;
    for (let i = 0; i < x.length; i++) {
      const z = t0 + t1 * x[i];
      s += Math.max(z, 0) - z * y[i] + Math.log1p(Math.exp(-Math.abs(z)));
    }
    return s / x.length;
  };
}

/** Keeps the view (grid and its J samples) of one run; grows it when the path leaves it. */
export class ParamSpace {
  private grid: Grid | null = null;
  private values: Float64Array | null = null;

  constructor(private readonly J: Objective, private readonly optimum: [number, number] | null) {}

  /** Redraws contours, path [t0, t1, t0, t1, ...] and markers. */
  draw(canvas: HTMLCanvasElement, svg: SVGSVGElement, path: readonly number[]): void {
    this.fit(path);
    const g = this.grid!;
    const values = this.values!;
    const f = frame(svg.viewBox.baseVal.width, svg.viewBox.baseVal.height);
    // Colour and contour log(J - min): evenly spaced levels then crowd near the minimum, as on paper.
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of values) if (Number.isFinite(v)) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
    const floor = lo - (hi - lo) * 1e-4 - 1e-12;
    const shade = Float64Array.from(values, (v) => Math.log(Math.min(v, hi) - floor));
    const s0 = Math.log(lo - floor);
    const s1 = Math.log(hi - floor);
    paintField(canvas, f, g, shade, (v) => sequential((v - s0) / (s1 - s0)));
    svg.replaceChildren();
    const root = el('g', {}, svg);
    axes(root, f, { lo: g.x0, hi: g.x1, label: 'θ0 (bias)' }, { lo: g.y0, hi: g.y1, label: 'θ1 (weight)' });
    const px = gridToPixels(g, f);
    let d = '';
    for (let k = 1; k < LEVELS; k++) {
      const segs = contourSegments(shade, g.nx, g.ny, s0 + ((s1 - s0) * k) / LEVELS);
      for (let s = 0; s < segs.length; s += 4) {
        const [ax, ay] = px(segs[s], segs[s + 1]);
        const [bx, by] = px(segs[s + 2], segs[s + 3]);
        d += `M${ax.toFixed(1)},${ay.toFixed(1)}L${bx.toFixed(1)},${by.toFixed(1)}`;
      }
    }
    if (d) el('path', { d, class: 'contour' }, root);
    const sx = linear(g.x0, g.x1, f.left, f.right);
    const sy = linear(g.y0, g.y1, f.bottom, f.top);
    const clip = (v: number, a: number, b: number) => Math.min(b + 1e4, Math.max(a - 1e4, v));
    const at = (i: number) => `${clip(sx(path[i]), f.left, f.right).toFixed(1)},${clip(sy(path[i + 1]), f.top, f.bottom).toFixed(1)}`;
    const pts: string[] = [];
    for (let i = 0; i + 1 < path.length; i += 2) if (Number.isFinite(path[i]) && Number.isFinite(path[i + 1])) pts.push(at(i));
    const inner = el('svg', { x: f.left, y: f.top, width: f.right - f.left, height: f.bottom - f.top, viewBox: `${f.left} ${f.top} ${f.right - f.left} ${f.bottom - f.top}` }, root);
    if (this.optimum) {
      const [ox, oy] = [sx(this.optimum[0]), sy(this.optimum[1])];
      el('path', { d: star(ox, oy, 7), class: 'optimum' }, inner);
    }
    if (pts.length) {
      el('polyline', { points: pts.join(' '), class: 'path' }, inner);
      const [x0, y0] = pts[0].split(',');
      const [x1, y1] = pts[pts.length - 1].split(',');
      el('circle', { cx: x0, cy: y0, r: 4, class: 'path-start' }, inner);
      el('circle', { cx: x1, cy: y1, r: 4.5, class: 'path-end' }, inner);
    }
  }

  // Chooses the view: the start, the optimum and every finite point of the path, with a margin.
  private fit(path: readonly number[]): void {
    const xs: number[] = [];
    const ys: number[] = [];
    for (let i = 0; i + 1 < path.length; i += 2) {
      if (Number.isFinite(path[i]) && Number.isFinite(path[i + 1])) {
        xs.push(path[i]);
        ys.push(path[i + 1]);
      }
    }
    if (this.optimum) {
      xs.push(this.optimum[0]);
      ys.push(this.optimum[1]);
    }
    if (xs.length === 0) xs.push(0), ys.push(0);
    const g = this.grid;
    const inside = g && xs.every((x) => x >= g.x0 && x <= g.x1) && ys.every((y) => y >= g.y0 && y <= g.y1);
    if (inside && this.values) return;
    const span = (a: number[]) => {
      const lo = Math.min(...a);
      const hi = Math.max(...a);
      const m = Math.max((hi - lo) * 0.3, 0.5);
      return [Math.max(lo - m, -MAX_SPAN), Math.min(hi + m, MAX_SPAN)];
    };
    const [x0, x1] = span(xs);
    const [y0, y1] = span(ys);
    this.grid = { nx: N, ny: N, x0, x1, y0, y1 };
    const pts = gridPoints(this.grid);
    this.values = new Float64Array(N * N);
    for (let k = 0; k < N * N; k++) this.values[k] = this.J(pts[2 * k], pts[2 * k + 1]);
  }
}

/** A five-pointed star path centred at (x, y). */
function star(x: number, y: number, r: number): string {
  let d = '';
  for (let k = 0; k < 10; k++) {
    const a = -Math.PI / 2 + (k * Math.PI) / 5;
    const rr = k % 2 ? r * 0.45 : r;
    d += `${k ? 'L' : 'M'}${(x + rr * Math.cos(a)).toFixed(1)},${(y + rr * Math.sin(a)).toFixed(1)}`;
  }
  return `${d}Z`;
}
