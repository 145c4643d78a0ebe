// The command's dispatcher: picks the command, runs it, and turns any failure into
// one line on stderr and an exit code (the stack only with --debug).
import { version } from '../version.js';
import { ValidationError, DivergenceError, EngineError } from '../errors.js';
import { nearest, type CommandSpec } from './args.js';
import { CliError } from './errors.js';
import { mainHelp } from './help.js';
import { say, type IO } from './io.js';

/** A command: its spec (for help) and how to run it. */
interface Command {
  spec: CommandSpec;
  run(argv: readonly string[], io: IO): Promise<number>;
}

// Loaded on use, so `steepest info` does not parse CSV code and `--help` starts fast.
const COMMANDS: Record<string, () => Promise<Command>> = {
  train: () => import('./train.js'),
  predict: () => import('./predict.js'),
  eval: () => import('./eval.js'),
  bench: () => import('./bench.js'),
  info: () => import('./info.js'),
  export: () => import('./export.js'),
};

/** Runs the command line argv (without 'node steepest'); returns the exit code. */
export async function run(argv: readonly string[], io: IO): Promise<number> {
  const debug = argv.includes('--debug');
  try {
    const [name, ...rest] = argv;
    if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
      io.stdout.write(mainHelp(await Promise.all(Object.values(COMMANDS).map(async (c) => (await c()).spec))));
      return name === undefined ? 2 : 0;
    }
    if (name === '--version' || name === '-v') {
      say(io.stdout, version);
      return 0;
    }
    const load = COMMANDS[name];
    if (!load) {
      const near = nearest(name.replace(/^-+/, ''), Object.keys(COMMANDS));
      const what = name.startsWith('-') ? `unknown option '${name}'` : `unknown command '${name}'`;
      say(io.stderr, `steepest: ${what}${near && !name.startsWith('-') ? `; did you mean '${near}'?` : ''} (commands: ${Object.keys(COMMANDS).join(', ')}; steepest --help)`);
      return 2;
    }
    return await (await load()).run(rest, io);
  } catch (err) {
    say(io.stderr, `steepest: ${message(err)}`);
    if (debug && err instanceof Error && err.stack) say(io.stderr, err.stack);
    return err instanceof CliError ? err.exitCode : 1;
  }
}

// The library's own errors already name the argument and value; anything else is unexpected and says so.
function message(err: unknown): string {
  if (err instanceof CliError || err instanceof ValidationError || err instanceof DivergenceError || err instanceof EngineError) {
    return err.message.split('\n')[0];
  }
  const e = err instanceof Error ? `${err.name}: ${err.message.split('\n')[0]}` : String(err);
  return `internal error: ${e} (run again with --debug for the stack trace, and please report it)`;
}
