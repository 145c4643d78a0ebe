// The text steepest train prints at the end: what was trained on what, the engine,
// why it stopped, time per epoch, the metrics, the files written, and the loss curve.
import { formatNumber } from '../plot/scale.js';
import type { Metrics } from './metrics.js';
import { terminalPlot } from './terminalPlot.js';
import type { TrainResult } from './train.js';

const MODEL_NAMES = { linear: 'linear regression', logistic: 'logistic regression', softmax: 'softmax regression', mlp: 'MLP' } as const;

/** The summary, or with quiet its one-line form. */
/** What --lr auto chose and what it cost. */
function rateLine(s: NonNullable<TrainResult['learningRateSearch']>): string {
  return `learning rate ${formatNumber(s.rate, 3)} chosen by a search of ${s.trials} trials (${duration(s.timeMs)}, ${formatNumber(s.epochs, 2)} epochs of the data)`;
}

export function trainSummary(r: TrainResult, quiet: boolean): string {
  const main = r.metrics.validation ?? r.metrics.train;
  const which = r.metrics.validation ? 'validation' : 'train';
  const headline = main.accuracy !== undefined ? `accuracy ${percent(main.accuracy)}` : `R^2 ${formatNumber(main.r2!)}`;
  const wrote = Object.values(r.files);
  if (quiet) {
    return `${headline} (${which}), stopped: ${r.stopReason.rule} at epoch ${r.stopReason.epoch}${wrote.length ? `, wrote ${wrote.join(', ')}` : ''}\n`;
  }
  const d = r.data;
  const model = r.model.type === 'mlp' ? `MLP (hidden ${r.model.hidden!.join(',')}, ${r.model.activation})` : MODEL_NAMES[r.model.type];
  const lines = [
    '',
    `${model} on ${d.source}: ${count(d.rows, 'row')}${d.validationRows ? ` (${d.trainRows} train, ${d.validationRows} validation)` : ''}, ` +
      `${count(d.features, 'feature')}${d.features !== d.columns ? ` from ${count(d.columns, 'column')}` : ''}${d.categorical.length ? ` (one-hot: ${d.categorical.join(', ')})` : ''}, ${count(r.model.parameters, 'parameter')}`,
    row('engine', r.engine),
    row('stopped', `epoch ${r.stopReason.epoch}: ${r.stopReason.message}${r.bestEpoch !== r.stopReason.epoch ? ` (kept the weights of epoch ${r.bestEpoch})` : ''}`),
    row('time', `${duration(r.timeMs)} for ${r.epochs} epochs, ${formatNumber(r.msPerEpoch, 3)} ms per epoch (median)`),
    ...(r.learningRateSearch ? [row('rate', rateLine(r.learningRateSearch))] : []),
    row('metrics', metricsLine('train', r.metrics.train)),
    ...(r.metrics.validation ? [row('', metricsLine('validation', r.metrics.validation))] : []),
    ...(r.data.dropped ? [row('skipped', `${count(r.data.dropped, 'row')} with an empty or non-numeric value`)] : []),
    row('wrote', wrote.length ? wrote.join(', ') : 'nothing (--out FILE saves the model)'),
    '',
  ];
  const loss = r.history.loss;
  const log = Math.max(...loss) / Math.min(...loss) > 100 && Math.min(...loss) > 0;
  const series = [{ label: 'training loss', values: loss, mark: '*' }];
  if (r.history.valLoss.length) series.push({ label: 'validation loss', values: r.history.valLoss, mark: 'o' });
  lines.push('loss', ...terminalPlot(series, { log }), '');
  return lines.join('\n');
}

// 1 row, 2 rows.
function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function row(label: string, text: string): string {
  return `${label.padEnd(9)} ${text}`;
}

/** One set's metrics in a line: loss and accuracy, or MSE, MAE and R^2. */
export function metricsLine(set: string, m: Metrics): string {
  const parts = m.accuracy !== undefined
    ? [`accuracy ${percent(m.accuracy)}`, `loss ${formatNumber(m.loss)}`]
    : [`MSE ${formatNumber(m.mse!)}`, `MAE ${formatNumber(m.mae!)}`, `R^2 ${formatNumber(m.r2!)}`];
  return `${set.padEnd(10)} ${parts.join('  ')}  (${m.rows} rows)`;
}

// 27.1 ms, 3.52 s.
function duration(ms: number): string {
  return ms < 1000 ? `${formatNumber(ms, 3)} ms` : `${formatNumber(ms / 1000, 3)} s`;
}

/** 0.9736 as '97.4%'. */
export function percent(x: number): string {
  return `${(100 * x).toFixed(1)}%`;
}
