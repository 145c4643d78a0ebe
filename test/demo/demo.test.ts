// The demo page in headless Chromium: built as the static site (`npm run
// demo:build`) and served by vite preview, driven through its form like a
// visitor would, plus one load through the dev server that `npm run demo` runs.
// Saves the screenshot README shows when UPDATE_DEMO_SCREENSHOT=1
// (`npm run demo:screenshot`), so ordinary runs leave the working tree alone.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright';
import { build, createServer, preview, type PreviewServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectProblems, launchChromium } from '../helpers/chromium.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CONFIG = path.join(ROOT, 'demo/vite.config.ts');
const SCREENSHOT = path.join(ROOT, 'docs/demo.png');

/** What main.ts leaves in window.demo. */
interface DemoState {
  state: string;
  loss: number[];
  valLoss: number[];
  path: number[];
  messages: number;
  framesWhileTraining: number;
  error: string | null;
  stop: { rule: string; message: string } | null;
  train: { loss: number; accuracy?: number } | null;
  val: { loss: number; accuracy?: number } | null;
  bench: { engine: string; msPerEpoch: number; epochs: number }[] | null;
  engines: string[];
}

let browser: Browser;
let server: PreviewServer;
let outDir: string;
let origin: string;

beforeAll(async () => {
  outDir = await mkdtemp(path.join(tmpdir(), 'steepest-demo-'));
  await build({ configFile: CONFIG, logLevel: 'warn', build: { outDir, emptyOutDir: true } });
  server = await preview({ configFile: CONFIG, logLevel: 'warn', build: { outDir }, preview: { host: '127.0.0.1', port: 0 } });
  origin = server.resolvedUrls!.local[0].replace(/\/$/, '');
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (outDir) await rm(outDir, { recursive: true, force: true });
});

/** Opens the page on a data set and waits until its worker is ready. */
async function open(data: string, at = origin): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const problems = collectProblems(page);
  await page.goto(`${at}/?data=${data}`);
  await page.waitForFunction(() => (window as unknown as { demo?: DemoState }).demo?.state === 'idle', null, { timeout: 20_000 });
  return { page, problems };
}

const state = (page: Page) => page.evaluate(() => (window as unknown as { demo: DemoState }).demo);

/** Presses Train and waits for the run to end (done or error). */
async function train(page: Page): Promise<DemoState> {
  await page.click('#train');
  await page.waitForFunction(() => ['done', 'error'].includes((window as unknown as { demo: DemoState }).demo.state), null, { timeout: 30_000 });
  const s = await state(page);
  expect(s.error, 'the run ended without an error').toBeNull();
  return s;
}

/** Opaque pixels of a canvas, and how many of them lean orange (class 0) or blue (class 1). */
function canvasPixels(page: Page, id: string): Promise<{ opaque: number; orange: number; blue: number; total: number }> {
  return page.evaluate((canvasId) => {
    const c = document.getElementById(canvasId) as HTMLCanvasElement;
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let opaque = 0;
    let orange = 0;
    let blue = 0;
    for (let i = 0; i < d.length; i += 4) {
      if (d[i + 3] === 0) continue;
      opaque++;
      if (d[i] > d[i + 2] + 40) orange++;
      if (d[i + 2] > d[i] + 40) blue++;
    }
    return { opaque, orange, blue, total: d.length / 4 };
  }, id);
}

/** Number of points in an SVG polyline's points attribute. */
async function polylinePoints(page: Page, selector: string): Promise<number> {
  const points = await page.getAttribute(selector, 'points');
  return points ? points.trim().split(/\s+/).length : 0;
}

