import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { secretEnvName, startServer, type RunningServer } from '@waymark/cli';
import type { Logger } from '@waymark/sdk';
import { cookieNames, follow, launchBrowser } from '../support/browser.js';

/*
 * flows/remember-me.json, the shipped file itself, in headless Chromium against `startServer`
 * (what `waymark serve` runs): the first visit asks the password and leaves the remember-me
 * cookie in the browser, the second visit signs in without a form. The flow's cookie key is
 * named (`secretName`); startServer reads named secrets from WAYMARK_SECRET_<NAME>, given here
 * through `env`.
 */

const ROOT = new URL('../../', import.meta.url);
const REMEMBER = '__Host-waymark-remember';
const PASSWORD = 'correct horse battery staple';
// A desktop Chrome user agent: Chromium's headless default says "HeadlessChrome", which the risk
// evaluation rightly treats as a bot (see the second test).
const DESKTOP_CHROME = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';
const silent: Logger = { debug() {}, info() {}, warn() {}, error() {} };

let server: RunningServer;
let browser: Browser;
let authorizeUrl: string;

beforeAll(async () => {
  server = await startServer(
    {
      issuer: 'http://localhost:3000',
      host: '127.0.0.1',
      port: 0,
      flows: [fileURLToPath(new URL('flows/remember-me.json', ROOT))],
      clients: [
        {
          client_id: 'shop-web',
          type: 'web',
          token_endpoint_auth_method: 'none',
          redirect_uris: ['http://localhost:4000/callback'],
          pkce: 'S256_REQUIRED',
          allowed_flows: ['remember-me'],
        },
      ],
      services: { usersFile: fileURLToPath(new URL('flows/fixtures/users.json', ROOT)) },
    },
    { logger: silent, env: { [secretEnvName('remember-me-key')]: randomBytes(32).toString('base64url') } },
  );
  // localhost (not 127.0.0.1) is a secure context for Chromium, so __Host- cookies stick over http.
  const origin = server.url.replace('127.0.0.1', 'localhost');
  authorizeUrl = `${origin}/authorize?${new URLSearchParams({
    client_id: 'shop-web',
    response_type: 'code',
    redirect_uri: 'http://localhost:4000/callback',
    code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGrSstw-cM',
    code_challenge_method: 'S256',
    state: 'st-1',
    acr_values: 'remember-me',
  }).toString()}`;
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function signInWithPassword(page: Page): Promise<string> {
  await page.getByLabel('User Name').fill('alice');
  await page.getByLabel('Password').fill(PASSWORD);
  await Promise.all([page.waitForLoadState('load'), page.waitForURL(/\/authorize\/continue/), page.getByRole('button', { name: 'Continue' }).click()]);
  return page.innerText('body');
}

describe('remember-me in headless Chromium against startServer', () => {
  it('first visit: password form, signed in, the remember-me cookie stays in the browser; second visit: signed in without a form', async () => {
    const context = await browser.newContext({ userAgent: DESKTOP_CHROME });
    try {
      const page = await context.newPage();
      const first = await follow(page, authorizeUrl);
      expect(first.status).toBe(200);
      expect(await page.getByLabel('Password').count()).toBe(1);
      expect(await signInWithPassword(page)).toContain('You are signed in');
      expect(await cookieNames(context, authorizeUrl)).toContain(REMEMBER);

      const second = await follow(page, authorizeUrl);
      expect(second.status).toBe(200);
      expect(second.text).toContain('You are signed in');
      expect(await page.getByLabel('Password').count()).toBe(0);
      expect(await cookieNames(context, authorizeUrl)).toContain(REMEMBER);
    } finally {
      await context.close();
    }
  });

  it("Chromium's own headless user agent reads as a bot: signed in with the password, but never remembered", async () => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await follow(page, authorizeUrl);
      // The risk is shown (BOT_MITIGATION), then the login proceeds.
      expect(await signInWithPassword(page)).toContain('automated access suspected (BOT_MITIGATION)');
      await Promise.all([page.waitForLoadState('load'), page.waitForURL(/\/authorize\/continue/), page.getByRole('button', { name: 'Continue' }).click()]);
      expect(await page.innerText('body')).toContain('You are signed in');
      expect(await cookieNames(context, authorizeUrl)).not.toContain(REMEMBER);
      await follow(page, authorizeUrl);
      expect(await page.getByLabel('Password').count()).toBe(1);
    } finally {
      await context.close();
    }
  });
});
