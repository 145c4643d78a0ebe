// The demo page: reads the form, sends the run to the training worker, and
// redraws the loss curve, the model's view and the parameter path as progress
// messages arrive (at most once per animation frame).
import type { EngineName, StopReason } from 'steepest';
import { applyDefaults, form, initForm, readSettings, syncModelFields, type RunSettings } from './controls.js';
import { loadDataset, type Dataset, type DatasetId } from './datasets.js';
import { prepare, scaleRows, type Prepared } from './prepare.js';
import { STOPPED, type BenchResult, type FromWorker, type Metrics, type ToWorker, type Watch } from './protocol.js';
import { drawBoundary, gridAround, type Points2D } from './plots/boundary.js';
import { drawConfusion } from './plots/confusion.js';
import { drawCurve1D } from './plots/curve1d.js';
import { gridPoints, type Grid } from './plots/field.js';
import { drawLossCurve } from './plots/lossCurve.js';
import { bceObjective, mseObjective, ParamSpace } from './plots/paramPath.js';
import { drawSpeed } from './speed.js';

const $ = <T extends Element = HTMLElement>(id: string) => document.getElementById(id) as Element as T;
const ui = {
  engines: $('engines'),
  info: $('dataset-info'),
  loss: $<SVGSVGElement>('loss'),
  status: $('status'),
  viewPanel: $('view-panel'),
  viewCaption: $('view-caption'),
  viewStack: $('view-stack'),
  viewCanvas: $<HTMLCanvasElement>('view-canvas'),
  view: $<SVGSVGElement>('view'),
  confusion: $<HTMLTableElement>('confusion'),
  metrics: $('metrics'),
  pathPanel: $('path-panel'),
  pathCanvas: $<HTMLCanvasElement>('path-canvas'),
  path: $<SVGSVGElement>('path'),
  pathInfo: $('path-info'),
  speed: $<HTMLTableElement>('speed'),
  speedInfo: $('speed-info'),
};

/** What the page plots for one data set and model. */
interface Plan {
  data: Dataset;
  settings: RunSettings;
  prepared: Prepared;
  view:
    | { kind: 'boundary'; grid: Grid; inputs: Float32Array; points: Points2D }
    | { kind: 'curve'; xs: Float64Array; inputs: Float32Array; x: Float64Array; y: Float64Array }
    | { kind: 'table' };
  space: ParamSpace | null;
}

/** The run in progress or last finished; what the plots show. */
interface Run {
  id: number;
  plan: Plan;
  engine: EngineName | null;
  loss: number[];
  valLoss: number[];
  lr: number;
  msPerEpoch: number;
  path: number[];
  outputs: Float32Array | null;
  state: 'training' | 'done' | 'error';
}

/** Read by the Playwright test, handy in the console too. */
const demo = {
  state: 'loading' as 'loading' | 'idle' | 'training' | 'done' | 'error',
  loss: [] as number[],
  valLoss: [] as number[],
  stop: null as StopReason | null,
  error: null as string | null,
  train: null as Metrics | null,
  val: null as Metrics | null,
  bench: null as BenchResult[] | null,
  engines: [] as EngineName[],
  /** (bias, weight) after each recorded step of a two-parameter model: [t0, t1, t0, t1, ...]. */
  path: [] as number[],
  /** Progress messages received and frames drawn during the current run (the live part). */
  messages: 0,
  framesWhileTraining: 0,
};
(window as unknown as { demo: typeof demo }).demo = demo;

let data: Dataset | null = null;
let run: Run | null = null;
let nextId = 1;
let benchId = 0;
let dirty = false;

const worker = new Worker(new URL('./train.worker.ts', import.meta.url), { type: 'module' });
worker.onmessage = (event: MessageEvent<FromWorker>) => receive(event.data);
worker.onerror = (event) => fail(`the training worker failed: ${event.message || 'it could not be loaded'}`);

function send(msg: ToWorker, transfer: Transferable[] = []): void {
  worker.postMessage(msg, transfer);
}

