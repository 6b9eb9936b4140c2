import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { ACCESS_TOKEN_REASONS, AccessTokenError, createAccessTokenValidator, type AccessTokenResult, type AccessTokenValidatorOptions } from '@waymark/access-token';
import { AUDIENCE, b64, ISSUER, json, manualClock, mint, serve } from './support.js';

type KeyPair = { privateKey: CryptoKey; publicKey: CryptoKey };
let rsa: KeyPair;
let ec: KeyPair;
let foreign: KeyPair;
let jwks: { keys: JWK[] };
let jwksServer: Awaited<ReturnType<typeof serve>>;

beforeAll(async () => {
  rsa = await generateKeyPair('RS256', { extractable: true });
  ec = await generateKeyPair('ES256', { extractable: true });
  foreign = await generateKeyPair('RS256', { extractable: true });
  jwks = { keys: [{ ...(await exportJWK(rsa.publicKey)), kid: 'rsa-1', alg: 'RS256', use: 'sig' }, { ...(await exportJWK(ec.publicKey)), kid: 'ec-1', alg: 'ES256', use: 'sig' }] };
  jwksServer = await serve((_req, _body, res) => json(res, 200, jwks));
});
afterAll(async () => {
  await jwksServer.close();
});

const clock = manualClock();
const now = () => Math.floor(clock.now() / 1000);
const token = (o: Partial<Parameters<typeof mint>[1]> = {}) => mint(now(), { key: rsa.privateKey, ...o });
const validator = (o: Partial<AccessTokenValidatorOptions> = {}) =>
  createAccessTokenValidator({ issuer: ISSUER, audience: AUDIENCE, jwksUri: `${jwksServer.url}/jwks`, clock, ...o } as AccessTokenValidatorOptions);
const check = async (t: string | undefined, o: Partial<AccessTokenValidatorOptions> = {}) => validator(o).validate(t);

/** The reason and code of a refusal (fails the test on an accepted token). */
function refusal(result: AccessTokenResult): { reason: string; code: string; kind: string } {
  if (result.ok) throw new Error('expected the token to be refused');
  return { reason: result.error.reason, code: result.error.code, kind: result.error.kind };
}

/** A fetch that counts its calls, and a JWKS server of its own behind it. */
async function countedJwks(keys: () => { keys: JWK[] } = () => jwks) {
  const counted = { calls: 0, hits: 0 };
  const fetchSpy = (url: string, init: RequestInit) => {
    counted.calls++;
    return fetch(url, init);
  };
  const server = await serve((_req, _body, res) => {
    counted.hits++;
    json(res, 200, keys());
  });
  return { counted, fetchSpy, server };
}

