// The shape of a model as every engine sees it: an input width, dense layers and a head,
// and where each layer's parameters sit in the flat parameter vector. Shared by the
// engines, the model core and the file format; the engines' kernels are elsewhere.
import type { ActivationKind } from '../reference/activations.js';
import {
  ACT_IDENTITY, ACT_RELU, ACT_SIGMOID, ACT_TANH, HEAD_MSE, HEAD_SIGMOID, HEAD_SOFTMAX,
} from '../wasm/abi.js';

/** Activation codes by name (the ABI's, src/wasm/abi.ts). */
export const ACTIVATIONS = { identity: ACT_IDENTITY, sigmoid: ACT_SIGMOID, tanh: ACT_TANH, relu: ACT_RELU } as const;
export type ActivationName = keyof typeof ACTIVATIONS;

/** Head codes by name (the ABI's): the loss on the output layer's values. */
export const HEADS = { mse: HEAD_MSE, sigmoid: HEAD_SIGMOID, softmax: HEAD_SOFTMAX } as const;
export type HeadName = keyof typeof HEADS;

/** One dense layer: its width and the activation applied to its output. */
export interface LayerShape {
  units: number;
  activation: ActivationName;
}

/** An input width, dense layers (hidden ones, then the output layer) and a head. */
export interface NetworkShape {
  inputs: number;
  layers: readonly LayerShape[];
  head: HeadName;
}

/** A layer's place in the flat parameter vector (offsets in elements). */
export interface LayerLayout {
  inputs: number;
  units: number;
  activation: ActivationKind;
  /** Offset of W (units x inputs, row-major). */
  weights: number;
  /** Offset of b (units). */
  bias: number;
}

/** Where each layer's W and b sit: layer by layer, weights then biases; count = the vector's length. */
export function networkLayout(shape: NetworkShape): { layers: LayerLayout[]; count: number } {
  let at = 0;
  let inputs = shape.inputs;
  const layers = shape.layers.map(({ units, activation }) => {
    const layer = { inputs, units, activation: ACTIVATIONS[activation], weights: at, bias: at + units * inputs };
    at += units * inputs + units;
    inputs = units;
    return layer;
  });
  return { layers, count: at };
}

/** Targets per row: one class label for the softmax head, else one value per output. */
export function targetWidth(shape: NetworkShape): number {
  return shape.head === 'softmax' ? 1 : shape.layers[shape.layers.length - 1].units;
}
