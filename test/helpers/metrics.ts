// Small label vectors whose confusion matrices, precisions and recalls are counted by hand in the metric tests.

// Rows: cat->cat, dog->cat, cat->cat, bird->bird, dog->dog, cat->dog.
export const TRUE_ANIMALS = ['cat', 'dog', 'cat', 'bird', 'dog', 'cat'];
export const PRED_ANIMALS = ['cat', 'cat', 'cat', 'bird', 'dog', 'dog'];
// Rows: 0->0, 1->1, 1->0, 0->0, 2->1.
export const TRUE_CODES = Float32Array.from([0, 1, 1, 0, 2]);
export const PRED_CODES = Float32Array.from([0, 1, 0, 0, 1]);
