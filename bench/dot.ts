// Case `dot`: the dot kernel (assembly/kernels/dot.ts) in the SIMD and scalar
// builds beside a plain JS loop, over sizes 10..10^6 and tails that miss the
// 8-lane block. Every result must equal the float64 reference exactly.
import { ready } from '../src/index.js';
import { testingRuntime, type TestingRuntime } from '../test/helpers/testingBuild.js';
import { dot as referenceDot } from '../src/reference/dot.js';
import { seedState } from '../src/reference/random.js';
import { smallIntegers } from './data.js';
import { check, measure, printTable, sig, writeResult, type BenchOptions, type MeasureOptions, type Stats } from '../src/bench/harness.js';

const FULL_SIZES = [10, 17, 100, 127, 257, 1_000, 10_000, 100_000, 1_000_000];
const QUICK_SIZES = [10, 17, 127, 257, 1_000, 10_000, 100_000];
// Values in [-3, 3]: 10^6 * 9 < 2^24, so the f32 sums are exact (see smallIntegers).
const MAX_VALUE = 3;

/** The plain JS loop the kernels are compared with (accumulates in float64, as JS numbers do). */
function jsDot(a: Float32Array, b: Float32Array, n: number): number {
  let sum = 0;
  for (let i = 0; i < n; i++) sum += a[i] * b[i];
  return sum;
}

/** Timing of one implementation at one size. */
interface DotTiming {
  impl: string;
  msPerCall: Stats;
  nsPerElement: number;
  gflops: number;
}

/** Runs the case: prints the table, writes bench/results/dot.json. */
export async function run(options: BenchOptions): Promise<void> {
  await ready({ scalar: true }); // every engine, for the comparison
  const sizes = options.quick ? QUICK_SIZES : FULL_SIZES;
  const timing: MeasureOptions = options.quick ? { warmup: 2, samples: 9, minBatchMs: 1 } : { warmup: 3, warmupMs: 100, samples: 25, minBatchMs: 4 };
  // The testing build: dot is one of the kernels it exports on its own (the shipped build only calls it inside).
  const builds = [['wasm-simd', testingRuntime(true)], ['wasm-scalar', testingRuntime(false)]] as const;
  const rng = seedState(2024);
  const results: { n: number; timings: DotTiming[] }[] = [];

  for (const n of sizes) {
    // Setup, untimed: data, the reference result, copies in each build's memory.
    const a = smallIntegers(n, MAX_VALUE, rng);
    const b = smallIntegers(n, MAX_VALUE, rng);
    const expected = referenceDot(a, 0, b, 0, n);
    const timings: DotTiming[] = [];
    for (const [impl, rt] of builds) {
      if (rt) timings.push(timeWasmDot(impl, rt, a, b, n, expected, timing));
    }
    check(jsDot(a, b, n) === expected, `dot n=${n} js: ${jsDot(a, b, n)}, expected ${expected}`);
    timings.push(describe('js', n, measure(() => jsDot(a, b, n), timing)));
    results.push({ n, timings });
  }

  const impls = results[0]?.timings.map((t) => t.impl) ?? [];
  const cell = (r: (typeof results)[number], impl: string) => r.timings.find((t) => t.impl === impl);
  const ratio = (r: (typeof results)[number], num: string, den: string) =>
    (cell(r, num)?.msPerCall.median ?? NaN) / (cell(r, den)?.msPerCall.median ?? NaN);
  printTable(
    `dot: f32 dot product, ns per element and GFLOP/s (2 flops per element), median of ${timing.samples} batches${options.quick ? ' [quick]' : ''}`,
    [
      { title: 'n' },
      ...impls.flatMap((impl) => [{ title: `${impl} ns/el` }, { title: 'GFLOP/s' }]),
      { title: 'simd vs scalar' }, { title: 'simd vs js' },
    ],
    results.map((r) => [
      String(r.n),
      ...impls.flatMap((impl) => [sig(cell(r, impl)?.nsPerElement ?? NaN), sig(cell(r, impl)?.gflops ?? NaN)]),
      `${sig(ratio(r, 'wasm-scalar', 'wasm-simd'))}x`, `${sig(ratio(r, 'js', 'wasm-simd'))}x`,
    ]),
    [
      'Each batch repeats the call until it lasts a few ms; the JS-to-WASM call is included, so small n shows its overhead.',
      'Data: small integers, so every result is checked for equality with the float64 reference.',
    ],
  );
  const path = writeResult('dot', options, { sizes, timing, maxValue: MAX_VALUE, results });
  console.log(`wrote ${path}`);
}

function timeWasmDot(
  impl: string, rt: TestingRuntime, a: Float32Array, b: Float32Array, n: number, expected: number, timing: MeasureOptions,
): DotTiming {
  const aPtr = rt.alloc(n * 4);
  const bPtr = rt.alloc(n * 4);
  try {
    rt.writeF32(aPtr, a);
    rt.writeF32(bPtr, b);
    const dot = rt.unguarded.dot; // the fault guard adds a JS call per dot, which would dominate at small n
    const got = dot(aPtr, bPtr, n);
    check(got === expected, `dot n=${n} ${impl}: ${got}, expected ${expected}`);
    return describe(impl, n, measure(() => dot(aPtr, bPtr, n), timing));
  } finally {
    rt.free(bPtr);
    rt.free(aPtr);
  }
}

function describe(impl: string, n: number, msPerCall: Stats): DotTiming {
  const ns = msPerCall.median * 1e6;
  check(Number.isFinite(ns) && ns > 0, `dot n=${n} ${impl}: time ${ns} ns`);
  return { impl, msPerCall, nsPerElement: ns / n, gflops: (2 * n) / ns };
}
