// Shared fast-check settings: a fixed seed so CI is reproducible, overridable to explore.
import type { Parameters } from 'fast-check';

/** The seed of every property run: FC_SEED from the environment, else a fixed one. */
export function propertySeed(): number {
  const env = process.env.FC_SEED;
  if (env === undefined || env === '') return 20261201;
  const seed = Number(env);
  if (!Number.isInteger(seed)) throw new Error(`FC_SEED must be an integer, got '${env}'`);
  return seed;
}

/**
 * fc.assert parameters: numRuns cases from the property seed. On failure
 * fast-check's error names the seed, the shrink path and the counterexample;
 * FC_SEED=<seed> reruns the same cases.
 */
export function propertyRuns<T>(numRuns: number): Parameters<T> {
  return { seed: propertySeed(), numRuns };
}
