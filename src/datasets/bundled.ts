// The form of a generated data set module (scripts/build-datasets.mjs writes them from data/*.csv).

/** One bundled data set as stored: features row-major, the target per row. */
export interface Bundled {
  features: readonly string[];
  target: string;
  /** Class names (index = class for numeric targets; sorted labels for string targets), or null for regression. */
  classes: readonly string[] | null;
  x: readonly number[];
  y: readonly number[] | readonly string[];
}
