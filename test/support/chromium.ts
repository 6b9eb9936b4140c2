import { chromium, type Browser } from 'playwright-core';

/**
 * Headless Chromium for end-to-end tests: the system browser, no network side traffic.
 * (Stand-in until the shared harness test/support/browser.ts lands; same launch.)
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
}
