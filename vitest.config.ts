// Two projects in one `npm test`: every test in Node, and the model, cross-validation, engine-equivalence,
// worker and cross-runtime tests again in headless Chromium (Debian's, see
// ../shared/BROWSER-TESTING.md; .ci/run installs it).
import { defineConfig } from 'vitest/config';
import { playwright } from '@vitest/browser-playwright';

/** Model tests that cannot run in a browser: they read or write files with node:fs, spawn processes, or assert Node's JSON.parse wording. */
const NODE_ONLY = ['breastCancer', 'digits', 'iris', 'fromJSON', 'serialize', 'fitStreamFiles', 'fitStreamMemory'].map((stem) => `test/models/${stem}.test.ts`);

export default defineConfig({
  test: {
    testTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'node', environment: 'node', include: ['test/**/*.test.ts'], exclude: ['test/**/*.browser.test.ts'],
          globalSetup: ['test/helpers/workerSetup.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'browser',
          globalSetup: ['test/helpers/crossRuntimeSetup.ts', 'test/helpers/workerSetup.ts'],
          include: ['test/models/*.test.ts', 'test/selection/*.test.ts', 'test/worker/*.test.ts', 'test/**/*.browser.test.ts'],
          exclude: [...NODE_ONLY, 'test/worker/dist.test.ts'],
          browser: {
            enabled: true,
            headless: true,
            instances: [{ browser: 'chromium' }],
            provider: playwright({ launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? '/usr/lib/chromium/chromium' } }),
          },
        },
      },
    ],
  },
});