function setState(state: typeof demo.state): void {
  demo.state = state;
  document.body.dataset.state = state;
  const busy = state === 'training' || state === 'loading';
  form.train.disabled = busy;
  form.stop.disabled = state !== 'training';
  form.bench.disabled = busy || document.body.dataset.bench === 'running';
}

function fail(message: string): void {
  demo.error = message;
  ui.status.textContent = message;
  ui.status.classList.add('error');
  if (run) run.state = 'error';
  setState('error');
}

/** Builds what to plot for the current data set and form, or shows why the form is not valid. */
function makePlan(): Plan | null {
  if (!data) return null;
  let settings: RunSettings;
  try {
    settings = readSettings(data);
    form.error.textContent = '';
  } catch (err) {
    form.error.textContent = (err as Error).message;
    return null;
  }
  const prepared = prepare(data, settings.validation, settings.standardize, settings.model.seed);
  const twoParams = data.features === 1 && (settings.model.kind === 'linear' || settings.model.kind === 'logistic');
  let space: ParamSpace | null = null;
  if (twoParams) {
    const x = prepared.train.X;
    const y = prepared.train.y;
    space = new ParamSpace(settings.model.kind === 'linear' ? mseObjective(x, y) : bceObjective(x, y),
      settings.model.kind === 'linear' ? leastSquaresLine(x, y) : null);
  }
  const { mean, scale } = prepared;
  let view: Plan['view'] = { kind: 'table' };
  if (data.features === 2 && data.task === 'binary') {
    const grid = gridAround(data.X);
    view = {
      kind: 'boundary', grid, inputs: scaleRows(gridPoints(grid), 2, mean, scale),
      points: { xy: data.X, label: data.y, heldOut: prepared.heldOut },
    };
  } else if (data.features === 1) {
    const lo = Math.min(...data.X);
    const hi = Math.max(...data.X);
    const m = (hi - lo) * 0.15 || 1;
    const xs = Float64Array.from({ length: 200 }, (_, i) => lo - m + ((hi - lo + 2 * m) * i) / 199);
    view = { kind: 'curve', xs, inputs: scaleRows(xs, 1, mean, scale), x: data.X, y: data.y };
  }
  return { data, settings, prepared, view, space };
}

/** The exact least-squares line (bias, weight) of y on one feature: where J is smallest. */
function leastSquaresLine(x: Float32Array, y: Float32Array): [number, number] {
  const n = x.length;
  const mx = x.reduce((s, v) => s + v, 0) / n;
  const my = y.reduce((s, v) => s + v, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
  }
  const w = sxx > 0 ? sxy / sxx : 0;
  return [my - w * mx, w];
}

/** Draws the plan with no training yet (a new data set or model). */
function preview(): void {
  const plan = makePlan();
  if (!plan) return;
  run = {
    id: 0, plan, engine: null, loss: [], valLoss: [], lr: plan.settings.fit.learningRate, msPerEpoch: 0,
    path: plan.space ? [0, 0] : [], outputs: null, state: 'done',
  };
  ui.status.textContent = '';
  ui.status.classList.remove('error');
  ui.metrics.textContent = '';
  ui.confusion.replaceChildren();
  draw();
}

