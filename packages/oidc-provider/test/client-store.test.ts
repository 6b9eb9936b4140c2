import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { decodeJwt, exportJWK, generateKeyPair } from 'jose';
import * as oidc from 'openid-client';
import { Browser } from './support.js';
import { codeFlow, configFor, errorOf, REDIRECT, SECRET, signIn, startStoreStack, webClient, type StoreStack } from './client-store-support.js';

/*
 * Issue 15, one client model: the provider serves the clients of the client store (the registry
 * the adapter serves too), each field enforced, driven by openid-client as a real client.
 */

let stack: StoreStack;
beforeAll(async () => {
  stack = await startStoreStack({ extra: { claims: { openid: ['sub'], email: ['email'] } } });
});
afterAll(async () => {
  await stack.close();
});

async function authorizeError(config: oidc.Configuration, parameters: Record<string, string>): Promise<string | null> {
  const url = oidc.buildAuthorizationUrl(config, { redirect_uri: REDIRECT, scope: 'openid', ...parameters });
  const page = await new Browser().follow(url.href, REDIRECT);
  return errorOf(page.location ?? page.url, page.location ? undefined : page.body);
}

const S256 = async () => ({ code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()), code_challenge_method: 'S256' });

describe('the client store is the registry: a client is served as the store holds it now', () => {
  it('a client put in the store signs in with openid-client', async () => {
    await stack.put(webClient('store-web'));
    const tokens = await codeFlow(await configFor(stack, 'store-web'), { acr_values: 'login' });
    expect(tokens.claims()).toMatchObject({ sub: 'user-alice', aud: 'store-web', acr: 'login' });
  });

  it('a disabled client gets invalid_client at once, at the token endpoint too', async () => {
    await stack.put(webClient('store-disabled', { grant_types: ['authorization_code', 'refresh_token'] }));
    const config = await configFor(stack, 'store-disabled');
    await expect(oidc.refreshTokenGrant(config, oidc.randomState())).rejects.toMatchObject({ error: 'invalid_grant' });
    await stack.put(webClient('store-disabled', { grant_types: ['authorization_code', 'refresh_token'] }), { enabled: false });
    // 401 with the invalid_client challenge (RFC 6749 §5.2).
    await expect(oidc.refreshTokenGrant(config, oidc.randomState())).rejects.toMatchObject({ status: 401 });
    expect(await authorizeError(config, await S256())).toBe('invalid_client');
    // The client's own `enabled: false` does the same.
    await stack.put(webClient('store-disabled', { grant_types: ['authorization_code', 'refresh_token'], enabled: false }));
    expect(await authorizeError(config, await S256())).toBe('invalid_client');
  });

  it('a changed client is served changed by the next request (redirect URIs)', async () => {
    await stack.put(webClient('store-changed', { redirect_uris: ['http://127.0.0.1:9/other'] }));
    const config = await configFor(stack, 'store-changed');
    expect(await authorizeError(config, await S256())).toBe('invalid_redirect_uri');
    await stack.put(webClient('store-changed'));
    const tokens = await codeFlow(config);
    expect(tokens.access_token).toBeDefined();
  });
});

describe('token lifetimes per client', () => {
  it('access_token_ttl and id_token_ttl', async () => {
    await stack.put(webClient('store-ttl', { access_token_ttl: 120, id_token_ttl: 240 }));
    const tokens = await codeFlow(await configFor(stack, 'store-ttl'));
    expect(tokens.expires_in).toBe(120);
    const claims = tokens.claims()!;
    expect(claims.exp - claims.iat).toBe(240);
  });

  it('an ai-agent gets five-minute access tokens by default', async () => {
    await stack.put(webClient('store-agent', { type: 'ai-agent' }));
    const tokens = await codeFlow(await configFor(stack, 'store-agent'));
    expect(tokens.expires_in).toBe(300);
    expect(tokens.refresh_token).toBeDefined();
  });
});

