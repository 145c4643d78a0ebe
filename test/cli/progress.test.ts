// What train shows while it trains, by mode: a bar on a terminal, plain lines otherwise, JSON, or nothing.
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { progress, progressMode } from '../../src/cli/progress.js';
import type { EpochRecord } from '../../src/models/history.js';

// A stream that keeps what is written; isTTY as a terminal's stdout would say.
function sink(isTTY: boolean) {
  const chunks: string[] = [];
  const out = Object.assign(new Writable({ write(c, _e, done) { chunks.push(String(c)); done(); } }), { isTTY, columns: 120 });
  return { out, text: () => chunks.join('') };
}

const record = (epoch: number, valLoss?: number): EpochRecord =>
  ({ epoch, loss: 1 / epoch, gradNorm: 0.5, learningRate: 0.01, paramChange: 0.1, timeMs: 2, ...(valLoss === undefined ? {} : { valLoss }) });

describe('progressMode', () => {
  it('--json wins, then --quiet, then a bar only on a terminal', () => {
    expect(progressMode(sink(true).out, { json: true, quiet: true })).toBe('json');
    expect(progressMode(sink(true).out, { json: false, quiet: true })).toBe('quiet');
    expect(progressMode(sink(true).out, { json: false, quiet: false })).toBe('bar');
    expect(progressMode(sink(false).out, { json: false, quiet: false })).toBe('lines');
  });
});

describe('progress', () => {
  it('bar: epoch of epochs, loss, validation loss, learning rate and ETA, ending at the epoch reached', () => {
    const s = sink(true);
    const p = progress('bar', s.out, 10);
    for (let e = 1; e <= 4; e++) p.epoch(record(e, 2 / e));
    p.stop();
    const text = s.text();
    expect(text).toContain('epoch 4/');
    expect(text).toContain('loss 0.25');
    expect(text).toContain('val_loss 0.5');
    expect(text).toContain('lr 0.01');
    expect(text).toContain('ETA');
    // an early stop at epoch 4 of 10 ends the bar full at 4/4
    expect(text).toContain('epoch 4/4');
  });

  it('lines: every k-th epoch (about 25 lines), the first and the last', () => {
    const s = sink(false);
    const p = progress('lines', s.out, 200);
    for (let e = 1; e <= 37; e++) p.epoch(record(e));
    p.stop();
    const epochs = s.text().trim().split('\n').map((l) => Number(/^epoch +(\d+)\/200 /.exec(l)![1]));
    // k = ceil(200 / 25) = 8: epochs 1, 8, 16, 24, 32, and 37 where it stopped
    expect(epochs).toEqual([1, 8, 16, 24, 32, 37]);
    expect(s.text().split('\n')[0]).toBe('epoch   1/200  loss 1  lr 0.01  2 ms');
  });

  it('json: one parseable object per epoch; quiet: nothing', () => {
    const j = sink(false);
    const p = progress('json', j.out, 3);
    p.epoch(record(1, 0.7));
    p.epoch(record(2));
    p.stop();
    expect(j.text().trim().split('\n').map((l) => JSON.parse(l))).toEqual([{ type: 'epoch', ...record(1, 0.7) }, { type: 'epoch', ...record(2) }]);
    const q = sink(true);
    const quiet = progress('quiet', q.out, 3);
    quiet.epoch(record(1));
    quiet.stop();
    expect(q.text()).toBe('');
  });
});
