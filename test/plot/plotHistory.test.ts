// plotHistory: the SVG's structure read back by Chromium's XML parser, the data
// mapped onto the axes as the values say, and the picture rendered to a PNG.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plotHistory } from '../../src/plot/index.js';
import { ValidationError } from '../../src/errors.js';
import { expectThrows } from '../helpers/errors.js';
import { SvgBrowser, type SvgSummary } from '../helpers/svgBrowser.js';

let browser: SvgBrowser;
beforeAll(async () => {
  browser = await SvgBrowser.launch();
});
afterAll(async () => {
  await browser?.close();
});

// A history as fit() returns it (only the fields plotHistory reads): a non-monotone
// loss, a validation loss, a cosine learning rate, and early stopping at epoch 12 with the best at 9.
const EPOCHS = 12;
const history = {
  loss: [0.9, 0.7, 0.55, 0.6, 0.41, 0.35, 0.3, 0.28, 0.27, 0.265, 0.26, 0.258],
  valLoss: [0.95, 0.75, 0.6, 0.58, 0.5, 0.45, 0.42, 0.41, 0.405, 0.41, 0.42, 0.43],
  learningRate: Array.from({ length: EPOCHS }, (_, e) => 0.05 * (1 + Math.cos((Math.PI * e) / EPOCHS))),
  stopReason: { rule: 'earlyStopping', epoch: 12, message: 'validation loss did not improve' },
  bestEpoch: 9,
};

const series = (s: SvgSummary, name: string) => s.polylines.filter((p) => p.series === name);

// The plot area: x from the x axis line, y between the top of the y axis line and the x axis.
function plotArea(s: SvgSummary) {
  const [[x0, y0], [x1]] = s.axes['x-axis'].line;
  const ys = s.axes['y-axis'].line.map((p) => p[1]);
  return { x0, x1, yTop: Math.min(...ys), yBottom: Math.max(y0, ...ys) };
}

