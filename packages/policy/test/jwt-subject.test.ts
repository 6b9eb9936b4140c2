import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from '@jest/globals';
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import { createMemoryStores } from '@waymark/core';
import { createPolicyDecisionPoint, jwtSubjectResolver, PolicyError } from '@waymark/policy';
import { PAYMENT, policyConfig } from './support.js';

type CryptoKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

const ISSUER = 'https://as.example';
const AUDIENCE = 'https://api.bankingexample.com';
const now = Date.UTC(2026, 10, 23, 12, 0, 0);
const clock = { now: () => now };

async function keys() {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
  return { privateKey, jwks: { keys: [jwk] } };
}

async function token(privateKey: CryptoKey, claims: Record<string, unknown> = {}, header: Record<string, unknown> = {}) {
  const seconds = Math.floor(now / 1000);
  return new SignJWT({ iss: ISSUER, aud: AUDIENCE, sub: 'user-alice', iat: seconds - 10, exp: seconds + 300, client_id: 'bank-app', scope: 'payments', ...claims })
    .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: 'k1', ...header })
    .sign(privateKey);
}

describe('jwtSubjectResolver: a validated access token as the policy subject', () => {
  it('opens a transaction bound to the token subject when a PEP sends { jwt }', async () => {
    const { privateKey, jwks } = await keys();
    const stores = createMemoryStores(clock);
    const pdp = createPolicyDecisionPoint(policyConfig(), { stores, clock, resolveJwt: jwtSubjectResolver({ issuer: ISSUER, audience: AUDIENCE, jwks, clock }) });
    const [decision] = await pdp.evaluate({ resources: [PAYMENT], application: 'transactionalAuthZ', subject: { jwt: await token(privateKey) } });
    const txId = (decision!.advices as Record<string, string[]>).TransactionConditionAdvice![0]!;
    expect(await stores.transactions.get(txId)).toMatchObject({ sub: 'user-alice', resource: PAYMENT, status: 'pending' });
  });

  it.each([
    ['expired', async (k: CryptoKey) => token(k, { exp: Math.floor(now / 1000) - 3600 })],
    ['issued in the future', async (k: CryptoKey) => token(k, { iat: Math.floor(now / 1000) + 3600 })],
    ['by another issuer', async (k: CryptoKey) => token(k, { iss: 'https://evil.example' })],
    ['without a subject', async (k: CryptoKey) => token(k, { sub: undefined })],
    ['for another audience', async (k: CryptoKey) => token(k, { aud: 'https://other.example' })],
    ['not an access token (typ JWT)', async (k: CryptoKey) => token(k, {}, { typ: 'JWT' })],
    ['signed by another key', async () => token((await keys()).privateKey)],
    ['unsigned (alg none)', async () => `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'at+jwt' })).toString('base64url')}.${Buffer.from(JSON.stringify({ sub: 'user-alice', iss: ISSUER, aud: AUDIENCE, exp: Math.floor(now / 1000) + 60 })).toString('base64url')}.`],
    ['tampered', async (k: CryptoKey) => (await token(k)).replace(/\.([^.]+)\./, (_m, p: string) => `.${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p, 'base64url').toString()), sub: 'user-mallory' })).toString('base64url')}.`)],
  ])('gives no subject (no actions, no transaction) for a token that is %s', async (_name, make) => {
    const { privateKey, jwks } = await keys();
    const resolve = jwtSubjectResolver({ issuer: ISSUER, audience: AUDIENCE, jwks, clock });
    expect(await resolve(await make(privateKey))).toBeUndefined();
  });

  it('gives the subject and its claims for a good token', async () => {
    const { privateKey, jwks } = await keys();
    const resolve = jwtSubjectResolver({ issuer: ISSUER, audience: AUDIENCE, jwks, clock });
    expect(await resolve(await token(privateKey))).toEqual({ sub: 'user-alice', claims: expect.objectContaining({ sub: 'user-alice', client_id: 'bank-app', scope: 'payments' }) });
  });

  it('refuses an HMAC algorithm or a missing key source at start-up with ERR_CONFIG_INVALID naming the option', async () => {
    const { jwks } = await keys();
    expect(() => jwtSubjectResolver({ issuer: ISSUER, audience: AUDIENCE, jwks, clock, algorithms: ['HS256'] })).toThrow(
      expect.objectContaining({ code: 'ERR_CONFIG_INVALID', details: expect.objectContaining({ key: '/algorithms/0' }) }),
    );
    expect(() => jwtSubjectResolver({ issuer: ISSUER, audience: AUDIENCE, clock })).toThrow(
      expect.objectContaining({ code: 'ERR_CONFIG_INVALID', message: expect.stringContaining('give exactly one of "jwksUri" or "jwks"') }),
    );
  });

  it("fails closed with ERR_PDP_UNAVAILABLE when the issuer's key set cannot be fetched", async () => {
    const { privateKey } = await keys();
    const server = createServer((_req, res) => res.writeHead(500).end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const jwksUri = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks`;
    try {
      const stores = createMemoryStores(clock);
      const pdp = createPolicyDecisionPoint(policyConfig(), { stores, clock, resolveJwt: jwtSubjectResolver({ issuer: ISSUER, audience: AUDIENCE, jwksUri, clock }) });
      const failure = pdp.evaluate({ resources: [PAYMENT], subject: { jwt: await token(privateKey) } });
      await expect(failure).rejects.toBeInstanceOf(PolicyError);
      await expect(failure).rejects.toMatchObject({ code: 'ERR_PDP_UNAVAILABLE', details: { reason: 'jwks_unavailable' } });
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
