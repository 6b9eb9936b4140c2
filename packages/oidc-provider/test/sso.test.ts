import { randomBytes } from 'node:crypto';
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import * as oidc from 'openid-client';
import { createAuditor, createMemoryStores, systemClock } from '@waymark/core';
import type { AuditEvent } from '@waymark/sdk';
import { Browser, formOf, SESSION_COOKIE, startStack, webAppClient, WEB_APP, type Stack } from './support.js';

/*
 * The web app's side of the handoff's Phase 3, with openid-client 6 as the relying party:
 * authorization code + PKCE against the provider, ID token validation, userinfo. A handoff is
 * simulated by a Waymark session in the stores and its cookie in the browser.
 */

async function discover(stack: Stack): Promise<oidc.Configuration> {
  return oidc.discovery(new URL(stack.issuer), WEB_APP.id, WEB_APP.secret, undefined, { execute: [oidc.allowInsecureRequests] });
}

async function authorizationRequest(config: oidc.Configuration, extra: Record<string, string> = {}) {
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: WEB_APP.redirect,
    scope: 'openid',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
    ...extra,
  });
  return { url: url.href, verifier, state, nonce };
}

async function redeem(config: oidc.Configuration, location: string, request: { verifier: string; state: string; nonce: string }) {
  return oidc.authorizationCodeGrant(config, new URL(location), {
    pkceCodeVerifier: request.verifier,
    expectedState: request.state,
    expectedNonce: request.nonce,
    idTokenExpected: true,
  });
}

/** A Waymark session as the handoff leaves it, and its cookie in the browser. */
async function handoffSession(stack: Stack, browser: Browser, sub = 'user-alice'): Promise<string> {
  const id = randomBytes(32).toString('base64url');
  const now = Date.now();
  await stack.stores.sessions.put({
    id,
    sub,
    createdAt: now - 5000,
    lastSeenAt: now,
    idleSeconds: 1800,
    expiresAt: now + 3_600_000,
    authTime: now - 5000,
    amr: ['token'],
  });
  browser.cookies.set(SESSION_COOKIE, id);
  return id;
}

