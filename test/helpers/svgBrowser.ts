// Reads and renders SVG text in headless Chromium (Debian's binary, driven by
// playwright): a real XML parser for structure checks and a real renderer for
// the picture, so the tests do not trust the code that wrote the SVG.
import type { Browser, Page } from 'playwright';
import { launchChromium } from './chromium.js';

/** One element of interest: its tag, class, data-series, and the numbers it draws. */
export interface SvgShape {
  tag: string;
  cls: string;
  series: string | null;
  /** A polyline's points, a circle's centre, a line's two ends or a path's vertices, in SVG user units. */
  points: [number, number][];
  text: string;
}

/** What the browser's XML parser found in an SVG document. */
export interface SvgSummary {
  parseError: string | null;
  root: string;
  width: number;
  height: number;
  viewBox: [number, number, number, number];
  title: string;
  /** Classes of every <g>, in document order. */
  groups: string[];
  polylines: SvgShape[];
  circles: SvgShape[];
  paths: SvgShape[];
  /** Each axis's domain line (by axis class) and its tick label texts. */
  axes: Record<string, { line: [number, number][]; ticks: string[]; label: string }>;
  legend: string[];
  markers: Record<string, [number, number][]>;
}

/** Pixel statistics of a rendered PNG. */
export interface PngStats {
  width: number;
  height: number;
  /** Pixels that are not white. */
  inked: number;
  distinctColors: number;
  /** How many pixels have exactly each of the asked-for colours (#rrggbb). */
  colorCounts: Record<string, number>;
}

/** A browser page kept open for a test file. */
export class SvgBrowser {
  private constructor(private browser: Browser, private page: Page) {}

  static async launch(): Promise<SvgBrowser> {
    const browser = await launchChromium();
    return new SvgBrowser(browser, await browser.newPage());
  }

  async close(): Promise<void> {
    await this.browser.close();
  }

  /** Parses svg with DOMParser ('image/svg+xml') and summarizes it. */
  inspect(svg: string): Promise<SvgSummary> {
    return this.page.evaluate((text) => {
      const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
      const err = doc.querySelector('parsererror');
      const root = doc.documentElement;
      const num = (e: Element, a: string) => Number(e.getAttribute(a));
      const pairs = (s: string) => (s.match(/-?\d+(\.\d+)?(e-?\d+)?/g) ?? []).map(Number)
        .reduce<[number, number][]>((acc, v, i, all) => (i % 2 === 0 ? [...acc, [v, all[i + 1]]] : acc), []);
      const shape = (e: Element) => {
        const tag = e.tagName;
        const points = tag === 'polyline' ? pairs(e.getAttribute('points') ?? '')
          : tag === 'circle' ? [[num(e, 'cx'), num(e, 'cy')] as [number, number]]
            : tag === 'line' ? [[num(e, 'x1'), num(e, 'y1')], [num(e, 'x2'), num(e, 'y2')]] as [number, number][]
              : pairs(e.getAttribute('d') ?? '');
        return { tag, cls: e.getAttribute('class') ?? '', series: e.getAttribute('data-series'), points, text: e.textContent ?? '' };
      };
      const axes: Record<string, { line: [number, number][]; ticks: string[]; label: string }> = {};
      for (const g of Array.from(root.querySelectorAll('g.axis'))) {
        const name = (g.getAttribute('class') ?? '').split(' ').find((c) => c !== 'axis') ?? '';
        const line = g.querySelector('line.domain');
        axes[name] = {
          line: line ? shape(line).points : [],
          ticks: Array.from(g.querySelectorAll('g.tick text')).map((t) => t.textContent ?? ''),
          label: g.querySelector('text.axis-label')?.textContent ?? '',
        };
      }
      const markers: Record<string, [number, number][]> = {};
      for (const g of Array.from(root.querySelectorAll('g.stop-marker, g.best-marker'))) {
        markers[g.getAttribute('class') ?? ''] = shape(g.querySelector('line')!).points;
      }
      return {
        parseError: err ? err.textContent : null,
        root: root.tagName,
        width: num(root, 'width'),
        height: num(root, 'height'),
        viewBox: (root.getAttribute('viewBox') ?? '').split(/\s+/).map(Number) as [number, number, number, number],
        title: root.querySelector('title')?.textContent ?? '',
        groups: Array.from(root.querySelectorAll('g')).map((g) => g.getAttribute('class') ?? ''),
        polylines: Array.from(root.querySelectorAll('polyline')).map(shape),
        circles: Array.from(root.querySelectorAll('circle')).map(shape),
        paths: Array.from(root.querySelectorAll('path')).map(shape),
        axes,
        legend: Array.from(root.querySelectorAll('g.legend-entry text')).map((t) => t.textContent ?? ''),
        markers,
      };
    }, svg);
  }

  /** Renders svg alone on a page, screenshots it to PNG, and decodes that PNG again to count its pixels. */
  async render(svg: string, colors: readonly string[] = []): Promise<{ png: Buffer; stats: PngStats }> {
    await this.page.setContent(`<!doctype html><html><body style="margin:0;background:white">${svg}</body></html>`);
    const png = await this.page.locator('svg').screenshot({ type: 'png' });
    const stats = await this.page.evaluate(async ({ b64, colors }) => {
      const blob = await (await fetch(`data:image/png;base64,${b64}`)).blob();
      const bitmap = await createImageBitmap(blob);
      const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
      const ctx = canvas.getContext('2d')!;
      ctx.drawImage(bitmap, 0, 0);
      const { data } = ctx.getImageData(0, 0, bitmap.width, bitmap.height);
      const seen = new Set<number>();
      const counts: Record<string, number> = Object.fromEntries(colors.map((c) => [c, 0]));
      let inked = 0;
      for (let i = 0; i < data.length; i += 4) {
        const rgb = (data[i] << 16) | (data[i + 1] << 8) | data[i + 2];
        seen.add(rgb);
        if (rgb !== 0xffffff) inked++;
        const hex = `#${rgb.toString(16).padStart(6, '0')}`;
        if (hex in counts) counts[hex]++;
      }
      return { width: bitmap.width, height: bitmap.height, inked, distinctColors: seen.size, colorCounts: counts };
    }, { b64: png.toString('base64'), colors: [...colors] });
    return { png, stats };
  }
}
