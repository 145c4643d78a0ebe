// The ABI between src/ and assembly/: src/wasm/abi.ts is the one definition of its numbers,
// imported as it is by both compilers. Checked here: the file stays plain integer constants
// (what both languages accept), nothing in assembly/ defines an ABI name again, the layouts
// give every field its own slot inside its block, the reference engine's own codes are the
// ABI's, and the shipped builds export exactly the functions of WASM_EXPORTS (from which
// the type WasmExports is derived) with the arities it declares, at most 6 arguments each.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as abi from '../../src/wasm/abi.js';
import { WASM_EXPORTS, wasmImports } from '../../src/wasm/runtime.js';
import { OPTIMIZERS } from '../../src/wasm/optimizerBlock.js';
import { ACT_IDENTITY, ACT_RELU, ACT_SIGMOID, ACT_TANH } from '../../src/reference/activations.js';
import { LOSS_BCE, LOSS_MSE } from '../../src/reference/losses.js';
import { resolveOptimizer } from '../../src/optim/optimizers.js';
import { testingRuntime } from '../helpers/testingBuild.js';

const ROOT = new URL('../../', import.meta.url);
const values = abi as unknown as Record<string, number>;

/** The ABI's names that start with prefix, except the given ones (block sizes). */
const group = (prefix: string, ...except: string[]) =>
  Object.keys(values).filter((k) => k.startsWith(prefix) && !except.includes(k));

/** Each exported function of a build with its arity, and the names of its other exports. */
function exportsOf(file: URL): { functions: Record<string, number>; others: string[] } {
  const instance = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(file)), wasmImports);
  const functions: Record<string, number> = {};
  const others: string[] = [];
  for (const [name, value] of Object.entries(instance.exports)) {
    if (typeof value === 'function') functions[name] = value.length;
    else others.push(name);
  }
  return { functions, others };
}

describe('one ABI source (src/wasm/abi.ts)', () => {
  const text = readFileSync(new URL('src/wasm/abi.ts', ROOT), 'utf8');

  it('holds only `export const NAME = integer;` lines and comments: what AssemblyScript and TypeScript both compile', () => {
    const code = text.split('\n').map((l) => l.replace(/\s*\/\/.*$/, '')).filter((l) => l.trim() !== '');
    expect(code.filter((l) => !/^export const [A-Z][A-Z0-9_]* = \d+;$/.test(l))).toEqual([]);
    expect(code.length).toBe(Object.keys(values).length);
  });

  it('no file under assembly/ defines an ABI name again', () => {
    const files = readdirSync(new URL('assembly/', ROOT), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
    const again = files.flatMap((f) => {
      const src = readFileSync(new URL(`assembly/${f}`, ROOT), 'utf8');
      return Object.keys(values).filter((k) => new RegExp(`\\b(const|let|var)\\s+${k}\\b`).test(src)).map((k) => `${f}: ${k}`);
    });
    expect(again).toEqual([]);
  });

  it.each([
    ['NET_', abi.NET_HEADER, ['NET_HEADER']],
    ['LAYER_', abi.LAYER_FIELDS, ['LAYER_FIELDS']],
    ['OPT_', abi.OPT_FIELDS, ['OPT_FIELDS']],
    ['STAT_', abi.STAT_FIELDS, ['STAT_FIELDS']],
    ['DATA_', abi.DATA_FIELDS, ['DATA_FIELDS']],
  ] as const)('every %s field has its own slot inside the block (f64 fields: two aligned slots)', (prefix, size, except) => {
    const f64 = new Set(['DATA_L1', 'DATA_L2']);
    const fields = group(prefix, ...except);
    const slots = fields.flatMap((k) => (f64.has(k) ? [values[k], values[k] + 1] : [values[k]]));
    expect(new Set(slots).size).toBe(slots.length);
    expect(Math.max(...slots)).toBeLessThan(size);
    for (const k of fields) if (f64.has(k)) expect([k, values[k] % 2]).toEqual([k, 0]);
  });

  it.each(['ACT_', 'LOSS_', 'HEAD_', 'OPTIMIZER_', 'KIND_', 'STATUS_'])('the %s codes are distinct', (prefix) => {
    const codes = group(prefix).map((k) => values[k]);
    expect(codes.length).toBeGreaterThan(1);
    expect(new Set(codes).size).toBe(codes.length);
  });

  it("the mse and sigmoid heads are lossRows' loss codes (the network head calls lossRows with its head code)", () => {
    expect([abi.HEAD_MSE, abi.HEAD_SIGMOID]).toEqual([abi.LOSS_MSE, abi.LOSS_BCE]);
  });

  it('KERNEL_TAIL_BYTES holds the largest SIMD tail: activationBackward\'s two blocks of sixteen f32', () => {
    expect(abi.KERNEL_TAIL_BYTES).toBeGreaterThanOrEqual(2 * 16 * 4);
  });

  it("the reference engine's activation and loss codes (its own constants) and the optimizer names are the ABI's", () => {
    expect([ACT_IDENTITY, ACT_SIGMOID, ACT_TANH, ACT_RELU]).toEqual([abi.ACT_IDENTITY, abi.ACT_SIGMOID, abi.ACT_TANH, abi.ACT_RELU]);
    expect([LOSS_MSE, LOSS_BCE]).toEqual([abi.LOSS_MSE, abi.LOSS_BCE]);
    for (const name of Object.keys(OPTIMIZERS) as (keyof typeof OPTIMIZERS)[]) expect(resolveOptimizer(name).name).toBe(name);
    expect(Object.values(OPTIMIZERS).sort()).toEqual(group('OPTIMIZER_').map((k) => values[k]).sort());
  });
});

describe.each(['simd', 'scalar'])('the shipped %s build', (name) => {
  const { functions, others } = exportsOf(new URL(`build/steepest.${name}.wasm`, ROOT));

  it('exports exactly the functions of WASM_EXPORTS, each with its declared arity, and its memory', () => {
    expect(functions).toEqual({ ...WASM_EXPORTS });
    expect(others).toEqual(['memory']);
  });

  it('takes at most 6 arguments in any export', () => {
    expect(Object.entries(functions).filter(([, n]) => n > 6)).toEqual([]);
  });
});

describe.each([true, false])('the testing build (simd: %s)', (simd) => {
  it('exports every shipped function with the same arity', () => {
    const ex = testingRuntime(simd).unguarded as unknown as Record<string, (...a: number[]) => unknown>;
    for (const [k, arity] of Object.entries(WASM_EXPORTS)) expect([k, ex[k]?.length]).toEqual([k, arity]);
  });
});