/** Answers the credentials page and follows to the redirect URI. */
async function signIn(browser: Browser, page: { url: string; body: string }, username = 'alice', password = 'correct horse') {
  const { action, fields } = formOf(page.body);
  // Fields are named after the callbacks' positions (IDToken1…): a message before them shifts them.
  const named = (type: string) => new RegExp(`name="(IDToken\\d+)" type="${type}"`).exec(page.body)?.[1] ?? '';
  const body = new URLSearchParams({ ...fields, [named('text')]: username, [named('password')]: password });
  return browser.follow(new URL(action, page.url).href, WEB_APP.redirect, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
}

describe('@waymark/oidc-provider with openid-client as the web app', () => {
  let stack: Stack;
  let config: oidc.Configuration;

  beforeAll(async () => {
    stack = await startStack({ clients: [webAppClient(['login', 'password'])] });
    config = await discover(stack);
  });
  afterAll(() => stack.close());

  it('publishes discovery and a JWKS of public keys only', async () => {
    const metadata = config.serverMetadata();
    expect(metadata.issuer).toBe(stack.issuer);
    expect(metadata.code_challenge_methods_supported).toEqual(['S256']);
    expect(metadata.end_session_endpoint).toBe(`${stack.issuer}/session/end`);
    expect(metadata.acr_values_supported).toEqual(['login', 'password']);
    const jwks = (await (await fetch(metadata.jwks_uri as string)).json()) as { keys: Record<string, unknown>[] };
    expect(jwks.keys.map((k) => k.kid)).toEqual(['test-1']);
    expect(jwks.keys.every((k) => k.d === undefined)).toBe(true);
  });

  it('signs the user in silently when the browser holds the Waymark session a handoff created', async () => {
    const browser = new Browser();
    const sessionId = await handoffSession(stack, browser);
    const request = await authorizationRequest(config);
    const end = await browser.follow(request.url, WEB_APP.redirect);
    expect(end.location).toBeDefined(); // no page on the way: no prompt
    const tokens = await redeem(config, end.location as string, request);
    const claims = tokens.claims()!;
    expect(claims.sub).toBe('user-alice');
    expect(claims.iss).toBe(stack.issuer);
    expect(claims.aud).toBe(WEB_APP.id);
    expect(claims.amr).toEqual(['token']);
    expect(claims.acr).toBe('login');
    const userinfo = await oidc.fetchUserInfo(config, tokens.access_token, 'user-alice');
    expect(userinfo.sub).toBe('user-alice');
    // The handoff's session is the one in use: no second session was created.
    expect(browser.cookies.get(SESSION_COOKIE)).toBe(sessionId);
  });

  it('reports the time the user authenticated at the handoff, not the time of the silent sign-in', async () => {
    const browser = new Browser();
    await handoffSession(stack, browser);
    const request = await authorizationRequest(config, { max_age: '3600' });
    const end = await browser.follow(request.url, WEB_APP.redirect);
    const claims = (await redeem(config, end.location as string, request)).claims()!;
    const session = await stack.stores.sessions.get(browser.cookies.get(SESSION_COOKIE) as string);
    expect(claims.auth_time).toBe(Math.floor((session?.authTime as number) / 1000));
  });

  it('prompts with the credentials page without a Waymark session, then signs in with a new session', async () => {
    const browser = new Browser();
    const request = await authorizationRequest(config);
    const page = await browser.follow(request.url, WEB_APP.redirect);
    expect(page.status).toBe(200);
    expect(page.url).toMatch(new RegExp(`^${stack.issuer}/interaction/`));
    expect(page.body).toContain('type="password"');
    expect(page.body).toContain('name="IDToken1"');
    const end = await signIn(browser, page);
    const claims = (await redeem(config, end.location as string, request)).claims()!;
    expect(claims.sub).toBe('user-alice');
    expect(claims.amr).toEqual(['pwd']);
    const session = await stack.stores.sessions.get(browser.cookies.get(SESSION_COOKIE) as string);
    expect(session?.sub).toBe('user-alice');
  });

  it('shows the credentials page again after a wrong password, and no code is issued', async () => {
    const browser = new Browser();
    const request = await authorizationRequest(config);
    const page = await browser.follow(request.url, WEB_APP.redirect);
    const again = await signIn(browser, page, 'alice', 'wrong');
    expect(again.status).toBe(200);
    expect(again.location).toBeUndefined();
    expect(again.body).toContain('type="password"');
    expect(again.body).toContain('<p role="alert" class="error">Wrong username or password. Try again.</p>');
    const end = await signIn(browser, again);
    expect((await redeem(config, end.location as string, request)).claims()!.sub).toBe('user-alice');
  });

  it('runs the flow acr_values names when the client allows it (password even with a session)', async () => {
    const browser = new Browser();
    await handoffSession(stack, browser);
    const request = await authorizationRequest(config, { acr_values: 'password' });
    const page = await browser.follow(request.url, WEB_APP.redirect);
    expect(page.body).toContain('type="password"');
    const end = await signIn(browser, page);
    const claims = (await redeem(config, end.location as string, request)).claims()!;
    expect(claims.acr).toBe('urn:waymark:password');
  });

  it('ignores acr_values naming a flow the client does not allow and runs its default flow', async () => {
    const browser = new Browser();
    await handoffSession(stack, browser);
    const request = await authorizationRequest(config, { acr_values: 'session-only' });
    const end = await browser.follow(request.url, WEB_APP.redirect);
    expect((await redeem(config, end.location as string, request)).claims()!.acr).toBe('login');
  });

  it('refuses a form post whose CSRF token was not served for this interaction', async () => {
    const browser = new Browser();
    const request = await authorizationRequest(config);
    const page = await browser.follow(request.url, WEB_APP.redirect);
    const { action, fields } = formOf(page.body);
    const body = new URLSearchParams({ ...fields, csrf: 'forged', IDToken1: 'alice', IDToken2: 'correct horse' });
    const res = await browser.request(new URL(action, page.url).href, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('role="alert"');
  });

  it('refuses an interaction page to a browser without the interaction cookie', async () => {
    const browser = new Browser();
    const request = await authorizationRequest(config);
    const page = await browser.follow(request.url, WEB_APP.redirect);
    const res = await fetch(page.url, { redirect: 'manual' });
    expect(res.status).toBe(400);
    expect(await res.text()).not.toContain('type="password"');
  });

  it('answers a malformed JSON body with 400 invalid_request, never a 500 (the error table of @waymark/http)', async () => {
    const browser = new Browser();
    const request = await authorizationRequest(config);
    const page = await browser.follow(request.url, WEB_APP.redirect);
    const res = await browser.request(page.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"journeyId":' });
    expect(res.status).toBe(400);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.json()).toEqual({ error: 'invalid_request', error_description: expect.stringMatching(/could not be read/) });
  });

  it('answers the interaction as AIC-style JSON for native callers', async () => {
    const browser = new Browser();
    const request = await authorizationRequest(config);
    const first = await browser.request(request.url);
    const interaction = new URL(first.headers.get('location') as string, request.url).href;
    const step = (await (await browser.request(interaction, { headers: { accept: 'application/json' } })).json()) as {
      journeyId: string;
      callbacks: { type: string; input: { name: string; value: unknown }[] }[];
    };
    expect(step.callbacks.map((c) => c.type)).toEqual(['NameCallback', 'PasswordCallback']);
    step.callbacks[0]!.input[0]!.value = 'alice';
    step.callbacks[1]!.input[0]!.value = 'correct horse';
    const done = await browser.request(interaction, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(step),
    });
    const answer = (await done.json()) as { status: string; redirect: string };
    expect(answer.status).toBe('success');
    const end = await browser.follow(answer.redirect, WEB_APP.redirect);
    expect((await redeem(config, end.location as string, request)).claims()!.sub).toBe('user-alice');
  });

  it('prompts again when the Waymark session ended although the provider still remembers the user', async () => {
    const browser = new Browser();
    const sessionId = await handoffSession(stack, browser);
    const first = await authorizationRequest(config);
    await redeem(config, (await browser.follow(first.url, WEB_APP.redirect)).location as string, first);
    await stack.stores.sessions.delete(sessionId);
    const second = await authorizationRequest(config);
    const page = await browser.follow(second.url, WEB_APP.redirect);
    expect(page.status).toBe(200);
    expect(page.body).toContain('type="password"');
  });

  it('answers prompt=none with login_required once the Waymark session is gone', async () => {
    const browser = new Browser();
    const sessionId = await handoffSession(stack, browser);
    const first = await authorizationRequest(config);
    await redeem(config, (await browser.follow(first.url, WEB_APP.redirect)).location as string, first);
    await stack.stores.sessions.delete(sessionId);
    const second = await authorizationRequest(config, { prompt: 'none' });
    const end = await browser.follow(second.url, WEB_APP.redirect);
    expect(new URL(end.location as string).searchParams.get('error')).toBe('login_required');
  });
});

describe('@waymark/oidc-provider failure and logout', () => {
  let stack: Stack;
  let config: oidc.Configuration;
  const events: AuditEvent[] = [];

  beforeAll(async () => {
    stack = await startStack({ clients: [webAppClient(['session-only'])], extra: { audit: createAuditor([(e) => events.push(e)]) } });
    config = await discover(stack);
  });
  afterAll(() => stack.close());

  it('returns access_denied with the journey reason to the client when the flow fails', async () => {
    const browser = new Browser();
    const request = await authorizationRequest(config);
    const end = await browser.follow(request.url, WEB_APP.redirect);
    const params = new URL(end.location as string).searchParams;
    expect(params.get('error')).toBe('access_denied');
    expect(params.get('error_description')).toMatch(/failure/);
    expect(params.get('state')).toBe(request.state);
    expect(params.get('code')).toBeNull();
    // The audit trail: the login interaction ended in failure at the flow's failing node.
    expect(events.filter((e) => e.type === 'authorize.ended').at(-1)).toMatchObject({
      outcome: 'failure',
      client_id: WEB_APP.id,
      flow: 'session-only@1',
      code: 'ERR_JOURNEY_FAILED',
      node: expect.any(String),
      requestId: expect.any(String),
    });
  });

  it('RP-initiated logout ends the provider session and the Waymark session, and clears the cookie', async () => {
    const browser = new Browser();
    const sessionId = await handoffSession(stack, browser);
    const request = await authorizationRequest(config);
    const tokens = await redeem(config, (await browser.follow(request.url, WEB_APP.redirect)).location as string, request);

    const endSession = oidc.buildEndSessionUrl(config, {
      id_token_hint: tokens.id_token as string,
      post_logout_redirect_uri: WEB_APP.loggedOut,
      state: 'bye',
    });
    const confirm = await browser.follow(endSession.href, WEB_APP.loggedOut);
    expect(confirm.status).toBe(200);
    const { action, fields } = formOf(confirm.body);
    const body = new URLSearchParams({ ...fields, logout: 'yes' });
    const res = await browser.request(new URL(action, confirm.url).href, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`${WEB_APP.loggedOut}?state=bye`);
    // The provider's responses carry a request id, and the logout is an audit event with the session's subject, never its id.
    const requestId = res.headers.get('x-request-id');
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    const ended = events.filter((e) => e.type === 'session.ended');
    expect(ended).toEqual([
      expect.objectContaining({ outcome: 'ended', sub: 'user-alice', reason: 'logout', requestId, client_id: WEB_APP.id }),
    ]);
    expect(JSON.stringify(events)).not.toContain(sessionId);
    expect(res.headers.getSetCookie().some((c) => c.startsWith(`${SESSION_COOKIE}=;`) && /Max-Age=0/.test(c))).toBe(true);
    expect(await stack.stores.sessions.get(sessionId)).toBeUndefined();
    expect(browser.cookies.has(SESSION_COOKIE)).toBe(false);

    // The provider's session is gone too: even a browser that replays the old Waymark cookie is not signed in.
    browser.cookies.set(SESSION_COOKIE, sessionId);
    const again = await authorizationRequest(config);
    const end = await browser.follow(again.url, WEB_APP.redirect);
    expect(new URL(end.location as string).searchParams.get('error')).toBe('access_denied');
    const silent = await authorizationRequest(config, { prompt: 'none' });
    const none = await browser.follow(silent.url, WEB_APP.redirect);
    expect(new URL(none.location as string).searchParams.get('error')).toBe('login_required');
  });

  it('keeps the Waymark session when the user chooses to stay signed in', async () => {
    const browser = new Browser();
    const sessionId = await handoffSession(stack, browser);
    const request = await authorizationRequest(config);
    const tokens = await redeem(config, (await browser.follow(request.url, WEB_APP.redirect)).location as string, request);
    const confirm = await browser.follow(
      oidc.buildEndSessionUrl(config, { id_token_hint: tokens.id_token as string }).href,
      WEB_APP.loggedOut,
    );
    const { action, fields } = formOf(confirm.body);
    const res = await browser.request(new URL(action, confirm.url).href, {
      method: 'POST',
      body: new URLSearchParams(fields),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(res.status).toBe(303);
    expect(await stack.stores.sessions.get(sessionId)).toMatchObject({ sub: 'user-alice' });
    expect(res.headers.getSetCookie().some((c) => c.startsWith(`${SESSION_COOKIE}=`))).toBe(false);
  });
});

describe('@waymark/oidc-provider at the live-journey cap of the memory stores', () => {
  let stack: Stack;
  let config: oidc.Configuration;

  beforeAll(async () => {
    stack = await startStack({ clients: [webAppClient(['password'])], stores: createMemoryStores(systemClock, { maxJourneys: 1 }) });
    config = await discover(stack);
  });
  afterAll(() => stack.close());

  it('answers a new sign-in with 503 (not 500) while the store is full, and the sign-in in flight still finishes', async () => {
    const first = new Browser();
    const firstRequest = await authorizationRequest(config);
    const page = await first.follow(firstRequest.url, WEB_APP.redirect);
    expect(page.body).toContain('type="password"');
    const second = await new Browser().follow((await authorizationRequest(config)).url, WEB_APP.redirect);
    expect(second.status).toBe(503);
    expect(second.body).toContain('Sign-in is busy for a moment');
    // The table's Retry-After: when the soonest journey expires, at least a second and at most a minute.
    expect(Number(second.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(second.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    const end = await signIn(first, page);
    expect((await redeem(config, end.location as string, firstRequest)).claims()!.sub).toBe('user-alice');
  });
});
