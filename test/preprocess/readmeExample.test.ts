// README's quickstart (the standardized breast_cancer example), run as written on every engine: standardized
// breast_cancer trains to about 99% test accuracy, and the saved model with its
// preprocessing predicts the same from raw values.
import { describe, expect, it } from 'vitest';
import { LogisticRegression, loadModel } from '../../src/index.js';
import { Preprocessor, StandardScaler, trainTestSplit } from '../../src/preprocess/index.js';
import { confusionMatrix } from '../../src/metrics/index.js';
import { load } from '../../src/datasets/index.js';
import { ENGINES, useReady } from '../helpers/engines.js';

useReady();

describe.each(ENGINES)('README data and preprocessing example (%s)', (engine) => {
  it('standardizes, trains, saves with its preprocessing and predicts from raw values', () => {
    const { X, y, features } = load('breast_cancer');
    const { XTrain, XTest, yTrain, yTest } = trainTestSplit(X, y, { testFraction: 0.25, seed: 1, stratify: true });
    const scaler = new StandardScaler().fit(XTrain, features.length);
    const model = new LogisticRegression({ features: features.length, engine });
    model.fit(scaler.transform(XTrain), yTrain, { epochs: 50, batchSize: 32, learningRate: 0.1, optimizer: 'adam', seed: 42 });
    const e = model.evaluate(scaler.transform(XTest), yTest);
    // README prints 0.986 (2 of 142 test rows wrong); the engines round differently over 50
    // epochs, so allow up to 4 wrong (0.97): raw features reach only about 0.95 (issue 9).
    expect(e.accuracy).toBeGreaterThanOrEqual(0.97);
    model.preprocessing = Preprocessor.fromScaler(scaler, features);
    const saved = loadModel(JSON.stringify(model), { engine });
    expect((saved as LogisticRegression).evaluate(XTest, yTest)).toEqual(e);
    const cm = confusionMatrix(yTest, saved.predict(XTest));
    expect(cm.labels).toEqual([0, 1]);
    expect(cm.matrix[0][0] + cm.matrix[1][1]).toBe(Math.round(e.accuracy * 142));
    if (engine === 'wasm-simd') expect(cm.matrix).toEqual([[52, 1], [1, 88]]); // the numbers README shows ('auto' is wasm-simd here)
    model.dispose();
    saved.dispose();
  });
});
