import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { decodeJwt } from 'jose';
import * as oidc from 'openid-client';
import { createAccessTokenValidator, verifyDpopProof } from '@waymark/access-token';
import { Browser, formOf, startStack, webAppClient, WEB_APP, type Stack } from './support.js';

/*
 * RFC 9449 DPoP with openid-client: a client that proves a key at the token endpoint gets tokens
 * bound to it (cnf.jkt, token_type DPoP). Without its proof such a token is refused, at the
 * provider's userinfo endpoint and by Waymark's own access-token checks (verifyDpopProof, what the
 * token.validate node runs for a bound token); with it, accepted. A client registered with
 * `dpop_bound_access_tokens` must prove a key (§5.2).
 */

const API = 'https://api.example/';
let stack: Stack;

async function signIn(clientId: string, resource?: string) {
  const config = await oidc.discovery(new URL(stack.issuer), clientId, WEB_APP.secret, undefined, {
    execute: [oidc.allowInsecureRequests],
  });
  const verifier = oidc.randomPKCECodeVerifier();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: WEB_APP.redirect,
    scope: resource ? 'openid api:read' : 'openid',
    ...(resource ? { resource } : {}),
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
  });
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
    clients: [webAppClient(['login']), webAppClient(['login'], { client_id: 'dpop-app', dpop_bound_access_tokens: true })],
    extra: { resourceServers: { [API]: { scopes: ['api:read'] } } },
  });
});
afterAll(async () => {
  await stack?.close();
});

describe('DPoP (RFC 9449)', () => {
  it('binds the token of a client that proves a key; userinfo refuses it without the proof and answers with it', async () => {
    const { config, callback, verifier } = await signIn(WEB_APP.id);
    const DPoP = oidc.getDPoPHandle(config, await oidc.randomDPoPKeyPair('ES256'));
    const tokens = await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier }, undefined, { DPoP });
    expect(tokens.token_type).toBe('dpop');
    const asBearer = await fetch(`${stack.issuer}/me`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(asBearer.status).toBe(401);
    const asDpopWithoutProof = await fetch(`${stack.issuer}/me`, { headers: { authorization: `DPoP ${tokens.access_token}` } });
    expect({ status: asDpopWithoutProof.status, body: await asDpopWithoutProof.json() }).toEqual({
      status: 400,
      body: { error: 'invalid_request', error_description: '`DPoP` header not provided' },
    });
    const userinfo = await oidc.fetchUserInfo(config, tokens.access_token, 'user-alice', { DPoP });
    expect(userinfo.sub).toBe('user-alice');
  });

  it("binds a JWT access token for an API (cnf.jkt); Waymark's checks refuse it without its proof and accept it with", async () => {
    const { config, callback, verifier } = await signIn(WEB_APP.id, API);
    const keyPair = await oidc.randomDPoPKeyPair('ES256');
    const DPoP = oidc.getDPoPHandle(config, keyPair);
    const tokens = await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier }, { resource: API }, { DPoP });
    const jkt = (decodeJwt(tokens.access_token).cnf as { jkt?: string } | undefined)?.jkt;
    expect(jkt).toEqual(expect.any(String));
    const validated = await createAccessTokenValidator({ issuer: stack.issuer, audience: API, jwksUri: `${stack.issuer}/jwks` }).validate(
      tokens.access_token,
    );
    expect(validated).toMatchObject({ ok: true, claims: { cnf: { jkt } } });

    // The API: receives the request openid-client makes with the token and its proof.
    let seen: { dpop?: string; url: string } | undefined;
    const api: Server = createServer((req, res) => {
      seen = { dpop: req.headers.dpop as string | undefined, url: `http://127.0.0.1:${(api.address() as AddressInfo).port}${req.url}` };
      res.end('{}');
    });
    await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
    try {
      const url = new URL(`http://127.0.0.1:${(api.address() as AddressInfo).port}/payments`);
      await oidc.fetchProtectedResource(config, tokens.access_token, url, 'GET', undefined, undefined, { DPoP });
      const check = { method: 'GET', url: seen!.url, accessToken: tokens.access_token, jkt: jkt! };
      expect(await verifyDpopProof({ ...check, proof: undefined })).toMatchObject({ ok: false, error: { code: 'ERR_DPOP_PROOF_MISSING' } });
      expect(await verifyDpopProof({ ...check, proof: seen!.dpop })).toMatchObject({ ok: true, jkt });
    } finally {
      await new Promise<void>((resolve) => api.close(() => resolve()));
    }
  });

  it('refuses a token request without a proof from a client registered with dpop_bound_access_tokens (RFC 9449 §5.2)', async () => {
    const first = await signIn('dpop-app');
    await expect(oidc.authorizationCodeGrant(first.config, first.callback, { pkceCodeVerifier: first.verifier })).rejects.toMatchObject({
      error: 'invalid_grant',
    });
    // The same client with a proof gets its (bound) token.
    const again = await signIn('dpop-app');
    const DPoP = oidc.getDPoPHandle(again.config, await oidc.randomDPoPKeyPair('ES256'));
    const tokens = await oidc.authorizationCodeGrant(again.config, again.callback, { pkceCodeVerifier: again.verifier }, undefined, {
      DPoP,
    });
    expect(tokens.token_type).toBe('dpop');
  });
});
