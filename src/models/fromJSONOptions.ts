// The options every fromJSON takes, checked like any other options.
import type { EngineOption } from '../engines/engine.js';
import { knownKeys, optionsObject } from '../validate.js';

/** fromJSON's and loadModel's options. */
export interface FromJSONOptions {
  /** The engine of the loaded model (default 'auto'). */
  engine?: EngineOption;
}

/** Validates fromJSON's options (unknown keys are typos, not silently ignored). */
export function fromJSONOptions(options: unknown): FromJSONOptions {
  const o = optionsObject('fromJSON options', options);
  knownKeys('fromJSON option', o, ['engine']);
  return o as FromJSONOptions;
}
