// The tiny app each bundler builds: steepest imported by its package name, as users write it.
import { ready, LogisticRegression, MLP } from 'steepest';
import { trainInWorker } from 'steepest/worker';
import { fitInWorker, trainBoth } from './train.js';

// No top-level await, so a bundler's default target is enough.
window.result = trainBoth({ ready, LogisticRegression, MLP })
  .then(async (value) => {
    value.worker = await fitInWorker({ LogisticRegression }, trainInWorker);
    document.getElementById('out').textContent = `logistic ${value.logistic.accuracy}, mlp ${value.mlp.accuracy}`;
    return value;
  })
  .catch((err) => ({ error: String((err && err.stack) || err) }));
