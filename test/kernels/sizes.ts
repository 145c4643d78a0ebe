// Vector lengths that run every SIMD tail: 0..17 (the 8-lane body, the 4-lane step and
// the scalar tail in all combinations), then one either side of 32 and 128.
export const SIZES = [...Array.from({ length: 18 }, (_, i) => i), 31, 32, 33, 127, 128, 129];

/** Start offsets in bytes past a 16-byte boundary: aligned, and one f32 off. */
export const MISALIGN = [0, 4] as const;

/** Logits from tiny to the edge of float32 (3e38 < 3.4028e38), both signs. */
export const LOGITS = [0, 1e-3, -1e-3, 1, -1, 10, -10, 100, -100, 1e4, -1e4, 3e38, -3e38];
