import { describe, it, expect, beforeAll } from '@jest/globals';
import { createEngine, createMemoryStores, type Engine } from '@waymark/core';
import { builtinNodes } from '@waymark/nodes';
import { createOidcProvider, chooseFlow, type OidcProviderOptions } from '@waymark/oidc-provider';
import type { Stores } from '@waymark/sdk';
import { passwordFlow, sessionOnlyFlow, testJwks, webAppClient } from './support.js';

describe('createOidcProvider options', () => {
  let engine: Engine;
  let stores: Stores;
  let base: OidcProviderOptions;

  beforeAll(async () => {
    stores = createMemoryStores();
    engine = await createEngine({ nodes: builtinNodes, stores });
    engine.load(sessionOnlyFlow);
    engine.load(passwordFlow);
    base = {
      issuer: 'https://login.example.com/oidc',
      engine,
      stores,
      clients: [webAppClient(['session-only'])],
      jwks: await testJwks(),
      cookieKeys: ['k'.repeat(32)],
    };
  });

  /** The refusal's code, its pointers and messages (every problem is reported at once). */
  function refusal(options: OidcProviderOptions): { code?: string; key?: unknown; pointers: string[]; message: string } {
    try {
      createOidcProvider(options);
    } catch (error) {
      const e = error as { code?: string; details?: { key?: unknown; problems?: { pointer: string }[] }; message: string };
      return { code: e.code, key: e.details?.key, pointers: (e.details?.problems ?? []).map((p) => p.pointer), message: e.message };
    }
    throw new Error('createOidcProvider accepted the options');
  }

  it('refuses to start without signing keys unless development is explicit', () => {
    const { jwks: _jwks, ...withoutKeys } = base;
    expect(refusal(withoutKeys)).toEqual(
      expect.objectContaining({
        code: 'ERR_CONFIG_INVALID',
        key: '/jwks',
        message: expect.stringMatching(/^OpenID Provider options: \/jwks: is required: pass your private signing keys/),
      }),
    );
    expect(() => createOidcProvider({ ...withoutKeys, development: true })).not.toThrow();
  });

  it('refuses a resource server that is no absolute URI, names an unknown client or lists no scope', () => {
    const r = refusal({
      ...base,
      resourceServers: {
        'not a uri': { scopes: ['a'] },
        'https://api.example.com/x': { scopes: ['a'], clients: ['nobody'] },
        'https://api.example.com/y': { scopes: [] },
      },
    });
    expect(r.code).toBe('ERR_CONFIG_INVALID');
    expect(r.pointers.sort()).toEqual([
      '/resourceServers/https:~1~1api.example.com~1x/clients/0',
      '/resourceServers/https:~1~1api.example.com~1y/scopes',
      '/resourceServers/not a uri',
    ]);
    expect(r.message).toContain('must be an absolute URI without a fragment (RFC 8707 §2)');
    expect(r.message).toContain('names client "nobody", which is not one of "clients"');
  });

  it('refuses public keys as signing keys', () => {
    const { d: _d, ...publicKey } = base.jwks!.keys[0]!;
    const r = refusal({ ...base, jwks: { keys: [{ ...publicKey, kty: 'RSA' }] } });
    expect(r).toMatchObject({ code: 'ERR_CONFIG_INVALID', key: '/jwks/keys/0/d' });
    expect(r.message).toContain('"d" is missing: add it. Expected: the private part of the key: a public key cannot sign');
  });

  it('refuses to start without cookie keys, or with short ones, unless development is explicit, never echoing a key', () => {
    const { cookieKeys: _keys, ...withoutCookieKeys } = base;
    expect(refusal(withoutCookieKeys).key).toBe('/cookieKeys');
    const short = refusal({ ...base, cookieKeys: ['short-secret'] });
    expect(short).toMatchObject({ code: 'ERR_CONFIG_INVALID', key: '/cookieKeys/0' });
    expect(short.message).toContain('Expected: a random secret of 32 characters or more');
    expect(short.message).not.toContain('short-secret');
  });

  it('refuses an http issuer that is not loopback, and one with a query', () => {
    expect(refusal({ ...base, issuer: 'http://login.example.com' })).toMatchObject({
      key: '/issuer',
      message: expect.stringContaining('must use https (http is allowed for localhost only)'),
    });
    expect(refusal({ ...base, issuer: 'https://login.example.com/?x=1' })).toMatchObject({
      key: '/issuer',
      message: expect.stringContaining('must not have a query or fragment (OIDC Discovery §3)'),
    });
  });

  it('refuses a client whose flow the engine has not loaded, naming the client and the pointer', () => {
    const r = refusal({ ...base, clients: [webAppClient(['session-only', 'nope'])] });
    expect(r.code).toBe('ERR_CONFIG_INVALID');
    expect(r.message).toBe(
      'OpenID Provider options: /clients/0/waymark/flows/1: client "profile-app" names flow "nope", which the engine has not loaded: load it before createOidcProvider',
    );
  });

  it('refuses a client without a flow policy or redirect URIs, and duplicate client ids', () => {
    expect(refusal({ ...base, clients: [webAppClient([])] })).toMatchObject({
      key: '/clients/0/waymark/flows',
      message: expect.stringContaining('Expected: the flows its logins may run'),
    });
    expect(refusal({ ...base, clients: [webAppClient(['session-only'], { redirect_uris: [] })] })).toMatchObject({
      key: '/clients/0/redirect_uris',
      message: expect.stringContaining('Expected: the redirect URIs the client may use'),
    });
    expect(refusal({ ...base, clients: [webAppClient(['session-only']), webAppClient(['session-only'])] })).toMatchObject({
      key: '/clients/1/client_id',
      message: expect.stringContaining('"profile-app" appears twice (also /clients/0)'),
    });
  });

  it('reports every problem at once, one line each with its pointer, and refuses unknown options', () => {
    const r = refusal({
      ...base,
      ttl: { AccessToken: 0 },
      sessionCookie: 'a b',
      clients: [webAppClient(['session-only'], { waymark: { flows: ['session-only'], corsOrigins: ['https://app.example/path'] } })],
      cookieKey: 'x',
    } as OidcProviderOptions);
    expect(r.message.split('\n')[0]).toBe('OpenID Provider options is invalid (4 problems):');
    expect(r.pointers.sort()).toEqual(['/clients/0/waymark/corsOrigins/0', '/cookieKey', '/sessionCookie', '/ttl/AccessToken']);
    expect(r.message).toContain('Did you mean "cookieKeys"?');
  });

  it('fills in the defaults without changing the options it was given', () => {
    const clients = [webAppClient(['session-only'])];
    const ttl = { AccessToken: 60 };
    createOidcProvider({ ...base, clients, ttl });
    expect(clients[0]!.waymark).toEqual({ flows: ['session-only'] });
    expect(ttl).toEqual({ AccessToken: 60 });
  });

  it('refuses a trusted proxy that is no IP or CIDR with the same shape (ERR_CONFIG_INVALID, pointer, fix)', () => {
    expect(refusal({ ...base, trustedProxies: ['not-an-ip'] })).toMatchObject({
      code: 'ERR_CONFIG_INVALID',
      key: '/trustedProxies',
      message: expect.stringContaining('list IPs or CIDR ranges such as "10.0.0.0/8"'),
    });
  });

  it('mounts under the issuer path and publishes the discovery URL there', () => {
    const op = createOidcProvider(base);
    expect(op.mountPath).toBe('/oidc');
    expect(op.discoveryUrl).toBe('https://login.example.com/oidc/.well-known/openid-configuration');
  });
});

describe('chooseFlow', () => {
  it('takes the first acr_values entry the client allows, in the order the client asked', () => {
    expect(chooseFlow({ flows: ['login', 'password', 'mfa'] }, 'urn:other mfa password')).toBe('mfa');
  });
  it('falls back to the client default (its first flow) when acr_values names none it allows or is absent', () => {
    expect(chooseFlow({ flows: ['login', 'password'] }, 'session-only')).toBe('login');
    expect(chooseFlow({ flows: ['login', 'password'] }, undefined)).toBe('login');
  });
});
