// plotPath and its cost bowl: J's minimum and contours against sums computed here
// over the data, and the SVG read back by Chromium: axes, the path's polyline,
// markers at the right parameters, contours that are level sets of J.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bowl, plotPath, type ParameterPoint } from '../../src/plot/index.js';
import { ValidationError } from '../../src/errors.js';
import { expectThrows } from '../helpers/errors.js';
import { expectClose } from '../helpers/tolerance.js';
import { SvgBrowser } from '../helpers/svgBrowser.js';

let browser: SvgBrowser;
beforeAll(async () => {
  browser = await SvgBrowser.launch();
});
afterAll(async () => {
  await browser?.close();
});

// J written out directly: the mean of squared residuals.
const J = (x: readonly number[], y: readonly number[], t0: number, t1: number) =>
  x.reduce((s, xi, i) => s + (t0 + t1 * xi - y[i]) ** 2, 0) / x.length;

// (0, 1), (1, 3), (2, 4): least squares gives slope 3/2 and intercept 7/6; the residuals are
// -1/6, 1/3, -1/6, so J_min = (1/36 + 4/36 + 1/36) / 3 = 1/18.
const X3 = [0, 1, 2];
const Y3 = [1, 3, 4];

// Data with a mean far from 0, so the bowl is a long narrow valley (the textbook case for standardizing).
const XS = Array.from({ length: 40 }, (_, i) => 2 + 0.25 * i);
const YS = XS.map((v, i) => 3 + 1.5 * v + 0.3 * Math.sin(7 * i));

// A gradient-descent path on J over (XS, YS), computed here with J's gradient written out.
function descend(steps: number, lr: number): ParameterPoint[] {
  let t0 = 0;
  let t1 = 0;
  const out: ParameterPoint[] = [[t0, t1]];
  for (let k = 0; k < steps; k++) {
    let g0 = 0;
    let g1 = 0;
    XS.forEach((v, i) => {
      const r = t0 + t1 * v - YS[i];
      g0 += (2 * r) / XS.length;
      g1 += (2 * r * v) / XS.length;
    });
    t0 -= lr * g0;
    t1 -= lr * g1;
    out.push([t0, t1]);
  }
  return out;
}

describe('bowl', () => {
  it('finds the least-squares minimum and J there', () => {
    const b = bowl(X3, Y3);
    // 1e-12: a few float64 operations on small numbers
    expectClose(b.theta1, 1.5, { abs: 1e-12 }, 'theta1');
    expectClose(b.theta0, 7 / 6, { abs: 1e-12 }, 'theta0');
    expectClose(b.jMin, 1 / 18, { abs: 1e-12 }, 'J_min');
    expectClose(b.cost(0.3, -2), J(X3, Y3, 0.3, -2), { rel: 1e-12 }, 'J at (0.3, -2)');
  });

  it('draws contours on which J is constant, J_min + d', () => {
    const b = bowl(XS, YS);
    for (const d of [1e-3, 0.5, 40]) {
      const pts = b.contour(d, 60);
      // 1e-9 relative: the ellipse is computed in closed form in float64; J's sum loses a few digits
      for (const [t0, t1] of pts) expectClose(J(XS, YS, t0, t1) - b.jMin, d, { rel: 1e-9 }, `J - J_min on the contour ${d}`);
      expect(pts[0]).toEqual(pts[pts.length - 1]);
    }
  });
});

