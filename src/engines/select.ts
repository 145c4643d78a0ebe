// Turns an engine option into an Engine. 'auto' is chosen once per model: the
// best build that loaded, then js.
import type { Engine, EngineName, EngineOption } from './engine.js';
import { jsEngine } from './js.js';
import { wasmEngine } from './wasm.js';
import { getRuntime, isCspRefusal, isReady, loadFailure, type WasmRuntime } from '../wasm/runtime.js';
import { EngineError, ValidationError } from '../errors.js';
import { show } from '../validate.js';

const NAMES: readonly EngineOption[] = ['auto', 'wasm-simd', 'wasm-scalar', 'js'];
const engines = new Map<WasmRuntime, Engine>();

/** The engine for an option; WASM engines need ready() to have finished. */
export function getEngine(option: unknown = 'auto'): Engine {
  if (!NAMES.includes(option as EngineOption)) {
    throw new ValidationError(`engine must be one of ${NAMES.join(', ')}, got ${show(option)}`);
  }
  if (option === 'js') return jsEngine;
  if (!isReady()) {
    throw new ValidationError(`engine '${option}' needs WebAssembly: call \`await ready()\` first (or pass engine: 'js')`);
  }
  const simd = option === 'wasm-simd';
  const rt = option === 'auto' ? getRuntime(true) ?? getRuntime(false) : getRuntime(simd);
  if (!rt) {
    if (option === 'auto') return jsEngine; // ready() warned once about why
    throw unavailable(option as EngineName, loadFailure(simd));
  }
  let engine = engines.get(rt);
  if (!engine) engines.set(rt, (engine = wasmEngine(rt)));
  return engine;
}

function unavailable(name: EngineName, cause: Error | null): Error {
  if (!cause && name === 'wasm-scalar') {
    return new EngineError(
      "engine 'wasm-scalar' was not loaded: ready() loads the scalar build only where the SIMD build cannot run; " +
        'call `await ready({ scalar: true })` first to have both (or use engine \'auto\')',
    );
  }
  if (cause && /no WebAssembly SIMD/.test(cause.message)) {
    return new EngineError(`engine '${name}' is not supported by this runtime (no WebAssembly SIMD); use 'auto' or 'wasm-scalar'`, { cause });
  }
  const why = cause ? `${cause.name}: ${cause.message}` : 'unknown cause';
  const hint = isCspRefusal(cause)
    ? `. The page's Content-Security-Policy blocks WebAssembly: add 'wasm-unsafe-eval' to its script-src, or use engine 'js'`
    : `; use engine 'auto' or 'js'`;
  return new EngineError(`engine '${name}' is unavailable: its WebAssembly build did not load (${why})${hint}`, { cause });
}

/** The engines this runtime can use now (the builds that loaded), fastest first. */
export function availableEngines(): EngineName[] {
  const out: EngineName[] = [];
  if (isReady() && getRuntime(true)) out.push('wasm-simd');
  if (isReady() && getRuntime(false)) out.push('wasm-scalar');
  out.push('js');
  return out;
}