function draw(): void {
  dirty = false;
  if (!run) return;
  if (run.state === 'training') demo.framesWhileTraining++;
  const { plan } = run;
  drawLossCurve(ui.loss, run.loss, run.valLoss, plan.settings.fit.epochs);
  const v = plan.view;
  ui.viewStack.hidden = v.kind === 'table';
  ui.viewPanel.hidden = v.kind === 'table' && plan.data.task === 'regression';
  if (v.kind === 'boundary') {
    ui.viewCaption.textContent = 'Decision boundary (P = 0.5) and P(class 1); ringed points are held out';
    drawBoundary(ui.viewCanvas, ui.view, v.grid, run.outputs, v.points, [plan.data.featureNames[0], plan.data.featureNames[1]]);
  } else if (v.kind === 'curve') {
    const probability = plan.data.task !== 'regression';
    ui.viewCaption.textContent = probability ? `P(${plan.data.classNames[1]}) along ${plan.data.featureNames[0]}` : 'The data and the fitted function';
    ui.viewCanvas.getContext('2d')!.clearRect(0, 0, ui.viewCanvas.width, ui.viewCanvas.height);
    drawCurve1D(ui.view, v.x, v.y, v.xs, run.outputs, { x: plan.data.featureNames[0], y: probability ? 'P' : 'y', probability });
  } else {
    ui.viewCaption.textContent = 'Confusion matrix (validation rows)';
  }
  ui.pathPanel.hidden = !plan.space;
  if (plan.space) {
    plan.space.draw(ui.pathCanvas, ui.path, run.path);
    const n = run.path.length / 2;
    const last = run.path.slice(-2);
    ui.pathInfo.textContent = n > 1
      ? `${n - 1} steps; now θ0 = ${fmt(last[0])}, θ1 = ${fmt(last[1])}` +
        (plan.settings.standardize ? ' (on the standardized feature)' : '')
      : 'The path starts at θ = (0, 0), the models\' default initialization' +
        (plan.settings.model.kind === 'linear' ? '; the star is the least-squares optimum.' : '.');
  }
  // After an error the status line keeps its message; the curve still shows the epochs before it.
  if (run.id > 0 && run.state !== 'error') ui.status.textContent = statusLine(run);
}

function scheduleDraw(): void {
  if (dirty) return;
  dirty = true;
  requestAnimationFrame(draw);
}

function statusLine(r: Run): string {
  const epochs = r.plan.settings.fit.epochs;
  const parts = [`epoch ${r.loss.length} / ${epochs}`];
  if (r.loss.length) parts.push(`loss ${fmt(r.loss.at(-1)!)}`);
  if (r.valLoss.length) parts.push(`validation ${fmt(r.valLoss.at(-1)!)}`);
  parts.push(`lr ${fmt(r.lr)}`);
  if (r.engine) parts.push(`engine ${r.engine}`);
  return parts.join(' · ');
}

function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? v.toExponential(2) : String(Number(v.toPrecision(4)));
}

function describe(m: Metrics): string {
  if (m.accuracy !== undefined) return `loss ${fmt(m.loss)}, accuracy ${(m.accuracy * 100).toFixed(1)}%`;
  return `loss ${fmt(m.loss)}, R² ${fmt(m.r2 ?? NaN)}`;
}

function startTraining(): void {
  const plan = makePlan();
  if (!plan) return;
  if (run?.state === 'training') send({ type: 'stop', id: run.id });
  const id = nextId++;
  const { settings, prepared, view } = plan;
  run = {
    id, plan, engine: null, loss: [], valLoss: [], lr: settings.fit.learningRate, msPerEpoch: 0,
    path: [], outputs: null, state: 'training',
  };
  Object.assign(demo, {
    loss: run.loss, valLoss: run.valLoss, path: run.path, stop: null, error: null, train: null, val: null, messages: 0, framesWhileTraining: 0,
  });
  ui.status.classList.remove('error');
  ui.metrics.textContent = '';
  ui.confusion.replaceChildren();
  const watch: Watch = {
    grid: view.kind === 'table' ? null : view.inputs.slice(),
    pathStepsPerEpoch: plan.space ? 20 : 0,
    // Slow motion spreads the run over the chosen time, at most 60 ms per epoch.
    paceMs: Math.min(60, settings.paceMs / settings.fit.epochs),
  };
  setState('training');
  send({ type: 'train', id, model: settings.model, fit: settings.fit, train: prepared.train, val: prepared.val, watch });
  scheduleDraw();
}

function startBench(): void {
  const plan = makePlan();
  if (!plan) return;
  benchId = nextId++;
  document.body.dataset.bench = 'running';
  form.bench.disabled = true;
  demo.bench = null;
  const rows = plan.prepared.train.rows;
  ui.speedInfo.textContent = `Timing ${plan.settings.model.kind === 'mlp' ? 'the MLP' : `${plan.settings.model.kind} regression`} ` +
    `on ${rows} rows on each engine…`;
  send({ type: 'bench', id: benchId, model: plan.settings.model, fit: plan.settings.fit, train: plan.prepared.train });
}

