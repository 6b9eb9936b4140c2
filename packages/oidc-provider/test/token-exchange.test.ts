import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { calculateJwkThumbprint, exportJWK, importJWK, SignJWT, decodeJwt, type JWK } from 'jose';
import * as oidc from 'openid-client';
import { createAccessTokenValidator } from '@waymark/access-token';
import { MemoryClientStore } from '@waymark/core';
import { IMPERSONATION_METADATA, TOKEN_EXCHANGE_GRANT_TYPE, TOKEN_TYPES, type OidcClientConfig } from '@waymark/oidc-provider';
import { Browser, formOf, startStack, testJwks, WEB_APP, type Stack } from './support.js';

/*
 * RFC 8693 token exchange, driven with openid-client: an agent acting for a person (delegation,
 * `act`), a gateway passing a delegated token on to an upstream API (nested `act`), impersonation
 * only for the client allowed it, the result bound to one audience with narrowed scopes, and the
 * refusals (invalid_request for a bad subject or actor token, RFC 8693 §2.2.2; invalid_target;
 * invalid_scope; unauthorized_client).
 */

const MCP = 'https://mcp.example/';
const UPSTREAM = 'https://upstream.example/';
const GATEWAY = 'https://gateway.example/';
const TRUSTED = 'https://trusted.example/';
const STORE_PLAIN = 'https://store-plain.example/';
const STORE_TRUSTED = 'https://store-trusted.example/';
const SECRET = 'a-client-secret-of-32-characters-or-more';

function client(id: string, extra: Partial<OidcClientConfig> = {}): OidcClientConfig {
  return {
    client_id: id,
    client_secret: SECRET,
    redirect_uris: [WEB_APP.redirect],
    grant_types: ['authorization_code', 'client_credentials', TOKEN_EXCHANGE_GRANT_TYPE],
    waymark: { flows: ['login'] },
    ...extra,
  };
}

/** A service of the client store (the one registry), Waymark's client JSON: token exchange, and `extra`. */
async function putStoreClient(store: MemoryClientStore, id: string, extra: Record<string, unknown> = {}): Promise<void> {
  const config = {
    client_id: id,
    type: 'service',
    token_endpoint_auth_method: 'client_secret_basic',
    grant_types: ['client_credentials', TOKEN_EXCHANGE_GRANT_TYPE],
    response_types: [],
    allowed_flows: ['login'],
    allowed_scopes: ['tools:read'],
    ...extra,
  };
  if ((await store.put(id, { config, secret: SECRET, enabled: true, updatedAt: Date.now(), updatedBy: 'test' }, null)) === false)
    throw new Error('client store write lost');
}

let stack: Stack;
const clientStore = new MemoryClientStore();
const configs = new Map<string, oidc.Configuration>();

async function configOf(id: string): Promise<oidc.Configuration> {
  let config = configs.get(id);
  if (!config) {
    config = await oidc.discovery(new URL(stack.issuer), id, SECRET, undefined, { execute: [oidc.allowInsecureRequests] });
    configs.set(id, config);
  }
  return config;
}

/** alice signs in at the agent (code + PKCE) and the agent gets her access token for `resource`. */
async function personToken(resource: string, scope: string): Promise<string> {
  const config = await configOf('agent');
  const verifier = oidc.randomPKCECodeVerifier();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: WEB_APP.redirect,
    scope: `openid ${scope}`,
    resource,
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
  const tokens = await oidc.authorizationCodeGrant(config, new URL(done.location as string), { pkceCodeVerifier: verifier }, { resource });
  return tokens.access_token;
}

/** The client's own token (client credentials, RFC 6749 §4.4): the actor token of an agent. */
async function ownToken(id: string, resource: string, scope: string): Promise<string> {
  return (await oidc.clientCredentialsGrant(await configOf(id), { resource, scope })).access_token;
}

async function exchange(id: string, params: Record<string, string>) {
  return oidc.genericGrantRequest(await configOf(id), TOKEN_EXCHANGE_GRANT_TYPE, params);
}

