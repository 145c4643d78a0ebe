// Axis scales and labels: round ticks covering the data, ends mapped to the pixel range.
import { describe, expect, it } from 'vitest';
import { formatNumber, linearScale, logScale } from '../../src/plot/scale.js';

describe('linearScale', () => {
  it('widens the range to round ticks that cover the data and maps the ends to the pixel range', () => {
    const s = linearScale(0.13, 0.87, 300, 50);
    // (0.87 - 0.13) / 5 = 0.148 rounds up to a step of 0.2
    expect(s.ticks).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(s.domain).toEqual([0, 1]);
    expect(s(0)).toBe(300);
    expect(s(1)).toBe(50);
    expect(s(0.5)).toBe(175);
  });

  it('uses whole-number steps on integer axes, and gives a constant some room', () => {
    expect(linearScale(1, 3, 0, 100, { integer: true }).ticks).toEqual([1, 2, 3]);
    expect(linearScale(1, 40, 0, 100, { integer: true }).ticks).toEqual([0, 10, 20, 30, 40]);
    const flat = linearScale(2, 2, 0, 100);
    expect(flat.domain[0]).toBeLessThan(2);
    expect(flat.domain[1]).toBeGreaterThan(2);
  });
});

describe('logScale', () => {
  it('covers whole decades, with 2 and 5 when there are few', () => {
    const s = logScale(0.003, 0.8, 100, 0);
    expect(s.domain).toEqual([0.001, 1]);
    expect(s.ticks).toEqual([0.001, 0.01, 0.1, 1]);
    expect(Math.abs(s(0.01) - (100 - 100 / 3))).toBeLessThanOrEqual(1e-9); // 1e-9: one log10 and a division in float64
    expect(logScale(0.15, 0.7, 0, 1).ticks).toEqual([0.1, 0.2, 0.5, 1]);
    // eight decades: every second one labelled
    expect(logScale(1e-6, 90, 0, 1).ticks).toEqual([1e-6, 1e-4, 0.01, 1, 100]);
  });
});

describe('formatNumber', () => {
  it('writes plain decimals for ordinary sizes and short exponents otherwise', () => {
    expect([0, 0.3000000004, 120, 0.05, 1e-4, 2.5e-5, 123456, -0.001234].map((v) => formatNumber(v))).toEqual(
      ['0', '0.3', '120', '0.05', '1e-4', '2.5e-5', '1.235e+5', '-0.001234'],
    );
  });
});