describe('createAccessTokenValidator (JWT access tokens, RFC 9068)', () => {
  it('accepts a good RS256 token and gives its claims, client and scopes', async () => {
    const result = await check(await token());
    expect(result).toEqual({ ok: true, claims: expect.objectContaining({ sub: 'alice', iss: ISSUER, aud: AUDIENCE }), clientId: 'mobile-app', scopes: ['openid', 'profile'] });
  });

  it('accepts an ES256 token with the application/at+jwt type, azp in place of client_id and scp as the scopes', async () => {
    const result = await check(await token({ key: ec.privateKey, alg: 'ES256', kid: 'ec-1', typ: 'application/at+jwt', claims: { client_id: undefined, azp: 'web', scope: undefined, scp: ['a', 'b'] } }));
    expect(result).toMatchObject({ ok: true, clientId: 'web', scopes: ['a', 'b'] });
  });

  it('verifies against an inline JWKS', async () => {
    expect((await check(await token(), { jwksUri: undefined, jwks })).ok).toBe(true);
  });

  it('is missing without a token and malformed for garbage or an over-long token', async () => {
    expect(refusal(await check(undefined))).toEqual({ reason: 'missing', code: 'ERR_ACCESS_TOKEN_MISSING', kind: 'invalid' });
    expect(refusal(await check(''))).toMatchObject({ reason: 'missing' });
    expect(refusal(await check('not.a.jwt'))).toEqual({ reason: 'malformed', code: 'ERR_ACCESS_TOKEN_MALFORMED', kind: 'invalid' });
    expect(refusal(await check('x'.repeat(9000)))).toMatchObject({ reason: 'malformed' });
    expect(refusal(await check(await token(), { maxTokenLength: 100 }))).toMatchObject({ reason: 'malformed' });
  });

  it('refuses alg:none (RFC 8725 §3.1)', async () => {
    const none = `${b64({ alg: 'none', typ: 'at+jwt' })}.${b64({ iss: ISSUER, aud: AUDIENCE, sub: 'admin', client_id: 'mobile-app', exp: now() + 300 })}.`;
    expect(refusal(await check(none))).toEqual({ reason: 'algorithm', code: 'ERR_ACCESS_TOKEN_ALGORITHM', kind: 'invalid' });
  });

  it('refuses HS256 signed with the public key material (algorithm confusion, RFC 8725 §2.1)', async () => {
    const pem = await exportSPKI(rsa.publicKey);
    const forged = await new SignJWT({ iss: ISSUER, aud: AUDIENCE, sub: 'admin', client_id: 'mobile-app', iat: now(), exp: now() + 300 })
      .setProtectedHeader({ alg: 'HS256', kid: 'rsa-1', typ: 'at+jwt' })
      .sign(new TextEncoder().encode(pem));
    expect(refusal(await check(forged))).toMatchObject({ reason: 'algorithm' });
  });

  it('refuses alg:none and HS256 before fetching any key (no JWKS request for a forged header)', async () => {
    const { counted, fetchSpy, server } = await countedJwks();
    try {
      const none = `${b64({ alg: 'none', typ: 'at+jwt' })}.${b64({ iss: ISSUER, aud: AUDIENCE, sub: 'admin', exp: now() + 300 })}.`;
      const hs = await new SignJWT({ iss: ISSUER, aud: AUDIENCE, sub: 'admin', exp: now() + 300 })
        .setProtectedHeader({ alg: 'HS256', kid: 'rsa-1', typ: 'at+jwt' })
        .sign(new TextEncoder().encode('x'.repeat(32)));
      const v = validator({ jwksUri: `${server.url}/jwks-forged`, fetch: fetchSpy });
      for (const t of [none, hs]) expect(refusal(await v.validate(t))).toMatchObject({ reason: 'algorithm' });
      expect(counted.calls).toBe(0);
    } finally {
      await server.close();
    }
  });

  it('fetches the key set through the given fetch', async () => {
    const { counted, fetchSpy, server } = await countedJwks();
    try {
      expect((await check(await token(), { jwksUri: `${server.url}/jwks`, fetch: fetchSpy })).ok).toBe(true);
      expect(counted.calls).toBe(1);
    } finally {
      await server.close();
    }
  });

  it('shares one cached key set per URL between validators (one fetch for many tokens)', async () => {
    const { counted, server } = await countedJwks();
    try {
      const jwksUri = `${server.url}/jwks`;
      for (let i = 0; i < 3; i++) expect((await check(await token(), { jwksUri })).ok).toBe(true);
      expect(counted.hits).toBe(1);
    } finally {
      await server.close();
    }
  });

  it('fetches the key set again once it is older than jwksCacheMaxAgeSeconds', async () => {
    const { counted, server } = await countedJwks();
    try {
      const v = validator({ jwksUri: `${server.url}/jwks`, jwksCacheMaxAgeSeconds: 0 });
      expect((await v.validate(await token())).ok).toBe(true);
      expect((await v.validate(await token())).ok).toBe(true);
      expect(counted.hits).toBe(2);
    } finally {
      await server.close();
    }
  });

  it('refuses an unknown kid', async () => {
    expect(refusal(await check(await token({ kid: 'nope' })))).toEqual({ reason: 'unknown_kid', code: 'ERR_ACCESS_TOKEN_UNKNOWN_KID', kind: 'invalid' });
  });

  it('refetches the key set on an unknown kid once the cooldown allows, picking up a rotated key', async () => {
    const rotated = await generateKeyPair('RS256', { extractable: true });
    const keys: JWK[] = [{ ...(await exportJWK(rsa.publicKey)), kid: 'rsa-1' }];
    const { counted, server } = await countedJwks(() => ({ keys }));
    try {
      const v = validator({ jwksUri: `${server.url}/jwks`, jwksCooldownSeconds: 0 });
      expect((await v.validate(await token())).ok).toBe(true);
      keys.push({ ...(await exportJWK(rotated.publicKey)), kid: 'rsa-2' });
      expect((await v.validate(await token({ key: rotated.privateKey, kid: 'rsa-2' }))).ok).toBe(true);
      expect(counted.hits).toBe(2);
    } finally {
      await server.close();
    }
  });

  it('does not refetch within the cooldown: a flood of unknown kids costs one fetch', async () => {
    const { counted, server } = await countedJwks();
    try {
      const v = validator({ jwksUri: `${server.url}/jwks`, jwksCooldownSeconds: 3600 });
      expect((await v.validate(await token())).ok).toBe(true);
      for (let i = 0; i < 5; i++) expect(refusal(await v.validate(await token({ kid: `forged-${i}` })))).toMatchObject({ reason: 'unknown_kid' });
      expect(counted.hits).toBe(1);
    } finally {
      await server.close();
    }
  });

  it('judges exp by the injected clock: refused beyond the tolerance, accepted within it', async () => {
    expect(refusal(await check(await token({ claims: { exp: now() - 31 } })))).toEqual({ reason: 'expired', code: 'ERR_ACCESS_TOKEN_EXPIRED', kind: 'invalid' });
    expect((await check(await token({ claims: { exp: now() - 20 } }))).ok).toBe(true);
    expect(refusal(await check(await token({ claims: { exp: now() - 5 } }), { clockToleranceSeconds: 0 }))).toMatchObject({ reason: 'expired' });
    const later = manualClock(clock.now());
    const v = validator({ clock: later });
    const t = await token();
    expect((await v.validate(t)).ok).toBe(true);
    later.advance(331_000);
    expect(refusal(await v.validate(t))).toMatchObject({ reason: 'expired' });
  });

  it('refuses a token without exp (no_expiry) or without sub (malformed)', async () => {
    expect(refusal(await check(await token({ claims: { exp: undefined } })))).toEqual({ reason: 'no_expiry', code: 'ERR_ACCESS_TOKEN_NO_EXPIRY', kind: 'invalid' });
    expect(refusal(await check(await token({ claims: { sub: undefined } })))).toMatchObject({ reason: 'malformed' });
    expect(refusal(await check(await token({ claims: { sub: '' } })))).toMatchObject({ reason: 'malformed' });
  });

  it('refuses a token not yet valid (nbf or iat in the future)', async () => {
    expect(refusal(await check(await token({ claims: { nbf: now() + 120 } })))).toEqual({ reason: 'not_yet_valid', code: 'ERR_ACCESS_TOKEN_NOT_YET_VALID', kind: 'invalid' });
    expect(refusal(await check(await token({ claims: { iat: now() + 120 } })))).toMatchObject({ reason: 'not_yet_valid' });
  });

  it('refuses a token older than maxAgeSeconds', async () => {
    expect(refusal(await check(await token({ claims: { iat: now() - 600 } }), { maxAgeSeconds: 300 }))).toMatchObject({ reason: 'expired' });
    expect((await check(await token({ claims: { iat: now() - 200 } }), { maxAgeSeconds: 300 })).ok).toBe(true);
  });

  it('refuses another issuer and another audience', async () => {
    expect(refusal(await check(await token({ claims: { iss: 'https://evil.example' } })))).toEqual({ reason: 'issuer', code: 'ERR_ACCESS_TOKEN_ISSUER', kind: 'invalid' });
    expect(refusal(await check(await token({ claims: { aud: 'https://api.example' } })))).toEqual({ reason: 'audience', code: 'ERR_ACCESS_TOKEN_AUDIENCE', kind: 'invalid' });
    expect((await check(await token({ claims: { aud: ['https://api.example', AUDIENCE] } }))).ok).toBe(true);
  });

  it('refuses the wrong or missing typ (an ID token is not an access token), and honours configured types', async () => {
    expect(refusal(await check(await token({ typ: 'JWT' })))).toEqual({ reason: 'type', code: 'ERR_ACCESS_TOKEN_TYPE', kind: 'invalid' });
    expect(refusal(await check(await token({ typ: undefined })))).toMatchObject({ reason: 'type' });
    expect((await check(await token({ typ: 'JWT' }), { types: ['jwt'] })).ok).toBe(true);
  });

  it('refuses a tampered payload and a token signed by another key under our kid', async () => {
    const [h, , s] = (await token()).split('.');
    const tampered = `${h}.${b64({ iss: ISSUER, aud: AUDIENCE, sub: 'admin', client_id: 'mobile-app', iat: now(), exp: now() + 300 })}.${s}`;
    expect(refusal(await check(tampered))).toEqual({ reason: 'signature', code: 'ERR_ACCESS_TOKEN_SIGNATURE', kind: 'invalid' });
    expect(refusal(await check(await token({ key: foreign.privateKey })))).toMatchObject({ reason: 'signature' });
  });

  it('is jwks_unavailable (kind unavailable) when the key set is down or answers 500, and the error carries no token', async () => {
    const down = await serve((_req, _body, res) => json(res, 200, jwks));
    const url = `${down.url}/jwks`;
    await down.close();
    const t = await token();
    const result = await check(t, { jwksUri: url });
    expect(refusal(result)).toEqual({ reason: 'jwks_unavailable', code: 'ERR_ACCESS_TOKEN_JWKS_UNAVAILABLE', kind: 'unavailable' });
    const error = (result as { error: AccessTokenError }).error;
    expect(error.details).toEqual({ reason: 'jwks_unavailable', cause: expect.any(String) });
    expect(`${error.message} ${JSON.stringify(error.details)}`).not.toContain(t.split('.')[2]!);
    const broken = await serve((_req, _body, res) => json(res, 500, { error: 'boom' }));
    try {
      expect(refusal(await check(t, { jwksUri: `${broken.url}/jwks` }))).toMatchObject({ reason: 'jwks_unavailable', kind: 'unavailable' });
    } finally {
      await broken.close();
    }
  });

  it('gives each reason its own code, and kind unavailable only to the dependency failures', () => {
    for (const [reason, code] of Object.entries(ACCESS_TOKEN_REASONS)) {
      const error = new AccessTokenError(reason as keyof typeof ACCESS_TOKEN_REASONS);
      expect(error).toMatchObject({ code, reason, name: 'AccessTokenError' });
      expect(error.kind).toBe(reason.endsWith('_unavailable') ? 'unavailable' : 'invalid');
    }
    expect(new Set(Object.values(ACCESS_TOKEN_REASONS)).size).toBe(Object.keys(ACCESS_TOKEN_REASONS).length);
  });
});
