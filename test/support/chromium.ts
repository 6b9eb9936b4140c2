/**
 * Kept for the tests written before the shared harness: the same launch as `launchBrowser`
 * in `browser.ts` (which new tests import directly).
 */
export { launchBrowser as launchChromium } from './browser.js';
