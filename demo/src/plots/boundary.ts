// 2-D classification: P(class 1) painted over the plane, the decision boundary
// (P = 0.5) as a line, and the data points, training filled and validation ringed.
import { contourSegments } from './contours.js';
import { diverging, gridToPixels, paintField, clearField, type Grid } from './field.js';
import { axes, el, frame, linear } from './svg.js';

/** Points to draw: raw coordinates [x, y, ...], class 0/1, and whether each is held out. */
export interface Points2D {
  xy: ArrayLike<number>;
  label: ArrayLike<number>;
  heldOut: ArrayLike<number>;
}

/** The square-cell grid over the points' extent plus a margin, n samples along the longer side. */
export function gridAround(xy: ArrayLike<number>, n = 64): Grid {
  let [x0, x1, y0, y1] = [Infinity, -Infinity, Infinity, -Infinity];
  for (let i = 0; i < xy.length; i += 2) {
    x0 = Math.min(x0, xy[i]);
    x1 = Math.max(x1, xy[i]);
    y0 = Math.min(y0, xy[i + 1]);
    y1 = Math.max(y1, xy[i + 1]);
  }
  const mx = (x1 - x0) * 0.1 || 1;
  const my = (y1 - y0) * 0.1 || 1;
  return { nx: n, ny: n, x0: x0 - mx, x1: x1 + mx, y0: y0 - my, y1: y1 + my };
}

/** Redraws the plot; probs (one per grid sample) may be null before training starts. */
export function drawBoundary(
  canvas: HTMLCanvasElement, svg: SVGSVGElement, g: Grid, probs: ArrayLike<number> | null, points: Points2D,
  names: [string, string] = ['x1', 'x2'],
): void {
  const f = frame(svg.viewBox.baseVal.width, svg.viewBox.baseVal.height);
  if (probs) paintField(canvas, f, g, probs, diverging);
  else clearField(canvas);
  svg.replaceChildren();
  const root = el('g', {}, svg);
  axes(root, f, { lo: g.x0, hi: g.x1, label: names[0] }, { lo: g.y0, hi: g.y1, label: names[1] });
  if (probs) {
    const px = gridToPixels(g, f);
    const segs = contourSegments(probs, g.nx, g.ny, 0.5);
    let d = '';
    for (let s = 0; s < segs.length; s += 4) {
      const [ax, ay] = px(segs[s], segs[s + 1]);
      const [bx, by] = px(segs[s + 2], segs[s + 3]);
      d += `M${ax.toFixed(1)},${ay.toFixed(1)}L${bx.toFixed(1)},${by.toFixed(1)}`;
    }
    if (d) el('path', { d, class: 'boundary' }, root);
  }
  const sx = linear(g.x0, g.x1, f.left, f.right);
  const sy = linear(g.y0, g.y1, f.bottom, f.top);
  for (let r = 0; r < points.label.length; r++) {
    el('circle', {
      cx: sx(points.xy[2 * r]).toFixed(1), cy: sy(points.xy[2 * r + 1]).toFixed(1), r: 3.2,
      class: `pt class${points.label[r]}${points.heldOut[r] ? ' held-out' : ''}`,
    }, root);
  }
}
