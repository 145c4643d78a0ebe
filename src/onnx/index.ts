// steepest/onnx: models out to ONNX (served by ONNX Runtime in Python, C, C#, Java, mobile and
// JavaScript) and back. Its own entry point, so `import 'steepest'` carries none of it.
export { toONNX, OPSETS, type ToONNXOptions } from './toONNX.js';
export { fromONNX, readONNX } from './fromONNX.js';
