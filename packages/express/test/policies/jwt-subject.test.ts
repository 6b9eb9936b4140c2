import { describe, expect, it } from '@jest/globals';
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';

type CryptoKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
import { createMemoryStores } from '@waymark/core';
import { createPolicyDecisionPoint, jwtSubjectResolver } from '@waymark/express';
import { PAYMENT, policyConfig } from './support.js';

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
    const [decision] = await pdp.evaluate({ resources: [PAYMENT], application: 'transactionalAuthZ', subject: { jwt: await token(privateKey) } } as never);
    const txId = (decision!.advices as Record<string, string[]>).TransactionConditionAdvice![0]!;
    expect(await stores.transactions.get(txId)).toMatchObject({ sub: 'user-alice', resource: PAYMENT, status: 'pending' });
  });

  it.each([
    ['expired', async (k: CryptoKey) => token(k, { exp: Math.floor(now / 1000) - 3600 })],
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

  it('refuses an HMAC algorithm or a missing key source at start-up with ERR_POLICY_CONFIG', async () => {
    const { jwks } = await keys();
    expect(() => jwtSubjectResolver({ issuer: ISSUER, audience: AUDIENCE, jwks, clock, algorithms: ['HS256'] })).toThrow(
      expect.objectContaining({ code: 'ERR_POLICY_CONFIG' }),
    );
    expect(() => jwtSubjectResolver({ issuer: ISSUER, audience: AUDIENCE, clock })).toThrow(expect.objectContaining({ code: 'ERR_POLICY_CONFIG' }));
  });
});
