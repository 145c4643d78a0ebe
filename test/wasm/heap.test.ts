// assembly/heap.ts: no block the allocator hands out ever overlaps a live one, at any size up to
// its limit. Checked against a shadow list of live ranges built from the allocator's own
// bookkeeping (each block's TLSF header holds its usable size), over random allocate/free
// sequences with sizes from 16 bytes to 1 GiB. Blocks are never touched, so memory grows only
// in address space: a run that reaches wasm32's 4 GiB costs nothing physical. The same checker
// on AssemblyScript's allocator without the fix (the testing build's tlsfAlloc) must fail: the
// negative control that shows the check can see an overlap (or the trap a damaged heap then gives).
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { wasmImports } from '../../src/wasm/runtime.js';
import { propertyRuns } from '../helpers/property.js';

const MAX_MEMORY = 2 ** 32;
const MAX_ALLOC = 2 ** 30 - 2 ** 25; // assembly/heap.ts MAX_ALLOC_BYTES

interface Heap {
  memory: WebAssembly.Memory;
  alloc(size: number): number;
  free(ptr: number): void;
}

const modules = new Map<string, WebAssembly.Module>();
function build(name: string): WebAssembly.Module {
  let m = modules.get(name);
  if (!m) modules.set(name, (m = new WebAssembly.Module(readFileSync(new URL(`../../build/${name}.wasm`, import.meta.url)))));
  return m;
}

/** A fresh instance's heap: the shipped alloc, or (fixed: false) the testing build's unfixed tlsfAlloc. */
function freshHeap(name: string, fixed = true): Heap {
  const ex = new WebAssembly.Instance(build(name), wasmImports).exports as Record<string, unknown>;
  const alloc = (fixed ? ex.alloc : ex.tlsfAlloc) as (size: number) => number;
  return { memory: ex.memory as WebAssembly.Memory, alloc: (size) => alloc(size) >>> 0, free: ex.free as (ptr: number) => void };
}

/** A live block: its address, the bytes asked for, and the bytes its TLSF header says it spans after the header. */
interface Live {
  ptr: number;
  size: number;
  usable: number;
}

/** The usable size TLSF records for the block at ptr (its 4-byte header before ptr; the low two bits are flags). */
function usableSize(heap: Heap, ptr: number): number {
  return (new Uint32Array(heap.memory.buffer)[(ptr - 4) >>> 2] & ~3) >>> 0;
}

/** Throws naming the first broken rule: alignment, size, bounds, or an overlap with another live block. */
function checkLive(heap: Heap, live: readonly Live[]): void {
  const bytes = heap.memory.buffer.byteLength;
  for (const b of live) {
    const usable = usableSize(heap, b.ptr);
    if (usable !== b.usable) throw new Error(`block at ${b.ptr} (${b.size} bytes): its header changed from ${b.usable} to ${usable}`);
  }
  const sorted = [...live].sort((a, b) => a.ptr - b.ptr);
  sorted.forEach((b, i) => {
    if (b.ptr % 16 !== 0) throw new Error(`block at ${b.ptr} is not 16-byte aligned`);
    if (b.usable < b.size) throw new Error(`block at ${b.ptr} holds ${b.usable} bytes, ${b.size} were asked for`);
    if (b.ptr + b.usable > bytes) throw new Error(`block at ${b.ptr} (${b.usable} bytes) ends past memory (${bytes} bytes)`);
    const next = sorted[i + 1];
    // The next block's header (4 bytes before it) must lie after this block's last usable byte.
    if (next && b.ptr + b.usable > next.ptr - 4) {
      throw new Error(`block at ${b.ptr} (${b.usable} bytes, ${b.size} asked) overlaps the live block at ${next.ptr} (${next.size} bytes)`);
    }
  });
}

type Op = { alloc: number } | { free: number };