function receive(msg: FromWorker): void {
  if (msg.type === 'ready') {
    demo.engines = msg.engines;
    for (const option of Array.from(form.engine.options)) option.disabled = option.value !== 'auto' && !msg.engines.includes(option.value as EngineName);
    ui.engines.textContent = `Engines in this browser: ${msg.engines.join(', ')}. Training runs in a Web Worker, so the page stays responsive.`;
    setState('idle');
    return;
  }
  if (msg.type === 'bench') {
    if (msg.id !== benchId) return;
    demo.bench = msg.results;
    document.body.dataset.bench = 'done';
    form.bench.disabled = demo.state === 'training';
    drawSpeed(ui.speed, ui.speedInfo, msg.results, msg.skipped, run?.plan.prepared.train.rows ?? 0);
    return;
  }
  if (!run || msg.id !== run.id) {
    if (msg.type === 'error' && msg.id === benchId) {
      document.body.dataset.bench = 'done';
      ui.speedInfo.textContent = `Speed measurement failed: ${msg.message}`;
    }
    return;
  }
  switch (msg.type) {
    case 'start':
      run.engine = msg.engine;
      run.path.push(...msg.path);
      break;
    case 'progress':
      demo.messages++;
      for (const e of msg.epochs) {
        run.loss.push(e.loss);
        if (e.valLoss !== undefined) run.valLoss.push(e.valLoss);
        run.lr = e.learningRate;
      }
      run.path.push(...msg.path);
      if (msg.grid) run.outputs = msg.grid;
      break;
    case 'done': {
      run.state = 'done';
      const stoppedByUser = msg.stop.message === STOPPED;
      Object.assign(demo, { stop: msg.stop, train: msg.train, val: msg.val });
      ui.metrics.textContent = `Training: ${describe(msg.train)}` + (msg.val ? ` · validation: ${describe(msg.val)}` : '') +
        ` · stopped: ${msg.stop.message}`;
      const shown = run.plan.prepared.val ?? run.plan.prepared.train;
      if (msg.predicted && run.plan.view.kind === 'table') {
        drawConfusion(ui.confusion, shown.y, msg.predicted, run.plan.data.classNames);
      }
      setState('done');
      if (!stoppedByUser) startBench();
      break;
    }
    case 'error':
      fail(msg.name === 'DivergenceError' ? msg.message : `${msg.name}: ${msg.message}`);
      break;
  }
  scheduleDraw();
}

/** Loads a data set; a new set also resets the form to its defaults (a new seed keeps the form). */
async function chooseDataset(id: DatasetId, defaults = true): Promise<void> {
  if (run?.state === 'training') send({ type: 'stop', id: run.id });
  setState('loading');
  ui.info.textContent = 'loading…';
  try {
    data = await loadDataset(id, Number(form.seed.value) || 0);
  } catch (err) {
    fail((err as Error).message);
    return;
  }
  if (defaults) applyDefaults(data);
  const task = data.task === 'regression' ? 'regression' : `${data.classNames.length} classes`;
  ui.info.textContent = `${data.rows} rows, ${data.features} feature${data.features > 1 ? 's' : ''}, ${task}`;
  setState(demo.engines.length ? 'idle' : 'loading');
  preview();
}

initForm();
form.dataset.value = new URLSearchParams(location.search).get('data') ?? 'circles';
form.dataset.addEventListener('change', () => void chooseDataset(form.dataset.value as DatasetId));
form.seed.addEventListener('change', () => void chooseDataset(form.dataset.value as DatasetId, false));
form.model.addEventListener('change', () => {
  syncModelFields();
  preview();
});
for (const input of [form.validation, form.standardize, form.hidden]) input.addEventListener('change', preview);
form.root.addEventListener('submit', (event) => {
  event.preventDefault();
  startTraining();
});
form.stop.addEventListener('click', () => {
  if (run?.state === 'training') send({ type: 'stop', id: run.id });
});
form.bench.addEventListener('click', startBench);
void chooseDataset(form.dataset.value as DatasetId);
