import { request } from 'node:http';
import { describe, it, expect, beforeAll, afterAll, beforeEach } from '@jest/globals';
import { CLIENT, IDENTITY_HEADER, Jar, SESSION_KEYS, signInAtProvider, startHarness, type Harness } from './support.js';

/*
 * A `web` route end to end over HTTP (a cookie jar stands in for the browser; the Chromium test
 * covers the same journey in a real browser): login with code + PKCE against a real Waymark
 * OpenID Provider, the identity header the upstream verifies, and the attacks the route must
 * refuse: a forged identity header, a tampered session cookie, an open redirect in return-to,
 * a state mismatch, a replayed callback, a cross-site logout.
 */

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());
beforeEach(() => {
  h.route();
  h.seen.length = 0;
  h.audit.length = 0;
});

const SESSION = 'waymark-gateway';
const LOGIN = 'waymark-gateway-login';

/** A GET to the gateway whose path goes out exactly as written (no URL normalisation); its status. */
function rawGet(path: string): Promise<number> {
  const { hostname, port } = new URL(h.gateway);
  return new Promise((resolve, reject) => {
    request({ hostname, port, path, method: 'GET' }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    })
      .on('error', reject)
      .end();
  });
}

/** Visits `path` signed out, signs in at the provider, and stops at the gateway's callback (not followed). */
async function toCallback(jar: Jar, path: string): Promise<string> {
  const page = await jar.follow(`${h.gateway}${path}`, `${h.gateway}/_waymark/callback`);
  expect(page.url).toMatch(new RegExp(`^${h.issuer}/interaction/`));
  const end = await signInAtProvider(jar, page, `${h.gateway}/_waymark/callback`);
  expect(end.location).toBeDefined();
  return end.location!;
}

/** A signed-in jar (the callback followed). */
async function signedIn(path = '/'): Promise<Jar> {
  const jar = new Jar();
  const callback = await toCallback(jar, path);
  const res = await jar.request(callback);
  expect(res.status).toBe(302);
  return jar;
}

