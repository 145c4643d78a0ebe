// A function of two variables sampled on a grid and painted on a canvas; the
// SVG drawn over it (axes, lines, points) uses the same frame.
import type { Frame } from './svg.js';

/** nx x ny samples at the cell centres of [x0, x1] x [y0, y1]. */
export interface Grid {
  nx: number;
  ny: number;
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

/** The sample points of grid, row-major from (x0, y0): [x, y, x, y, ...]. */
export function gridPoints(g: Grid): Float64Array {
  const out = new Float64Array(g.nx * g.ny * 2);
  for (let j = 0; j < g.ny; j++) {
    for (let i = 0; i < g.nx; i++) {
      out[(j * g.nx + i) * 2] = g.x0 + ((i + 0.5) * (g.x1 - g.x0)) / g.nx;
      out[(j * g.nx + i) * 2 + 1] = g.y0 + ((j + 0.5) * (g.y1 - g.y0)) / g.ny;
    }
  }
  return out;
}

/** Maps grid coordinates (i, j as contourSegments returns them) to pixels of frame f. */
export function gridToPixels(g: Grid, f: Frame): (i: number, j: number) => [number, number] {
  return (i, j) => [
    f.left + ((i + 0.5) / g.nx) * (f.right - f.left),
    f.bottom - ((j + 0.5) / g.ny) * (f.bottom - f.top),
  ];
}

/** Paints values (nx x ny, row-major, j = 0 at the bottom) into f's rectangle on canvas, smoothly scaled. */
export function paintField(
  canvas: HTMLCanvasElement, f: Frame, g: Grid, values: ArrayLike<number>, color: (v: number) => [number, number, number],
): void {
  const ratio = window.devicePixelRatio || 1;
  if (canvas.width !== Math.round(f.width * ratio)) {
    canvas.width = Math.round(f.width * ratio);
    canvas.height = Math.round(f.height * ratio);
  }
  const ctx = canvas.getContext('2d')!;
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, f.width, f.height);
  const image = new ImageData(g.nx, g.ny);
  for (let j = 0; j < g.ny; j++) {
    for (let i = 0; i < g.nx; i++) {
      const [r, gr, b] = color(values[j * g.nx + i]);
      const p = ((g.ny - 1 - j) * g.nx + i) * 4;
      image.data[p] = r;
      image.data[p + 1] = gr;
      image.data[p + 2] = b;
      image.data[p + 3] = 255;
    }
  }
  const tile = document.createElement('canvas');
  tile.width = g.nx;
  tile.height = g.ny;
  tile.getContext('2d')!.putImageData(image, 0, 0);
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(tile, f.left, f.top, f.right - f.left, f.bottom - f.top);
}

/** Clears canvas. */
export function clearField(canvas: HTMLCanvasElement): void {
  canvas.getContext('2d')!.clearRect(0, 0, canvas.width, canvas.height);
}

type RGB = [number, number, number];

function mix(a: RGB, b: RGB, t: number): RGB {
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];
}

// Viridis at five stops, light end first: low J is light, high J dark.
const VIRIDIS: RGB[] = [[253, 231, 37], [94, 201, 98], [33, 145, 140], [59, 82, 139], [68, 1, 84]];

/** t in [0, 1] to a colour from light yellow (0) to dark violet (1). */
export function sequential(t: number): RGB {
  const x = Math.min(1, Math.max(0, t)) * (VIRIDIS.length - 1);
  const k = Math.min(VIRIDIS.length - 2, Math.floor(x));
  return mix(VIRIDIS[k], VIRIDIS[k + 1], x - k);
}

const CLASS0: RGB = [245, 147, 34];
const CLASS1: RGB = [8, 119, 189];
const PALE: RGB = [246, 246, 246];

/** How far the field's colours go from pale towards the class colours, so the points stay visible on them. */
const FIELD_STRENGTH = 0.55;

/** P(class 1) to a colour: orange (0) through pale grey (0.5) to blue (1), as in TensorFlow Playground. */
export function diverging(p: number): RGB {
  const q = Math.min(1, Math.max(0, p));
  return q < 0.5 ? mix(PALE, CLASS0, (1 - q * 2) * FIELD_STRENGTH) : mix(PALE, CLASS1, (q * 2 - 1) * FIELD_STRENGTH);
}
