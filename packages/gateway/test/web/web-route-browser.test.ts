import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { cookieNames, follow, launchBrowser } from '../../../../test/support/browser.js';
import { IDENTITY_HEADER, PASSWORD, startHarness, type Harness } from './support.js';

/*
 * The web route in headless Chromium (Debian's, through playwright-core), the journey of
 * PingGateway's CDSSO sample: a protected page sends the browser to the Waymark provider's
 * sign-in page and back to the page; a static path needs no sign-in; a forged identity header
 * never reaches the app; a tampered session cookie is refused; logout ends both sessions.
 */

const SESSION = 'waymark-gateway';
let h: Harness;
let browser: Browser;
/** What the app saw, without the favicon requests Chromium adds on its own. */
const seen = () => h.seen.filter((s) => s.path !== '/favicon.ico');

beforeAll(async () => {
  h = await startHarness();
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await h?.close();
});

async function signIn(page: Page): Promise<void> {
  await page.getByLabel('User Name').fill('alice');
  await page.getByLabel('Password').fill(PASSWORD);
  await Promise.all([page.waitForURL(`${h.gateway}/**`), page.getByRole('button', { name: 'Continue' }).click()]);
  await page.waitForLoadState('load');
}

async function signedInContext(path: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const visit = await follow(page, `${h.gateway}${path}`);
  expect(visit.finalUrl).toMatch(new RegExp(`^${h.issuer}/interaction/`));
  await signIn(page);
  return { context, page };
}

describe('web route in headless Chromium', () => {
  it("signed out: the page sends the browser to the provider's sign-in, then back to the same page, signed in", async () => {
    h.seen.length = 0;
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      const visit = await follow(page, `${h.gateway}/account?tab=2`);
      expect(visit.hops[0]).toMatchObject({ url: `${h.gateway}/account?tab=2`, status: 302 });
      expect(visit.finalUrl).toMatch(new RegExp(`^${h.issuer}/interaction/`));
      expect(seen()).toEqual([]); // nothing reached the app before sign-in
      await signIn(page);
      expect(page.url()).toBe(`${h.gateway}/account?tab=2`);
      expect(await page.textContent('h1')).toBe('Hello user-alice');
      expect(seen().at(-1)).toMatchObject({
        path: '/account?tab=2',
        identity: expect.objectContaining({ sub: 'user-alice', aud: h.upstream }),
      });
      const [cookie] = (await context.cookies(h.gateway)).filter((c) => c.name === SESSION);
      expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
      expect(await cookieNames(context, h.gateway)).not.toContain(`${SESSION}-login`);
    } finally {
      await context.close();
    }
  });

  it('serves the static path without sign-in', async () => {
    const context = await browser.newContext();
    try {
      const visit = await follow(await context.newPage(), `${h.gateway}/static/app.css`);
      expect(visit.hops).toEqual([expect.objectContaining({ url: `${h.gateway}/static/app.css`, status: 200 })]);
      expect(visit.text).toContain('teal');
    } finally {
      await context.close();
    }
  });

  it("never lets a forged identity header through: the app sees only the gateway's", async () => {
    const { context, page } = await signedInContext('/');
    try {
      await context.setExtraHTTPHeaders({ [IDENTITY_HEADER]: 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZG1pbiJ9.' });
      h.seen.length = 0;
      await follow(page, `${h.gateway}/static/app.css`);
      await follow(page, `${h.gateway}/profile`);
      expect(seen().map((s) => [s.path, s.header === undefined, s.identity?.sub])).toEqual([
        ['/static/app.css', true, undefined],
        ['/profile', false, 'user-alice'],
      ]);
    } finally {
      await context.close();
    }
  });

  it('refuses a tampered session cookie (the intact copy works in a fresh browser; one changed byte sends it to sign-in)', async () => {
    const { context } = await signedInContext('/');
    const cookie = (await context.cookies(h.gateway)).find((c) => c.name === SESSION)!;
    await context.close();
    const copy = await browser.newContext();
    const tampered = await browser.newContext();
    try {
      await copy.addCookies([cookie]);
      const intact = await follow(await copy.newPage(), `${h.gateway}/profile`);
      expect(intact.text).toContain('Hello user-alice');
      const middle = Math.floor(cookie.value.length / 2);
      await tampered.addCookies([
        { ...cookie, value: cookie.value.slice(0, middle) + (cookie.value[middle] === 'A' ? 'B' : 'A') + cookie.value.slice(middle + 1) },
      ]);
      h.seen.length = 0;
      const visit = await follow(await tampered.newPage(), `${h.gateway}/profile`);
      expect(visit.hops[0]).toMatchObject({ status: 302, setCookies: expect.arrayContaining([SESSION]) });
      expect(visit.finalUrl).toMatch(new RegExp(`^${h.issuer}/interaction/`));
      expect(seen()).toEqual([]);
      expect(await cookieNames(tampered, h.gateway)).not.toContain(SESSION);
    } finally {
      await copy.close();
      await tampered.close();
    }
  });

  it("logs out with the app's sign-out button: the gateway session and the provider's end, and the next visit asks for the password", async () => {
    const { context, page } = await signedInContext('/');
    try {
      await Promise.all([page.waitForURL(`${h.issuer}/**`), page.getByRole('button', { name: 'Sign out' }).click()]);
      expect(await cookieNames(context, h.gateway)).not.toContain(SESSION);
      // The provider's RP-initiated logout confirmation (OpenID Connect RP-Initiated Logout 1.0 §2).
      await Promise.all([page.waitForURL(`${h.gateway}/signed-out**`), page.getByRole('button', { name: 'Sign out' }).click()]);
      expect(await page.textContent('p')).toBe('Signed out of the app');
      const again = await follow(page, `${h.gateway}/profile`);
      expect(again.finalUrl).toMatch(new RegExp(`^${h.issuer}/interaction/`));
      expect(again.text).toContain('Password');
    } finally {
      await context.close();
    }
  });
});