describe('plotPath structure', () => {
  const path = descend(60, 0.01);

  it('has both axes, one polyline for the path with every point, start and end dots and the minimum, all inside the plot area', async () => {
    const s = await browser.inspect(plotPath(XS, YS, path));
    expect(s.parseError).toBeNull();
    expect(s.viewBox).toEqual([0, 0, 640, 480]);
    expect(Object.keys(s.axes).sort()).toEqual(['x-axis', 'y-axis']);
    expect(s.axes['x-axis'].label).toBe('θ0 (bias)');
    expect(s.axes['y-axis'].label).toBe('θ1 (weight)');
    expect(s.polylines.map((p) => p.series)).toEqual(['path']);
    expect(s.polylines[0].points).toHaveLength(path.length);
    expect(s.circles.find((c) => c.cls === 'start')!.points[0]).toEqual(s.polylines[0].points[0]);
    expect(s.circles.find((c) => c.cls === 'end')!.points[0]).toEqual(s.polylines[0].points[path.length - 1]);
    expect(s.legend[0]).toBe('path (60 updates)');
    const [[x0, yBottom], [x1]] = s.axes['x-axis'].line;
    const yTop = Math.min(...s.axes['y-axis'].line.map((p) => p[1]));
    const inside = ([x, y]: [number, number]) => x >= x0 - 0.01 && x <= x1 + 0.01 && y >= yTop - 0.01 && y <= yBottom + 0.01;
    for (const shape of [...s.polylines, ...s.circles, ...s.paths]) {
      for (const p of shape.points) expect(inside(p), `${shape.tag}.${shape.cls} point ${p}`).toBe(true);
    }
  });

  it('maps parameters to pixels by one affine map per axis: the minimum marker sits at the least-squares optimum', async () => {
    const s = await browser.inspect(plotPath(XS, YS, path));
    const pts = s.polylines[0].points;
    // The pixel map of each axis from two path points far apart, then checked on every other point.
    const i = 0;
    const j = path.length - 1;
    const ax = (pts[j][0] - pts[i][0]) / (path[j][0] - path[i][0]);
    const ay = (pts[j][1] - pts[i][1]) / (path[j][1] - path[i][1]);
    const toPx = (t0: number, t1: number) => [pts[i][0] + ax * (t0 - path[i][0]), pts[i][1] + ay * (t1 - path[i][1])];
    expect(ay).toBeLessThan(0); // theta1 grows upward
    // 0.05 px: coordinates are rounded to 0.01 px, and the map is derived from two rounded points
    path.forEach(([t0, t1], k) => expectClose(pts[k], toPx(t0, t1), { abs: 0.05 }, `path point ${k}`));
    // the minimum: the middle of its cross, at the optimum of the normal equations solved here
    const n = XS.length;
    const mx = XS.reduce((a, b) => a + b) / n;
    const my = YS.reduce((a, b) => a + b) / n;
    const t1 = XS.reduce((a, v, k) => a + (v - mx) * (YS[k] - my), 0) / XS.reduce((a, v) => a + (v - mx) ** 2, 0);
    const cross = s.paths.find((p) => p.cls === 'minimum')!.points;
    const centre = [(cross[0][0] + cross[1][0]) / 2, (cross[0][1] + cross[1][1]) / 2];
    expectClose(centre, toPx(my - t1 * mx, t1), { abs: 0.05 }, 'minimum marker');

    // Every contour is a level set of J: its vertices, mapped back to parameters, all have the J it is
    // labelled with. Compared as "radii" sqrt(J - J_min), whose relative error is what pixel rounding
    // causes: 0.01 px (two rounded coordinates) over the contour's smallest distance r from the
    // minimum in pixels, plus 1e-4 for vertices interpolated on 240-gon chords (1 - cos(pi/240) = 8.6e-5).
    const contours = s.paths.filter((p) => p.cls === 'contour');
    expect(contours.length).toBeGreaterThanOrEqual(6);
    expect(contours.length).toBeLessThanOrEqual(12);
    const levels = await levelAttributes(plotPath(XS, YS, path));
    const jMin = bowl(XS, YS).jMin;
    contours.forEach((c, k) => {
      const r = Math.min(...c.points.map(([px, py]) => Math.hypot(px - centre[0], py - centre[1])));
      const tol = 0.01 / r + 1e-4;
      for (const [px, py] of c.points) {
        const jHere = J(XS, YS, path[i][0] + (px - pts[i][0]) / ax, path[i][1] + (py - pts[i][1]) / ay);
        const err = Math.abs(Math.sqrt(jHere - jMin) / Math.sqrt(levels[k] - jMin) - 1);
        expect(err, `contour ${k} (J = ${levels[k]}) at (${px}, ${py}): radius error ${err} > ${tol}`).toBeLessThanOrEqual(tol);
      }
    });
  });

  it('draws a dot per step for short paths, none for long ones (the polyline keeps every point)', async () => {
    const short = await browser.inspect(plotPath(XS, YS, descend(10, 0.01)));
    expect(short.groups).toContain('steps');
    const long = await browser.inspect(plotPath(XS, YS, descend(400, 0.01)));
    expect(long.groups).not.toContain('steps');
    expect(long.polylines[0].points).toHaveLength(401);
  });

  it('draws a path of one point (no steps yet)', async () => {
    const s = await browser.inspect(plotPath(X3, Y3, [[0, 0]]));
    expect(s.parseError).toBeNull();
    expect(s.legend[0]).toBe('path (0 updates)');
  });
});

// The data-level attribute of each contour, read with the browser's parser.
async function levelAttributes(svg: string): Promise<number[]> {
  const s = await browser.inspect(svg.replace(/data-level="([^"]*)"/g, 'data-series="$1"'));
  return s.paths.filter((p) => p.cls === 'contour').map((p) => Number(p.series));
}

describe('plotPath errors', () => {
  it('names the argument and the value', () => {
    expectThrows(() => plotPath([2, 2, 2], [1, 2, 3], [[0, 0]]), ValidationError,
      'x has no spread (every value is 2), so J(theta0, theta1) has no single minimum to draw');
    expectThrows(() => plotPath([1, 2], [1, 2, 3], [[0, 0]]), ValidationError, 'y has 3 values but x has 2');
    expectThrows(() => plotPath([1, NaN], [1, 2], [[0, 0]]), ValidationError, 'x[1] must be a finite number, got NaN');
    expectThrows(() => plotPath([1, 2], [1, 2], []), ValidationError, 'path must be a non-empty array of [theta0, theta1] points');
    expectThrows(() => plotPath([1, 2], [1, 2], [[0, 0], [1, Infinity]]), ValidationError,
      'path[1] must be [theta0, theta1] with finite numbers, got [1,null]');
  });
});

describe('plotPath in Chromium', () => {
  it('renders to a PNG that is not blank, with the path colour drawn', async () => {
    const { stats } = await browser.render(plotPath(XS, YS, descend(60, 0.01)), ['#d62728']);
    expect([stats.width, stats.height]).toEqual([640, 480]);
    // contours, axes, text and the path: well over 1% of the picture inked
    expect(stats.inked).toBeGreaterThan(0.01 * stats.width * stats.height);
    // the path line, its dots and the end marker in their exact colour (50 allows for antialiasing)
    expect(stats.colorCounts['#d62728']).toBeGreaterThan(50);
  });
});
