// Small SVG helpers shared by the plots: elements, linear scales, tick values, axes.
const NS = 'http://www.w3.org/2000/svg';

/** Creates an SVG element with attributes, appended to parent when given. */
export function el<K extends keyof SVGElementTagNameMap>(
  tag: K, attrs: Record<string, string | number> = {}, parent?: Element,
): SVGElementTagNameMap[K] {
  const node = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  parent?.appendChild(node);
  return node;
}

/** Maps [d0, d1] onto [r0, r1]. */
export function linear(d0: number, d1: number, r0: number, r1: number): (v: number) => number {
  const k = d1 === d0 ? 0 : (r1 - r0) / (d1 - d0);
  return (v) => r0 + (v - d0) * k;
}

/** About `count` round tick values (1, 2 or 5 times a power of ten apart) inside [lo, hi]. */
export function ticks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const pow = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * pow).find((s) => s >= raw) ?? 10 * pow;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  return out;
}

/** A short label for a tick value. */
export function format(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e4 || a < 1e-3) return v.toExponential(0).replace('e+', 'e');
  return String(Number(v.toPrecision(3)));
}

/** The drawing area inside an SVG of width x height with room for axis labels. */
export interface Frame {
  width: number;
  height: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

export const FRAME_MARGIN = { left: 46, right: 10, top: 10, bottom: 34 };

/** A frame of the given size with the standard margins. */
export function frame(width: number, height: number): Frame {
  const m = FRAME_MARGIN;
  return { width, height, left: m.left, right: width - m.right, top: m.top, bottom: height - m.bottom };
}

/** Draws x and y axes with ticks and labels into g. tickText maps a tick value to its label. */
export function axes(
  g: SVGGElement, f: Frame, x: { lo: number; hi: number; label: string; ticks?: number[]; text?: (v: number) => string },
  y: { lo: number; hi: number; label: string; ticks?: number[]; text?: (v: number) => string },
): void {
  const sx = linear(x.lo, x.hi, f.left, f.right);
  const sy = linear(y.lo, y.hi, f.bottom, f.top);
  el('rect', { x: f.left, y: f.top, width: f.right - f.left, height: f.bottom - f.top, class: 'frame' }, g);
  for (const v of x.ticks ?? ticks(x.lo, x.hi)) {
    const px = sx(v);
    el('line', { x1: px, x2: px, y1: f.bottom, y2: f.bottom + 4, class: 'tick' }, g);
    el('text', { x: px, y: f.bottom + 15, class: 'tick-label', 'text-anchor': 'middle' }, g).textContent = (x.text ?? format)(v);
  }
  for (const v of y.ticks ?? ticks(y.lo, y.hi)) {
    const py = sy(v);
    el('line', { x1: f.left - 4, x2: f.left, y1: py, y2: py, class: 'tick' }, g);
    el('text', { x: f.left - 6, y: py + 3.5, class: 'tick-label', 'text-anchor': 'end' }, g).textContent = (y.text ?? format)(v);
  }
  el('text', { x: (f.left + f.right) / 2, y: f.height - 3, class: 'axis-label', 'text-anchor': 'middle' }, g).textContent = x.label;
  const yl = el('text', { x: 0, y: 0, class: 'axis-label', 'text-anchor': 'middle' }, g);
  yl.setAttribute('transform', `translate(11 ${(f.top + f.bottom) / 2}) rotate(-90)`);
  yl.textContent = y.label;
}
