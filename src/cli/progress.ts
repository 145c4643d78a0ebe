// What the command shows while it trains: a progress bar on a terminal (cli-progress),
// plain lines when stdout is a file or pipe, one JSON object per epoch with --json,
// or nothing with --quiet.
import cliProgress from 'cli-progress';
import type { Writable } from 'node:stream';
import type { EpochRecord } from '../models/history.js';
import { formatNumber } from '../plot/scale.js';

/** How progress is shown. */
export type ProgressMode = 'bar' | 'lines' | 'json' | 'quiet';

/** Receives each finished epoch; stop() ends the display before the summary. */
export interface Progress {
  epoch(record: EpochRecord): void;
  stop(): void;
}

/** The mode for the flags and the stream: --json wins, then --quiet, then a bar on a terminal. */
export function progressMode(out: Writable & { isTTY?: boolean }, flags: { json: boolean; quiet: boolean }): ProgressMode {
  return flags.json ? 'json' : flags.quiet ? 'quiet' : out.isTTY ? 'bar' : 'lines';
}

/** A progress display for up to `epochs` epochs. */
export function progress(mode: ProgressMode, out: Writable, epochs: number): Progress {
  if (mode === 'quiet') return { epoch() {}, stop() {} };
  if (mode === 'json') {
    return {
      epoch: (r) => out.write(`${JSON.stringify({ type: 'epoch', ...r })}\n`),
      stop() {},
    };
  }
  if (mode === 'lines') {
    // At most about 25 lines however many epochs: every k-th epoch, the first, and the last.
    const every = Math.max(1, Math.ceil(epochs / 25));
    let last: EpochRecord | null = null;
    let shown = 0;
    const line = (r: EpochRecord) => {
      shown = r.epoch;
      out.write(`epoch ${String(r.epoch).padStart(String(epochs).length)}/${epochs}  loss ${formatNumber(r.loss)}` +
        `${r.valLoss !== undefined ? `  val_loss ${formatNumber(r.valLoss)}` : ''}  lr ${formatNumber(r.learningRate)}  ${formatNumber(r.timeMs, 3)} ms\n`);
    };
    return {
      epoch(r) {
        last = r;
        if (r.epoch === 1 || r.epoch % every === 0) line(r);
      },
      stop() {
        if (last && shown !== last.epoch) line(last);
      },
    };
  }
  const bar = new cliProgress.SingleBar({
    stream: out,
    format: 'epoch {value}/{total} {bar} loss {loss}  val_loss {val}  lr {lr}  ETA {eta_formatted}',
    barsize: 24,
    hideCursor: true,
    clearOnComplete: false,
    etaBuffer: 20,
  }, cliProgress.Presets.shades_classic);
  bar.start(epochs, 0, { loss: '-', val: '-', lr: '-' });
  let last = 0;
  return {
    epoch(r) {
      last = r.epoch;
      bar.update(r.epoch, { loss: formatNumber(r.loss), val: r.valLoss !== undefined ? formatNumber(r.valLoss) : '-', lr: formatNumber(r.learningRate) });
    },
    stop() {
      // An early stop leaves the bar short of its total: end it at the epoch reached.
      if (last > 0 && last < epochs) bar.setTotal(last);
      bar.stop();
    },
  };
}
