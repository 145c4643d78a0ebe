// Draws docs/learning-rate.svg: loss curves on one bench problem for the grid of fixed
// rates (SGD and Adam, 1e-4 to 10) and for the methods that choose the rate themselves.
// Run: npm run build && npx tsx scripts/plot-learning-rate.mts [problem]
import { writeFileSync } from 'node:fs';
import { ready } from '../src/index.js';
import { plotCurves, type Curve } from '../src/plot/index.js';
import { gridRates, methods, problems, train } from '../bench/autolr.js';

await ready();
const name = process.argv[2] ?? 'digits-mlp';
const p = problems(false).find((q) => q.name === name);
if (!p) throw new Error(`no bench problem ${name}`);
const curves: Curve[] = [];
for (const [optimizer, color] of [['sgd', '#bbbbbb'], ['adam', '#f2c6a0']] as const) {
  gridRates(false).forEach((rate, i) => {
    const h = train(p, { optimizer, learningRate: rate }).history;
    // One legend entry per grid; a diverged run has no curve.
    if (h) curves.push({ label: i === 0 ? `${optimizer}, fixed rates 1e-4..10` : '', loss: h.loss, color });
  });
}
const chosen = methods().filter((m) => ['defaults', 'auto sgd', 'auto momentum', 'auto adam', 'auto rmsprop'].includes(m.label) || !m.label.startsWith('auto'));
const colors = ['#d62728', '#1f77b4', '#2ca02c', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#bcbd22', '#7f7f7f', '#ff7f0e'];
chosen.forEach((m, i) => {
  const h = train(p, m.options).history;
  if (h) curves.push({ label: m.label === 'defaults' ? 'defaults (no options)' : m.label, loss: h.loss, color: colors[i % colors.length], dash: m.label === 'defaults' ? undefined : '6 3' });
});
writeFileSync(new URL('../docs/learning-rate.svg', import.meta.url), plotCurves(curves, { title: `Training loss per epoch: ${p.name} (${p.what}), ${p.epochs} epochs` }));
console.log(`wrote docs/learning-rate.svg (${curves.length} curves)`);
