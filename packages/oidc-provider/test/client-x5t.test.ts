import { createHash, createPrivateKey, X509Certificate } from 'node:crypto';
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JWK } from 'jose';
import selfsigned from 'selfsigned';
import type { PrivateJwk } from '@waymark/oidc-provider';
import { codeFlow, configFor, startStoreStack, webClient, type StoreStack } from './client-store-support.js';

/* include_x5t: the signing certificate's SHA-1 thumbprint (RFC 7515 §4.1.7) in the header of the client's ID and JWT access tokens. */

const API = 'https://api.example.com/';
let stack: StoreStack;
let thumbprint: string;
let publicJwks: { keys: JWK[] };

beforeAll(async () => {
  const pems = await selfsigned.generate([{ name: 'commonName', value: 'waymark test signer' }], { keySize: 2048, algorithm: 'sha256' });
  const der = new X509Certificate(pems.cert).raw;
  thumbprint = createHash('sha1').update(der).digest('base64url');
  const jwk = { ...createPrivateKey(pems.private).export({ format: 'jwk' }), kid: 'cert-1', alg: 'RS256', use: 'sig', x5c: [der.toString('base64')] } as PrivateJwk;
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...pub } = jwk as Record<string, unknown>;
  publicJwks = { keys: [pub as JWK] };
  stack = await startStoreStack({ extra: { jwks: { keys: [jwk] }, resourceServers: { [API]: { scopes: ['read'] } } } });
});
afterAll(async () => {
  await stack.close();
});

describe('include_x5t', () => {
  it('adds x5t to the ID token and the JWT access token of a client that asks, signatures intact', async () => {
    await stack.put(webClient('x5t-on', { include_x5t: true, allowed_scopes: ['openid', 'read'] }));
    const tokens = await codeFlow(await configFor(stack, 'x5t-on'), { resource: API, scope: 'openid read' });
    expect(decodeProtectedHeader(tokens.id_token!)).toMatchObject({ kid: 'cert-1', x5t: thumbprint });
    expect(decodeProtectedHeader(tokens.access_token)).toMatchObject({ typ: 'at+jwt', x5t: thumbprint });
    const keys = createLocalJWKSet(publicJwks);
    await expect(jwtVerify(tokens.id_token!, keys, { issuer: stack.issuer, audience: 'x5t-on' })).resolves.toBeDefined();
    await expect(jwtVerify(tokens.access_token, keys, { issuer: stack.issuer, audience: API })).resolves.toBeDefined();
  });

  it('leaves it out for the other clients', async () => {
    await stack.put(webClient('x5t-off', { allowed_scopes: ['openid', 'read'] }));
    const tokens = await codeFlow(await configFor(stack, 'x5t-off'), { resource: API, scope: 'openid read' });
    expect(decodeProtectedHeader(tokens.id_token!)).not.toHaveProperty('x5t');
    expect(decodeProtectedHeader(tokens.access_token)).not.toHaveProperty('x5t');
  });
});
