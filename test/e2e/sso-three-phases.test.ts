import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server } from 'node:http';
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import express from 'express';
import { exportJWK, generateKeyPair } from 'jose';
import type { Browser, Page } from 'playwright-core';
import { createEngine, createMemoryStores, type Engine } from '@waymark/core';
import { createWaymarkRouter } from '@waymark/express';
import { builtinNodes, FileUserStore, hashPassword } from '@waymark/nodes';
import { createOidcProvider, type PrivateJwk } from '@waymark/oidc-provider';
import type { Stores } from '@waymark/sdk';
import { startProfileApp, type ProfileApp } from '../../examples/handoff/profile-app.mjs';
import { cookieNames, follow, launchBrowser } from '../support/browser.js';
import { pushHandoff } from '../support/native-app.js';
import { closeServer, freePort, SESSION_COOKIE, startTokenIssuer, type TokenIssuer } from '../support/servers.js';
import { NATIVE_APP, sessionTransferFlow } from '../support/session-transfer-flow.js';

/**
 * The whole handoff story in one headless Chromium, as the article tells it:
 *
 * 1. the native app pushes its access token to Waymark (PAR, openid-client);
 * 2. the browser opens the authorization URL, Waymark's session-transfer flow creates the
 *    Waymark session and redirects to the profile web app;
 * 3. the profile app (openid-client, its own client id, authorization code + PKCE) signs in at
 *    Waymark's OpenID Provider, whose login flow finds the session: no prompt, and the profile
 *    page shows the ID token's `sub`.
 *
 * And the negative: without the handoff, the same profile link shows the credentials page.
 * Waymark (adapter + provider, one express app) is `localhost`; the profile app is 127.0.0.1,
 * another site, so nothing but the OpenID Connect round trip carries the sign-in across.
 */

const TRANSFER_CLIENT = 'session-transfer';
const PROFILE_CLIENT = { id: 'profile-app', secret: `profile-${randomBytes(16).toString('hex')}` };

interface Waymark {
  origin: string;
  oidcIssuer: string;
  stores: Stores;
  engine: Engine;
  server: Server;
}

/** Waymark: the adapter at the root and the OpenID Provider at /oidc, one express app on localhost. */
async function startWaymark(tokens: TokenIssuer, port: number, profile: ProfileApp): Promise<Waymark> {
  const origin = `http://localhost:${port}`;
  const stores = createMemoryStores();
  const passwordHash = await hashPassword('correct horse', { N: 1024, r: 8, p: 1 });
  const usersFile = join(mkdtempSync(join(tmpdir(), 'waymark-sso-')), 'users.json');
  writeFileSync(usersFile, JSON.stringify({ users: [{ sub: 'alice', username: 'alice', passwordHash }] }));
  const engine = await createEngine({ nodes: builtinNodes, stores, services: { users: new FileUserStore(usersFile) } });
  engine.load(JSON.parse(readFileSync(new URL('../../flows/login.json', import.meta.url), 'utf8')));
  engine.load(sessionTransferFlow(tokens, `${origin}/session-transfer`));
  const { privateKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
  const op = createOidcProvider({
    issuer: `${origin}/oidc`,
    engine,
    stores,
    jwks: { keys: [{ ...(await exportJWK(privateKey)), kid: 'sso-e2e', alg: 'RS256', use: 'sig' } as PrivateJwk] },
    cookieKeys: [randomBytes(32).toString('base64url')],
    clients: [
      {
        client_id: PROFILE_CLIENT.id,
        client_secret: PROFILE_CLIENT.secret,
        redirect_uris: [profile.redirectUri],
        post_logout_redirect_uris: [profile.postLogoutRedirectUri],
        waymark: { flows: ['login'] },
      },
    ],
  });
  const app = express();
  app.use(
    createWaymarkRouter({
      issuer: origin,
      stores,
      engine,
      // The access log would print into jest's report.
      logger: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
      clients: [
        {
          client_id: TRANSFER_CLIENT,
          name: 'Session transfer (app to web)',
          type: 'session-transfer',
          token_endpoint_auth_method: 'none',
          require_pushed_authorization_requests: true,
          allowed_flows: ['session-transfer'],
          redirect_targets: [`${profile.origin}/`],
          allowed_pushed_parameters: ['subject_token', 'target', 'ip'],
          allowed_scopes: ['session_transfer'],
        },
      ],
    }),
  );
  app.use(op.router);
  const server = createServer(app);
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { origin, oidcIssuer: `${origin}/oidc`, stores, engine, server };
}

/** Answers the credentials page in the browser and waits for the navigation it starts. */
async function typeCredentials(page: Page, username: string, password: string): Promise<void> {
  await page.fill('input[name="IDToken1"]', username);
  await page.fill('input[name="IDToken2"]', password);
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click('button[type="submit"]')]);
}