describe('plotHistory structure', () => {
  it('is one well-formed SVG element with a viewBox, a title, three axes with labels and one polyline per series', async () => {
    const s = await browser.inspect(plotHistory(history, { title: 'Breast cancer' }));
    expect(s.parseError).toBeNull();
    expect(s.root).toBe('svg');
    expect(s.viewBox).toEqual([0, 0, 640, 400]);
    expect([s.width, s.height]).toEqual([640, 400]);
    expect(s.title).toBe('Breast cancer');
    expect(Object.keys(s.axes).sort()).toEqual(['x-axis', 'y-axis', 'y2-axis']);
    expect(s.axes['x-axis'].label).toBe('epoch');
    expect(s.axes['y-axis'].label).toBe('loss');
    expect(s.axes['y2-axis'].label).toBe('learning rate');
    expect(s.polylines.map((p) => p.series).sort()).toEqual(['learningRate', 'loss', 'valLoss']);
    for (const name of ['loss', 'valLoss', 'learningRate']) expect(series(s, name)[0].points).toHaveLength(EPOCHS);
    expect(s.legend).toEqual(['training loss', 'validation loss', 'learning rate', 'stop (earlyStopping)', 'weights kept (best epoch)']);
  });

  it('puts every point of every series inside the viewBox and inside the plot area between the axes', async () => {
    const s = await browser.inspect(plotHistory(history));
    const a = plotArea(s);
    const [, , w, h] = s.viewBox;
    for (const p of s.polylines) {
      for (const [x, y] of p.points) {
        expect(x >= 0 && x <= w && y >= 0 && y <= h, `${p.series} point (${x}, ${y}) in the viewBox`).toBe(true);
        // 0.01 px: coordinates are written with two decimals.
        expect(x >= a.x0 - 0.01 && x <= a.x1 + 0.01 && y >= a.yTop - 0.01 && y <= a.yBottom + 0.01, `${p.series} (${x}, ${y}) in the plot area`).toBe(true);
      }
    }
  });

  it('draws epochs left to right at equal steps and losses on a linear axis: pixel gaps proportional to value gaps', async () => {
    const s = await browser.inspect(plotHistory(history));
    const pts = series(s, 'loss')[0].points;
    const dx = pts[1][0] - pts[0][0];
    expect(dx).toBeGreaterThan(0);
    // 0.02 px: each coordinate is rounded to 0.01.
    pts.forEach(([x], i) => expect(Math.abs(x - (pts[0][0] + i * dx))).toBeLessThanOrEqual(0.02 * (i + 1)));
    // pixels per loss unit is the same negative number for every pair (y grows downward)
    const k = (pts[EPOCHS - 1][1] - pts[0][1]) / (history.loss[EPOCHS - 1] - history.loss[0]);
    expect(k).toBeLessThan(0);
    pts.forEach(([, y], i) => expect(Math.abs(y - pts[0][1] - k * (history.loss[i] - history.loss[0]))).toBeLessThanOrEqual(0.02));
    // the validation loss shares that axis
    const v = series(s, 'valLoss')[0].points;
    v.forEach(([, y], i) => expect(Math.abs(y - pts[0][1] - k * (history.valLoss[i] - history.loss[0]))).toBeLessThanOrEqual(0.02));
  });

  it('on a log scale, equal loss ratios are equal pixel steps, and a loss of 0 is left out', async () => {
    const loss = [1, 0.1, 0.01, 0.001, 0, 1e-4];
    const s = await browser.inspect(plotHistory({ loss }, { logScale: true }));
    expect(s.axes['y-axis'].label).toBe('loss (log scale)');
    const pts = series(s, 'loss')[0].points;
    expect(pts).toHaveLength(5);
    const step = pts[1][1] - pts[0][1];
    expect(step).toBeGreaterThan(0);
    // each tenfold drop moves down by the same number of pixels (0.03: three rounded coordinates)
    for (let i = 1; i < 4; i++) expect(Math.abs(pts[i + 1][1] - pts[i][1] - step)).toBeLessThanOrEqual(0.03);
    // the 1e-4 point sits one more step below 1e-3, the point after the skipped 0
    expect(Math.abs(pts[4][1] - pts[3][1] - step)).toBeLessThanOrEqual(0.03);
    expect(s.axes['y-axis'].ticks).toEqual(['1e-4', '0.001', '0.01', '0.1', '1']);
  });

  it('marks the stop epoch and the best epoch with vertical lines at those epochs\' x', async () => {
    const s = await browser.inspect(plotHistory(history));
    const pts = series(s, 'loss')[0].points;
    const stop = s.markers['stop-marker'];
    const best = s.markers['best-marker'];
    expect(stop[0][0]).toBe(stop[1][0]);
    expect(Math.abs(stop[0][0] - pts[11][0])).toBeLessThanOrEqual(0.01);
    expect(Math.abs(best[0][0] - pts[8][0])).toBeLessThanOrEqual(0.01);
  });

  it('leaves out what the history does not have: no learning-rate axis or line, no validation line, no best marker', async () => {
    const s = await browser.inspect(plotHistory({ loss: [3, 2, 1], stopReason: { rule: 'maxEpochs', epoch: 3 }, bestEpoch: 3 }));
    expect(Object.keys(s.axes).sort()).toEqual(['x-axis', 'y-axis']);
    expect(s.polylines.map((p) => p.series)).toEqual(['loss']);
    expect(Object.keys(s.markers)).toEqual(['stop-marker']);
    expect(s.legend).toEqual(['training loss', 'stop (maxEpochs)']);
    // epochs are whole numbers on the x axis
    for (const t of s.axes['x-axis'].ticks) expect(Number.isInteger(Number(t))).toBe(true);
  });

  it('draws a constant loss mid-height, and a one-epoch history as a visible dot on the y axis', async () => {
    const flat = await browser.inspect(plotHistory({ loss: [2, 2, 2, 2] }));
    const a = plotArea(flat);
    for (const [, y] of series(flat, 'loss')[0].points) expect(y > a.yTop && y < a.yBottom).toBe(true);
    const one = await browser.inspect(plotHistory({ loss: [0.5] }));
    const [[x, y]] = series(one, 'loss')[0].points;
    const b = plotArea(one);
    expect(x).toBe(b.x0); // epoch 1 is the left end of the axis
    expect(y > b.yTop && y < b.yBottom).toBe(true);
    expect(one.circles.filter((c) => c.cls === 'point').map((c) => c.points[0])).toEqual([[x, y]]);
  });

  it('escapes the title: markup in it is text, and the document still parses', async () => {
    const title = 'loss < 1 & "quoted" <script>';
    const s = await browser.inspect(plotHistory({ loss: [1, 0.5] }, { title }));
    expect(s.parseError).toBeNull();
    expect(s.title).toBe(title);
  });

  it('takes the size from the options', async () => {
    const s = await browser.inspect(plotHistory({ loss: [1, 0.5] }, { width: 900, height: 300 }));
    expect(s.viewBox).toEqual([0, 0, 900, 300]);
  });
});

describe('plotHistory errors', () => {
  it('names the problem', () => {
    expectThrows(() => plotHistory({ loss: [] }), ValidationError, 'history.loss is empty; there is nothing to plot');
    expectThrows(() => plotHistory({ loss: [0, 0] }, { logScale: true }), ValidationError, 'logScale needs a loss > 0, and history.loss has none');
    expectThrows(() => plotHistory({ loss: [1, '2' as unknown as number] }), ValidationError, 'history.loss[1] must be a number, got string');
    expectThrows(() => plotHistory({ loss: [1] }, { width: 50 }), ValidationError, 'width must be a number >= 200 (pixels), got 50');
  });
});

describe('plotHistory in Chromium', () => {
  it('renders to a PNG that is not blank, with the training-loss and validation-loss colours drawn', async () => {
    const { png, stats } = await browser.render(plotHistory(history), ['#1f77b4', '#ff7f0e']);
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect([stats.width, stats.height]).toEqual([640, 400]);
    // Text, axes and three lines: far more than a few stray pixels (1% of the picture), and antialiased shades.
    expect(stats.inked).toBeGreaterThan(0.01 * stats.width * stats.height);
    expect(stats.distinctColors).toBeGreaterThan(20);
    // Each 2 px line over ~500 px of width covers hundreds of pixels in its exact colour; 100 allows for antialiasing.
    expect(stats.colorCounts['#1f77b4']).toBeGreaterThan(100);
    expect(stats.colorCounts['#ff7f0e']).toBeGreaterThan(100);
  });
});
