import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { createMemoryStores, createEngine } from '@waymark/core';
import { builtinNodes } from '@waymark/nodes';
import { decodeJwt } from 'jose';
import type Provider from 'oidc-provider';
import * as oidc from 'openid-client';
import { createAccessTokenValidator } from '@waymark/access-token';
import { createOidcProvider } from '@waymark/oidc-provider';
import { Browser, formOf, startStack, testJwks, webAppClient, WEB_APP, type Stack } from './support.js';

/*
 * RFC 8707 resource servers, configured with their audience, scopes, access-token lifetime and
 * format (RFC 9068 JWT or opaque), and several resources in one authorization request: each
 * token request then names the one its token is for (RFC 8707 §2.2).
 */

const PAYMENTS = 'https://payments.example/';
const FILES = 'https://files.example/';
const LEDGER = 'https://ledger.example/';

let stack: Stack;

/** alice signs in at the web app asking for `resource` (one or several) and `scope`; the callback URL and the verifier. */
async function signIn(resources: string[], scope: string, extra: Record<string, string> = {}) {
  const config = await oidc.discovery(new URL(stack.issuer), WEB_APP.id, WEB_APP.secret, undefined, {
    execute: [oidc.allowInsecureRequests],
  });
  const verifier = oidc.randomPKCECodeVerifier();
  const params = new URLSearchParams({
    redirect_uri: WEB_APP.redirect,
    scope,
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    ...extra,
  });
  for (const resource of resources) params.append('resource', resource);
  const url = oidc.buildAuthorizationUrl(config, params);
  const browser = new Browser();
  const page = await browser.follow(url.href, WEB_APP.redirect);
  const { action, fields } = formOf(page.body);
  const done = await browser.follow(new URL(action, page.url).href, WEB_APP.redirect, {
    method: 'POST',
    body: new URLSearchParams({ ...fields, IDToken1: 'alice', IDToken2: 'correct horse' }),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  return { config, callback: new URL(done.location as string), verifier };
}

beforeAll(async () => {
  stack = await startStack({
    clients: [webAppClient(['login'], { grant_types: ['authorization_code', 'refresh_token'] })],
    extra: {
      resourceServers: {
        [PAYMENTS]: { scopes: ['payments:read', 'payments:write'], audience: 'urn:example:payments', accessTokenTtl: 120 },
        [FILES]: { scopes: ['files:read'] },
        [LEDGER]: { scopes: ['ledger:read'], accessTokenFormat: 'opaque', accessTokenTtl: 90 },
      },
    },
  });
});
afterAll(async () => {
  await stack?.close();
});

describe('resourceServers: audience, lifetime and format', () => {
  it("a JWT for a resource carries the resource's configured audience, its scopes and its lifetime", async () => {
    const { config, callback, verifier } = await signIn([PAYMENTS], 'openid payments:read');
    const tokens = await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier }, { resource: PAYMENTS });
    expect(tokens.expires_in).toBeLessThanOrEqual(120);
    const validator = createAccessTokenValidator({
      issuer: stack.issuer,
      audience: 'urn:example:payments',
      jwksUri: `${stack.issuer}/jwks`,
      clock: { now: () => Date.now() },
    });
    expect(await validator.validate(tokens.access_token)).toMatchObject({
      ok: true,
      scopes: ['payments:read'],
      claims: { aud: 'urn:example:payments' },
    });
  });

  it('an opaque token for a resource that asks for one: not a JWT, stored with its audience, scopes and lifetime', async () => {
    const { config, callback, verifier } = await signIn([LEDGER], 'openid ledger:read');
    const tokens = await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier }, { resource: LEDGER });
    expect(tokens.access_token.split('.')).toHaveLength(1);
    expect(tokens.expires_in).toBeLessThanOrEqual(90);
    const stored = await (stack.op.provider as unknown as Provider).AccessToken.find(tokens.access_token);
    expect(stored).toMatchObject({ aud: LEDGER, scope: 'ledger:read', clientId: WEB_APP.id, accountId: 'user-alice' });
  });
});

describe('resourceServers: several resources in one authorization request (RFC 8707 §2)', () => {
  it('grants the scopes of each; each token names one resource and carries only its scopes; a refresh token gets the other', async () => {
    const { config, callback, verifier } = await signIn([PAYMENTS, FILES], 'openid offline_access payments:read files:read', {
      prompt: 'consent',
    });
    const first = await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier }, { resource: PAYMENTS });
    expect(decodeJwt(first.access_token)).toMatchObject({ aud: 'urn:example:payments', scope: 'payments:read' });
    expect(first.refresh_token).toEqual(expect.any(String));
    // RFC 8707 §2.2: the refresh token is good for every granted resource, one per request.
    const second = await oidc.refreshTokenGrant(config, first.refresh_token!, { resource: FILES });
    expect(decodeJwt(second.access_token)).toMatchObject({ aud: FILES, scope: 'files:read' });
    // A resource the grant did not include is refused.
    await expect(oidc.refreshTokenGrant(config, second.refresh_token ?? first.refresh_token!, { resource: LEDGER })).rejects.toMatchObject({
      error: 'invalid_target',
    });
  });
});

describe('resourceServers: start-up checks', () => {
  it('refuses two resource servers with one audience, naming the pointer and the fix', async () => {
    const stores = createMemoryStores();
    const engine = await createEngine({ nodes: builtinNodes, stores });
    expect(() =>
      createOidcProvider({
        issuer: 'http://localhost:3999/oidc',
        engine,
        stores,
        jwks: { keys: [] },
        cookieKeys: ['a-cookie-signing-key-of-32-characters-or-more'],
        clients: [],
        resourceServers: { [PAYMENTS]: { scopes: ['a'], audience: 'same' }, [FILES]: { scopes: ['b'], audience: 'same' } },
      }),
    ).toThrow(/resourceServers\/https:~1~1files.example~1\/audience: "same" is also the audience of "https:\/\/payments.example\/"/);
  });

  it('refuses an unknown access token format', async () => {
    const stores = createMemoryStores();
    const engine = await createEngine({ nodes: builtinNodes, stores });
    const jwks = await testJwks();
    expect(() =>
      createOidcProvider({
        issuer: 'http://localhost:3999/oidc',
        engine,
        stores,
        jwks,
        cookieKeys: ['a-cookie-signing-key-of-32-characters-or-more'],
        clients: [],
        resourceServers: { [PAYMENTS]: { scopes: ['a'], accessTokenFormat: 'paseto' as never } },
      }),
    ).toThrow(/resourceServers\/https:~1~1payments.example~1\/accessTokenFormat/);
  });
});
