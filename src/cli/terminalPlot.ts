// The loss curve drawn in the terminal with plain characters: one column per epoch
// (or per group of epochs when there are more than the width), min and max on the left.
import { formatNumber } from '../plot/scale.js';

/** One curve: its values per epoch and the character that draws it. */
export interface TerminalSeries {
  label: string;
  values: readonly number[];
  mark: string;
}

/** Lines of text drawing the series over epochs 1..n; a log axis when asked. */
export function terminalPlot(series: readonly TerminalSeries[], options: { width?: number; height?: number; log?: boolean } = {}): string[] {
  const { width = 60, height = 10, log = false } = options;
  const ok = (v: number) => Number.isFinite(v) && (!log || v > 0);
  const all = series.flatMap((s) => s.values.filter(ok));
  if (all.length === 0) return [];
  const t = (v: number) => (log ? Math.log10(v) : v);
  let lo = Math.min(...all.map(t));
  let hi = Math.max(...all.map(t));
  if (hi === lo) [lo, hi] = [lo - 1, hi + 1];
  const n = Math.max(...series.map((s) => s.values.length));
  const cols = Math.min(width, n);
  const grid = Array.from({ length: height }, () => Array<string>(cols).fill(' '));
  for (const s of series) {
    s.values.forEach((v, i) => {
      if (!ok(v)) return;
      const c = n === 1 ? 0 : Math.round((i * (cols - 1)) / (n - 1));
      const r = height - 1 - Math.round(((t(v) - lo) / (hi - lo)) * (height - 1));
      grid[r][c] = s.mark;
    });
  }
  const top = formatNumber(log ? 10 ** hi : hi);
  const bottom = formatNumber(log ? 10 ** lo : lo);
  const w = Math.max(top.length, bottom.length);
  const lines = grid.map((row, r) => `${(r === 0 ? top : r === height - 1 ? bottom : '').padStart(w)} |${row.join('').trimEnd()}`);
  lines.push(`${' '.repeat(w)} +${'-'.repeat(cols)}`);
  const last = `epoch ${n}`;
  lines.push(`${' '.repeat(w)}  1${last.padStart(Math.max(cols - 1, last.length + 1))}`);
  lines.push(`${' '.repeat(w)}  ${series.map((s) => `${s.mark} ${s.label}`).join('   ')}${log ? '   (log scale)' : ''}`);
  return lines;
}
