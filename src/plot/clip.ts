// Clipping a polyline to a rectangle, so every coordinate an SVG holds lies inside
// its plot area (contour ellipses often reach far outside it).

/** An axis-aligned rectangle in pixels. */
export interface Rect {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

type Point = readonly [number, number];

/** The parts of the polyline through pts that lie inside r, as separate runs of points. */
export function clipPolyline(pts: readonly Point[], r: Rect): Point[][] {
  const runs: Point[][] = [];
  let run: Point[] | null = null;
  for (let i = 1; i < pts.length; i++) {
    const seg = clipSegment(pts[i - 1], pts[i], r);
    if (!seg) {
      run = null;
      continue;
    }
    const [a, b] = seg;
    // A segment that starts where the last one ended continues the run; otherwise it re-enters.
    if (!run || run[run.length - 1][0] !== a[0] || run[run.length - 1][1] !== a[1]) {
      run = [a];
      runs.push(run);
    }
    run.push(b);
    if (b !== pts[i]) run = null; // it left the rectangle
  }
  return runs;
}

// Liang-Barsky: the part of segment a-b inside r, or null. Unclipped ends are returned as given.
function clipSegment(a: Point, b: Point, r: Rect): [Point, Point] | null {
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  let t0 = 0;
  let t1 = 1;
  const edges: [number, number][] = [[-dx, a[0] - r.x0], [dx, r.x1 - a[0]], [-dy, a[1] - r.y0], [dy, r.y1 - a[1]]];
  for (const [p, q] of edges) {
    if (p === 0) {
      if (q < 0) return null; // parallel to this edge and outside it
      continue;
    }
    const t = q / p;
    if (p < 0) {
      if (t > t1) return null;
      if (t > t0) t0 = t;
    } else {
      if (t < t0) return null;
      if (t < t1) t1 = t;
    }
  }
  const at = (t: number): Point => [a[0] + t * dx, a[1] + t * dy];
  return [t0 === 0 ? a : at(t0), t1 === 1 ? b : at(t1)];
}
