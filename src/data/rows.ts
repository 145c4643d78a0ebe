// Row copies shared by the engines, the model core and preprocess. It sits below all
// of them (none of them is a layer the others should reach through), where the sparse
// and streamed inputs' helpers will join it.

/** The typed arrays takeRows copies into one of their own kind. */
export type RowArray = Float32Array | Float64Array | Int32Array | Uint8Array;

/** The rows at idx of a rows x cols matrix, in an array of X's kind. */
export function takeRows<T extends RowArray>(X: T, cols: number, idx: Uint32Array): T {
  const Kind = [Float32Array, Float64Array, Int32Array, Uint8Array].find((K) => X instanceof K)!;
  const out = new Kind(idx.length * cols) as T;
  for (let k = 0; k < idx.length; k++) {
    const from = idx[k] * cols;
    const to = k * cols;
    for (let c = 0; c < cols; c++) out[to + c] = X[from + c];
  }
  return out;
}
