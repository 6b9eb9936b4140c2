import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { resolveServerConfig, startServer, type RunningServer } from '@waymark/cli';
import type { Logger } from '@waymark/sdk';
import { launchBrowser } from '../support/browser.js';

/*
 * GET /docs of `waymark serve` with the shipped waymark.config.json, in headless Chromium:
 * "Authorize" runs authorization code + PKCE at Waymark's own provider (alice signs in through
 * the login journey in the popup), "list flows" answers 200 with the bearer token, PAR with a
 * bad parameter answers the documented 400, a reload keeps the token (sessionStorage), a new
 * browser context has none. Nothing goes to localStorage; no CSP violation is reported.
 * The screenshot of the README is taken here: into the run's temporary folder, or over
 * docs/images/api-docs.png with WAYMARK_WRITE_SCREENSHOT=1 (a normal run leaves the tree clean).
 */

// What the page scripts below read (the tests' TypeScript has no DOM library).
declare const sessionStorage: { readonly length: number; getItem(key: string): string | null };
declare const localStorage: { readonly length: number };

const ROOT = new URL('../../', import.meta.url);
const PASSWORD = 'correct horse battery staple';
const silent: Logger = { debug() {}, info() {}, warn() {}, error() {} };
const SCREENSHOT =
  process.env.WAYMARK_WRITE_SCREENSHOT === '1' ? fileURLToPath(new URL('docs/images/api-docs.png', ROOT)) : join(tmpdir(), 'api-docs.png');

let server: RunningServer;
let browser: Browser;
let base: string;

/** A free TCP port: the issuer (and so the provider's redirect URIs and the admin audience) must name the real one. */
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

