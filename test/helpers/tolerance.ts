// Tolerance checks that say where they failed. Every caller states its tolerance and why.
import { expect } from 'vitest';

export interface Tolerance {
  /** Allowed absolute error. */
  abs?: number;
  /** Allowed error relative to |expected| (per element). */
  rel?: number;
}

const fmt = (v: number) => (Number.isFinite(v) ? v.toPrecision(9) : String(v));

/**
 * Passes when |actual - expected| <= abs + rel * |expected| for every element.
 * Equal values pass (so Infinity matches Infinity); NaN never passes.
 * The failure message names the label, the index, both values and the allowed error.
 */
export function expectClose(
  actual: number | ArrayLike<number>,
  expected: number | ArrayLike<number>,
  tol: Tolerance,
  label: string,
): void {
  const a = typeof actual === 'number' ? [actual] : actual;
  const e = typeof expected === 'number' ? [expected] : expected;
  if (a.length !== e.length) {
    expect.fail(`${label}: length ${a.length}, expected ${e.length}`);
  }
  const abs = tol.abs ?? 0;
  const rel = tol.rel ?? 0;
  for (let i = 0; i < e.length; i++) {
    const x = a[i];
    const y = e[i];
    if (x === y) continue;
    const allowed = abs + rel * Math.abs(y);
    const err = Math.abs(x - y);
    if (!(err <= allowed)) {
      const where = typeof expected === 'number' ? '' : ` at index ${i}`;
      expect.fail(`${label}${where}: got ${fmt(x)}, expected ${fmt(y)} (error ${fmt(err)} > allowed ${fmt(allowed)})`);
    }
  }
}

/** Exact equality of every element, with a message naming the first differing index. */
export function expectSame(actual: ArrayLike<number>, expected: ArrayLike<number>, label: string): void {
  if (actual.length !== expected.length) expect.fail(`${label}: length ${actual.length}, expected ${expected.length}`);
  for (let i = 0; i < expected.length; i++) {
    if (!Object.is(actual[i], expected[i]) && !(actual[i] === expected[i])) {
      expect.fail(`${label} at index ${i}: got ${actual[i]}, expected ${expected[i]}`);
    }
  }
}

/** Largest |x| in a vector (at least `floor`), for tolerances relative to the size of a result. */
export function maxAbs(v: ArrayLike<number>, floor = 0): number {
  let m = floor;
  for (let i = 0; i < v.length; i++) m = Math.max(m, Math.abs(v[i]));
  return m;
}

/** float32 machine epsilon of rounding: half the gap between 1 and the next float32. */
export const U32 = 2 ** -24;

const f32buf = new Float32Array(1);
const u32buf = new Uint32Array(f32buf.buffer);

/** Distance in float32 ULPs between two float32 values (same-sign ordering via the bit pattern). */
export function ulpDistance(a: number, b: number): number {
  const key = (v: number) => {
    f32buf[0] = v;
    const bits = u32buf[0];
    // Map the sign-magnitude bit pattern onto a monotone integer line (-0 and +0 coincide).
    return bits & 0x80000000 ? -(bits & 0x7fffffff) : bits;
  };
  if (Number.isNaN(a) || Number.isNaN(b)) return Infinity;
  return Math.abs(key(a) - key(b));
}

/** The gap between |v| (as a float32) and the next float32 away from zero. */
export function ulpOf(v: number): number {
  f32buf[0] = Math.abs(v);
  const next = new Float32Array(new Uint32Array([u32buf[0] + 1]).buffer)[0];
  return next - f32buf[0];
}
