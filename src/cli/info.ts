// steepest info: this package's version, the runtime, WebAssembly and SIMD support,
// the engines that loaded and the one 'auto' picks.
import { availableEngines } from '../engines/select.js';
import { detectSupport } from '../wasm/runtime.js';
import { ready } from '../wasm/ready.js';
import { version } from '../version.js';
import { parse, positionals, type CommandSpec } from './args.js';
import { commandHelp } from './help.js';
import { say, type IO } from './io.js';

/** steepest info's options. */
export const spec: CommandSpec = {
  name: 'info',
  summary: 'Show the version, WebAssembly and SIMD support, the engines this runtime can use and which one \'auto\' picks.',
  positionals: [],
  options: { json: { type: 'boolean', help: 'print one JSON object' } },
};

/** Runs steepest info; returns the exit code. */
export async function run(argv: readonly string[], io: IO): Promise<number> {
  const p = parse(spec, argv);
  if (p.values.help) {
    io.stdout.write(commandHelp(spec));
    return 0;
  }
  positionals(spec, p.positionals);
  const support = detectSupport();
  await ready({ scalar: true }); // report every engine this runtime can use, not only the one auto picks
  const engines = availableEngines();
  const info = {
    version,
    runtime: `Node ${process.version} (${process.platform} ${process.arch}, V8 ${process.versions.v8})`,
    webAssembly: support.wasm,
    simd: support.simd,
    engines,
    auto: engines[0],
  };
  if (p.values.json === true) {
    say(io.stdout, JSON.stringify(info));
    return 0;
  }
  const yes = (b: boolean) => (b ? 'supported' : 'not supported');
  say(io.stdout, `steepest ${version}`);
  say(io.stdout, `runtime      ${info.runtime}`);
  say(io.stdout, `WebAssembly  ${yes(support.wasm)}; SIMD ${yes(support.simd)}`);
  say(io.stdout, `engines      ${engines.join(', ')} (fastest first)`);
  say(io.stdout, `auto picks   ${info.auto}`);
  return 0;
}