describe('single sign-on into the web app after a handoff, in headless Chromium', () => {
  let browser: Browser;
  let tokens: TokenIssuer;
  let profile: ProfileApp;
  let waymark: Waymark;

  beforeAll(async () => {
    const port = await freePort();
    [tokens, profile, browser] = await Promise.all([
      startTokenIssuer({ audience: `http://localhost:${port}/session-transfer`, clientId: NATIVE_APP }),
      startProfileApp({ clientId: PROFILE_CLIENT.id, clientSecret: PROFILE_CLIENT.secret, host: '127.0.0.1' }),
      launchBrowser(),
    ]);
    waymark = await startWaymark(tokens, port, profile);
    profile.setIssuer(waymark.oidcIssuer);
  });

  afterAll(async () => {
    await Promise.all([browser?.close(), tokens?.close(), profile?.close(), waymark ? closeServer(waymark.server) : undefined]);
  });

  it('push, authorize, redirect, and the web app signs the user in without a prompt: the profile shows the token sub', async () => {
    const token = await tokens.mint({ sub: 'alice' });
    const url = await pushHandoff({ issuer: waymark.origin, clientId: TRANSFER_CLIENT, subjectToken: token, target: profile.profileUrl });
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      const visit = await follow(page, url.href);
      const paths = visit.hops.map(
        (h) => `${new URL(h.url).host === new URL(waymark.origin).host ? 'waymark' : 'profile'}${new URL(h.url).pathname}`,
      );
      // Phase 2 ends at the profile page, which starts Phase 3 at the provider, which answers with a code.
      expect(paths[0]).toBe('waymark/authorize');
      expect(paths).toContain('profile/profile');
      expect(paths).toContain('waymark/oidc/auth');
      expect(paths).toContain('profile/callback');
      // No credentials page anywhere on the way: every Waymark hop before the callback was a redirect.
      const interactions = visit.hops.filter((h) => new URL(h.url).pathname.startsWith('/oidc/interaction/'));
      expect(interactions.length).toBeGreaterThan(0);
      expect(interactions.every((h) => h.status === 303)).toBe(true);
      expect(visit.finalUrl).toBe(profile.profileUrl);
      expect(await page.textContent('#sub')).toBe('alice');
      expect(await page.textContent('#amr')).not.toContain('pwd');
    } finally {
      await context.close();
    }
  });

  it('without the handoff, the web app sign-in shows the credentials page, and signing in there reaches the profile', async () => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      const visit = await follow(page, profile.profileUrl);
      expect(new URL(visit.finalUrl).pathname).toMatch(/^\/oidc\/interaction\//);
      expect(await page.locator('input[type="password"]').count()).toBe(1);
      expect(await cookieNames(context, waymark.origin)).not.toContain(SESSION_COOKIE);
      await typeCredentials(page, 'alice', 'correct horse');
      expect(page.url()).toBe(profile.profileUrl);
      expect(await page.textContent('#sub')).toBe('alice');
      expect(await page.textContent('#amr')).toBe('pwd');
      expect(await cookieNames(context, waymark.origin)).toContain(SESSION_COOKIE);
    } finally {
      await context.close();
    }
  });

  it('signing out of the web app ends the Waymark session and the provider session: the next sign-in prompts', async () => {
    const token = await tokens.mint({ sub: 'alice' });
    const url = await pushHandoff({ issuer: waymark.origin, clientId: TRANSFER_CLIENT, subjectToken: token, target: profile.profileUrl });
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await follow(page, url.href);
      expect(await page.textContent('#sub')).toBe('alice');
      const sessionId = (await context.cookies(waymark.origin)).find((c) => c.name === SESSION_COOKIE)?.value as string;
      expect(await waymark.stores.sessions.get(sessionId)).toMatchObject({ sub: 'alice' });

      await follow(page, `${profile.origin}/logout`);
      expect(await page.locator('button[name="logout"]').count()).toBe(1);
      await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click('button[name="logout"]')]);
      expect(page.url()).toBe(profile.postLogoutRedirectUri);
      expect(await waymark.stores.sessions.get(sessionId)).toBeUndefined();
      expect(await cookieNames(context, waymark.origin)).not.toContain(SESSION_COOKIE);

      const again = await follow(page, profile.profileUrl);
      expect(new URL(again.finalUrl).pathname).toMatch(/^\/oidc\/interaction\//);
      expect(await page.locator('input[type="password"]').count()).toBe(1);
    } finally {
      await context.close();
    }
  });
});