describe('refresh tokens: rotation, grace period, replay protection', () => {
  const refreshing = (id: string, extra = {}) =>
    webClient(id, { grant_types: ['authorization_code', 'refresh_token'], ...extra });

  it('every refresh rotates; with replay protection, reusing a rotated token revokes the whole family', async () => {
    await stack.put(refreshing('store-replay', { refresh_token_replay_protection: true }));
    const config = await configFor(stack, 'store-replay');
    const first = await codeFlow(config);
    const second = await oidc.refreshTokenGrant(config, first.refresh_token!);
    expect(second.refresh_token).toBeDefined();
    expect(second.refresh_token).not.toBe(first.refresh_token);
    await expect(oidc.refreshTokenGrant(config, first.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    // The family is gone: the newest refresh token and the access token it came with.
    await expect(oidc.refreshTokenGrant(config, second.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    await expect(oidc.fetchUserInfo(config, second.access_token, oidc.skipSubjectCheck)).rejects.toMatchObject({ status: 401 });
  });

  it('without replay protection, a reused rotated token is refused and the family lives', async () => {
    await stack.put(refreshing('store-noreplay'));
    const config = await configFor(stack, 'store-noreplay');
    const first = await codeFlow(config);
    const second = await oidc.refreshTokenGrant(config, first.refresh_token!);
    await expect(oidc.refreshTokenGrant(config, first.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    const third = await oidc.refreshTokenGrant(config, second.refresh_token!);
    expect(third.access_token).toBeDefined();
  });

  it('within the rolling grace period a rotated token rolls again', async () => {
    await stack.put(refreshing('store-grace', { refresh_token_rolling_grace_period: 600, refresh_token_replay_protection: true }));
    const config = await configFor(stack, 'store-grace');
    const first = await codeFlow(config);
    await oidc.refreshTokenGrant(config, first.refresh_token!);
    const again = await oidc.refreshTokenGrant(config, first.refresh_token!);
    expect(again.access_token).toBeDefined();
  });

  it('refresh_token_duration sets the lifetime of each refresh token', async () => {
    await stack.put(refreshing('store-duration', { refresh_token_duration: 3600, refresh_token_rolling_duration: 7200 }));
    const config = await configFor(stack, 'store-duration');
    const first = await codeFlow(config);
    const stored = (await stack.stores.kv.get(`oidc:RefreshToken:${first.refresh_token}`)) as { exp: number; iat: number };
    expect(stored.exp - stored.iat).toBe(3600);
  });

  it('a client without the refresh_token grant gets no refresh token', async () => {
    await stack.put(webClient('store-norefresh'));
    const tokens = await codeFlow(await configFor(stack, 'store-norefresh'));
    expect(tokens.refresh_token).toBeUndefined();
  });
});

describe('authorization request rules', () => {
  it('PKCE: S256_REQUIRED refuses a request without a challenge; OPTIONAL allows one', async () => {
    await stack.put(webClient('store-pkce'));
    expect(await authorizeError(await configFor(stack, 'store-pkce'), {})).toBe('invalid_request');
    await stack.put(webClient('store-nopkce', { pkce: 'OPTIONAL' }));
    const config = await configFor(stack, 'store-nopkce');
    const url = oidc.buildAuthorizationUrl(config, { redirect_uri: REDIRECT, scope: 'openid' });
    const { location } = await signIn(url);
    const tokens = await oidc.authorizationCodeGrant(config, new URL(location), { idTokenExpected: true });
    expect(tokens.access_token).toBeDefined();
  });

  it('require_pushed_authorization_requests refuses a plain request; par_reference_timeout is the request_uri lifetime', async () => {
    await stack.put(webClient('store-par', { require_pushed_authorization_requests: true, par_reference_timeout: 30 }));
    const config = await configFor(stack, 'store-par');
    expect(await authorizeError(config, await S256())).toBe('invalid_request');
    const verifier = oidc.randomPKCECodeVerifier();
    const url = await oidc.buildAuthorizationUrlWithPAR(config, {
      redirect_uri: REDIRECT,
      scope: 'openid',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    });
    const stored = await stack.stores.kv.get(`oidc:PushedAuthorizationRequest:${url.searchParams.get('request_uri')!.split(':').pop()}`);
    expect((stored as { exp: number; iat: number }).exp - (stored as { iat: number }).iat).toBe(30);
    const { location } = await signIn(url);
    expect((await oidc.authorizationCodeGrant(config, new URL(location), { pkceCodeVerifier: verifier })).access_token).toBeDefined();
  });

  it('allowed_scopes: a scope the client is not allowed is invalid_scope', async () => {
    await stack.put(webClient('store-scopes', { allowed_scopes: ['openid'] }));
    expect(await authorizeError(await configFor(stack, 'store-scopes'), { ...(await S256()), scope: 'openid email' })).toBe(
      'invalid_scope',
    );
  });

  it('redirect_uri_patterns: a URI matching the pattern is accepted, another refused', async () => {
    await stack.put(webClient('store-pattern', { redirect_uris: [REDIRECT], redirect_uri_patterns: ['https://*.example.com/cb'] }));
    const config = await configFor(stack, 'store-pattern');
    const ok = oidc.buildAuthorizationUrl(config, { redirect_uri: 'https://app1.example.com/cb', scope: 'openid', ...(await S256()) });
    const res = await new Browser().request(ok.href);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toContain('/interaction/');
    expect(await authorizeError(config, { ...(await S256()), redirect_uri: 'https://app1.example.org/cb' })).toBe('invalid_redirect_uri');
  });

  it('response and grant types: a code-only client cannot ask for an ID token from the authorization endpoint', async () => {
    await stack.put(webClient('store-codeonly'));
    const config = await configFor(stack, 'store-codeonly');
    const url = oidc.buildAuthorizationUrl(config, { redirect_uri: REDIRECT, scope: 'openid', response_type: 'id_token', nonce: 'n', ...(await S256()) });
    const res = await new Browser().request(url.href);
    const error = new URLSearchParams(new URL(res.headers.get('location')!).hash.slice(1));
    expect(error.get('error_description')).toBe('requested response_type is not allowed for this client');
  });

  it('implicit, when enabled: an ID token straight from the authorization endpoint', async () => {
    const https = 'https://app.example.com/cb';
    await stack.put(
      webClient('store-implicit', { redirect_uris: [https], response_types: ['code', 'id_token'], grant_types: ['authorization_code', 'implicit'], pkce: 'OPTIONAL' }),
    );
    const config = await configFor(stack, 'store-implicit');
    const url = oidc.buildAuthorizationUrl(config, { redirect_uri: https, scope: 'openid', response_type: 'id_token', nonce: 'n-1' });
    const { location } = await signIn(url, undefined, https);
    const idToken = new URLSearchParams(new URL(location).hash.slice(1)).get('id_token');
    expect(decodeJwt(idToken!)).toMatchObject({ aud: 'store-implicit', nonce: 'n-1' });
  });
});

describe('client authentication: token_endpoint_auth_method', () => {
  it('a client_secret_post client is refused when it uses Basic', async () => {
    await stack.put(webClient('store-post', { token_endpoint_auth_method: 'client_secret_post', grant_types: ['authorization_code', 'refresh_token'] }));
    const post = await configFor(stack, 'store-post', oidc.ClientSecretPost(SECRET));
    const tokens = await codeFlow(post);
    const basic = await configFor(stack, 'store-post', oidc.ClientSecretBasic(SECRET));
    await expect(oidc.refreshTokenGrant(basic, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_client' });
    expect((await oidc.refreshTokenGrant(post, tokens.refresh_token!)).access_token).toBeDefined();
  });

  it('client_secret_jwt', async () => {
    await stack.put(webClient('store-jwt', { token_endpoint_auth_method: 'client_secret_jwt' }));
    const tokens = await codeFlow(await configFor(stack, 'store-jwt', oidc.ClientSecretJwt(SECRET)));
    expect(tokens.access_token).toBeDefined();
  });

  it('a public client (none) redeems with PKCE alone', async () => {
    const { client_secret: _secret, ...pub } = webClient('store-public', { token_endpoint_auth_method: 'none', type: 'spa' });
    await stack.put(pub);
    const tokens = await codeFlow(await configFor(stack, 'store-public', oidc.None()));
    expect(tokens.access_token).toBeDefined();
  });
});

describe('CORS per client', () => {
  async function preflightAllowed(clientId: string, origin: string): Promise<boolean> {
    const config = await configFor(stack, clientId);
    const res = await fetch(config.serverMetadata().token_endpoint!, {
      method: 'POST',
      headers: { origin, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'x', client_id: clientId }),
    });
    return res.headers.get('access-control-allow-origin') === origin;
  }

  it('specific origins with one wildcard, any origin, no origins', async () => {
    const pub = (id: string, extra = {}) => {
      const { client_secret: _s, ...rest } = webClient(id, { token_endpoint_auth_method: 'none', type: 'spa', ...extra });
      return rest;
    };
    await stack.put(pub('store-cors-list', { cors_origins: ['https://*.example.com'] }));
    await stack.put(pub('store-cors-any', { cors_policy: 'any_origin' }));
    await stack.put(pub('store-cors-none'));
    expect(await preflightAllowed('store-cors-list', 'https://app.example.com')).toBe(true);
    expect(await preflightAllowed('store-cors-list', 'https://app.example.org')).toBe(false);
    expect(await preflightAllowed('store-cors-any', 'https://anything.example.net')).toBe(true);
    expect(await preflightAllowed('store-cors-any', 'http://plain.example.net')).toBe(false);
    expect(await preflightAllowed('store-cors-none', 'https://app.example.com')).toBe(false);
  });
});

describe('request objects (RFC 9101): request_object_signature', () => {
  it('require_signed: a plain request is refused, a signed request object (JAR) accepted', async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    const { client_secret: _secret, ...base } = webClient('store-jar', { token_endpoint_auth_method: 'private_key_jwt', request_object_signature: 'require_signed' });
    const { kty, crv, x, y } = await exportJWK(publicKey);
    await stack.put({ ...base, jwks: { keys: [{ kty: kty!, crv: crv!, x: x!, y: y!, kid: 'jar-1', alg: 'ES256' }] } });
    const config = await configFor(stack, 'store-jar', oidc.PrivateKeyJwt({ key: privateKey, kid: 'jar-1' }));
    expect(await authorizeError(config, await S256())).toBe('invalid_request');
    const verifier = oidc.randomPKCECodeVerifier();
    const params = { redirect_uri: REDIRECT, scope: 'openid', code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' };
    const signed = await oidc.buildAuthorizationUrlWithJAR(config, params, { key: privateKey, kid: 'jar-1' });
    const { location } = await signIn(signed);
    expect((await oidc.authorizationCodeGrant(config, new URL(location), { pkceCodeVerifier: verifier })).access_token).toBeDefined();
  });

  it('allow_unsigned: an unsigned request object (alg none) is accepted for that client only', async () => {
    await stack.put(webClient('store-allow-unsigned', { request_object_signature: 'allow_unsigned' }));
    const config = await configFor(stack, 'store-allow-unsigned');
    const verifier = oidc.randomPKCECodeVerifier();
    const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const claims = { iss: 'store-allow-unsigned', aud: stack.issuer, client_id: 'store-allow-unsigned', response_type: 'code', redirect_uri: REDIRECT, scope: 'openid', code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' };
    const url = new URL(config.serverMetadata().authorization_endpoint!);
    url.search = new URLSearchParams({ client_id: 'store-allow-unsigned', response_type: 'code', request: `${b64({ alg: 'none' })}.${b64(claims)}.` }).toString();
    const { location } = await signIn(url);
    expect((await oidc.authorizationCodeGrant(config, new URL(location), { pkceCodeVerifier: verifier })).access_token).toBeDefined();
  });

  it('an unsigned request object (alg none) is refused by default', async () => {
    await stack.put(webClient('store-unsigned'));
    const config = await configFor(stack, 'store-unsigned');
    const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const request = `${b64({ alg: 'none' })}.${b64({ iss: 'store-unsigned', aud: stack.issuer, client_id: 'store-unsigned', response_type: 'code', redirect_uri: REDIRECT, scope: 'openid', ...(await S256()) })}.`;
    const url = new URL(config.serverMetadata().authorization_endpoint!);
    url.search = new URLSearchParams({ client_id: 'store-unsigned', response_type: 'code', request }).toString();
    const page = await new Browser().follow(url.href, REDIRECT);
    expect(errorOf(page.location ?? page.url, page.location ? undefined : page.body)).toMatch(/invalid_request/);
  });
});

describe('logo, sign-off URLs, third-party initiated login', () => {
  const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');

  it('serves the logo at the logo_uri of the client', async () => {
    await stack.put(webClient('store-logo', { logo: `data:image/png;base64,${PNG.toString('base64')}` }));
    const res = await fetch(`${stack.issuer}/clients/store-logo/logo`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await res.arrayBuffer())).toEqual(PNG);
    expect((await fetch(`${stack.issuer}/clients/store-web/logo`)).status).toBe(404);
  });

  it('initiate_login_uri: the login route sends the browser there with iss and target_link_uri (OIDC Core §4)', async () => {
    await stack.put(webClient('store-initiate', { initiate_login_uri: 'https://app.example.com/login', target_link_uri: 'https://app.example.com/home' }));
    const res = await fetch(`${stack.issuer}/clients/store-initiate/login`, { redirect: 'manual' });
    expect(res.status).toBe(303);
    const location = new URL(res.headers.get('location')!);
    expect(`${location.origin}${location.pathname}`).toBe('https://app.example.com/login');
    expect(Object.fromEntries(location.searchParams)).toEqual({ iss: stack.issuer, target_link_uri: 'https://app.example.com/home' });
    await stack.put(webClient('store-initiate', { initiate_login_uri: 'https://app.example.com/login' }), { enabled: false });
    expect((await fetch(`${stack.issuer}/clients/store-initiate/login`, { redirect: 'manual' })).status).toBe(404);
  });

  it('post_logout_redirect_uris: a registered sign-off URL is followed, another refused', async () => {
    await stack.put(webClient('store-logout', { post_logout_redirect_uris: ['http://127.0.0.1:9/bye'] }));
    const config = await configFor(stack, 'store-logout');
    const tokens = await codeFlow(config);
    const ok = oidc.buildEndSessionUrl(config, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: 'http://127.0.0.1:9/bye' });
    const okPage = await (await new Browser().request(ok.href)).text();
    expect(okPage).not.toMatch(/invalid_request/);
    const bad = oidc.buildEndSessionUrl(config, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: 'http://127.0.0.1:9/elsewhere' });
    expect(await (await new Browser().request(bad.href)).text()).toMatch(/post_logout_redirect_uri not registered/);
  });
});