/** The OAuth error code a refused exchange got. */
async function refusal(id: string, params: Record<string, string>): Promise<string> {
  try {
    await exchange(id, params);
  } catch (error) {
    if (error instanceof oidc.ResponseBodyError) return `${error.status} ${error.error}`;
    throw error;
  }
  throw new Error('the exchange was not refused');
}

function validatorFor(audience: string) {
  return createAccessTokenValidator({ issuer: stack.issuer, audience, jwksUri: `${stack.issuer}/jwks`, clock: { now: () => Date.now() } });
}

/** A token the provider's own key signs, with the claims a test needs (no flow of the provider issues them). */
async function minted(claims: Record<string, unknown>): Promise<string> {
  const jwk = (await testJwks()).keys[0] as JWK;
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ client_id: 'agent', scope: 'tools:read', iat: now, exp: now + 300, ...claims })
    .setProtectedHeader({ alg: 'RS256', typ: 'at+jwt', kid: jwk.kid as string })
    .setIssuer(stack.issuer)
    .setAudience(MCP)
    .sign(await importJWK(jwk, 'RS256'));
}

const AT = TOKEN_TYPES.accessToken;

beforeAll(async () => {
  await putStoreClient(clientStore, 'store-gateway');
  await putStoreClient(clientStore, 'store-trusted', { token_exchange_impersonation: true });
  await putStoreClient(clientStore, 'store-bound', { dpop_bound_access_tokens: true });
  stack = await startStack({
    clients: [
      client('agent'),
      client('gateway'),
      client('trusted-gateway', { [IMPERSONATION_METADATA]: true }),
      client('no-exchange', { grant_types: ['authorization_code'] }),
      client('bound-agent', { dpop_bound_access_tokens: true }),
    ],
    extra: {
      // An agent's own token (its actor token) comes from client credentials (off unless asked).
      grants: { clientCredentials: true },
      resourceServers: {
        [MCP]: { scopes: ['tools:read', 'tools:write'] },
        [UPSTREAM]: { scopes: ['tools:read', 'files:read'], accessTokenTtl: 120 },
        // The gateways' own audiences are their client ids: a token for a gateway is presentable by it.
        [GATEWAY]: { scopes: ['tools:read', 'tools:write'], audience: 'gateway' },
        [TRUSTED]: { scopes: ['tools:read', 'tools:write'], audience: 'trusted-gateway' },
        [STORE_PLAIN]: { scopes: ['tools:read'], audience: 'store-gateway' },
        [STORE_TRUSTED]: { scopes: ['tools:read'], audience: 'store-trusted' },
      },
      clientStore,
    },
  });
});
afterAll(async () => {
  await stack?.close();
});

