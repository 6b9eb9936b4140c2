import { describe, it, expect, beforeAll } from '@jest/globals';
import { createEngine, createMemoryStores, type Engine } from '@waymark/core';
import { builtinNodes } from '@waymark/nodes';
import { createOidcProvider, chooseFlow, OIDC_PROVIDER_ERRORS, type OidcProviderOptions } from '@waymark/oidc-provider';
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

  function refusal(options: OidcProviderOptions): { code?: string; key?: unknown; message: string } {
    try {
      createOidcProvider(options);
    } catch (error) {
      const e = error as { code?: string; details?: { key?: unknown }; message: string };
      return { code: e.code, key: e.details?.key, message: e.message };
    }
    throw new Error('createOidcProvider accepted the options');
  }

  it('refuses to start without signing keys unless development is explicit', () => {
    const { jwks: _jwks, ...withoutKeys } = base;
    expect(refusal(withoutKeys)).toEqual(expect.objectContaining({ code: OIDC_PROVIDER_ERRORS.ERR_OIDC_PROVIDER_OPTIONS, key: 'jwks' }));
    expect(() => createOidcProvider({ ...withoutKeys, development: true })).not.toThrow();
  });

  it('refuses public keys as signing keys', () => {
    const { d: _d, ...publicKey } = base.jwks!.keys[0]!;
    expect(refusal({ ...base, jwks: { keys: [{ ...publicKey, kty: 'RSA' }] } }).key).toBe('jwks.keys[0]');
  });

  it('refuses to start without cookie keys, or with short ones, unless development is explicit', () => {
    const { cookieKeys: _keys, ...withoutCookieKeys } = base;
    expect(refusal(withoutCookieKeys).key).toBe('cookieKeys');
    expect(refusal({ ...base, cookieKeys: ['short'] }).key).toBe('cookieKeys[0]');
  });

  it('refuses an http issuer that is not loopback, and one with a query', () => {
    expect(refusal({ ...base, issuer: 'http://login.example.com' }).key).toBe('issuer');
    expect(refusal({ ...base, issuer: 'https://login.example.com/?x=1' }).key).toBe('issuer');
  });

  it('refuses a client whose flow the engine has not loaded, naming the client and the key', () => {
    const r = refusal({ ...base, clients: [webAppClient(['session-only', 'nope'])] });
    expect(r.code).toBe(OIDC_PROVIDER_ERRORS.ERR_OIDC_CLIENT_CONFIG);
    expect(r.message).toContain('client "profile-app": waymark.flows[1]');
  });

  it('refuses a client without a flow policy or redirect URIs, and duplicate client ids', () => {
    expect(refusal({ ...base, clients: [webAppClient([])] }).message).toContain('waymark.flows');
    expect(refusal({ ...base, clients: [webAppClient(['session-only'], { redirect_uris: [] })] }).message).toContain('redirect_uris');
    expect(refusal({ ...base, clients: [webAppClient(['session-only']), webAppClient(['session-only'])] }).message).toContain(
      'appears twice',
    );
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