/** Runs ops on heap, checking every live block after each; a refusal must be a real one. */
function run(heap: Heap, ops: readonly Op[]): void {
  const live: Live[] = [];
  for (const op of ops) {
    if ('free' in op) {
      if (live.length === 0) continue;
      const [b] = live.splice(op.free % live.length, 1);
      heap.free(b.ptr);
    } else {
      const size = op.alloc;
      const before = heap.memory.buffer.byteLength;
      let ptr: number;
      try {
        ptr = heap.alloc(size);
      } catch (err) {
        // Only memory that cannot grow may refuse: TLSF asks for the request plus two headers.
        if (!(err instanceof WebAssembly.RuntimeError) || !/unreachable/.test(err.message)) throw err;
        if (before + size + 32 <= MAX_MEMORY - 65536) throw new Error(`alloc(${size}) ran out of memory at ${before} bytes of 4 GiB`);
        continue;
      }
      if (size > MAX_ALLOC) {
        if (ptr !== 0) throw new Error(`alloc(${size}) is over the limit but returned ${ptr}`);
        continue;
      }
      if (ptr === 0) throw new Error(`alloc(${size}) returned 0`);
      live.push({ ptr, size, usable: usableSize(heap, ptr) });
    }
    checkLive(heap, live);
  }
}

// Sizes across the whole range (log-uniform from 16 bytes to 1 GiB), and half of them in the
// top size classes (2^29 bytes up), where a class spans 32 MiB and the fault lived.
const size = fc.oneof(
  fc.double({ min: 4, max: 30, noNaN: true }).map((e) => Math.round(2 ** e)),
  fc.integer({ min: 2 ** 29 - 64, max: 2 ** 30 }),
);
const ops = fc.array(fc.oneof(size.map((s): Op => ({ alloc: s })), fc.nat().map((n): Op => ({ free: n }))), { minLength: 1, maxLength: 24 });

// The bare sequence the issue reported: the freed 620 MB block came back for 630 MB over the live 1 MB block.
const REPORTED: Op[] = [{ alloc: 620e6 }, { alloc: 1e6 }, { alloc: 700e6 }, { free: 0 }, { alloc: 630e6 }];

describe.each(['steepest.simd', 'steepest.scalar'])('heap (%s)', (name) => {
  it('random allocate/free sequences from 16 B to 1 GiB: no block ever overlaps a live one, none is short', () => {
    fc.assert(fc.property(ops, (seq) => run(freshHeap(name), seq)), propertyRuns(150));
  });

  it('the reported sequence: alloc(630e6) after freeing a 620 MB block does not overlap the live 1 MB block', () => {
    expect(() => run(freshHeap(name), REPORTED)).not.toThrow();
  });

  it('the largest block is served, one byte more is refused with 0; requests near each large class boundary fit', () => {
    const heap = freshHeap(name);
    expect(heap.alloc(MAX_ALLOC + 1)).toBe(0);
    const big = heap.alloc(MAX_ALLOC);
    expect(usableSize(heap, big)).toBeGreaterThanOrEqual(MAX_ALLOC);
    heap.free(big);
    for (let c = 2 ** 29; c < 2 ** 30; c += 2 ** 25) {
      for (const s of [c - 16, c - 4, c, c + 12, c + 16]) {
        if (s > MAX_ALLOC) continue;
        const p = heap.alloc(s);
        expect(usableSize(heap, p)).toBeGreaterThanOrEqual(s);
        heap.free(p);
      }
    }
  });
});

describe('negative control: the same checks on the allocator without the fix', () => {
  it('the reported sequence overlaps', () => {
    expect(() => run(freshHeap('steepest.testing.simd', false), REPORTED)).toThrow(/overlaps the live block/);
  });

  it('random sequences find an overlap', () => {
    // Within the fixed allocator's limit, so that only the rules both share can fail.
    const within = ops.map((seq) => seq.map((op) => ('alloc' in op ? { alloc: Math.min(op.alloc, MAX_ALLOC) } : op)));
    const result = fc.check(fc.property(within, (seq) => run(freshHeap('steepest.testing.simd', false), seq)), propertyRuns(150));
    expect(result.failed).toBe(true);
    expect(String(result.errorInstance)).toMatch(/overlaps the live block|holds \d+ bytes, \d+ were asked for|header changed|memory access out of bounds/);
  });
});
