// Case `marshal`: what copying arrays into WASM on every call costs, the classic
// @assemblyscript/loader style, against the zero-copy path steepest uses (data
// stays resident in WASM memory; only pointers and sizes cross).
//
// The module is built with `--runtime minimal` and no exported runtime, so the
// loader's managed-array helpers (__newArray, __pin) do not exist. The loader
// instantiates the module and demangles its exports; the copy is done the way
// they would do it underneath: alloc, a Float32Array view, set, call, free.
import { readFile } from 'node:fs/promises';
import { instantiate } from '@assemblyscript/loader';
import { detectSupport } from '../src/wasm/runtime.js';
import { seedState } from '../src/reference/random.js';
import { smallIntegers } from './data.js';
import { check, measure, printTable, sig, writeResult, type BenchOptions, type MeasureOptions, type Stats } from '../src/bench/harness.js';

// The exports this case uses, as the loader hands them out.
type Exports = {
  memory: WebAssembly.Memory;
  alloc(size: number): number;
  free(ptr: number): void;
  dot(aPtr: number, bPtr: number, n: number): number;
  readSequential(xPtr: number, n: number): number;
  __newArray(id: number, values: ArrayLike<number>): number;
};

// 6.4M elements is X of the train case at N = 100,000 and D = 64.
const FULL_SIZES = [100, 1_000, 10_000, 100_000, 1_000_000, 6_400_000];
const QUICK_SIZES = [100, 10_000, 100_000];

/** One kernel at one size: per-call times with a fresh copy in and with resident data. */
interface MarshalRow {
  kernel: 'readSequential' | 'dot';
  n: number;
  bytesCopied: number;
  marshaled: Stats;
  resident: Stats;
  copyShare: number;
}

/** Runs the case: prints the table, writes bench/results/marshal.json. */
export async function run(options: BenchOptions): Promise<void> {
  const build = detectSupport().simd ? 'simd' : 'scalar';
  const file = new URL(`../build/steepest.testing.${build}.wasm`, import.meta.url); // the build that exports dot on its own
  const bytes = await readFile(file).catch((err) => {
    throw new Error(`cannot read ${file.pathname}: run \`npm run build\` first`, { cause: err });
  });
  const { exports } = await instantiate<Exports>(bytes, {
    env: {
      abort(_msg: number, _file: number, line: number, column: number): never {
        throw new Error(`WebAssembly abort at line ${line}, column ${column}`);
      },
    },
  });
  const helpers = loaderArrayHelpers(exports);
  const sizes = options.quick ? QUICK_SIZES : FULL_SIZES;
  const timing: MeasureOptions = options.quick ? { warmup: 2, samples: 9, minBatchMs: 1 } : { warmup: 3, samples: 21, minBatchMs: 5 };
  const rng = seedState(99);
  const rows: MarshalRow[] = [];
  for (const n of sizes) {
    // Fresh JS-side arrays, made once: the copy into WASM is what each marshaled call pays.
    const a = smallIntegers(n, 3, rng);
    const b = smallIntegers(n, 3, rng);
    rows.push(compare(exports, 'readSequential', n, [a], timing));
    rows.push(compare(exports, 'dot', n, [a, b], timing));
  }

  printTable(
    `marshal: @assemblyscript/loader (${build} build), copy-in per call vs data resident in WASM memory, ms per call${options.quick ? ' [quick]' : ''}`,
    [
      { title: 'kernel', left: true }, { title: 'n' }, { title: 'copied' }, { title: 'marshaled ms' }, { title: 'resident ms' },
      { title: 'copy share' }, { title: 'slowdown' },
    ],
    rows.map((r) => [
      r.kernel, String(r.n), megabytes(r.bytesCopied), sig(r.marshaled.median), sig(r.resident.median),
      `${(100 * r.copyShare).toFixed(0)}%`, `${sig(r.marshaled.median / r.resident.median)}x`,
    ]),
    [
      'marshaled: alloc, Float32Array view + set, call, free on every call (dot copies both vectors); resident: the call alone.',
      'copy share = (marshaled - resident) / marshaled. Both paths call through the loader\'s demangled exports.',
      `Loader array helpers: ${helpers}`,
    ],
  );
  const path = writeResult('marshal', options, { build, sizes, timing, loaderArrayHelpers: helpers, rows });
  console.log(`wrote ${path}`);
}

function compare(ex: Exports, kernel: MarshalRow['kernel'], n: number, inputs: Float32Array[], timing: MeasureOptions): MarshalRow {
  const call = (ptrs: number[]) => (kernel === 'dot' ? ex.dot(ptrs[0], ptrs[1], n) : ex.readSequential(ptrs[0], n));
  // Setup, untimed: the resident copies.
  const resident = inputs.map((x) => copyIn(ex, x));
  try {
    const marshaled = () => {
      const ptrs = inputs.map((x) => copyIn(ex, x));
      const result = call(ptrs);
      for (const p of ptrs) ex.free(p);
      return result;
    };
    const expected = call(resident);
    check(Number.isFinite(expected) && marshaled() === expected, `marshal ${kernel} n=${n}: ${marshaled()} vs ${expected}`);
    const m = measure(marshaled, timing);
    const r = measure(() => call(resident), timing);
    check(Number.isFinite(m.median) && Number.isFinite(r.median), `marshal ${kernel} n=${n}: time is NaN`);
    return { kernel, n, bytesCopied: 4 * n * inputs.length, marshaled: m, resident: r, copyShare: (m.median - r.median) / m.median };
  } finally {
    for (const p of resident) ex.free(p);
  }
}

/** Copies x into freshly allocated WASM memory; the view is taken after alloc, which may grow (and detach) the buffer. */
function copyIn(ex: Exports, x: Float32Array): number {
  const ptr = ex.alloc(x.length * 4);
  new Float32Array(ex.memory.buffer, ptr, x.length).set(x);
  return ptr;
}

/** What the loader's __newArray says about this module (it needs --exportRuntime, which steepest does not use). */
function loaderArrayHelpers(ex: Exports): string {
  try {
    ex.__newArray(0, [1]);
    return 'available';
  } catch (err) {
    return `unavailable (${err instanceof Error ? err.message : String(err)})`;
  }
}

function megabytes(bytes: number): string {
  return bytes >= 1e6 ? `${sig(bytes / 1e6)} MB` : `${sig(bytes / 1e3)} kB`;
}
