// The speed readout: ms per epoch on each engine, rows per second, and each
// engine's speed relative to the js engine, all measured in this session.
import type { BenchResult } from './protocol.js';

/** Fills table with results and writes the headline ratio into info. */
export function drawSpeed(table: HTMLTableElement, info: HTMLElement, results: BenchResult[], skipped: string[], rows: number): void {
  const js = results.find((r) => r.engine === 'js');
  table.replaceChildren();
  const head = table.createTHead().insertRow();
  for (const h of ['engine', 'per epoch', 'rows / s', 'vs js']) head.insertCell().textContent = h;
  const body = table.createTBody();
  for (const r of results) {
    const tr = body.insertRow();
    tr.dataset.engine = r.engine;
    tr.insertCell().textContent = r.engine;
    tr.insertCell().textContent = duration(r.msPerEpoch);
    tr.insertCell().textContent = rows > 0 ? compact((rows * 1000) / r.msPerEpoch) : '';
    tr.insertCell().textContent = js ? `${(js.msPerEpoch / r.msPerEpoch).toFixed(1)}x` : '';
  }
  const simd = results.find((r) => r.engine === 'wasm-simd');
  const lines: string[] = [];
  if (simd && js) lines.push(`WebAssembly SIMD trains this model ${(js.msPerEpoch / simd.msPerEpoch).toFixed(1)}x as fast as plain JavaScript here.`);
  lines.push(`Each engine trains the same model on the same ${rows} rows; per-epoch time is the difference of two timed fits ` +
    `(${results.map((r) => `${r.epochs} epochs on ${r.engine}`).join(', ')}), so copying the data in is not counted.`);
  // Below a few thousand rows an epoch is microseconds and the fit loop's own bookkeeping is much of it.
  if (rows < 1000) lines.push(`With only ${rows} rows the per-epoch bookkeeping in JavaScript is a large share; digits with an MLP shows the kernels better.`);
  lines.push(...skipped);
  info.textContent = lines.join(' ');
}

function duration(ms: number): string {
  if (ms < 1) return `${(ms * 1000).toPrecision(3)} µs`;
  return `${ms.toPrecision(3)} ms`;
}

function compact(v: number): string {
  if (v >= 1e6) return `${(v / 1e6).toPrecision(3)} M`;
  if (v >= 1e3) return `${(v / 1e3).toPrecision(3)} k`;
  return v.toPrecision(3);
}
