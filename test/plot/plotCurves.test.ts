// plotCurves: one polyline per curve with its own points, legend entries for labelled curves
// only, non-finite (and on a log axis non-positive) points left out, bad input rejected.
import { describe, expect, it } from 'vitest';
import { plotCurves } from '../../src/plot/index.js';
import { ValidationError } from '../../src/errors.js';

const polylines = (svg: string) => [...svg.matchAll(/<polyline class="series" data-series="([^"]*)" points="([^"]*)"/g)].map((m) => ({ name: m[1], points: m[2].trim().split(/\s+/).filter(Boolean) }));

describe('plotCurves', () => {
  it('draws one line per curve, a point per finite epoch, and a legend entry per labelled curve', () => {
    const svg = plotCurves([
      { label: 'sgd 0.1', loss: [1, 0.5, 0.25] },
      { label: '', loss: [2, Infinity, 1, NaN] },
      { label: 'adam', loss: [1, 0, 0.1] },
    ]);
    const lines = polylines(svg);
    expect(lines.map((l) => l.name)).toEqual(['sgd 0.1', '', 'adam']);
    expect(lines.map((l) => l.points.length)).toEqual([3, 2, 2]); // log axis: 0 is left out
    const legend = [...svg.matchAll(/<g class="legend-entry">.*?<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
    expect(legend).toEqual(['sgd 0.1', 'adam']);
    expect(polylines(plotCurves([{ label: 'a', loss: [1, 0, 0.1] }], { logScale: false }))[0].points).toHaveLength(3);
  });

  it('rejects nothing to draw', () => {
    expect(() => plotCurves([])).toThrow(new ValidationError('curves is empty; there is nothing to plot'));
    expect(() => plotCurves([{ label: 'x', loss: [NaN, Infinity] }])).toThrow(new ValidationError('no curve has a finite loss to plot'));
  });
});