describe('web route: login and forwarding', () => {
  it('sends a signed-out GET to the provider with code + PKCE (S256), state and nonce, and a sealed login cookie', async () => {
    const jar = new Jar();
    const res = await jar.request(`${h.gateway}/account?tab=2`);
    expect(res.status).toBe(302);
    const to = new URL(res.headers.get('location')!);
    expect(`${to.origin}${to.pathname}`).toBe(`${h.issuer}/auth`);
    expect(to.searchParams.get('client_id')).toBe(CLIENT.id);
    expect(to.searchParams.get('redirect_uri')).toBe(`${h.gateway}/_waymark/callback`);
    expect(to.searchParams.get('code_challenge_method')).toBe('S256');
    expect(to.searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/);
    expect(to.searchParams.get('state')).toMatch(/^[\w-]{20,}$/);
    expect(to.searchParams.get('nonce')).toMatch(/^[\w-]{20,}$/);
    expect(to.searchParams.get('scope')).toBe('openid');
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith(`${LOGIN}=`))!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).not.toMatch(/Secure/); // http://127.0.0.1: Secure only when publicUrl is https
    // Sealed: the state is not readable in the cookie.
    expect(jar.of(h.gateway).get(LOGIN)).not.toContain(to.searchParams.get('state'));
    expect(h.seen).toEqual([]);
  });

  it('signs in, returns to the page asked for, and forwards a short-lived identity JWT signed for the upstream', async () => {
    const jar = new Jar();
    const callback = await toCallback(jar, '/account?tab=2');
    const res = await jar.request(callback);
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/account?tab=2');
    const set = res.headers.getSetCookie();
    expect(set.find((c) => c.startsWith(`${SESSION}=`))).toMatch(
      /^waymark-gateway=[^;]+; Path=\/; Max-Age=28800; Expires=[^;]+; HttpOnly; SameSite=Lax$/,
    );
    expect(set.find((c) => c.startsWith(`${LOGIN}=`))).toMatch(/Max-Age=0/);
    const page = await jar.request(`${h.gateway}/account?tab=2`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Hello user-alice');
    const seen = h.seen.at(-1)!;
    expect(seen.path).toBe('/account?tab=2');
    expect(seen.refused).toBeUndefined();
    expect(seen.identity).toMatchObject({ sub: 'user-alice', aud: h.upstream, iss: h.gateway, amr: ['pwd'] });
    expect(seen.identity!.exp! - seen.identity!.iat!).toBe(30);
    // The gateway's own cookies never reach the app (the session holds the ID token); the app's own do.
    expect(seen.cookie).toBeUndefined();
    jar.of(h.gateway).set('app-pref', 'dark');
    await jar.request(`${h.gateway}/account`);
    expect(h.seen.at(-1)!.cookie).toBe('app-pref=dark');
    expect(h.audit).toEqual([
      expect.objectContaining({ type: 'session.created', outcome: 'created', sub: 'user-alice', client_id: CLIENT.id }),
    ]);
  });

  it('publishes the public key of the identity signature, never the private part', async () => {
    const jwks = (await (await fetch(`${h.gateway}/_waymark/jwks.json`)).json()) as { keys: Record<string, unknown>[] };
    expect(jwks.keys).toEqual([expect.objectContaining({ kid: 'gw-1', alg: 'ES256', kty: 'EC', use: 'sig' })]);
    expect(jwks.keys[0]!.d).toBeUndefined();
  });

  it('serves a public path without a session and without identity; a dot segment is not public', async () => {
    const jar = new Jar();
    const css = await jar.request(`${h.gateway}/static/app.css`);
    expect(css.status).toBe(200);
    expect(await css.text()).toContain('teal');
    expect(h.seen).toEqual([expect.objectContaining({ path: '/static/app.css', header: undefined })]);
    // Sent raw: fetch would resolve the dot segments itself; an attacker's client does not.
    for (const path of ['/static/../account', '/static/%2e%2e/account', '/static/..%2faccount', '/static/..\\account']) {
      const status = await rawGet(path);
      expect([path, status]).toEqual([path, 302]);
    }
    expect(h.seen).toHaveLength(1);
  });

  it('strips a forged identity header, signed in or not', async () => {
    const anonymous = new Jar();
    await anonymous.request(`${h.gateway}/static/app.css`, { headers: { [IDENTITY_HEADER]: 'forged.identity.header' } });
    expect(h.seen.at(-1)!.header).toBeUndefined();
    const jar = await signedIn();
    await jar.request(`${h.gateway}/`, { headers: { [IDENTITY_HEADER]: 'forged.identity.header' } });
    expect(h.seen.at(-1)!.header).not.toBe('forged.identity.header');
    expect(h.seen.at(-1)!.identity?.sub).toBe('user-alice');
  });

  it('refuses a tampered session cookie: no forwarding, the cookie is cleared, the browser goes to login', async () => {
    const jar = await signedIn();
    const value = jar.of(h.gateway).get(SESSION)!;
    const middle = Math.floor(value.length / 2);
    jar.of(h.gateway).set(SESSION, value.slice(0, middle) + (value[middle] === 'A' ? 'B' : 'A') + value.slice(middle + 1));
    h.seen.length = 0;
    const res = await jar.request(`${h.gateway}/account`);
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toContain(`${h.issuer}/auth`);
    expect(res.headers.getSetCookie().find((c) => c.startsWith(`${SESSION}=`))).toMatch(/Max-Age=0/);
    expect(h.seen).toEqual([]);
  });

  it('ends the session after its absolute lifetime (injected clock)', async () => {
    h.route({ session: { maxAgeSeconds: 600 } });
    const jar = await signedIn();
    expect((await jar.request(`${h.gateway}/`)).status).toBe(200);
    h.clock.advance(601_000);
    try {
      const res = await jar.request(`${h.gateway}/`);
      expect(res.status).toBe(302);
      expect(res.headers.get('location')).toContain(`${h.issuer}/auth`);
    } finally {
      h.clock.set(Date.now());
    }
  });

  it('rotates the session on every login: a second login seals a new session id', async () => {
    const jar = await signedIn();
    await jar.request(`${h.gateway}/`);
    const first = h.seen.at(-1)!.identity!.sid;
    const again = await jar.follow(`${h.gateway}/_waymark/login?return_to=/`, `${h.gateway}/_waymark/callback`);
    await jar.request(again.location!);
    await jar.request(`${h.gateway}/`);
    const second = h.seen.at(-1)!.identity!.sid;
    expect(typeof first).toBe('string');
    expect(second).not.toBe(first);
  });

  it('rotates session keys: a session sealed with the old key opens while the old key is listed second, not after it is dropped', async () => {
    const jar = await signedIn();
    const newKey = 'a-new-session-key-of-at-least-32-characters-02';
    h.route({}, { keys: { session: [newKey, SESSION_KEYS[0]!], signing: h.signing, clientSecret: CLIENT.secret } });
    expect((await jar.request(`${h.gateway}/`)).status).toBe(200);
    h.route({}, { keys: { session: [newKey], signing: h.signing, clientSecret: CLIENT.secret } });
    expect((await jar.request(`${h.gateway}/`)).status).toBe(302);
  });

  it('matches public paths exactly, by prefix and by glob', async () => {
    h.route({ publicPaths: ['/robots.txt', '/static/', '/img/*.png', '/assets/**'] });
    const status = async (path: string) => (await fetch(`${h.gateway}${path}`, { redirect: 'manual' })).status;
    expect(await status('/robots.txt')).toBe(200);
    expect(await status('/robots.txt.bak')).toBe(302);
    expect(await status('/static/a/b.css')).toBe(200);
    expect(await status('/img/logo.png')).toBe(200);
    expect(await status('/img/sub/logo.png')).toBe(302);
    expect(await status('/assets/a/b/c.js')).toBe(200);
    expect(await rawGet('/assets/..%2fsecret')).toBe(302);
  });

  it('answers a signed-out POST with 401 and a code, never a redirect', async () => {
    const res = await fetch(`${h.gateway}/orders`, { method: 'POST', headers: { accept: 'application/json' }, redirect: 'manual' });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: 'login_required', code: 'ERR_GATEWAY_WEB_LOGIN_REQUIRED' });
    expect(h.seen).toEqual([]);
  });

  it("answers a signed-out sub-resource request (Sec-Fetch-Dest: image) with 401, leaving the page load's login cookie alone", async () => {
    const res = await fetch(`${h.gateway}/logo.png`, { headers: { 'sec-fetch-dest': 'image' }, redirect: 'manual' });
    expect(res.status).toBe(401);
    expect(res.headers.getSetCookie()).toEqual([]);
    const navigation = await fetch(`${h.gateway}/page`, { headers: { 'sec-fetch-dest': 'document' }, redirect: 'manual' });
    expect(navigation.status).toBe(302);
  });

  it("answers 403 with the provider's error when it did not sign the user in, and starts no session", async () => {
    const jar = new Jar();
    const start = await jar.request(`${h.gateway}/`);
    const state = new URL(start.headers.get('location')!).searchParams.get('state')!;
    // RFC 6749 §4.1.2.1 error response, with the issuer (RFC 9207 §2) as the provider sends it.
    const res = await jar.request(
      `${h.gateway}/_waymark/callback?${new URLSearchParams({ error: 'access_denied', state, iss: h.issuer })}`,
      { headers: { accept: 'application/json' } },
    );
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ code: 'ERR_GATEWAY_WEB_LOGIN_FAILED' });
    expect(jar.of(h.gateway).has(SESSION)).toBe(false);
  });

  it('answers 502 with a code when the provider cannot be discovered', async () => {
    h.route({ issuer: 'http://127.0.0.1:9/oidc' });
    const res = await fetch(`${h.gateway}/`, { headers: { accept: 'application/json' }, redirect: 'manual' });
    expect(res.status).toBe(502);
    expect(await res.json()).toMatchObject({ code: 'ERR_GATEWAY_WEB_PROVIDER_UNAVAILABLE' });
  });

  it('answers 502 with a code when the upstream is down', async () => {
    h.route({ upstream: 'http://127.0.0.1:9' });
    const res = await fetch(`${h.gateway}/static/app.css`, { headers: { accept: 'application/json' } });
    expect(res.status).toBe(502);
    expect(await res.json()).toMatchObject({ code: 'ERR_GATEWAY_WEB_UPSTREAM_UNAVAILABLE' });
  });

  it('serves only under its path when mounted at /app, and forwards the full path', async () => {
    h.route({ path: '/app', publicPaths: ['/app/static/'], postLogoutRedirectUri: `${h.gateway}/app` });
    expect((await fetch(`${h.gateway}/elsewhere`)).status).toBe(404);
    const jar = new Jar();
    const page = await jar.follow(`${h.gateway}/app/page`, `${h.gateway}/app/_waymark/callback`);
    const end = await signInAtProvider(jar, page, `${h.gateway}/app/_waymark/callback`);
    const back = await jar.request(end.location!);
    expect(back.headers.get('location')).toBe('/app/page');
    await jar.request(`${h.gateway}/app/page`);
    expect(h.seen.at(-1)).toMatchObject({
      path: '/app/page',
      identity: expect.objectContaining({ sub: 'user-alice', iss: `${h.gateway}/app` }),
    });
  });
});