describe('demo page (static build)', () => {
  it('trains an MLP on the spiral in its worker, redrawing the loss and the decision boundary as it goes, then measures WASM vs JS', async () => {
    const { page, problems } = await open('spiral');
    // The defaults for the spiral: MLP 16-16 tanh, Adam at 0.01, 600 epochs; slow motion over about 2 s.
    expect(await page.inputValue('#model')).toBe('mlp');
    await page.selectOption('#pace', '2000');
    const s = await train(page);

    expect(s.loss.length).toBe(600);
    // A 2-16-16-1 network that learns the two arms ends far below ln 2 = 0.693 (a coin flip);
    // a trainer that did not learn stays near it.
    expect(s.loss[0]).toBeGreaterThan(0.6);
    expect(s.loss.at(-1)!).toBeLessThan(0.25 * s.loss[0]);
    expect(s.train!.accuracy!).toBeGreaterThanOrEqual(0.9);
    expect(s.valLoss.length, 'validation loss every epoch (20% held out)').toBe(600);
    // The worker reports at most every 33 ms and slow motion stretches the run to at least
    // 2 s, so about 60 messages arrive, each scheduling a redraw: the plots were drawn
    // many times during the run, not once at the end. (Lower bounds leave room for a busy machine.)
    expect(s.messages).toBeGreaterThanOrEqual(20);
    expect(s.framesWhileTraining).toBeGreaterThanOrEqual(10);

    expect(await polylinePoints(page, '#loss polyline.loss-train')).toBe(600);
    expect(await polylinePoints(page, '#loss polyline.loss-val')).toBe(600);
    const boundary = await page.getAttribute('#view path.boundary', 'd');
    // The P = 0.5 line around interleaved arms is many marching-squares segments.
    expect((boundary ?? '').split('M').length - 1).toBeGreaterThan(50);
    expect(await page.locator('#view circle.pt').count()).toBe(200);
    const px = await canvasPixels(page, 'view-canvas');
    // The field fills the plot frame (about 3/4 of the canvas) and shows both classes' regions.
    expect(px.opaque / px.total).toBeGreaterThan(0.5);
    expect(px.orange / px.opaque).toBeGreaterThan(0.15);
    expect(px.blue / px.opaque).toBeGreaterThan(0.15);

    await page.waitForFunction(() => document.body.dataset.bench === 'done', null, { timeout: 30_000 });
    const { bench, engines } = await state(page);
    expect(engines).toEqual(['wasm-simd', 'wasm-scalar', 'js']);
    expect(bench!.map((b) => b.engine)).toEqual(['wasm-simd', 'wasm-scalar', 'js']);
    for (const b of bench!) expect(b.msPerEpoch > 0 && Number.isFinite(b.msPerEpoch), `${b.engine} ms/epoch ${b.msPerEpoch}`).toBe(true);
    expect(await page.locator('#speed tbody tr').count()).toBe(3);
    expect(await page.textContent('#speed-info')).toMatch(/WebAssembly SIMD trains this model \d+(\.\d)?x as fast as plain JavaScript/);

    const png = await page.screenshot({ fullPage: true });
    // PNG signature, then the IHDR width: the page was rendered at the 1280-pixel viewport.
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(png.readUInt32BE(16)).toBe(1280);
    if (process.env.UPDATE_DEMO_SCREENSHOT === '1') await writeFile(SCREENSHOT, png);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('draws the path of (theta0, theta1) over the contours of J, ending at the least-squares line', async () => {
    const { page, problems } = await open('secret-noisy');
    expect(await page.inputValue('#model')).toBe('linear');
    await page.selectOption('#batch', 'full');
    await page.fill('#lr', '0.03');
    await page.fill('#epochs', '2000');
    await page.selectOption('#pace', '0');
    const s = await train(page);

    // One point per epoch (one batch per epoch) plus the start at the zero initialization.
    expect(s.path.length).toBe(2 * 2001);
    expect(s.path.slice(0, 2)).toEqual([0, 0]);
    // Least squares by hand for x = 2, 3, 5, 8 and y = 3, 6, 5, 12: mean x 4.5, mean y 6.5,
    // Sxy = 28, Sxx = 21, so theta1 = 4/3 and theta0 = 6.5 - 4.5 * 4/3 = 0.5, where the
    // mean squared error is (0.1667^2 + 1.5^2 + 2.1667^2 + 0.8333^2) / 4 = 23/12.
    // Full-batch descent at lr 0.03 contracts the slowest direction by about 0.988 per
    // step (Hessian eigenvalues 0.4 and 52.6), so after 2000 steps only float32 rounding
    // is left (~1e-6); 1e-3 allows that and fails any wrong gradient or path.
    const [t0, t1] = s.path.slice(-2);
    expect(Math.abs(t0 - 0.5)).toBeLessThanOrEqual(1e-3);
    expect(Math.abs(t1 - 4 / 3)).toBeLessThanOrEqual(1e-3);
    expect(Math.abs(s.loss.at(-1)! - 23 / 12)).toBeLessThanOrEqual(1e-3);
    // The first epoch's loss is J at the start, J(0, 0) = mean(y^2) = (9 + 36 + 25 + 144) / 4 = 53.5,
    // exact in float32; 1e-6 relative allows a different summation order.
    expect(Math.abs(s.loss[0] - 53.5)).toBeLessThanOrEqual(53.5e-6);

    expect(await page.isVisible('#path-panel')).toBe(true);
    expect(await polylinePoints(page, '#path polyline.path')).toBe(2001);
    expect((await page.getAttribute('#path path.contour', 'd'))?.length ?? 0).toBeGreaterThan(100);
    const px = await canvasPixels(page, 'path-canvas');
    expect(px.opaque / px.total).toBeGreaterThan(0.5);
    expect(await polylinePoints(page, '#view polyline.fit-curve')).toBe(200);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('Stop ends a run early and keeps what it trained; a learning rate past 2 / curvature shows the divergence error', async () => {
    const { page, problems } = await open('blobs');
    // Slow motion over 10 s caps each epoch at 60 ms, so the run is still going when Stop is pressed.
    await page.selectOption('#pace', '10000');
    await page.fill('#epochs', '200');
    await page.click('#train');
    await page.waitForFunction(() => (window as unknown as { demo: DemoState }).demo.loss.length >= 3, null, { timeout: 20_000 });
    await page.click('#stop');
    await page.waitForFunction(() => (window as unknown as { demo: DemoState }).demo.state === 'done', null, { timeout: 20_000 });
    const stopped = await state(page);
    expect(stopped.stop!.message).toBe('stopped from the page');
    expect(stopped.loss.length).toBeGreaterThanOrEqual(3);
    expect(stopped.loss.length).toBeLessThan(200);
    expect(stopped.train!.accuracy!).toBeGreaterThan(0.5);

    // The exact secret number on raw x = 2, 3, 5, 8: J's Hessian is 2 [[1, 4.5], [4.5, 25.5]], largest
    // eigenvalue about 52.6, so full-batch steps of lr 0.1 > 2 / 52.6 grow the error about 4.3x a step.
    await page.selectOption('#dataset', 'secret');
    await page.waitForFunction(() => (window as unknown as { demo: DemoState }).demo.state === 'idle', null, { timeout: 20_000 });
    await page.fill('#lr', '0.1');
    await page.selectOption('#pace', '0');
    await page.click('#train');
    await page.waitForFunction(() => (window as unknown as { demo: DemoState }).demo.state === 'error', null, { timeout: 20_000 });
    const status = await page.textContent('#status');
    expect(status).toMatch(/^training diverged in epoch \d+, batch 1: .* at learningRate 0\.1\. .*Try a smaller learningRate/);
    expect(await page.isEnabled('#train'), 'Train works again after an error').toBe(true);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('loads a bundled data set (digits, from steepest/datasets), trains softmax regression and fills the confusion matrix', async () => {
    const { page, problems } = await open('digits');
    await page.fill('#epochs', '15');
    await page.selectOption('#pace', '0');
    const s = await train(page);
    // README: softmax regression reaches about 95% on digits; 15 epochs of Adam are enough for 90%.
    expect(s.val!.accuracy!).toBeGreaterThanOrEqual(0.9);
    expect(s.loss.at(-1)!).toBeLessThan(0.5 * s.loss[0]);
    const cells = await page.$$eval('#confusion tbody tr', (rows) =>
      rows.map((r) => Array.from(r.querySelectorAll('td')).slice(1).map((td) => Number(td.textContent))));
    expect(cells.length).toBe(10);
    const total = cells.flat().reduce((a, b) => a + b, 0);
    const diagonal = cells.reduce((a, row, i) => a + row[i], 0);
    // 20% of 1797 rows held out; the matrix's diagonal share is the validation accuracy evaluate() reported.
    expect(total).toBe(359);
    expect(diagonal / total).toBe(s.val!.accuracy);
    expect(problems).toEqual([]);
    await page.close();
  });
});

describe('demo page (dev server, as npm run demo serves it)', () => {
  it('loads, starts its worker and lists the engines', async () => {
    const dev = await createServer({ configFile: CONFIG, logLevel: 'warn', server: { host: '127.0.0.1', port: 0 } });
    await dev.listen();
    try {
      const { page, problems } = await open('blobs', dev.resolvedUrls!.local[0].replace(/\/$/, ''));
      expect(await page.textContent('#engines')).toContain('wasm-simd, wasm-scalar, js');
      expect(await page.locator('#view circle.pt').count()).toBe(200);
      expect(problems).toEqual([]);
      await page.close();
    } finally {
      await dev.close();
    }
  });
});

// Keep the committed screenshot honest: README links it, so it must exist.
describe('docs/demo.png', () => {
  it('exists and is a PNG', async () => {
    const png = await readFile(SCREENSHOT);
    expect(png.subarray(1, 4).toString()).toBe('PNG');
  });
});
