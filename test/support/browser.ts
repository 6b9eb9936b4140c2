import { accessSync, constants } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page, type Response } from 'playwright-core';

/**
 * The real-browser harness for end-to-end tests: Debian's system Chromium driven by
 * playwright-core (no downloaded browser), headless, with no background network traffic.
 * One launch per test file; one fresh `BrowserContext` (an empty cookie jar) per scenario.
 *
 * A missing browser is a failure, never a skip: a skipped browser test protects nothing.
 *
 * @example
 * const browser = await launchBrowser();
 * const context = await browser.newContext();
 * const visit = await follow(await context.newPage(), authorizeUrl);
 * await browser.close();
 */

/** Where the browser is: `CHROMIUM_PATH`, else Debian's package. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** The launch flags: headless, no sandbox (containers run as root), no GPU, nothing phoning home. */
export const CHROMIUM_ARGS = Object.freeze([
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
]);

/** Launches headless Chromium, or throws naming the command that installs it. */
export async function launchBrowser(): Promise<Browser> {
  try {
    accessSync(CHROMIUM_PATH, constants.X_OK);
  } catch {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM_PATH}; the end-to-end browser tests need it. ` +
        'Install it with `apt-get install -y chromium` (Debian/Ubuntu), or point CHROMIUM_PATH at a Chromium binary.',
    );
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS] });
}

/** One HTTP response of a navigation chain, as the browser saw it. */
export interface Hop {
  url: string;
  status: number;
  /** `Location`, for redirects. */
  location: string | undefined;
  /** Names of the cookies this response set (never their values: they are session ids). */
  setCookies: string[];
}

/** Where a navigation ended and every response on the way. */
export interface Visit {
  /** The URL the page shows at the end. */
  finalUrl: string;
  /** The final document's status. */
  status: number | undefined;
  /** The page's text (`document.body.innerText`). */
  text: string;
  /** Every document response of the chain, redirects included, in order. */
  hops: Hop[];
}

/**
 * Opens `url` in `page` like a user tapping a link, follows every redirect, and reports the
 * chain. Only top-level document responses are recorded (not stylesheets or favicons).
 */
export async function follow(page: Page, url: string): Promise<Visit> {
  const hops: Hop[] = [];
  const record = async (response: Response) => {
    const request = response.request();
    if (!request.isNavigationRequest() || request.frame() !== page.mainFrame()) return;
    const headers = await response.headersArray();
    hops.push({
      url: response.url(),
      status: response.status(),
      location: headers.find((h) => h.name.toLowerCase() === 'location')?.value,
      setCookies: headers
        .filter((h) => h.name.toLowerCase() === 'set-cookie')
        .flatMap((h) => h.value.split('\n'))
        .map((c) => c.split('=')[0]!.trim()),
    });
  };
  const pending: Promise<void>[] = [];
  const listener = (response: Response) => void pending.push(record(response));
  page.on('response', listener);
  try {
    const final = await page.goto(url, { waitUntil: 'load' });
    await Promise.all(pending);
    return { finalUrl: page.url(), status: final?.status(), text: await page.innerText('body').catch(() => ''), hops };
  } finally {
    page.off('response', listener);
  }
}

/** Names of the cookies `context` holds for `url` (values stay in the browser). */
export async function cookieNames(context: BrowserContext, url: string): Promise<string[]> {
  return (await context.cookies(url)).map((c) => c.name);
}