describe('token exchange (RFC 8693): delegation', () => {
  it('gives the agent acting for alice a token for the upstream API: sub alice, act the agent, one audience, narrowed scopes', async () => {
    const subject = await personToken(MCP, 'tools:read tools:write');
    const actor = await ownToken('agent', MCP, 'tools:read');
    const result = await exchange('agent', {
      subject_token: subject,
      subject_token_type: AT,
      actor_token: actor,
      actor_token_type: AT,
      resource: UPSTREAM,
      // files:read is not in alice's token, tools:write not offered upstream: only tools:read remains.
      scope: 'tools:read tools:write files:read',
    });
    expect(result).toMatchObject({ issued_token_type: AT, token_type: 'bearer', scope: 'tools:read' });
    expect(result.expires_in).toBeLessThanOrEqual(120);
    const checked = await validatorFor(UPSTREAM).validate(result.access_token);
    expect(checked).toMatchObject({ ok: true, clientId: 'agent', scopes: ['tools:read'] });
    expect(checked.ok && checked.claims).toMatchObject({ sub: 'user-alice', aud: UPSTREAM, act: { sub: 'agent' } });
    // Bound to that audience: the API alice's token was for does not accept it.
    expect(await validatorFor(MCP).validate(result.access_token)).toMatchObject({
      ok: false,
      error: { code: 'ERR_ACCESS_TOKEN_AUDIENCE' },
    });
  });

  it('names the target by its logical audience too, and a gateway passes the delegation on: act nests the prior actor (RFC 8693 §4.1)', async () => {
    const subject = await personToken(MCP, 'tools:read');
    const forGateway = await exchange('agent', {
      subject_token: subject,
      subject_token_type: AT,
      actor_token: await ownToken('agent', MCP, 'tools:read'),
      actor_token_type: AT,
      audience: 'gateway',
    });
    expect(decodeJwt(forGateway.access_token)).toMatchObject({ aud: 'gateway', sub: 'user-alice', act: { sub: 'agent' } });
    const upstream = await exchange('gateway', {
      subject_token: forGateway.access_token,
      subject_token_type: AT,
      actor_token: await ownToken('gateway', GATEWAY, 'tools:read'),
      actor_token_type: AT,
      resource: UPSTREAM,
    });
    expect(decodeJwt(upstream.access_token)).toMatchObject({
      aud: UPSTREAM,
      sub: 'user-alice',
      client_id: 'gateway',
      scope: 'tools:read',
      act: { sub: 'gateway', act: { sub: 'agent' } },
    });
  });

  it('lives no longer than the subject token it stands for', async () => {
    const subject = await minted({ sub: 'user-alice', exp: Math.floor(Date.now() / 1000) + 20 });
    const result = await exchange('agent', { subject_token: subject, subject_token_type: AT, resource: UPSTREAM });
    expect(result.expires_in).toBeLessThanOrEqual(20);
  });

  it("refuses an actor the subject token's may_act does not name (RFC 8693 §4.4)", async () => {
    const subject = await minted({ sub: 'user-alice', may_act: { sub: 'another-agent' } });
    const actor = await ownToken('agent', MCP, 'tools:read');
    const params = { subject_token: subject, subject_token_type: AT, actor_token: actor, actor_token_type: AT, resource: UPSTREAM };
    expect(await refusal('agent', params)).toBe('400 invalid_request');
    const allowed = await minted({ sub: 'user-alice', may_act: { sub: 'agent' } });
    expect((await exchange('agent', { ...params, subject_token: allowed })).scope).toBe('tools:read');
  });
});

describe("the agent's own token (client credentials, RFC 6749 §4.4)", () => {
  it('is a JWT of the client for the resource, living as long as the resource says', async () => {
    const result = await oidc.clientCredentialsGrant(await configOf('agent'), { resource: UPSTREAM, scope: 'tools:read' });
    expect(result.expires_in).toBeLessThanOrEqual(120);
    expect(decodeJwt(result.access_token)).toMatchObject({ sub: 'agent', client_id: 'agent', aud: UPSTREAM, scope: 'tools:read' });
  });
});

