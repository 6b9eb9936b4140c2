import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { decodeProtectedHeader } from 'jose';
import * as oidc from 'openid-client';
import { createAccessTokenValidator } from '@waymark/access-token';
import type { OidcClientConfig } from '@waymark/oidc-provider';
import { startStack, webAppClient, WEB_APP, type Stack } from './support.js';

/*
 * RFC 6749 §4.4 client credentials through openid-client: with `resource` (RFC 8707) the token
 * is an RFC 9068 JWT for that API, which Waymark's own access-token validator accepts; without
 * it, an opaque token. RFC 7662 introspection and RFC 7009 revocation of those tokens.
 */

const API = 'https://api.example.com/tools';
const SERVICE = { id: 'agent-service', secret: 'agent-service-secret-0123456789abcdef' };
const PUBLIC = 'public-app';

function serviceClient(extra: Partial<OidcClientConfig> = {}): OidcClientConfig {
  return {
    client_id: SERVICE.id,
    client_secret: SERVICE.secret,
    grant_types: ['client_credentials'],
    response_types: [],
    waymark: { flows: ['login'] },
    ...extra,
  };
}

const insecure = { execute: [oidc.allowInsecureRequests] };
const configFor = (stack: Stack, id: string, secret?: string) =>
  oidc.discovery(new URL(stack.issuer), id, secret, secret === undefined ? oidc.None() : undefined, insecure);

describe('client credentials (RFC 6749 §4.4) with resource indicators, introspection and revocation', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      clients: [
        serviceClient(),
        webAppClient(['login']),
        { client_id: PUBLIC, token_endpoint_auth_method: 'none', redirect_uris: [WEB_APP.redirect], waymark: { flows: ['login'] } },
      ],
      extra: {
        grants: { clientCredentials: true },
        resourceServers: { [API]: { scopes: ['tools:read', 'tools:write'], clients: [SERVICE.id], accessTokenTtl: 120 } },
      },
    });
  });
  afterAll(async () => {
    await stack.close();
  });

  it('issues an RFC 9068 JWT for the named API that the access-token validator accepts', async () => {
    const config = await configFor(stack, SERVICE.id, SERVICE.secret);
    const tokens = await oidc.clientCredentialsGrant(config, { scope: 'tools:read', resource: API });
    expect(decodeProtectedHeader(tokens.access_token)).toMatchObject({ typ: 'at+jwt', alg: 'RS256' });
    expect(tokens.expires_in).toBeLessThanOrEqual(120);
    expect(tokens.scope).toBe('tools:read');
    const validator = createAccessTokenValidator({
      issuer: stack.issuer,
      audience: API,
      jwksUri: `${stack.issuer}/jwks`,
      clock: { now: () => Date.now() },
    });
    const result = await validator.validate(tokens.access_token);
    // RFC 9068 §2.2: without a person, the subject is the client itself.
    expect(result).toMatchObject({ ok: true, clientId: SERVICE.id, scopes: ['tools:read'] });
    expect(result.ok && result.claims).toMatchObject({ iss: stack.issuer, aud: API, sub: SERVICE.id });
  });

  it('refuses a resource it does not list with invalid_target (RFC 8707 §2)', async () => {
    const config = await configFor(stack, SERVICE.id, SERVICE.secret);
    await expect(
      oidc.clientCredentialsGrant(config, { scope: 'tools:read', resource: 'https://elsewhere.example/' }),
    ).rejects.toMatchObject({
      error: 'invalid_target',
    });
  });

  it('keeps only the scopes the API lists in its token', async () => {
    const config = await configFor(stack, SERVICE.id, SERVICE.secret);
    const tokens = await oidc.clientCredentialsGrant(config, { scope: 'tools:write admin', resource: API });
    expect(tokens.scope).toBe('tools:write');
  });

  it('refuses a client whose grant_types do not list it with unauthorized_client (RFC 6749 §5.2)', async () => {
    const config = await configFor(stack, WEB_APP.id, WEB_APP.secret);
    await expect(oidc.clientCredentialsGrant(config, {})).rejects.toMatchObject({ error: 'unauthorized_client' });
  });

  it('refuses a wrong secret with invalid_client', async () => {
    const config = await configFor(stack, SERVICE.id, 'not-the-secret-0123456789abcdef');
    await expect(oidc.clientCredentialsGrant(config, { resource: API })).rejects.toMatchObject({ error: 'invalid_client' });
  });

  it('introspects an opaque token (RFC 7662 §2.2), and revocation (RFC 7009) makes it inactive', async () => {
    const config = await configFor(stack, SERVICE.id, SERVICE.secret);
    const tokens = await oidc.clientCredentialsGrant(config, {});
    expect(tokens.access_token.split('.')).toHaveLength(1); // opaque: no resource named
    const active = await oidc.tokenIntrospection(config, tokens.access_token);
    expect(active).toMatchObject({ active: true, client_id: SERVICE.id, iss: stack.issuer, token_type: 'Bearer' });
    expect(typeof active.exp).toBe('number');
    await oidc.tokenRevocation(config, tokens.access_token);
    expect(await oidc.tokenIntrospection(config, tokens.access_token)).toEqual({ active: false });
  });

  it('answers active: false for a token it never issued (RFC 7662 §2.2)', async () => {
    const config = await configFor(stack, SERVICE.id, SERVICE.secret);
    expect(await oidc.tokenIntrospection(config, 'no-such-token')).toEqual({ active: false });
  });

  it("lets a confidential client introspect another client's token, but not a public one (RFC 7662 §4)", async () => {
    const service = await configFor(stack, SERVICE.id, SERVICE.secret);
    const { access_token } = await oidc.clientCredentialsGrant(service, { scope: 'tools:write' });
    const webApp = await configFor(stack, WEB_APP.id, WEB_APP.secret);
    expect(await oidc.tokenIntrospection(webApp, access_token)).toMatchObject({ active: true, client_id: SERVICE.id });
    const publicApp = await configFor(stack, PUBLIC);
    expect(await oidc.tokenIntrospection(publicApp, access_token)).toEqual({ active: false });
  });

  it('refuses introspection without client authentication with invalid_client', async () => {
    const res = await fetch(`${stack.issuer}/token/introspection`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: 'x', client_id: SERVICE.id }),
    });
    const body = await res.json();
    expect(res.status).toBe(401);
    expect(body).toMatchObject({ error: 'invalid_client' });
  });

  it('advertises the grant and the endpoints in discovery', async () => {
    const config = await configFor(stack, SERVICE.id, SERVICE.secret);
    const metadata = config.serverMetadata();
    expect(metadata.grant_types_supported).toContain('client_credentials');
    expect(metadata.introspection_endpoint).toBe(`${stack.issuer}/token/introspection`);
    expect(metadata.revocation_endpoint).toBe(`${stack.issuer}/token/revocation`);
  });
});

describe('client credentials and introspection switched off', () => {
  it('refuses client_credentials with unsupported_grant_type and serves no introspection endpoint', async () => {
    const stack = await startStack({
      clients: [serviceClient({ grant_types: ['authorization_code'] }), webAppClient(['login'])],
      extra: { grants: { introspection: false } },
    });
    try {
      const config = await configFor(stack, SERVICE.id, SERVICE.secret);
      await expect(oidc.clientCredentialsGrant(config, {})).rejects.toMatchObject({ error: 'unsupported_grant_type' });
      expect(config.serverMetadata().introspection_endpoint).toBeUndefined();
    } finally {
      await stack.close();
    }
  });
});
