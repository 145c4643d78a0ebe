// Size budget (issue 10, raised since: see WASM_BUDGET): each .wasm build at most 28 KB; the main entry point's ESM bundle,
// with its embedded builds, at most 52 KB minified and gzipped (esbuild --bundle --minify
// --format=esm --splitting of dist/index.js, each file gzip -9); and that bundle imports
// nothing: the library entry has no runtime dependencies (and does not pull in
// steepest/worker). Splitting, as Vite, Rollup and webpack do by default: the scalar build
// is a dynamic import() that ready() makes only where the SIMD build cannot run (or when
// asked), so the budget counts what a page with SIMD loads: the entry and the chunks it
// imports statically. The scalar chunk is measured and printed beside it.
// steepest/minimize is measured the same way (one bundle of dist/minimize/index.js) and must
// not load the model core or the engines: its gradient check tells a model by its shape.
// KB = 1024 bytes. Needs `npm run build` (dist/ and build/). Prints what it measured.
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const KB = 1024;
// Raised on 2026-12-07 from issue 10's 24 KB and 40 KB, deliberately and by measure, when three
// features landed in the code every page loads (main was 21,519 B of SIMD build, 40,854 B of
// bundle): the learning-rate-free optimizers, WASM and reference (+2.3 KB .wasm, about +2.1 KB
// bundle) with learningRate 'auto' and the new defaults (+0.8 KB bundle); sparse (CSR) training,
// WASM and reference (+3.6 KB .wasm, about +4.7 KB bundle); the thread pool's hooks and fitStream's
// entry (about +1.6 KB bundle; the pool, the threaded build and fitStream themselves load later).
// Measured then: SIMD 27,576 B, threaded 27,882 B; bundle 50,303 B gzip -9. Making sparse and
// learning-rate-free code load on first use would win most of it back (not done yet).
// Raised again on 2026-12-08 to 51 KB: the network's slice-ordered sums that make data-parallel
// batches bit-identical to one thread must be in the SIMD build too (+244 B .wasm, about +280 B
// bundle: 51,432 B), and main was 48 B under 50 KB after the shuffled-CSR copy and Schedule-Free's
// f32x4 step. Measured then: SIMD 28,589 B, threaded 29,814 B.
// Whole fits (issue 16 item 4: restarts' runs with their own streams over views of one copy of X;
// the side-by-side driver itself is in the threads chunk) add about 590 B: 52,025 B after both.
// Raised on 2026-12-08 to 52 KB, by measure, for changes in the code every page loads: History.threads
// (how many threads a call trained on; +68 B) and learningRate 'auto''s reshuffled check of the long
// trials' last step up (a shuffle flag on loadValidation, the check, History's shuffledTried; +136 B),
// with the sparse batch-1 kernel's larger SIMD build: 52,324 B. Loading the sparse and learning-rate-free code
// on first use would win back more than the raise, but fit is synchronous, so it needs an API to preload
// them (not done).
const WASM_BUDGET = 28 * KB;
const THREADS_WASM_BUDGET = 32 * KB;
const BUNDLE_BUDGET = 52 * KB;

const sizes = { simd: 0, scalar: 0, threads: 0, threadsChunk: 0, minified: 0, gzipped: 0, lazyGzipped: 0, minimizeMinified: 0, minimizeGzipped: 0 };
let inputs: string[] = [];
let lazyInputs: string[] = [];
const imports: string[] = [];
let minimizeInputs: string[] = [];

beforeAll(async () => {
  sizes.simd = readFileSync(`${ROOT}/build/steepest.simd.wasm`).length;
  sizes.scalar = readFileSync(`${ROOT}/build/steepest.scalar.wasm`).length;
  sizes.threads = readFileSync(`${ROOT}/build/steepest.threads.wasm`).length;
  const result = await build({
    entryPoints: [`${ROOT}/dist/index.js`], bundle: true, minify: true, format: 'esm', splitting: true, outdir: `${ROOT}/out/size`,
    write: false, metafile: true, logLevel: 'silent', absWorkingDir: ROOT,
  });
  const outputs = result.metafile.outputs;
  const code = new Map(result.outputFiles.map((f) => [f.path.slice(ROOT.length + (ROOT.endsWith('/') ? 0 : 1)), f.contents]));
  const entry = Object.keys(outputs).find((k) => outputs[k].entryPoint === 'dist/index.js')!;
  // The entry and every chunk it reaches through static imports load up front; dynamic imports later.
  // Anything external is an import the library would need at run time.
  const eager = new Set<string>();
  const visit = (file: string) => {
    if (eager.has(file)) return;
    eager.add(file);
    for (const i of outputs[file].imports) {
      if (i.external) imports.push(`${i.kind} ${i.path}`);
      else if (i.kind === 'import-statement') visit(i.path);
    }
  };
  visit(entry);
  const gz = (file: string) => gzipSync(code.get(file)!, { level: 9 }).length;
  for (const file of Object.keys(outputs)) {
    if (eager.has(file)) {
      sizes.minified += code.get(file)!.length;
      sizes.gzipped += gz(file);
      inputs.push(...Object.keys(outputs[file].inputs));
    } else if (Object.keys(outputs[file].inputs).some((i) => i.includes('/threads/') || i.includes('threadsBinary'))) {
      sizes.threadsChunk += gz(file);
      lazyInputs.push(...Object.keys(outputs[file].inputs));
    } else {
      sizes.lazyGzipped += gz(file);
      lazyInputs.push(...Object.keys(outputs[file].inputs));
    }
  }
  const minimize = await build({
    entryPoints: [`${ROOT}/dist/minimize/index.js`], bundle: true, minify: true, format: 'esm', write: false,
    metafile: true, logLevel: 'silent', absWorkingDir: ROOT,
  });
  const minimizeCode = minimize.outputFiles[0].contents;
  sizes.minimizeMinified = minimizeCode.length;
  sizes.minimizeGzipped = gzipSync(minimizeCode, { level: 9 }).length;
  minimizeInputs = Object.keys(minimize.metafile.inputs);
  const kb = (n: number) => `${(n / KB).toFixed(1)} KB (${n} bytes)`;
  console.log(
    `size budget: steepest.simd.wasm ${kb(sizes.simd)}, steepest.scalar.wasm ${kb(sizes.scalar)} (budget ${kb(WASM_BUDGET)} each); ` +
      `main entry bundle ${kb(sizes.minified)} minified, ${kb(sizes.gzipped)} gzip -9 (budget ${kb(BUNDLE_BUDGET)}); ` +
      `the scalar chunk loaded on demand ${kb(sizes.lazyGzipped)} gzip -9; ` +
      `steepest.threads.wasm ${kb(sizes.threads)}, the threads chunks (pool and threaded build, loaded where shared memory exists) ${kb(sizes.threadsChunk)} gzip -9; ` +
      `steepest/minimize bundle ${kb(sizes.minimizeMinified)} minified, ${kb(sizes.minimizeGzipped)} gzip -9`,
  );
});

