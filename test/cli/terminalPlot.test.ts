// The terminal loss curve: each value in the row its size says, each epoch in its column.
import { describe, expect, it } from 'vitest';
import { terminalPlot } from '../../src/cli/terminalPlot.js';

describe('terminalPlot', () => {
  it('puts the largest value on the top row, the smallest on the bottom, and epochs left to right', () => {
    // 5 values on 5 rows: 4, 3, 2, 1, 0 fall one row apart, one column apart.
    const lines = terminalPlot([{ label: 'loss', values: [4, 3, 2, 1, 0], mark: '*' }], { width: 60, height: 5 });
    const grid = lines.slice(0, 5).map((l) => l.slice(l.indexOf('|') + 1));
    expect(grid).toEqual(['*', ' *', '  *', '   *', '    *']);
    expect(lines[0].startsWith('4 |')).toBe(true);
    expect(lines[4].startsWith('0 |')).toBe(true);
    expect(lines.at(-1)).toContain('* loss');
  });

  it('squeezes more epochs than columns into the width, keeping the first and last', () => {
    const values = Array.from({ length: 200 }, (_, i) => 200 - i);
    const lines = terminalPlot([{ label: 'loss', values, mark: '*' }], { width: 40, height: 8 });
    const rows = lines.slice(0, 8).map((l) => l.slice(l.indexOf('|') + 1));
    expect(Math.max(...rows.map((r) => r.length))).toBe(40);
    expect(rows[0][0]).toBe('*'); // epoch 1, the largest
    expect(rows[7][39]).toBe('*'); // epoch 200, the smallest
    expect(lines).toContain(`${' '.repeat(3)}  1${'epoch 200'.padStart(39)}`);
  });

  it('on a log axis, tenfold steps are equal steps, and a validation series draws with its own mark', () => {
    const lines = terminalPlot([
      { label: 'train', values: [1000, 100, 10, 1], mark: '*' },
      { label: 'val', values: [1000, 1000, 1000, 1000], mark: 'o' },
    ], { height: 4, log: true });
    const rows = lines.slice(0, 4).map((l) => l.slice(l.indexOf('|') + 1));
    // the first training point is under the validation line, which is drawn after it
    expect(rows).toEqual(['oooo', ' *', '  *', '   *']);
    expect(lines.at(-1)).toContain('(log scale)');
  });
});
