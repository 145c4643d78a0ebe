// Feature standardization, z = (x - mean) / scale per column, with the mean and the
// population standard deviation of the data fit saw (as scikit-learn's StandardScaler).
// Gradient descent needs it on features of very different sizes (breast_cancer spans
// 0.001 to 4000): one learning rate cannot suit them all.
import { ValidationError } from '../errors.js';
import { positiveInteger, show, toMatrix64, type MatrixInput } from '../validate.js';
import { jsonRoot, knownFields } from '../jsonFields.js';

/** StandardScaler's file form: the mean and scale of each column. */
export interface StandardScalerJSON {
  mean: number[];
  scale: number[];
}

/** Standardizes each column to mean 0 and standard deviation 1 with statistics learned by fit. */
export class StandardScaler {
  private m: Float64Array | null = null;
  private s: Float64Array | null = null;

  /**
   * Learns each column's mean and population standard deviation (divided by n, not n - 1).
   * A constant column (every value equal) gets scale 1, so it transforms to 0 instead of
   * dividing by zero. X: number[][], or a flat row-major Float32Array / Float64Array with
   * its column count as features.
   */
  fit(X: MatrixInput, features?: number): this {
    const cols = columnCount(X, features);
    const { data, rows } = toMatrix64(X, cols);
    const { mean, scale } = standardStats(data, rows, cols);
    this.m = mean;
    this.s = scale;
    return this;
  }

  /** (x - mean) / scale for every value, rows x features as float32. */
  transform(X: MatrixInput): Float32Array {
    const { mean, scale } = this.stats();
    const { data, rows } = toMatrix64(X, mean.length);
    return standardizeMatrix(data, rows, mean, scale, 'X');
  }

  /** z * scale + mean for every value: transform's inverse, rows x features as float32. */
  inverseTransform(X: MatrixInput): Float32Array {
    const { mean, scale } = this.stats();
    const cols = mean.length;
    const { data, rows } = toMatrix64(X, cols);
    const out = new Float32Array(rows * cols);
    for (let i = 0; i < data.length; i++) {
      const c = i % cols;
      out[i] = checkedF32(data[i] * scale[c] + mean[c], data[i], Math.floor(i / cols), c, 'X', 'inverse-transforms');
    }
    return out;
  }

  /** fit(X, features) then transform(X). */
  fitTransform(X: MatrixInput, features?: number): Float32Array {
    return this.fit(X, features).transform(X);
  }

  /** Whether fit (or fromJSON) has set the statistics. */
  get fitted(): boolean {
    return this.m !== null;
  }

  /** Number of columns fit saw. */
  get features(): number {
    return this.stats().mean.length;
  }

  /** A copy of each column's mean. */
  get mean(): Float64Array {
    return this.stats().mean.slice();
  }

  /** A copy of each column's scale: its population standard deviation, or 1 for a constant column. */
  get scale(): Float64Array {
    return this.stats().scale.slice();
  }

  /** Plain data that fromJSON turns back into an equal scaler. */
  toJSON(): StandardScalerJSON {
    const { mean, scale } = this.stats();
    return { mean: Array.from(mean), scale: Array.from(scale) };
  }

  /** Rebuilds a scaler from toJSON() output, or its JSON text. */
  static fromJSON(json: unknown): StandardScaler {
    const o = jsonRoot(json);
    knownFields(o, ['mean', 'scale'], '');
    const mean = numberArray('mean', o.mean);
    const scale = numberArray('scale', o.scale);
    if (scale.length !== mean.length) throw new ValidationError(`scale has ${scale.length} values but mean has ${mean.length}`);
    scale.forEach((v, i) => {
      if (!(v > 0)) throw new ValidationError(`scale[${i}] must be a finite number > 0, got ${show(v)}`);
    });
    const scaler = new StandardScaler();
    scaler.m = mean;
    scaler.s = scale;
    return scaler;
  }

  private stats(): { mean: Float64Array; scale: Float64Array } {
    if (!this.m || !this.s) throw new ValidationError('this StandardScaler is not fitted; call fit(X) first');
    return { mean: this.m, scale: this.s };
  }
}

/** The column count of X: features for a flat typed array (required), else the first row's length (or features when given). */
function columnCount(X: unknown, features: unknown): number {
  if (features !== undefined) return positiveInteger('features', features);
  if (X instanceof Float32Array || X instanceof Float64Array) {
    throw new ValidationError(`features (the column count) is required when X is flat (${show(X)}): fit(X, features)`);
  }
  if (Array.isArray(X) && X.length > 0 && Array.isArray(X[0]) && X[0].length > 0) return X[0].length;
  return 1; // toMatrix64 then reports what is wrong with X
}

/**
 * Each column's mean and population standard deviation, in float64 (two passes: the
 * second corrects the mean's rounding, so the deviations are taken from an accurate mean).
 * A constant column gets its value as mean and scale 1 exactly.
 */
export function standardStats(data: Float64Array, rows: number, cols: number): { mean: Float64Array; scale: Float64Array } {
  const mean = new Float64Array(cols);
  const scale = new Float64Array(cols);
  for (let c = 0; c < cols; c++) {
    const first = data[c];
    let constant = true;
    let sum = 0;
    for (let r = 0; r < rows; r++) {
      const v = data[r * cols + c];
      sum += v;
      if (v !== first) constant = false;
    }
    if (constant) {
      // Summing n equal values and dividing by n need not give the value back exactly
      // (0.1 three times is 0.30000000000000004), which would leave a variance of 1e-34.
      mean[c] = first;
      scale[c] = 1;
      continue;
    }
    let m = sum / rows;
    let correction = 0;
    for (let r = 0; r < rows; r++) correction += data[r * cols + c] - m;
    m += correction / rows;
    let ss = 0;
    for (let r = 0; r < rows; r++) ss += (data[r * cols + c] - m) ** 2;
    mean[c] = m;
    scale[c] = Math.sqrt(ss / rows) || 1;
  }
  return { mean, scale };
}

/** (x - mean) / scale of a rows x cols float64 matrix, as float32; name: the argument, for messages. */
export function standardizeMatrix(data: Float64Array, rows: number, mean: Float64Array, scale: Float64Array, name: string): Float32Array {
  const cols = mean.length;
  const out = new Float32Array(rows * cols);
  for (let i = 0; i < data.length; i++) {
    const c = i % cols;
    out[i] = standardize(data[i], mean[c], scale[c], name, Math.floor(i / cols), c);
  }
  return out;
}

/** One standardized value, checked to fit in float32 (row and column for the message). */
export function standardize(x: number, mean: number, scale: number, name: string, row: number, col: number): number {
  return checkedF32((x - mean) / scale, x, row, col, name, 'standardizes');
}

function checkedF32(v: number, x: number, row: number, col: number, name: string, verb: string): number {
  if (!Number.isFinite(Math.fround(v))) {
    throw new ValidationError(
      `${name} value ${show(x)} at row ${row}, column ${col} ${verb} to ${show(v)}, outside the float32 range (largest magnitude is 3.4028234663852886e+38)`,
    );
  }
  return v;
}

function numberArray(name: string, v: unknown): Float64Array {
  if (!Array.isArray(v) || v.length === 0) throw new ValidationError(`${name} must be a non-empty array of numbers, got ${show(v)}`);
  return Float64Array.from(v, (x: unknown, i) => {
    if (typeof x !== 'number' || !Number.isFinite(x)) throw new ValidationError(`${name}[${i}] must be a finite number, got ${show(x)}`);
    return x;
  });
}