describe('token exchange (RFC 8693): DPoP (RFC 9449 §5)', () => {
  it('binds the exchanged token to the key the client proves (cnf.jkt, token_type DPoP)', async () => {
    const subject = await personToken(MCP, 'tools:read');
    const keyPair = await oidc.randomDPoPKeyPair('ES256');
    const DPoP = oidc.getDPoPHandle(await configOf('agent'), keyPair);
    const params = { subject_token: subject, subject_token_type: AT, resource: UPSTREAM };
    const result = await oidc.genericGrantRequest(await configOf('agent'), TOKEN_EXCHANGE_GRANT_TYPE, params, { DPoP });
    expect(result.token_type).toBe('dpop');
    const jkt = await calculateJwkThumbprint(await exportJWK(keyPair.publicKey));
    expect(decodeJwt(result.access_token)).toMatchObject({ sub: 'user-alice', aud: UPSTREAM, cnf: { jkt } });
  });

  it('refuses a bad proof with invalid_dpop_proof, and a client registered for bound tokens without one (RFC 9449 §5.2)', async () => {
    const subject = await personToken(MCP, 'tools:read');
    const res = await fetch(`${stack.issuer}/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`agent:${SECRET}`).toString('base64')}`,
        dpop: 'not.a.proof',
      },
      body: new URLSearchParams({
        grant_type: TOKEN_EXCHANGE_GRANT_TYPE,
        subject_token: subject,
        subject_token_type: AT,
        resource: UPSTREAM,
      }),
    });
    expect({ status: res.status, error: ((await res.json()) as { error?: string }).error }).toEqual({
      status: 400,
      error: 'invalid_dpop_proof',
    });
    // A token issued to bound-agent itself (minted: bound-agent cannot get one without a proof).
    const own = await minted({ sub: 'user-alice', client_id: 'bound-agent' });
    const params = { subject_token: own, subject_token_type: AT, resource: UPSTREAM };
    expect(await refusal('bound-agent', params)).toBe('400 invalid_grant');
    const DPoP = oidc.getDPoPHandle(await configOf('bound-agent'), await oidc.randomDPoPKeyPair('ES256'));
    expect((await oidc.genericGrantRequest(await configOf('bound-agent'), TOKEN_EXCHANGE_GRANT_TYPE, params, { DPoP })).token_type).toBe(
      'dpop',
    );
  });
});

describe('token exchange (RFC 8693): impersonation', () => {
  it('lets a client narrow its own token without an actor; the result carries no act', async () => {
    const subject = await personToken(MCP, 'tools:read');
    const result = await exchange('agent', { subject_token: subject, subject_token_type: AT, resource: UPSTREAM });
    const claims = decodeJwt(result.access_token);
    expect(claims).toMatchObject({ sub: 'user-alice', aud: UPSTREAM, client_id: 'agent' });
    expect(claims.act).toBeUndefined();
  });

  it('refuses a client impersonating someone with unauthorized_client unless its metadata allows it', async () => {
    const subject = await personToken(MCP, 'tools:read');
    const actor = await ownToken('agent', MCP, 'tools:read');
    const toGateway = (audience: string) =>
      exchange('agent', { subject_token: subject, subject_token_type: AT, actor_token: actor, actor_token_type: AT, audience });
    const forGateway = (await toGateway('gateway')).access_token;
    expect(await refusal('gateway', { subject_token: forGateway, subject_token_type: AT, resource: UPSTREAM })).toBe(
      '400 unauthorized_client',
    );
    // The client allowed to impersonate gets a token of the subject, keeping no trace of itself.
    const forTrusted = (await toGateway('trusted-gateway')).access_token;
    const result = await exchange('trusted-gateway', { subject_token: forTrusted, subject_token_type: AT, resource: UPSTREAM });
    expect(decodeJwt(result.access_token)).toMatchObject({ sub: 'user-alice', client_id: 'trusted-gateway', aud: UPSTREAM });
  });
});

describe('token exchange (RFC 8693): clients of the client store', () => {
  it('impersonation only for a store client with token_exchange_impersonation: true', async () => {
    const subject = await personToken(MCP, 'tools:read');
    const actor = await ownToken('agent', MCP, 'tools:read');
    const toClient = async (audience: string) =>
      (await exchange('agent', { subject_token: subject, subject_token_type: AT, actor_token: actor, actor_token_type: AT, audience }))
        .access_token;
    expect(
      await refusal('store-gateway', { subject_token: await toClient('store-gateway'), subject_token_type: AT, resource: UPSTREAM }),
    ).toBe('400 unauthorized_client');
    const result = await exchange('store-trusted', {
      subject_token: await toClient('store-trusted'),
      subject_token_type: AT,
      resource: UPSTREAM,
    });
    const claims = decodeJwt(result.access_token);
    expect(claims).toMatchObject({ sub: 'user-alice', client_id: 'store-trusted', aud: UPSTREAM });
    expect(claims.act).toBeUndefined();
  });

  it('a store client with dpop_bound_access_tokens: true gets no token without a DPoP proof (RFC 9449 §5.2)', async () => {
    await expect(oidc.clientCredentialsGrant(await configOf('store-bound'), { resource: MCP, scope: 'tools:read' })).rejects.toMatchObject({
      error: 'invalid_grant',
    });
    // The same client without the flag gets one.
    expect(
      (await oidc.clientCredentialsGrant(await configOf('store-gateway'), { resource: MCP, scope: 'tools:read' })).access_token,
    ).toEqual(expect.any(String));
  });
});

