// Axis scales for the SVG and terminal plots: data value -> pixel, with tick values
// at round numbers (1, 2, 5 times a power of ten) that cover the data.

/** Maps a data value to a pixel coordinate along one axis; carries its ticks and domain. */
export interface Scale {
  (value: number): number;
  /** Tick values inside the domain, ascending. */
  readonly ticks: readonly number[];
  /** The data range the axis shows (extended to round numbers). */
  readonly domain: readonly [number, number];
  readonly log: boolean;
}

/** A linear scale over [lo, hi] widened to round tick values, mapped onto [p0, p1]. */
export function linearScale(lo: number, hi: number, p0: number, p1: number, options: { count?: number; integer?: boolean } = {}): Scale {
  [lo, hi] = widen(lo, hi);
  const step = niceStep((hi - lo) / (options.count ?? 5), options.integer ?? false);
  const a = Math.floor(lo / step + 1e-9) * step;
  const b = Math.ceil(hi / step - 1e-9) * step;
  const ticks: number[] = [];
  for (let i = 0; a + i * step <= b + step * 1e-9; i++) ticks.push(clean(a + i * step));
  return make(a, b, p0, p1, ticks, false, (v) => v);
}

/** A base-10 log scale over [lo, hi] (both > 0) widened to whole decades, mapped onto [p0, p1]. */
export function logScale(lo: number, hi: number, p0: number, p1: number): Scale {
  const a = Math.floor(Math.log10(lo) + 1e-9);
  let b = Math.ceil(Math.log10(hi) - 1e-9);
  if (b === a) b = a + 1;
  const decades = b - a;
  const every = Math.ceil(decades / 6); // at most about 6 decade labels
  const ticks: number[] = [];
  for (let e = a; e <= b; e += every) {
    ticks.push(clean(10 ** e));
    // One or two decades only: 2 and 5 too, so the axis has enough labels.
    if (decades <= 2 && e < b) ticks.push(clean(2 * 10 ** e), clean(5 * 10 ** e));
  }
  return make(10 ** a, 10 ** b, p0, p1, ticks, true, Math.log10);
}

function make(a: number, b: number, p0: number, p1: number, ticks: number[], log: boolean, t: (v: number) => number): Scale {
  const ta = t(a);
  const span = t(b) - ta;
  const scale = ((v: number) => p0 + ((t(v) - ta) / span) * (p1 - p0)) as Scale;
  return Object.assign(scale, { ticks, domain: [a, b] as const, log });
}

// A range of zero width gets some room, so a constant series sits mid-axis.
function widen(lo: number, hi: number): [number, number] {
  if (hi > lo) return [lo, hi];
  const pad = lo === 0 ? 1 : Math.abs(lo) * 0.1;
  return [lo - pad, hi + pad];
}

// The smallest of 1, 2, 5 x 10^k that is >= raw (>= 1 for integer axes such as epochs).
function niceStep(raw: number, integer: boolean): number {
  const p = 10 ** Math.floor(Math.log10(raw));
  const m = raw / p;
  const step = (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
  return integer ? Math.max(1, Math.round(step)) : step;
}

// Drops float noise such as 0.30000000000000004.
function clean(v: number): number {
  return Number(v.toPrecision(12));
}

/** A tick or value label: 0.05, 120, 1e-4, 2.5e+6. */
export function formatNumber(v: number, digits = 4): string {
  if (v === 0) return '0';
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) {
    const [m, e] = v.toExponential(digits - 1).split('e');
    return `${String(Number(m))}e${e}`;
  }
  return String(Number(v.toPrecision(digits)));
}
