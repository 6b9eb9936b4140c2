import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, expect, beforeAll, afterAll, jest } from '@jest/globals';
import type { Browser, Request as PlaywrightRequest } from 'playwright-core';
import { startServer } from '@waymark/cli';
import { cookieNames, follow, launchBrowser, type Visit } from '../support/browser.js';
import { pushHandoff } from '../support/native-app.js';
import { closeServer, freePort, listenLoopback, SESSION_COOKIE, startTargetApp, startTokenIssuer, type TargetApp, type TokenIssuer } from '../support/servers.js';
import { NATIVE_APP, sessionTransferFlow } from '../support/session-transfer-flow.js';

/**
 * The headline use case end to end, in a real browser: a native app pushes its access token
 * to Waymark (PAR, openid-client), Chromium opens the returned authorization URL, Waymark
 * runs the shipped session-transfer flow and the browser lands on the web app with a session.
 *
 * Two loopback IPs stand in for two devices. Waymark listens on 127.0.0.1 only; the
 * browser reaches it as `localhost` (→ 127.0.0.1). For the IP-mismatch case the app's PAR
 * connection leaves from 127.0.0.2 (a bound local address; the whole 127/8 is this machine),
 * so the adapter observes 127.0.0.2 on the back channel and 127.0.0.1 on the front channel
 * from the socket itself: the real rule, with no X-Forwarded-For and no trusted proxy.
 */

const TRANSFER_CLIENT = 'session-transfer';
/** The pages the adapter shows for a used request_uri and for a journey that failed. */
const USED_LINK_PAGE = 'This sign-in link has expired or has been used already.';
const FAILED_PAGE = 'We could not sign you in.';