describe('size budget', () => {
  it('measured something real', () => {
    // A broken build (an empty module, a bundle without the embedded builds) would pass any budget.
    expect(sizes.scalar).toBeGreaterThan(4 * KB);
    expect(sizes.simd).toBeGreaterThan(sizes.scalar);
    expect(sizes.minified).toBeGreaterThan(sizes.simd / 3); // the SIMD build, gzipped, base64
    expect(sizes.lazyGzipped).toBeGreaterThan(sizes.scalar / 3);
  });

  it('the scalar .wasm build is at most 28 KB', () => {
    expect(sizes.scalar).toBeLessThanOrEqual(WASM_BUDGET);
  });

  // 35,589 bytes before the size work of issue 10 (23,749 after it): repeated splat constants
  // rewritten (scripts/splat-constants.mjs), inlined kernels shared, tails through scratch.
  it('the SIMD .wasm build is at most 28 KB', () => {
    expect(sizes.simd).toBeLessThanOrEqual(WASM_BUDGET);
  });

  // Not under the browser budget (issue 16: loaded only where a page uses threads); data-parallel
  // batches' team loop took it past 28 KB (28,959 bytes).
  it('the threaded .wasm build is at most 32 KB', () => {
    expect(sizes.threads).toBeLessThanOrEqual(THREADS_WASM_BUDGET);
  });

  it('the main entry bundle is at most 52 KB minified and gzipped', () => {
    expect(sizes.gzipped).toBeLessThanOrEqual(BUNDLE_BUDGET);
  });

  it('the main entry bundle imports nothing (no runtime dependencies) and holds no worker, CLI, data set, plot, minimizer, ONNX, split or metrics code', () => {
    expect(imports).toEqual([]);
    expect(inputs.filter((p) => p.includes('node_modules'))).toEqual([]);
    expect(inputs.filter((p) => /dist\/(worker|cli|datasets|plot|minimize|onnx)\/|preprocess\/split\.js|confusionMatrix|precisionRecall/.test(p))).toEqual([]);
    expect(inputs).toContain('dist/wasm/simdBinary.js'); // the SIMD build is in it
    expect(inputs).not.toContain('dist/wasm/scalarBinary.js');
    // Loaded later: the scalar build, the pool with the threaded build and data-parallel batches' team (src/threads/load.ts), and
    // fitStream with its stream readers (on its first call).
    expect([...lazyInputs].sort()).toEqual([
      'dist/datasets/csvStream.js', 'dist/datasets/svmlight.js', 'dist/models/fitStream.js',
      'dist/threads/load.js', 'dist/threads/pool.js', 'dist/threads/sideBySide.js', 'dist/threads/team.js', 'dist/threads/workerSource.js',
      'dist/wasm/scalarBinary.js', 'dist/wasm/threadsBinary.js',
    ]);
  });

  // 79,614 bytes minified, 26,823 gzip -9 before issue 15 (gradientCheck's instanceof Model
  // pulled in the model core, both engines and the WASM runtime).
  it('the steepest/minimize bundle holds no model core, engine or WASM runtime code', () => {
    expect(minimizeInputs).toContain('dist/minimize/minimize.js'); // measured the real entry
    expect(minimizeInputs).toContain('dist/models/gradientCheck.js');
    // dist/wasm/abi.js is allowed: the ABI's integer constants (the head and activation codes of
    // dist/engines/network.js), which the bundler inlines.
    const heavy = minimizeInputs.filter((p) => /dist\/wasm\/(?!abi\.js)|dist\/preprocess\/|dist\/engines\/(?!network\.js)|dist\/models\/(?!gradientCheck\.js)/.test(p));
    expect(heavy).toEqual([]);
  });
});