describe('token exchange (RFC 8693): refusals', () => {
  let subject: string;
  beforeAll(async () => {
    subject = await personToken(MCP, 'tools:read');
  });

  it('refuses a subject or actor token that does not validate with invalid_request (RFC 8693 §2.2.2)', async () => {
    const [head, body] = subject.split('.');
    const forged = `${head}.${body}.${Buffer.from('not the signature').toString('base64url')}`;
    expect(await refusal('agent', { subject_token: forged, subject_token_type: AT, resource: UPSTREAM })).toBe('400 invalid_request');
    expect(await refusal('agent', { subject_token: 'opaque-value', subject_token_type: AT, resource: UPSTREAM })).toBe(
      '400 invalid_request',
    );
    expect(
      await refusal('agent', {
        subject_token: subject,
        subject_token_type: AT,
        actor_token: forged,
        actor_token_type: AT,
        resource: UPSTREAM,
      }),
    ).toBe('400 invalid_request');
    const expired = await minted({ sub: 'user-alice', iat: Math.floor(Date.now() / 1000) - 600, exp: Math.floor(Date.now() / 1000) - 300 });
    expect(await refusal('agent', { subject_token: expired, subject_token_type: AT, resource: UPSTREAM })).toBe('400 invalid_request');
  });

  it('refuses a token neither issued to nor for the client (a token it merely got hold of)', async () => {
    expect(await refusal('gateway', { subject_token: subject, subject_token_type: AT, resource: UPSTREAM })).toBe('400 invalid_request');
  });

  it('refuses an unknown resource or audience, none, or two, with invalid_target', async () => {
    const base = { subject_token: subject, subject_token_type: AT };
    expect(await refusal('agent', { ...base, resource: 'https://unknown.example/' })).toBe('400 invalid_target');
    expect(await refusal('agent', { ...base, audience: 'unknown' })).toBe('400 invalid_target');
    expect(await refusal('agent', base)).toBe('400 invalid_target');
    const two = new URLSearchParams({ ...base, resource: UPSTREAM });
    two.append('resource', MCP);
    await expect(oidc.genericGrantRequest(await configOf('agent'), TOKEN_EXCHANGE_GRANT_TYPE, two)).rejects.toMatchObject({
      error: 'invalid_target',
    });
  });

  it('refuses scopes the subject token does not carry with invalid_scope', async () => {
    expect(await refusal('agent', { subject_token: subject, subject_token_type: AT, resource: UPSTREAM, scope: 'files:read' })).toBe(
      '400 invalid_scope',
    );
  });

  it('refuses unsupported token types and an actor token without its type with invalid_request', async () => {
    const base = { subject_token: subject, resource: UPSTREAM };
    expect(await refusal('agent', { ...base, subject_token_type: 'urn:ietf:params:oauth:token-type:saml2' })).toBe('400 invalid_request');
    expect(await refusal('agent', { ...base, subject_token_type: AT, actor_token: subject })).toBe('400 invalid_request');
    expect(
      await refusal('agent', { ...base, subject_token_type: AT, requested_token_type: 'urn:ietf:params:oauth:token-type:refresh_token' }),
    ).toBe('400 invalid_request');
  });

  it('refuses a client whose grant_types do not list token exchange', async () => {
    expect(await refusal('no-exchange', { subject_token: subject, subject_token_type: AT, resource: UPSTREAM })).toBe(
      '400 unauthorized_client',
    );
  });
});
