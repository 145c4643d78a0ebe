// --help text, written from the same spec that drives parsing.
import { COMMON_OPTIONS, type CommandSpec } from './args.js';

/** The help of one command: usage, summary, options table, notes. */
export function commandHelp(spec: CommandSpec): string {
  const usage = `steepest ${spec.name}${spec.positionals.map((p) => (p.endsWith('?') ? ` [${p.slice(0, -1)}]` : ` <${p}>`)).join('')} [options]`;
  const rows = Object.entries({ ...spec.options, ...COMMON_OPTIONS }).map(([name, o]) => {
    const flag = `${o.short ? `-${o.short}, ` : ''}--${name}${o.value ? ` ${o.value}` : ''}`;
    return [flag, o.default !== undefined ? `${o.help} (default ${o.default})` : o.help];
  });
  const w = Math.max(...rows.map(([f]) => f.length));
  const lines = [`Usage: ${usage}`, '', spec.summary, '', 'Options:', ...rows.map(([f, h]) => `  ${f.padEnd(w)}  ${h}`)];
  if (spec.notes?.length) lines.push('', ...spec.notes);
  return `${lines.join('\n')}\n`;
}

/** The top-level help: the commands and how to get more. */
export function mainHelp(specs: readonly CommandSpec[]): string {
  const w = Math.max(...specs.map((s) => s.name.length));
  return [
    'Usage: steepest <command> [options]',
    '',
    'Train, evaluate and benchmark gradient-descent models on CSV files (WebAssembly SIMD inside).',
    '',
    'Commands:',
    ...specs.map((s) => `  ${s.name.padEnd(w)}  ${s.summary.split('\n')[0]}`),
    '',
    'Options:',
    '  -h, --help     show help (steepest <command> --help for a command\'s options)',
    '  -v, --version  print the version',
    '',
    'Example: steepest train breast_cancer --out model.json --plot loss.svg',
    '',
  ].join('\n');
}
