// plotPath: the textbook picture of gradient descent. The parameters (theta0, theta1)
// of a one-feature linear regression, step by step, over the contours of its cost
// J(theta0, theta1) = mean((theta0 + theta1 x - y)^2), the loss LinearRegression minimizes.
import { ValidationError } from '../errors.js';
import { clipPolyline } from './clip.js';
import { formatNumber, linearScale } from './scale.js';
import { axis, el, esc, frame, legend, open, points, px, type Corner, type Frame } from './svg.js';

/** One parameter point: [theta0 (the bias), theta1 (the weight)], e.g. `[model.bias, model.weights[0]]`. */
export type ParameterPoint = readonly [number, number];

/** Options of plotPath. */
export interface PlotPathOptions {
  /** Default 'Gradient descent on J(θ0, θ1)'. */
  title?: string;
  /** Pixels; defaults 640 x 480. */
  width?: number;
  height?: number;
  /** Number of contour lines, default 12; levels are spaced geometrically over three decades of J - J_min. */
  levels?: number;
}

/** The quadratic cost of a one-feature linear regression in closed form. */
export interface Bowl {
  /** The least-squares optimum and the cost there. */
  theta0: number;
  theta1: number;
  jMin: number;
  /** J at a point. */
  cost(theta0: number, theta1: number): number;
  /** Points of the contour J = jMin + d, closed (first point repeated). */
  contour(d: number, steps?: number): [number, number][];
}

/** J(theta0, theta1) = mean((theta0 + theta1 x - y)^2) over the data, with its minimum and its contours. */
export function bowl(x: ArrayLike<number>, y: ArrayLike<number>): Bowl {
  const n = checkData(x, y);
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i];
    my += y[i];
  }
  mx /= n;
  my /= n;
  // Centred sums, so a large mean does not swamp the spread.
  let vx = 0;
  let cxy = 0;
  let vy = 0;
  for (let i = 0; i < n; i++) {
    vx += (x[i] - mx) ** 2;
    cxy += (x[i] - mx) * (y[i] - my);
    vy += (y[i] - my) ** 2;
  }
  vx /= n;
  cxy /= n;
  vy /= n;
  if (!(vx > 0)) throw new ValidationError(`x has no spread (every value is ${x[0]}), so J(theta0, theta1) has no single minimum to draw`);
  const theta1 = cxy / vx;
  const theta0 = my - theta1 * mx;
  const jMin = Math.max(0, vy - (cxy * cxy) / vx);
  // J - jMin = d^T A d with d = theta - theta*, A = [[1, mx], [mx, mxx]]; its eigenvectors are the ellipses' axes.
  const mxx = vx + mx * mx;
  const half = (1 + mxx) / 2;
  const l1 = half + Math.sqrt(Math.max(0, half * half - vx));
  const l2 = vx / l1; // det(A) = vx; dividing avoids cancellation in half - sqrt(...)
  let v1: [number, number] = mx !== 0 ? [mx, l1 - 1] : mxx >= 1 ? [0, 1] : [1, 0];
  const norm = Math.hypot(v1[0], v1[1]);
  v1 = [v1[0] / norm, v1[1] / norm];
  const v2: [number, number] = [-v1[1], v1[0]];
  return {
    theta0, theta1, jMin,
    cost: (a, b) => jMin + (a - theta0) ** 2 + 2 * mx * (a - theta0) * (b - theta1) + mxx * (b - theta1) ** 2,
    contour(d, steps = 240) {
      const r1 = Math.sqrt(d / l1);
      const r2 = Math.sqrt(d / l2);
      const pts = Array.from({ length: steps }, (_, i) => {
        const t = (2 * Math.PI * i) / steps;
        const c = r1 * Math.cos(t);
        const s = r2 * Math.sin(t);
        return [theta0 + c * v1[0] + s * v2[0], theta1 + c * v1[1] + s * v2[1]] as [number, number];
      });
      pts.push(pts[0]); // closed exactly, not at cos(2 pi) ~ 1
      return pts;
    },
  };
}

