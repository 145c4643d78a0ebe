// readCsv: separators found in the header with quotes respected, quoted fields and line
// breaks, streams cut anywhere (even inside a character), line numbers, messages word for word.
import { describe, expect, it } from 'vitest';
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { ValidationError } from '../../src/index.js';
import { columnIndex, readCsv, type CsvTable } from '../../src/datasets/csv.js';
import { loadCsv } from '../helpers/data.js';
import { expectThrows } from '../helpers/errors.js';

/** A stream of text cut into the given pieces. */
const stream = (...chunks: (string | Uint8Array)[]) => Readable.from(chunks);
const read = (text: string) => readCsv(stream(text));

async function rejects(p: Promise<unknown>, message: string): Promise<void> {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(ValidationError);
  expect((err as Error).message).toBe(message);
}

describe('readCsv', () => {
  it('finds the separator in the header: comma, semicolon or tab, quotes respected', async () => {
    expect(await read('a,b,c\n1,2,3\n')).toEqual({ header: ['a', 'b', 'c'], rows: [['1', '2', '3']], lines: [2], separator: ',', source: 'the CSV input' });
    // A decimal comma in a semicolon file stays inside its field.
    expect((await read('a;b;c\n1,5;2;3\n')).rows).toEqual([['1,5', '2', '3']]);
    expect((await read('a\tb\n1\t2\n')).separator).toBe('\t');
    // Separators inside quotes do not count: one comma outside, two semicolons inside.
    expect(await read('"x;y;z",w\n1,2\n')).toMatchObject({ header: ['x;y;z', 'w'], separator: ',' });
    expect((await read('"a,b";c\n1;2\n')).header).toEqual(['a,b', 'c']);
    expect((await read('x\n1\n2\n')).rows).toEqual([['1'], ['2']]);
    expect((await readCsv(stream('a;b\n1;2\n'), { separator: ',' })).header).toEqual(['a;b']);
  });

  it('reads quoted fields with separators, quotes and line breaks; trims spaces; skips blank lines; drops a BOM; CRLF', async () => {
    const t = await read('\uFEFFname, note ,n\r\n"Smith, J.","said ""hi""\nthen left", 1 \r\n\r\nLee,,2\r\n');
    expect(t.header).toEqual(['name', 'note', 'n']);
    expect(t.rows).toEqual([['Smith, J.', 'said "hi"\nthen left', '1'], ['Lee', '', '2']]);
    expect(t.lines).toEqual([2, 5]); // the first row spans lines 2-3, line 4 is blank
  });

  it('streams: a header cut across chunks, a character cut across chunks, a file read in 1 kB pieces', async () => {
    expect((await readCsv(stream('a;', 'b;c\n1;2', ';3\n'))).rows).toEqual([['1', '2', '3']]);
    const bytes = new TextEncoder().encode('name,v\ncafé,1\n');
    expect((await readCsv(stream(bytes.subarray(0, 11), bytes.subarray(11)))).rows).toEqual([['café', '1']]);
    const digits = await readCsv(createReadStream(new URL('../../data/digits.csv', import.meta.url), { highWaterMark: 1024 }), { name: 'digits.csv' });
    const want = loadCsv('digits.csv');
    expect(digits.header).toEqual(want.header);
    expect(digits.rows.length).toBe(want.rows);
    expect(digits.rows.map((r) => r.slice(0, -1).map(Number)).flat()).toEqual(Array.from(want.X));
    expect(digits.lines[1796]).toBe(1798);
  });

  it('reads a path or a file URL, naming it in messages', async () => {
    const url = new URL('../../data/iris.csv', import.meta.url);
    const byUrl = await readCsv(url);
    expect(byUrl.source).toBe(url.pathname);
    expect(byUrl.rows[0]).toEqual(['5.1', '3.5', '1.4', '0.2', 'setosa']);
    const missing = await readCsv('no/such/file.csv').then(() => null, (e: NodeJS.ErrnoException) => e);
    expect(missing?.code).toBe('ENOENT'); // Node's own error: the command words it
  });

  it('names the data and the line in its errors', async () => {
    await rejects(read(''), 'the CSV input is empty (expected a header row)');
    await rejects(read('\n\n'), 'the CSV input is empty (expected a header row)');
    await rejects(readCsv(stream('a,b\n1,2\n3\n'), { name: 'data.csv' }), 'data.csv line 3 has 1 fields; the header has 2');
    await rejects(read('a,b\n1,2\n"3,4\n'), 'the CSV input: Quote Not Closed: the parsing is finished with an opening quote at line 3');
    await rejects(read('a,b,a\n1,2,3\n'), "the CSV input: the header names column 'a' twice (fields 1 and 3)");
    await rejects(read(',a,b\n0,1,2\n'), 'the CSV input: field 1 of the header is empty; every column needs a name');
    await rejects(readCsv(stream('a\n'), { separator: '|' as never }), "separator must be ',', ';' or '\\t', got '|'");
  });

  it('columnIndex finds a column or lists the ones there are', async () => {
    const t: CsvTable = await readCsv(stream('x,y,label\n1,2,a\n'), { name: 'train.csv' });
    expect(columnIndex(t, 'label')).toBe(2);
    expectThrows(() => columnIndex(t, 'target'), ValidationError, "train.csv has no column 'target' (its columns are x, y, label)");
  });
});
