// xoshiro128** (Blackman & Vigna), seeded by splitmix32. It uses only 32-bit
// integer operations, so assembly/random.ts reproduces it bit for bit: the
// same seed gives the same shuffles and initial weights in every engine.

/** The generator's state: four 32-bit words. Never all zero. */
export type RngState = Uint32Array;

/** splitmix32 expands one seed into the four state words. */
export function seedState(seed: number): RngState {
  if (!Number.isInteger(seed)) throw new TypeError(`seed must be an integer, got ${seed}`);
  let x = seed >>> 0;
  const s = new Uint32Array(4);
  for (let i = 0; i < 4; i++) {
    x = (x + 0x9e3779b9) >>> 0;
    let z = x;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    s[i] = (z ^ (z >>> 16)) >>> 0;
  }
  if ((s[0] | s[1] | s[2] | s[3]) === 0) s[0] = 1;
  return s;
}

/** Next 32-bit output, advancing the state in place. */
export function nextU32(s: RngState): number {
  const result = Math.imul(rotl(Math.imul(s[1], 5), 7), 9) >>> 0;
  const t = s[1] << 9;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl(s[3], 11);
  return result;
}

/**
 * Uniform integer in [0, n) for 1 <= n < 2^32, without bias (Lemire's
 * multiply-and-reject: reject while the low word of r * n is below
 * (2^32 - n) mod n). r * n needs up to 64 bits, so it is formed from two
 * products of r with n's 16-bit halves, each exact in float64.
 */
export function below(s: RngState, n: number): number {
  const threshold = (0x100000000 - n) % n;
  const nHi = Math.floor(n / 0x10000);
  const nLo = n % 0x10000;
  for (;;) {
    const r = nextU32(s);
    const a = r * nLo; // < 2^48
    const b = r * nHi; // < 2^48
    const bHi = Math.floor(b / 0x10000);
    const mid = (b - bHi * 0x10000) * 0x10000 + a; // < 2^49
    const carry = Math.floor(mid / 0x100000000);
    const lo = mid - carry * 0x100000000;
    if (lo >= threshold) return bHi + carry;
  }
}

/** Uniform float in [0, 1) with 32 random bits. */
export function uniform(s: RngState): number {
  return nextU32(s) / 0x100000000;
}

/** Standard normal by Box-Muller (one draw per call; the pair's twin is discarded for simplicity). */
export function normal(s: RngState): number {
  const u1 = 1 - uniform(s); // (0, 1]: log stays finite
  const u2 = uniform(s);
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
