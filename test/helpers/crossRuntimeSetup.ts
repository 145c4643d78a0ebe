// The browser project's globalSetup: the fixed training runs computed in Node, for
// test/browser/crossRuntime.browser.test.ts to compare with Chromium's.
import type { TestProject } from 'vitest/node';
import { crossRuns, type CrossRun } from './crossRuntime.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** crossRuns() as Node computed it. */
    nodeRuns: Record<string, CrossRun>;
    /** process.versions of that Node, for messages. */
    nodeVersions: { node: string; v8: string };
  }
}

export default async function setup(project: TestProject): Promise<void> {
  project.provide('nodeRuns', await crossRuns());
  project.provide('nodeVersions', { node: process.versions.node, v8: process.versions.v8 });
}
