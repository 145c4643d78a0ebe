// Reading plain-JSON files (model files, scalers, preprocessing): every error names
// the field as the file spells it.
import { ValidationError } from './errors.js';
import { show } from './validate.js';

/** toJSON() output, or its JSON text parsed, as an object. */
export function jsonRoot(json: unknown): Record<string, unknown> {
  if (typeof json === 'string') {
    try {
      json = JSON.parse(json);
    } catch (err) {
      throw new ValidationError(`json is not valid JSON: ${(err as Error).message}`, { cause: err });
    }
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json) || ArrayBuffer.isView(json)) {
    throw new ValidationError(`json must be toJSON() output (an object) or its JSON text, got ${show(json)}`);
  }
  return json as Record<string, unknown>;
}

/** v as an object, or an error naming the field. */
export function jsonObject(name: string, v: unknown): Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new ValidationError(`${name} must be an object, got ${show(v)}`);
  return v as Record<string, unknown>;
}

/** Throws on a field outside keys (a typo or a newer file), naming it with prefix ('layers[0].'). */
export function knownFields(o: Record<string, unknown>, keys: readonly string[], prefix: string): void {
  for (const k of Object.keys(o)) {
    if (!keys.includes(k)) throw new ValidationError(`unknown json field '${prefix}${k}' (expected one of ${keys.join(', ')})`);
  }
}

/** A deep copy of JSON data, as JSON text would carry it (a value JSON cannot hold is a ValidationError naming it). */
export function jsonCopy(name: string, v: unknown): unknown {
  try {
    return JSON.parse(JSON.stringify(v));
  } catch (err) {
    throw new ValidationError(`${name} must be JSON data (${(err as Error).message})`);
  }
}
