// xoshiro128**, bit for bit the same as src/reference/random.ts. The state is
// loaded from linear memory into globals for a call and stored back after it.

let s0: u32 = 0;
let s1: u32 = 0;
let s2: u32 = 0;
let s3: u32 = 0;

/** Loads the four state words from statePtr. */
export function loadRng(statePtr: usize): void {
  s0 = load<u32>(statePtr);
  s1 = load<u32>(statePtr, 4);
  s2 = load<u32>(statePtr, 8);
  s3 = load<u32>(statePtr, 12);
}

/** Stores the four state words back to statePtr. */
export function storeRng(statePtr: usize): void {
  store<u32>(statePtr, s0);
  store<u32>(statePtr, s1, 4);
  store<u32>(statePtr, s2, 8);
  store<u32>(statePtr, s3, 12);
}

// @ts-ignore: decorator
@inline export function nextU32(): u32 {
  const result = rotl<u32>(s1 * 5, 7) * 9;
  const t = s1 << 9;
  s2 ^= s0;
  s3 ^= s1;
  s1 ^= s2;
  s0 ^= s3;
  s2 ^= t;
  s3 = rotl<u32>(s3, 11);
  return result;
}

/**
 * Uniform integer in [0, n) without bias (Lemire's multiply-and-reject). The
 * division that gives the rejection threshold is only needed when the low word
 * is below n, which is rare, so most draws cost one multiply.
 */
// @ts-ignore: decorator
@inline export function below(n: u32): u32 {
  let m = <u64>nextU32() * <u64>n;
  if (<u32>m < n) {
    const threshold: u32 = (<u32>0 - n) % n; // (2^32 - n) mod n
    while (<u32>m < threshold) m = <u64>nextU32() * <u64>n;
  }
  return <u32>(m >>> 32);
}

/** Exported for tests: draws count values below n into outPtr (u32), advancing the state at statePtr. */
export function drawBelow(statePtr: usize, n: u32, outPtr: usize, count: i32): void {
  loadRng(statePtr);
  for (let i = 0; i < count; i++) store<u32>(outPtr + (<usize>i << 2), below(n));
  storeRng(statePtr);
}
