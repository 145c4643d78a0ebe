// Small helpers that write SVG text: elements, escaping, coordinates, and the
// frame every plot shares (axes with ticks and labels, title, legend).
import { formatNumber, type Scale } from './scale.js';

/** Escapes text for an XML text node or attribute value. */
export function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A pixel coordinate with two decimals (enough for any screen, short to write). */
export function px(v: number): string {
  return String(Math.round(v * 100) / 100);
}

/** One element; attribute values are escaped, children are SVG text already. */
export function el(name: string, attrs: Record<string, string | number | undefined>, ...children: string[]): string {
  const a = Object.entries(attrs)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${esc(typeof v === 'number' ? px(v) : String(v))}"`)
    .join('');
  return children.length === 0 ? `<${name}${a}/>` : `<${name}${a}>${children.join('')}</${name}>`;
}

/** `x1,y1 x2,y2 ...` for a polyline's points attribute. */
export function points(xy: readonly (readonly [number, number])[]): string {
  return xy.map(([x, y]) => `${px(x)},${px(y)}`).join(' ');
}

/** The plot area inside the margins, in pixels. */
export interface Frame {
  width: number;
  height: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

/** The plot area of a width x height picture, leaving room for titles, tick labels and a right axis. */
export function frame(width: number, height: number, rightAxis: boolean): Frame {
  return { width, height, left: 72, right: width - (rightAxis ? 72 : 24), top: 48, bottom: height - 52 };
}

/** The opening tag, background and title of a plot. */
export function open(f: Frame, title: string): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${f.width}" height="${f.height}" viewBox="0 0 ${f.width} ${f.height}" ` +
    `role="img" aria-label="${esc(title)}" font-family="system-ui, sans-serif" font-size="12">` +
    el('title', {}, esc(title)) +
    el('rect', { class: 'background', x: 0, y: 0, width: f.width, height: f.height, fill: 'white' }) +
    el('text', { class: 'title', x: f.width / 2, y: 22, 'text-anchor': 'middle', 'font-size': 15, 'font-weight': 'bold' }, esc(title))
  );
}

/** An axis along one side of the frame: its line, ticks with labels, grid lines, and the axis label. */
export function axis(f: Frame, side: 'bottom' | 'left' | 'right', scale: Scale, label: string, color = '#333'): string {
  const parts: string[] = [];
  const cls = side === 'bottom' ? 'axis x-axis' : side === 'left' ? 'axis y-axis' : 'axis y2-axis';
  if (side === 'bottom') {
    parts.push(el('line', { class: 'domain', x1: f.left, y1: f.bottom, x2: f.right, y2: f.bottom, stroke: color }));
    for (const t of scale.ticks) {
      const x = scale(t);
      parts.push(el('g', { class: 'tick' },
        el('line', { x1: x, y1: f.top, x2: x, y2: f.bottom, stroke: '#e5e5e5' }),
        el('line', { x1: x, y1: f.bottom, x2: x, y2: f.bottom + 5, stroke: color }),
        el('text', { x, y: f.bottom + 18, 'text-anchor': 'middle', fill: color }, esc(formatNumber(t)))));
    }
    parts.push(el('text', { class: 'axis-label', x: (f.left + f.right) / 2, y: f.height - 12, 'text-anchor': 'middle', fill: color }, esc(label)));
  } else {
    const x0 = side === 'left' ? f.left : f.right;
    const dir = side === 'left' ? -1 : 1;
    parts.push(el('line', { class: 'domain', x1: x0, y1: f.top, x2: x0, y2: f.bottom, stroke: color }));
    for (const t of scale.ticks) {
      const y = scale(t);
      const tick = [el('line', { x1: x0, y1: y, x2: x0 + 5 * dir, y2: y, stroke: color }),
        el('text', { x: x0 + 8 * dir, y: y + 4, 'text-anchor': side === 'left' ? 'end' : 'start', fill: color }, esc(formatNumber(t)))];
      if (side === 'left') tick.unshift(el('line', { x1: f.left, y1: y, x2: f.right, y2: y, stroke: '#e5e5e5' }));
      parts.push(el('g', { class: 'tick' }, ...tick));
    }
    const lx = side === 'left' ? 16 : f.width - 12;
    const ly = (f.top + f.bottom) / 2;
    parts.push(el('text', { class: 'axis-label', x: lx, y: ly, 'text-anchor': 'middle', fill: color, transform: `rotate(-90 ${px(lx)} ${px(ly)})` }, esc(label)));
  }
  return el('g', { class: cls }, ...parts);
}

/** One legend entry: a line sample (solid or dashed) or a marker, and its text. */
export interface LegendEntry {
  label: string;
  color: string;
  dash?: string;
  marker?: boolean;
}

/** A corner of the plot area. */
export type Corner = 'top-right' | 'top-left' | 'bottom-right' | 'bottom-left';

/** The legend box in a corner of the frame (default top right). */
export function legend(f: Frame, entries: readonly LegendEntry[], corner: Corner = 'top-right'): string {
  const rowH = 18;
  const w = 24 + 7 * Math.max(...entries.map((e) => e.label.length)) + 24;
  const h = entries.length * rowH + 6;
  const x = corner.endsWith('right') ? f.right - w - 8 : f.left + 8;
  const y = corner.startsWith('top') ? f.top + 8 : f.bottom - h - 8;
  const rows = entries.map((e, i) => {
    const cy = y + 12 + i * rowH;
    const sample = e.marker
      ? el('circle', { cx: x + 18, cy, r: 4, fill: e.color })
      : el('line', { x1: x + 8, y1: cy, x2: x + 28, y2: cy, stroke: e.color, 'stroke-width': 2, 'stroke-dasharray': e.dash });
    return el('g', { class: 'legend-entry' }, sample, el('text', { x: x + 34, y: cy + 4 }, esc(e.label)));
  });
  const box = el('rect', { x, y, width: w, height: h, fill: 'white', 'fill-opacity': 0.85, stroke: '#ccc' });
  return el('g', { class: 'legend' }, box, ...rows);
}
