// The heap the engines allocate from: AssemblyScript's TLSF allocator with one fix.
//
// TLSF keeps free blocks in size classes and, before it searches them, rounds a request up to
// the start of the next class, so whatever block it finds is large enough. From half its largest
// block on (2^29 bytes) it skips that rounding (std/assembly/rt/tlsf.ts, roundSize), so a request
// can be handed a free block of its own class that is smaller than the request: the new block
// then overlaps the live block after it (silent corruption; the check is compiled out in release
// builds). Above 2^29 a class spans 2^25 bytes, so rounding such a request up to its class's
// first size ourselves makes every block of that class fit. The top class cannot be rounded
// up (the next size is past TLSF's limit), so it is refused: blocks hold at most
// MAX_ALLOC_BYTES (2^30 - 2^25 bytes, 992 MiB).

// TLSF's block header (mmInfo) and alignment, from std/assembly/rt/common.ts.
const BLOCK_OVERHEAD: usize = 4;
const AL_MASK: usize = 15;
const LARGE: usize = 1 << 29;
const LARGE_CLASS: usize = 1 << 25;
const TAIL: usize = 16 - BLOCK_OVERHEAD; // block sizes are 12 mod 16: a 16-aligned payload after the header
/** The largest request alloc serves (a multiple of 16). */
export const MAX_ALLOC_BYTES: usize = (1 << 30) - LARGE_CLASS;

/** The payload size TLSF gives a block for size bytes, rounded up as the search needs (see above). */
// @ts-ignore: decorator
@inline export function blockSize(size: usize): usize {
  let block = ((size + BLOCK_OVERHEAD + AL_MASK) & ~AL_MASK) - BLOCK_OVERHEAD; // TLSF's computeSize
  if (block >= LARGE) block = ((block - TAIL + LARGE_CLASS - 1) & ~(LARGE_CLASS - 1)) + TAIL;
  return block;
}

/** Allocates size bytes (16-byte aligned); 0 when size is over MAX_ALLOC_BYTES. Traps when memory cannot grow. */
export function alloc(size: usize): usize {
  if (size > MAX_ALLOC_BYTES) return 0;
  return heap.alloc(blockSize(size));
}

/** Returns a block from alloc to the heap. */
export function free(ptr: usize): void {
  heap.free(ptr);
}
