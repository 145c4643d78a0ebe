// Opens a test page served by test/browser/server.ts in headless Chromium and collects what a
// page should never print: console warnings and uncaught errors. Shared by the page tests
// (loading, threads) so each says only what its page is and what it checks.
import type { Browser, Page } from 'playwright';
import type { StaticServer } from './server.js';

export interface OpenPage {
  page: Page;
  warnings: string[];
  errors: string[];
}

/**
 * Opens `${prefix}/page/index.html` (the prefix picks the server's headers, for example '/csp' or
 * '/isolated'), waits for its harness to set globalThis.loaded, then evaluates `setup` (source
 * that puts the test's functions on globalThis). Clears the server's failed-request list first.
 */
export async function openHarness(browser: Browser, server: StaticServer, prefix: string, setup: string): Promise<OpenPage> {
  const page = await browser.newPage();
  const warnings: string[] = [];
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'warning') warnings.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  server.failed.length = 0;
  await page.goto(`${server.origin}${prefix}/page/index.html`);
  await page.waitForFunction(() => (globalThis as unknown as { loaded?: boolean }).loaded === true, null, { timeout: 30_000 });
  await page.evaluate(setup);
  return { page, warnings, errors };
}