describe('web route: attacks', () => {
  it.each([
    ['//evil.example/x'],
    ['https://evil.example/x'],
    ['/\\evil.example/x'],
    ['/\t/evil.example/x'],
    ['javascript:alert(1)'],
    ['http://127.0.0.1:1/x'],
  ])('never returns to %j after login: lands on the route root', async (returnTo) => {
    const jar = new Jar();
    const page = await jar.follow(
      `${h.gateway}/_waymark/login?${new URLSearchParams({ return_to: returnTo })}`,
      `${h.gateway}/_waymark/callback`,
    );
    const end = await signInAtProvider(jar, page, `${h.gateway}/_waymark/callback`);
    const res = await jar.request(end.location!);
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/');
  });

  it('returns to a same-origin path given to the login endpoint', async () => {
    const jar = new Jar();
    const page = await jar.follow(
      `${h.gateway}/_waymark/login?return_to=${encodeURIComponent('/orders?id=7')}`,
      `${h.gateway}/_waymark/callback`,
    );
    const end = await signInAtProvider(jar, page, `${h.gateway}/_waymark/callback`);
    expect((await jar.request(end.location!)).headers.get('location')).toBe('/orders?id=7');
  });

  it("refuses a callback whose state is not this browser's: 400, no session", async () => {
    const jar = new Jar();
    const callback = new URL(await toCallback(jar, '/'));
    callback.searchParams.set('state', 'an-attacker-state-value-0123456789');
    const res = await jar.request(callback.href, { headers: { accept: 'application/json' } });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: 'ERR_GATEWAY_WEB_STATE_MISMATCH' });
    expect(res.headers.getSetCookie().some((c) => c.startsWith(`${SESSION}=`))).toBe(false);
    expect(jar.of(h.gateway).has(SESSION)).toBe(false);
    expect((await jar.request(`${h.gateway}/`)).status).toBe(302);
  });

  it('refuses a replayed callback: in the same browser (no login in progress) and with a copied login cookie (the code is spent)', async () => {
    const jar = new Jar();
    const callback = await toCallback(jar, '/');
    const loginCookie = jar.of(h.gateway).get(LOGIN)!;
    expect((await jar.request(callback)).status).toBe(302);

    const replay = await jar.request(callback, { headers: { accept: 'application/json' } });
    expect(replay.status).toBe(400);
    expect(await replay.json()).toMatchObject({ code: 'ERR_GATEWAY_WEB_LOGIN_NOT_STARTED' });

    const attacker = new Jar();
    attacker.of(h.gateway).set(LOGIN, loginCookie);
    const stolen = await attacker.request(callback, { headers: { accept: 'application/json' } });
    expect(stolen.status).toBe(400);
    expect(await stolen.json()).toMatchObject({ code: 'ERR_GATEWAY_WEB_CALLBACK_FAILED' });
    expect(attacker.of(h.gateway).has(SESSION)).toBe(false);
  });

  it('refuses a logout posted from another site; a GET only shows a form', async () => {
    const jar = await signedIn();
    const cross = await jar.request(`${h.gateway}/_waymark/logout`, {
      method: 'POST',
      headers: { origin: 'https://evil.example', accept: 'application/json' },
    });
    expect(cross.status).toBe(403);
    expect(await cross.json()).toMatchObject({ code: 'ERR_GATEWAY_WEB_CROSS_SITE' });
    const get = await jar.request(`${h.gateway}/_waymark/logout`);
    expect(get.status).toBe(200);
    expect(await get.text()).toContain('<form method="post" action="/_waymark/logout">');
    expect((await jar.request(`${h.gateway}/`)).status).toBe(200); // still signed in
  });

  it('logs out even when the provider is unreachable: the gateway session ends, the browser lands on the post-logout page', async () => {
    const jar = await signedIn();
    h.route({ issuer: 'http://127.0.0.1:9/oidc' });
    const res = await jar.request(`${h.gateway}/_waymark/logout`, { method: 'POST', headers: { origin: h.gateway } });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`${h.gateway}/signed-out`);
    expect(jar.of(h.gateway).has(SESSION)).toBe(false);
  });

  it("logs out: clears the session and sends the browser to the provider's end_session with id_token_hint", async () => {
    const jar = await signedIn();
    const res = await jar.request(`${h.gateway}/_waymark/logout`, { method: 'POST', headers: { origin: h.gateway } });
    expect(res.status).toBe(303);
    const to = new URL(res.headers.get('location')!);
    expect(`${to.origin}${to.pathname}`).toBe(`${h.issuer}/session/end`);
    expect(to.searchParams.get('id_token_hint')).toMatch(/^ey/);
    expect(to.searchParams.get('post_logout_redirect_uri')).toBe(`${h.gateway}/signed-out`);
    expect(to.searchParams.get('client_id')).toBe(CLIENT.id);
    expect(jar.of(h.gateway).has(SESSION)).toBe(false);
    expect(h.audit.at(-1)).toMatchObject({ type: 'session.ended', outcome: 'ended', sub: 'user-alice' });
    expect((await jar.request(`${h.gateway}/`)).status).toBe(302);
  });
});