/** An SVG of the path of (theta0, theta1) over the contours of J for one-feature data x, y; path[0] is the start. */
export function plotPath(x: ArrayLike<number>, y: ArrayLike<number>, path: readonly ParameterPoint[], options: PlotPathOptions = {}): string {
  const { title = 'Gradient descent on J(θ0, θ1)', width = 640, height = 480, levels = 12 } = options;
  if (!Number.isFinite(width) || width < 200) throw new ValidationError(`width must be a number >= 200 (pixels), got ${width}`);
  if (!Number.isFinite(height) || height < 200) throw new ValidationError(`height must be a number >= 200 (pixels), got ${height}`);
  if (!Number.isInteger(levels) || levels < 1 || levels > 100) throw new ValidationError(`levels must be an integer in 1..100, got ${levels}`);
  checkPath(path);
  const J = bowl(x, y);

  // The window holds every point of the path and the minimum, with a margin.
  const range = (k: 0 | 1, star: number) => {
    const v = [...path.map((p) => p[k]), star];
    const lo = Math.min(...v);
    const hi = Math.max(...v);
    const pad = hi > lo ? 0.12 * (hi - lo) : Math.max(1, Math.abs(lo) * 0.5);
    return [lo - pad, hi + pad] as const;
  };
  const f = frame(width, height, false);
  const sx = linearScale(...range(0, J.theta0), f.left, f.right);
  const sy = linearScale(...range(1, J.theta1), f.bottom, f.top);
  const toPx = (p: readonly [number, number]) => [sx(p[0]), sy(p[1])] as const;
  const rect = { x0: f.left, y0: f.top, x1: f.right, y1: f.bottom };

  // Contours from J - J_min = dMax (the farthest corner of the window) down three decades.
  const [a0, a1] = sx.domain;
  const [b0, b1] = sy.domain;
  const dMax = Math.max(...[[a0, b0], [a0, b1], [a1, b0], [a1, b1]].map(([a, b]) => J.cost(a, b) - J.jMin));
  const contours: string[] = [];
  for (let k = 1; k <= levels; k++) {
    const d = dMax * 10 ** ((-3 * (levels - k)) / Math.max(1, levels - 1));
    if (!(d > 0)) continue;
    const runs = clipPolyline(J.contour(d).map(toPx), rect);
    if (runs.length === 0) continue;
    const shade = Math.round(60 + (150 * k) / levels); // darker toward the minimum
    const dAttr = runs.map((r) => `M${points(r).replace(/ /g, 'L')}`).join('');
    contours.push(el('path', { class: 'contour', 'data-level': String(J.jMin + d), d: dAttr, fill: 'none', stroke: `rgb(${shade},${shade + 30},230)`, 'stroke-width': 1 }));
  }

  const start = toPx(path[0]);
  const end = toPx(path[path.length - 1]);
  const star = toPx([J.theta0, J.theta1]);
  const [endT0, endT1] = path[path.length - 1];
  const parts = [
    open(f, title),
    axis(f, 'bottom', sx, 'θ0 (bias)'),
    axis(f, 'left', sy, 'θ1 (weight)'),
    el('g', { class: 'contours' }, ...contours),
    el('polyline', { class: 'series', 'data-series': 'path', points: points(path.map(toPx)), fill: 'none', stroke: '#d62728', 'stroke-width': 1.5, 'stroke-linejoin': 'round' }),
    ...(path.length <= 200 ? [el('g', { class: 'steps' }, ...path.map((p) => el('circle', { cx: sx(p[0]), cy: sy(p[1]), r: 2, fill: '#d62728' })))] : []),
    el('circle', { class: 'start', cx: start[0], cy: start[1], r: 5, fill: '#2ca02c' }),
    el('circle', { class: 'end', cx: end[0], cy: end[1], r: 5, fill: '#d62728' }),
    el('path', { class: 'minimum', d: cross(star[0], star[1], 6), stroke: 'black', 'stroke-width': 2 }),
    legend(f, [
      { label: `path (${path.length - 1} updates)`, color: '#d62728' },
      { label: 'start', color: '#2ca02c', marker: true },
      { label: `end (${formatNumber(endT0)}, ${formatNumber(endT1)})`, color: '#d62728', marker: true },
      { label: `minimum (${formatNumber(J.theta0)}, ${formatNumber(J.theta1)})`, color: 'black', marker: true },
    ], emptiestCorner(f, [...path.map(toPx), star, star, star])),
    el('text', { class: 'caption', x: f.left + 4, y: f.top - 6, fill: '#555' },
      esc(`J = mean((θ0 + θ1·x − y)²) over ${x.length} rows; J min = ${formatNumber(J.jMin)}, J at end = ${formatNumber(J.cost(endT0, endT1))}`)),
  ];
  return `${parts.join('')}</svg>\n`;
}

// The corner of the plot area with the fewest of the given points near it (the legend goes there).
function emptiestCorner(f: Frame, pts: readonly (readonly [number, number])[]): Corner {
  const corners: [Corner, number, number][] = [['top-right', f.right, f.top], ['top-left', f.left, f.top], ['bottom-right', f.right, f.bottom], ['bottom-left', f.left, f.bottom]];
  const near = ([, cx, cy]: [Corner, number, number]) =>
    pts.filter(([x, y]) => Math.abs(x - cx) < (f.right - f.left) / 2 && Math.abs(y - cy) < (f.bottom - f.top) / 2).length;
  return corners.reduce((a, b) => (near(b) < near(a) ? b : a))[0];
}

// An x-shaped marker centred on (cx, cy).
function cross(cx: number, cy: number, r: number): string {
  return `M${px(cx - r)},${px(cy - r)}L${px(cx + r)},${px(cy + r)}M${px(cx - r)},${px(cy + r)}L${px(cx + r)},${px(cy - r)}`;
}

function checkData(x: ArrayLike<number>, y: ArrayLike<number>): number {
  for (const [name, v] of [['x', x], ['y', y]] as const) {
    if (!Array.isArray(v) && !ArrayBuffer.isView(v)) throw new ValidationError(`${name} must be an array or typed array of numbers`);
    for (let i = 0; i < v.length; i++) {
      if (typeof v[i] !== 'number' || !Number.isFinite(v[i])) throw new ValidationError(`${name}[${i}] must be a finite number, got ${String(v[i])}`);
    }
  }
  if (x.length !== y.length) throw new ValidationError(`y has ${y.length} values but x has ${x.length}`);
  if (x.length < 2) throw new ValidationError(`x needs at least 2 values to define J(theta0, theta1), got ${x.length}`);
  return x.length;
}

function checkPath(path: readonly ParameterPoint[]): void {
  if (!Array.isArray(path) || path.length === 0) throw new ValidationError('path must be a non-empty array of [theta0, theta1] points');
  path.forEach((p, i) => {
    if (!Array.isArray(p) || p.length !== 2 || !Number.isFinite(p[0]) || !Number.isFinite(p[1])) {
      throw new ValidationError(`path[${i}] must be [theta0, theta1] with finite numbers, got ${JSON.stringify(p)}`);
    }
  });
}