beforeAll(async () => {
  const port = await freePort();
  base = `http://localhost:${port}`;
  // The shipped config, its issuer on this port (localhost: a secure context for Chromium).
  const text = readFileSync(new URL('waymark.config.json', ROOT), 'utf8').replaceAll('http://localhost:3000', base);
  server = await startServer(resolveServerConfig({ ...JSON.parse(text), port }, fileURLToPath(ROOT), {}), { logger: silent, env: {} });
  browser = await launchBrowser();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** Opens /docs and waits for the operations; CSP violations and page errors are collected. */
async function openDocs(context: BrowserContext): Promise<{ page: Page; problems: string[] }> {
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(e.message));
  await page.goto(`${base}/docs`);
  await page.locator('.opblock').first().waitFor({ timeout: 30_000 });
  return { page, problems };
}

/** Expands an operation, runs it ("Execute") and answers its status and response body as shown. */
async function execute(op: Locator, fill?: (op: Locator) => Promise<void>): Promise<{ status: string; body: string }> {
  if (!(await op.locator('button.execute').isVisible())) await op.locator('.opblock-summary').click();
  await fill?.(op);
  await op.locator('button.execute').click();
  const row = op.locator('.live-responses-table .response').first();
  await row.locator('.response-col_status').waitFor();
  return {
    status: (await row.locator('.response-col_status').innerText()).trim(),
    body: await row.locator('.response-col_description').innerText(),
  };
}

async function authorize(page: Page): Promise<void> {
  await page.locator('.btn.authorize').first().click();
  const pkce = page.locator('.modal-ux .auth-container', { hasText: 'authorizationCode with PKCE' });
  expect(await pkce.locator('#client_id_authorizationCode').inputValue()).toBe('waymark-admin');
  const [popup] = await Promise.all([page.waitForEvent('popup'), pkce.locator('button.authorize').click()]);
  await popup.locator('input[name=IDToken1]').waitFor();
  await popup.fill('input[name=IDToken1]', 'alice');
  await popup.fill('input[name=IDToken2]', PASSWORD);
  // The provider sends the popup back to /docs/oauth2-redirect.html, which hands the code over and closes it.
  await Promise.all([popup.waitForEvent('close'), popup.locator('button[type=submit]').click()]);
  await page.waitForFunction(() => (sessionStorage.getItem('waymark.docs.authorized') ?? '').includes('access_token'));
  await page.locator('.modal-ux', { hasText: 'Authorized' }).waitFor();
  await page.locator('.modal-ux .close-modal').click();
}

describe('/docs: the API reference with a try-it console, in Chromium', () => {
  let context: BrowserContext;

  it("authorizes with code + PKCE at Waymark's provider, lists flows (200), and PAR with a bad parameter answers the documented 400", async () => {
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const { page, problems } = await openDocs(context);
    await authorize(page);
    const stored = await page.evaluate(() => ({
      session: sessionStorage.getItem('waymark.docs.authorized') ?? '',
      local: localStorage.length,
    }));
    expect(stored.session).toContain('access_token');
    expect(stored.local).toBe(0);

    const list = page.locator('#operations-Admin_API-listFlows');
    const listed = await execute(list);
    // The operation's examples (x-codeSamples) in curl, JavaScript and Python.
    expect(await list.locator('.waymark-samples summary').allInnerTexts()).toEqual(['curl', 'JavaScript', 'Python']);
    await list.locator('.waymark-samples summary', { hasText: 'Python' }).click();
    expect(await list.locator('.waymark-samples pre').nth(2).innerText()).toContain(`requests.get("${base}/admin/v1/flows"`);
    expect(listed.status).toBe('200');
    expect(listed.body).toContain('"id": "login"');
    expect(await list.locator('.live-responses-table .response-undocumented').count()).toBe(0);

    const par = page.locator('#operations-OAuth_adapter-pushAuthorizationRequest');
    const refused = await execute(par, async (op) => {
      for (const input of await op.locator('.opblock-section-request-body input[type=text]').all()) await input.fill('');
      await op.locator('tr[data-property-name=client_id] input[type=text]').fill('web-app');
      await op.locator('tr[data-property-name=response_type] input[type=text]').fill('code');
      await op.locator('tr[data-property-name=redirect_uri] input[type=text]').fill('https://attacker.example/callback');
    });
    expect(refused.status).toBe('400');
    expect(refused.body).toContain('"error": "invalid_request"');
    expect(refused.body).toContain('redirect_uri');
    // Swagger UI marks an answer the document does not list as "Undocumented".
    expect(await par.locator('.live-responses-table .response-undocumented').count()).toBe(0);

    // The README's picture: "list flows" tried, its 200 answer below.
    await page.setViewportSize({ width: 1280, height: 1000 });
    await list.locator('.opblock-summary').evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await page.screenshot({ path: SCREENSHOT });
    expect(problems).toEqual([]);
  }, 120_000);

  it('a reload keeps the token (sessionStorage), and a path parameter given once fills the same parameter of other operations', async () => {
    const page = context.pages()[0]!;
    const getFlow = page.locator('#operations-Admin_API-getFlow');
    const got = await execute(getFlow, async (op) => op.locator('tr[data-param-name=id] input').fill('login'));
    expect(got.status).toBe('200');

    await page.reload();
    await page.locator('.opblock').first().waitFor();
    expect(await page.evaluate(() => sessionStorage.getItem('waymark.docs.authorized') ?? '')).toContain('access_token');
    const listed = await execute(page.locator('#operations-Admin_API-listFlows'));
    expect(listed.status).toBe('200');
    const version = page.locator('#operations-Admin_API-getFlowVersion');
    await version.locator('.opblock-summary').click();
    expect(await version.locator('tr[data-param-name=id] input').inputValue()).toBe('login');
    expect(await page.evaluate(() => localStorage.length)).toBe(0);
  }, 60_000);

  it('a new browser context has no token: list flows answers 401', async () => {
    const fresh = await browser.newContext();
    const { page } = await openDocs(fresh);
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    const listed = await execute(page.locator('#operations-Admin_API-listFlows'));
    expect(listed.status).toBe('401');
    expect(listed.body).toContain('ERR_ADMIN_TOKEN_MISSING');
    await fresh.close();
    await context.close();
  }, 60_000);
});
