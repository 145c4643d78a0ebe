// Reading the fields of a descriptor block (layouts in src/wasm/abi.ts): 4-byte slots
// holding i32 values or u32 byte addresses, and f64 values over two slots.

/** Slot i of the descriptor at ptr, as i32. */
// @ts-ignore: decorator
@inline export function field(ptr: usize, i: i32): i32 {
  return load<i32>(ptr + (<usize>i << 2));
}

/** Slot i of the descriptor at ptr, as a byte address. */
// @ts-ignore: decorator
@inline export function pointer(ptr: usize, i: i32): usize {
  return <usize>load<u32>(ptr + (<usize>i << 2));
}

/** The f64 at slot i (8-byte aligned) of the descriptor at ptr. */
// @ts-ignore: decorator
@inline export function fieldF64(ptr: usize, i: i32): f64 {
  return load<f64>(ptr + (<usize>i << 2));
}
