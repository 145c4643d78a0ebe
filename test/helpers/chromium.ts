// Headless Chromium for the node-side tests that drive a page (the demo, the
// bundled apps): Debian's binary, since test tools cannot download browsers here.
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright';

/** The Chromium binary itself (Debian's /usr/bin/chromium is a wrapper script); CHROMIUM_PATH overrides. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/lib/chromium/chromium';

/** Launches headless Chromium, or throws saying how to install it. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: apt-get install chromium (or set CHROMIUM_PATH)`);
  return chromium.launch({ executablePath: CHROMIUM, headless: true });
}

/**
 * Collects what should never happen on a page: uncaught errors, console errors
 * (in the page and its workers), failed requests and crashes. Returns the live list.
 */
export function collectProblems(page: Page): string[] {
  const problems: string[] = [];
  const onConsole = (where: string) => (msg: { type(): string; text(): string }) => {
    if (msg.type() === 'error') problems.push(`console error (${where}): ${msg.text()}`);
  };
  page.on('console', onConsole('page'));
  page.on('worker', (worker) => worker.on('console', onConsole('worker')));
  page.on('pageerror', (err) => problems.push(`page error: ${err.stack ?? err.message}`));
  page.on('requestfailed', (req) => problems.push(`request failed: ${req.url()} ${req.failure()?.errorText ?? ''}`));
  page.on('crash', () => problems.push('page crashed'));
  return problems;
}
