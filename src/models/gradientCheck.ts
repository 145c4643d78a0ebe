// gradientCheck's model form: the engine's backpropagated gradient at the model's current
// parameters against central differences of the loss computed in float64 by the reference.
// The function form (gradientCheck(f, grad, x)) lives in minimize.ts; gradientCheck below takes either.
// It recognizes a model by what it reads from one (shape, engine, gradientProbe), not by
// instanceof: steepest/minimize must not load the model core and the engines to tell them apart.
import { finiteDifferenceGradient, gradientCheck as functionGradientCheck } from '../minimize/minimize.js';
import { ValidationError } from '../errors.js';
import { networkLayout } from '../engines/network.js';
import { finite, knownKeys, optionsObject, show, type MatrixInput, type TargetInput } from '../validate.js';
import type { Model } from './model.js';

/** What the model form reads from a model. */
type Probed = Pick<Model, 'shape' | 'engine' | 'gradientProbe'>;

/** Whether v is a model (anything with the model's gradientProbe), not a function to check. */
function isModel(v: unknown): v is Probed {
  return typeof v === 'object' && v !== null && typeof (v as Partial<Probed>).gradientProbe === 'function';
}

/**
 * Default tolerance on the worst relative error, per engine. The worst components are the small
 * ones (a trained model's, a unit that barely matters): near the 1e-6 floor of the relative
 * error, absolute errors decide. js computes the gradient in float64 from the same equations, so
 * what remains is the central differences' rounding, about 2^-53 |loss| sqrt(rows) / h absolute:
 * measured up to 2e-4 at the default h = 1e-5 on a 64-32-10 network on 500 rows (2e-3 at
 * h = 1e-6). The WASM engines compute in float32 (2^-24 relative per operation) summed over rows
 * and layers: up to 6e-4 on fresh networks and 3e-3 on trained ones (90 random shapes up to
 * 20-16-16-6 on 200 rows). test/models/gradientCheck.test.ts lists the measurements of its
 * cases; a wrong backward pass is off by 1e-1 or more.
 */
export const GRADIENT_TOLERANCE = { js: 1e-3, 'wasm-simd': 1e-2, 'wasm-scalar': 1e-2 } as const;

/**
 * Default finite-difference step (scaled by max(1, |p|)): near eps64^(1/3), where the central
 * difference's rounding (~ eps / h) and truncation (~ h^2) errors balance.
 */
const STEP = 1e-5;

/** The model form's result: the function form's fields plus the worst error of each layer. */
export interface ModelGradientCheck {
  ok: boolean;
  /** Worst |g - fd| / max(|g|, |fd|, 1e-6) over all parameters. */
  maxRelError: number;
  /** The worst relative error among each layer's weights and among its biases. */
  layers: { weights: number; bias: number }[];
  /** The tolerance maxRelError was held to. */
  tolerance: number;
  /** The engine's gradient and the float64 central differences (flat parameter order). */
  analytic: Float64Array;
  numeric: Float64Array;
}

/** Model form options. */
export interface ModelGradientCheckOptions {
  /** Largest allowed relative error (default: GRADIENT_TOLERANCE of the model's engine). */
  tolerance?: number;
  /** Finite-difference step, scaled by max(1, |p|) (default 1e-5). */
  h?: number;
}

/** Checks model's backpropagated gradient of the mean loss on (X, y) against central differences. */
export function modelGradientCheck(
  model: Probed, X: MatrixInput, y: TargetInput | readonly string[], options: ModelGradientCheckOptions = {},
): ModelGradientCheck {
  const o = optionsObject('gradientCheck options', options);
  knownKeys('gradientCheck option', o, ['tolerance', 'h']);
  const tolerance = finite('tolerance', o.tolerance ?? GRADIENT_TOLERANCE[model.engine]);
  if (tolerance <= 0) throw new ValidationError(`tolerance must be a finite number > 0, got ${show(tolerance)}`);
  const probe = model.gradientProbe(X, y);
  const numeric = finiteDifferenceGradient(probe.lossAt, probe.params, (o.h as number | undefined) ?? STEP);
  const analytic = probe.grad;
  const rel = (i: number) => {
    const diff = Math.abs(analytic[i] - numeric[i]);
    const r = diff / Math.max(Math.abs(analytic[i]), Math.abs(numeric[i]), 1e-6);
    return Number.isNaN(r) ? Infinity : r;
  };
  const worst = (from: number, to: number) => {
    let m = 0;
    for (let i = from; i < to; i++) m = Math.max(m, rel(i));
    return m;
  };
  const layers = networkLayout(model.shape).layers.map((l) => ({
    weights: worst(l.weights, l.weights + l.units * l.inputs),
    bias: worst(l.bias, l.bias + l.units),
  }));
  const maxRelError = Math.max(...layers.map((l) => Math.max(l.weights, l.bias)));
  return { ok: maxRelError <= tolerance, maxRelError, layers, tolerance, analytic, numeric };
}

/**
 * Compares a gradient with central finite differences. Two forms:
 * gradientCheck(f, grad, x, options?) for any function, and
 * gradientCheck(model, X, y, options?) for a model's backpropagation.
 */
export function gradientCheck(
  model: Model, X: MatrixInput, y: TargetInput | readonly string[], options?: ModelGradientCheckOptions,
): ModelGradientCheck;
export function gradientCheck(
  f: (x: Float64Array) => number, grad: (x: Float64Array) => ArrayLike<number>, x: ArrayLike<number>,
  options?: { h?: number; rtol?: number; atol?: number },
): ReturnType<typeof functionGradientCheck>;
export function gradientCheck(a: unknown, b: unknown, c: unknown, d?: unknown): unknown {
  if (isModel(a)) return modelGradientCheck(a, b as MatrixInput, c as TargetInput, d as ModelGradientCheckOptions);
  return functionGradientCheck(a as never, b as never, c as ArrayLike<number>, d as never);
}