describe('app-to-web handoff in headless Chromium', () => {
  let browser: Browser;
  let tokens: TokenIssuer;
  let target: TargetApp;
  let waymark: { url: string; close(): Promise<void> };
  let issuer: string;
  let flowsDir: string;
  const logged: string[] = [];

  beforeAll(async () => {
    const port = await freePort();
    issuer = `http://localhost:${port}`;
    const audience = `${issuer}/session-transfer`;
    [tokens, target, browser] = await Promise.all([
      startTokenIssuer({ audience, clientId: NATIVE_APP }),
      startTargetApp(),
      launchBrowser(),
    ]);
    flowsDir = mkdtempSync(join(tmpdir(), 'waymark-handoff-'));
    writeFileSync(join(flowsDir, 'session-transfer.json'), JSON.stringify(sessionTransferFlow(tokens, audience)));
    // Everything Waymark logs (JSON lines on stderr), to prove no token reaches it.
    jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      logged.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      return true;
    });
    waymark = await startServer({
      issuer,
      host: '127.0.0.1',
      port,
      flows: [flowsDir],
      clients: [
        {
          client_id: TRANSFER_CLIENT,
          name: 'Session transfer (app to web)',
          type: 'session-transfer',
          token_endpoint_auth_method: 'none',
          require_pushed_authorization_requests: true,
          allowed_flows: ['session-transfer'],
          redirect_targets: [`${target.origin}/`],
          allowed_pushed_parameters: ['subject_token', 'target', 'ip'],
          allowed_scopes: ['session_transfer'],
        },
      ],
    });
  });

  afterAll(async () => {
    jest.restoreAllMocks();
    await Promise.all([browser?.close(), waymark?.close(), tokens?.close(), target?.close()]);
    if (flowsDir) rmSync(flowsDir, { recursive: true, force: true });
  });

  const authorizeHop = (visit: Visit) => visit.hops.find((h) => new URL(h.url).pathname === '/authorize');

  it('turns the pushed app token into a browser session: 303 to the target with the session cookie, and the target sees it', async () => {
    const token = await tokens.mint({ sub: 'alice' });
    const url = await pushHandoff({ issuer, clientId: TRANSFER_CLIENT, subjectToken: token, target: target.profileUrl });
    // Only the reference travels through the browser, never the token.
    expect([...url.searchParams.keys()].sort()).toEqual(['client_id', 'request_uri']);
    expect(url.href).not.toContain(token);

    const context = await browser.newContext();
    const visit = await follow(await context.newPage(), url.href);
    await context.close().catch(() => undefined);

    expect(authorizeHop(visit)).toMatchObject({ status: 303, location: target.profileUrl });
    expect(authorizeHop(visit)?.setCookies).toContain(SESSION_COOKIE);
    expect(visit.finalUrl).toBe(target.profileUrl);
    expect(visit.text).toContain('session: present');
    expect(target.visits.at(-1)).toEqual({ path: '/profile', session: true });
    expect(logged.join('')).not.toContain(token);
  });

  it('refuses a replayed request_uri: a second browser opening the same URL gets no session and never reaches the target', async () => {
    const token = await tokens.mint({ sub: 'bob' });
    const url = await pushHandoff({ issuer, clientId: TRANSFER_CLIENT, subjectToken: token, target: target.profileUrl });
    const first = await browser.newContext();
    expect((await follow(await first.newPage(), url.href)).finalUrl).toBe(target.profileUrl);
    await first.close();

    const visitsBefore = target.visits.length;
    const second = await browser.newContext();
    const replay = await follow(await second.newPage(), url.href);
    const jar = await cookieNames(second, issuer);
    await second.close();

    // RFC 9126 §4: a used request_uri is invalid; with no redirect_uri known, the user gets a page (400).
    expect(replay.hops.map((h) => h.status)).toEqual([400]);
    expect(authorizeHop(replay)?.setCookies).not.toContain(SESSION_COOKIE);
    expect(replay.text).toContain(USED_LINK_PAGE);
    expect(new URL(replay.finalUrl).origin).toBe(issuer);
    expect(jar).not.toContain(SESSION_COOKIE);
    expect(target.visits.length).toBe(visitsBefore);
    expect(replay.text).not.toContain(token);
  });

  it('lets no cross-site iframe or fetch() spend the link: the user opening it afterwards still lands with a session', async () => {
    const token = await tokens.mint({ sub: 'dana' });
    const url = await pushHandoff({ issuer, clientId: TRANSFER_CLIENT, subjectToken: token, target: target.profileUrl });
    const context = await browser.newContext();
    const attacker = await context.newPage();
    // A page of another site (127.0.0.1 is not the site `localhost`) that loads the link in an
    // iframe and with fetch() as soon as it opens. A real loopback server: Chromium's local
    // network checks let a loopback page reach a loopback Waymark, as a public site reaches a public one.
    const html = `<!doctype html><title>Win a prize</title><iframe src="${url.href}"></iframe><script>fetch(${JSON.stringify(url.href)}, { mode: 'no-cors', credentials: 'include' }).catch(() => {})</script>`;
    const site = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(html));
    const attackerUrl = `http://127.0.0.1:${await listenLoopback(site)}/prize`;
    // Both loads (the iframe's document, the fetch) settle as finished or as failed: the browser
    // blocks what it receives (the answer forbids framing and cross-origin reads), but each
    // request reached Waymark.
    const settled = new Promise<string[]>((resolve) => {
      const kinds: string[] = [];
      const seen = (r: PlaywrightRequest) => {
        if (new URL(r.url()).pathname !== '/authorize') return;
        kinds.push(r.resourceType());
        if (kinds.length === 2) resolve(kinds.sort());
      };
      attacker.on('requestfinished', seen);
      attacker.on('requestfailed', seen);
    });
    const [kinds] = await Promise.all([settled, attacker.goto(attackerUrl, { waitUntil: 'load' })]);
    expect(kinds).toEqual(['document', 'fetch']);
    await attacker.close();
    await closeServer(site);

    const visit = await follow(await context.newPage(), url.href);
    await context.close().catch(() => undefined);
    expect(authorizeHop(visit)).toMatchObject({ status: 303, location: target.profileUrl });
    expect(authorizeHop(visit)?.setCookies).toContain(SESSION_COOKIE);
    expect(visit.text).toContain('session: present');
  });

  it('refuses a browser whose IP differs from the IP that pushed: no session, no landing on the target', async () => {
    const token = await tokens.mint({ sub: 'carol' });
    // The app pushes from 127.0.0.2; the browser comes from 127.0.0.1.
    const url = await pushHandoff({
      issuer,
      clientId: TRANSFER_CLIENT,
      subjectToken: token,
      target: target.profileUrl,
      localAddress: '127.0.0.2',
    });
    const visitsBefore = target.visits.length;
    const context = await browser.newContext();
    const visit = await follow(await context.newPage(), url.href);
    const jar = await cookieNames(context, issuer);
    await context.close();

    // The journey ends at failure (matchIp: mismatch): 403 and the failure page, no redirect.
    expect(visit.hops.map((h) => h.status)).toEqual([403]);
    expect(authorizeHop(visit)?.setCookies).not.toContain(SESSION_COOKIE);
    expect(visit.text).toContain(FAILED_PAGE);
    expect(new URL(visit.finalUrl).origin).toBe(issuer);
    expect(jar).not.toContain(SESSION_COOKIE);
    expect(target.visits.length).toBe(visitsBefore);
  });
});
