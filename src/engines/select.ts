// Turns an engine option into an Engine. 'auto' is chosen once per model.
import type { Engine, EngineName, EngineOption } from './engine.js';
import { jsEngine } from './js.js';
import { wasmEngine } from './wasm.js';
import { detectSupport, getRuntime, isReady } from '../wasm/runtime.js';
import { ValidationError } from '../errors.js';
import { show } from '../validate.js';

const NAMES: readonly EngineOption[] = ['auto', 'wasm-simd', 'wasm-scalar', 'js'];
const engines = new Map<EngineName, Engine>();

/** What 'auto' means for a runtime with this support: the fastest engine it runs. */
export function chooseAuto(support: { wasm: boolean; simd: boolean }): EngineName {
  if (support.wasm && support.simd) return 'wasm-simd';
  if (support.wasm) return 'wasm-scalar';
  return 'js';
}

/** The engine for an option; WASM engines need ready() to have finished. */
export function getEngine(option: unknown = 'auto'): Engine {
  if (!NAMES.includes(option as EngineOption)) {
    throw new ValidationError(`engine must be one of ${NAMES.join(', ')}, got ${show(option)}`);
  }
  const name = option === 'auto' ? chooseAuto(detectSupport()) : (option as EngineName);
  if (name === 'js') return jsEngine;
  if (!isReady()) {
    throw new ValidationError(`engine '${option}' needs WebAssembly: call \`await ready()\` first (or pass engine: 'js')`);
  }
  const rt = getRuntime(name === 'wasm-simd');
  if (!rt) {
    throw new Error(`engine '${name}' is not supported by this runtime${name === 'wasm-simd' ? ' (no WebAssembly SIMD)' : ''}`);
  }
  let engine = engines.get(name);
  if (!engine) engines.set(name, (engine = wasmEngine(rt)));
  return engine;
}

/** The engines this runtime can use now, fastest first. */
export function availableEngines(): EngineName[] {
  const out: EngineName[] = [];
  if (isReady() && getRuntime(true)) out.push('wasm-simd');
  if (isReady() && getRuntime(false)) out.push('wasm-scalar');
  out.push('js');
  return out;
}
