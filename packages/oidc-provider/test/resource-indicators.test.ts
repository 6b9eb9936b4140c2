import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { decodeProtectedHeader } from 'jose';
import * as oidc from 'openid-client';
import { createAccessTokenValidator } from '@waymark/access-token';
import { Browser, formOf, startStack, webAppClient, WEB_APP, type Stack } from './support.js';

/*
 * RFC 8707 resource indicators: a client that names an API as `resource` gets an RFC 9068 JWT
 * access token for it (aud = the indicator, typ at+jwt, client_id, the API's scopes), which the
 * one access-token validator of Waymark accepts against the provider's JWKS.
 */

const API = 'http://localhost:3000/session-transfer';
const OTHER = 'https://api.example.com/other';

async function codeFlow(stack: Stack, resource: string, scope = 'openid session_transfer') {
  const config = await oidc.discovery(new URL(stack.issuer), WEB_APP.id, WEB_APP.secret, undefined, {
    execute: [oidc.allowInsecureRequests],
  });
  const verifier = oidc.randomPKCECodeVerifier();
  const nonce = oidc.randomNonce();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: WEB_APP.redirect,
    scope,
    resource,
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    nonce,
  });
  const browser = new Browser();
  const page = await browser.follow(url.href, WEB_APP.redirect);
  if (page.location !== undefined) return { config, location: page.location, verifier, nonce };
  const { action, fields } = formOf(page.body);
  const named = (type: string) => new RegExp(`name="(IDToken\\d+)" type="${type}"`).exec(page.body)?.[1] ?? '';
  const done = await browser.follow(new URL(action, page.url).href, WEB_APP.redirect, {
    method: 'POST',
    body: new URLSearchParams({ ...fields, [named('text')]: 'alice', [named('password')]: 'correct horse' }),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  return { config, location: done.location as string, verifier, nonce };
}

describe('resourceServers (RFC 8707 resource indicators, RFC 9068 JWT access tokens)', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      clients: [webAppClient(['login']), { ...webAppClient(['login']), client_id: 'other-app' }],
      extra: { resourceServers: { [API]: { scopes: ['session_transfer'], clients: [WEB_APP.id], accessTokenTtl: 300 } } },
    });
  });
  afterAll(async () => {
    await stack.close();
  });

  it('issues a JWT access token for the named API that the access-token validator accepts', async () => {
    const flow = await codeFlow(stack, API);
    const tokens = await oidc.authorizationCodeGrant(
      flow.config,
      new URL(flow.location),
      { pkceCodeVerifier: flow.verifier, expectedNonce: flow.nonce, idTokenExpected: true },
      { resource: API },
    );
    expect(decodeProtectedHeader(tokens.access_token)).toMatchObject({ typ: 'at+jwt', alg: 'RS256' });
    expect(tokens.expires_in).toBeLessThanOrEqual(300);
    const validator = createAccessTokenValidator({
      issuer: stack.issuer,
      audience: API,
      jwksUri: `${stack.issuer}/jwks`,
      clock: { now: () => Date.now() },
    });
    const result = await validator.validate(tokens.access_token);
    expect(result).toMatchObject({ ok: true, clientId: WEB_APP.id, scopes: ['session_transfer'] });
    expect(result.ok && result.claims).toMatchObject({ iss: stack.issuer, aud: API, sub: 'user-alice' });
  });

  it('refuses an indicator it does not list with invalid_target (RFC 8707 §2)', async () => {
    const config = await oidc.discovery(new URL(stack.issuer), WEB_APP.id, WEB_APP.secret, undefined, {
      execute: [oidc.allowInsecureRequests],
    });
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: WEB_APP.redirect,
      scope: 'openid',
      resource: OTHER,
      code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()),
      code_challenge_method: 'S256',
    });
    const res = await new Browser().request(url.href);
    expect(new URL(res.headers.get('location') ?? '', url).searchParams.get('error')).toBe('invalid_target');
  });

  it('refuses a client the API does not list', async () => {
    const config = await oidc.discovery(new URL(stack.issuer), 'other-app', WEB_APP.secret, undefined, {
      execute: [oidc.allowInsecureRequests],
    });
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: WEB_APP.redirect,
      scope: 'openid',
      resource: API,
      code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()),
      code_challenge_method: 'S256',
    });
    const res = await new Browser().request(url.href);
    expect(new URL(res.headers.get('location') ?? '', url).searchParams.get('error')).toBe('invalid_target');
  });
});
