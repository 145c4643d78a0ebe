// Command-line parsing with node:util parseArgs, driven by one spec per command
// (the same spec writes the --help text), plus what parseArgs does not do: name the
// nearest option when one is misspelled, and check each value's type.
import { parseArgs } from 'node:util';
import { UsageError } from './errors.js';

/** One option of a command. */
export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  /** The value's placeholder in help, e.g. 'N' or 'FILE'. */
  value?: string;
  /** The default, as help prints it. */
  default?: string;
  help: string;
}

/** A command: its positional arguments, its options, and the help text's parts. */
export interface CommandSpec {
  name: string;
  summary: string;
  /** Positional arguments, in order; a trailing '?' marks an optional one. */
  positionals: readonly string[];
  options: Record<string, OptionSpec>;
  /** Lines after the options table in --help. */
  notes?: readonly string[];
}

/** Options every command takes. */
export const COMMON_OPTIONS: Record<string, OptionSpec> = {
  help: { type: 'boolean', short: 'h', help: 'show this help' },
  debug: { type: 'boolean', help: 'on an error, print the stack trace too' },
};

/** What parse returns: option values by name (strings or true) and the positionals. */
export interface Parsed {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

/** Parses argv for spec; an unknown option is a UsageError naming the nearest known one. */
export function parse(spec: CommandSpec, argv: readonly string[]): Parsed {
  const options = { ...spec.options, ...COMMON_OPTIONS };
  const config = Object.fromEntries(
    Object.entries(options).map(([name, o]) => [name, o.short ? { type: o.type, short: o.short } : { type: o.type }]),
  );
  // strict: false so that every problem is ours to word; the tokens say what was given.
  const { values, positionals, tokens } = parseArgs({ args: [...argv], options: config, strict: false, allowPositionals: true, tokens: true });
  for (const t of tokens) {
    if (t.kind !== 'option') continue;
    const o = options[t.name];
    if (!o) throw new UsageError(unknownOption(t.rawName, Object.keys(options), spec.name));
    if (o.type === 'string' && (t.value === undefined || (t.inlineValue !== true && t.value.startsWith('--')))) {
      throw new UsageError(`${t.rawName} needs a value${o.value ? ` (${o.value})` : ''}; see steepest ${spec.name} --help`);
    }
    if (o.type === 'boolean' && t.inlineValue) throw new UsageError(`${t.rawName} takes no value, got '${t.rawName}=${String(t.value)}'`);
  }
  return { values: values as Parsed['values'], positionals };
}

/** The message for an unknown option: the nearest known one when it is close enough. */
export function unknownOption(given: string, known: readonly string[], command: string): string {
  const bare = given.replace(/^-+/, '');
  const near = nearest(bare, known);
  return near
    ? `unknown option '${given}' for steepest ${command}; did you mean '--${near}'?`
    : `unknown option '${given}' for steepest ${command}; see steepest ${command} --help`;
}

/** The candidate closest to word by edit distance, when it is close (at most a third of its length, at least 2), else null. */
export function nearest(word: string, candidates: readonly string[]): string | null {
  let best: string | null = null;
  let bestD = Infinity;
  for (const c of candidates) {
    // A prefix ('--epo' for '--epochs') counts as close.
    const d = c.startsWith(word) && word.length >= 2 ? 1 : distance(word.toLowerCase(), c.toLowerCase());
    if (d < bestD) {
      best = c;
      bestD = d;
    }
  }
  return best !== null && bestD <= Math.max(2, Math.floor(best.length / 3)) ? best : null;
}

// Levenshtein distance with adjacent transpositions counted as one edit (Damerau, optimal string alignment).
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/** The positionals a command requires, or a UsageError naming the first missing one (and rejecting extras). */
export function positionals(spec: CommandSpec, given: readonly string[]): string[] {
  const required = spec.positionals.filter((p) => !p.endsWith('?'));
  if (given.length < required.length) {
    throw new UsageError(`steepest ${spec.name} needs ${required.map((p) => `<${p}>`).join(' ')}; missing <${required[given.length]}> (see steepest ${spec.name} --help)`);
  }
  if (given.length > spec.positionals.length) {
    throw new UsageError(`steepest ${spec.name} takes ${spec.positionals.length} argument(s), got an extra '${given[spec.positionals.length]}'`);
  }
  return [...given];
}

/** A string option's value, or undefined. */
export function str(p: Parsed, name: string): string | undefined {
  const v = p.values[name];
  return typeof v === 'string' ? v : undefined;
}

/** A numeric option's value (checked against min and, for integers, wholeness), or undefined. */
export function num(p: Parsed, name: string, check: { integer?: boolean; min?: number; max?: number; above?: number } = {}): number | undefined {
  const raw = str(p, name);
  if (raw === undefined) return undefined;
  const v = raw.trim() === '' ? NaN : Number(raw);
  const what = check.integer ? 'an integer' : 'a number';
  const bounds = [
    check.above !== undefined ? `> ${check.above}` : '',
    check.min !== undefined ? `>= ${check.min}` : '',
    check.max !== undefined ? `<= ${check.max}` : '',
  ].filter(Boolean).join(' and ');
  const ok = Number.isFinite(v) && (!check.integer || Number.isInteger(v))
    && (check.min === undefined || v >= check.min) && (check.max === undefined || v <= check.max)
    && (check.above === undefined || v > check.above);
  if (!ok) throw new UsageError(`--${name} must be ${what}${bounds ? ` ${bounds}` : ''}, got '${raw}'`);
  return v;
}

/** A string option that must be one of choices; a near miss is named. */
export function choice<T extends string>(p: Parsed, name: string, choices: readonly T[]): T | undefined {
  const v = str(p, name);
  if (v === undefined) return undefined;
  if ((choices as readonly string[]).includes(v)) return v as T;
  const near = nearest(v, choices);
  throw new UsageError(`--${name} must be one of ${choices.join(', ')}, got '${v}'${near ? `; did you mean '${near}'?` : ''}`);
}

/** A comma-separated list option ('64,32', 'color,size'), empty items rejected. */
export function list(p: Parsed, name: string): string[] | undefined {
  const v = str(p, name);
  if (v === undefined) return undefined;
  const items = v.split(',').map((s) => s.trim());
  if (items.some((s) => s === '')) throw new UsageError(`--${name} must be a comma-separated list without empty items, got '${v}'`);
  return items;
}
