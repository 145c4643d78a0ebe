// steepest/minimize: gradient descent on any function and the checks that teach and verify
// it (finite differences, gradient checks of functions and of models, random search). Its
// own entry point: `import 'steepest'` does not load it.
export { minimize, randomSearch, finiteDifferenceGradient, type MinimizeOptions, type MinimizeResult } from './minimize.js';
export { gradientCheck, GRADIENT_TOLERANCE, type ModelGradientCheck, type ModelGradientCheckOptions } from '../models/gradientCheck.js';
