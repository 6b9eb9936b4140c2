import { describe, expect, it } from '@jest/globals';
import { exportJWK, generateKeyPair, generateSecret, SignJWT } from 'jose';
import { verifyDpopProof, type DpopProofCheck } from '@waymark/access-token';
import { accessTokenHash, dpopKey, dpopProof } from '../../../test/support/dpop.js';
import { manualClock } from './support.js';

/* RFC 9449 §4.3, one check per case, with real ES256 proofs. */

const URL_PAR = 'https://login.example.com/par';
const TOKEN = 'eyJhbGciOiJFUzI1NiIsInR5cCI6ImF0K2p3dCJ9.payload.signature';

async function setup() {
  const clock = manualClock();
  const key = await dpopKey();
  const check = (proof: string | undefined, extra: Partial<DpopProofCheck> = {}) =>
    verifyDpopProof({ proof, method: 'POST', url: URL_PAR, accessToken: TOKEN, jkt: key.jkt, clock, ...extra });
  const proof = (extra: Partial<Parameters<typeof dpopProof>[1]> = {}) =>
    dpopProof(key, { htu: URL_PAR, accessToken: TOKEN, nowMs: clock.now(), ...extra });
  return { clock, key, check, proof };
}

const reasonOf = (result: Awaited<ReturnType<typeof verifyDpopProof>>) => (result.ok ? 'ok' : result.error.reason);

describe('verifyDpopProof', () => {
  it('accepts a fresh proof for this request, signed by the key the token is bound to', async () => {
    const { check, proof, key } = await setup();
    const result = await check(await proof());
    expect(result).toMatchObject({ ok: true, jkt: key.jkt });
  });

  it('ignores the query and fragment of htu and normalises the URL (RFC 9449 §4.3)', async () => {
    const { check, proof } = await setup();
    expect(reasonOf(await check(await proof({ htu: 'HTTPS://Login.Example.com:443/par?x=1#f' })))).toBe('ok');
  });

  it('at a token endpoint (no token presented, none bound yet): needs no ath and answers the key to bind to (RFC 9449 §5)', async () => {
    const { check, proof, key } = await setup();
    const forTokenEndpoint = await proof({ ath: null });
    expect(await check(forTokenEndpoint, { accessToken: undefined, jkt: undefined })).toMatchObject({ ok: true, jkt: key.jkt });
    // With a token presented, the same proof lacks its ath.
    expect(reasonOf(await check(forTokenEndpoint))).toBe('dpop_invalid');
  });

  it('refuses a missing proof as dpop_missing', async () => {
    const { check } = await setup();
    expect(reasonOf(await check(undefined))).toBe('dpop_missing');
    expect(reasonOf(await check(''))).toBe('dpop_missing');
  });

  it('refuses two proofs (two DPoP headers, joined) and a request whose method or URL is unknown', async () => {
    const { check, proof } = await setup();
    const one = await proof();
    expect(reasonOf(await check(`${one}, ${await proof()}`))).toBe('dpop_invalid');
    expect(reasonOf(await check(one, { method: undefined }))).toBe('dpop_invalid');
    expect(reasonOf(await check(one, { url: undefined }))).toBe('dpop_invalid');
  });

  it.each([
    ['another typ', { typ: 'jwt' }],
    ['another method', { htm: 'GET' }],
    ['another URL', { htu: 'https://login.example.com/authorize' }],
    ['another origin', { htu: 'https://evil.example/par' }],
    ['no ath', { ath: null }],
    ['the hash of another token', { ath: accessTokenHash('another.token.value') }],
  ])('refuses a proof with %s as dpop_invalid', async (_name, extra) => {
    const { check, proof } = await setup();
    expect(reasonOf(await check(await proof(extra)))).toBe('dpop_invalid');
  });

  it('refuses a proof older than its window or from the future, by the injected clock', async () => {
    const { check, proof, clock } = await setup();
    const now = Math.floor(clock.now() / 1000);
    expect(reasonOf(await check(await proof({ iat: now - 60 - 30 - 1 })))).toBe('dpop_invalid');
    expect(reasonOf(await check(await proof({ iat: now + 30 + 1 })))).toBe('dpop_invalid');
    expect(reasonOf(await check(await proof({ iat: now - 60 })))).toBe('ok');
  });

  it('refuses a proof whose header names another public key than the one that signed it', async () => {
    const { check, proof } = await setup();
    const other = await dpopKey();
    expect(reasonOf(await check(await proof({ jwk: other.publicJwk })))).toBe('dpop_invalid');
  });

  it('refuses a proof carrying a private key, and one signed with a symmetric algorithm', async () => {
    const { check, clock } = await setup();
    const pair = await generateKeyPair('ES256', { extractable: true });
    const privateJwk = await exportJWK(pair.privateKey);
    const claims = { jti: 'j1', htm: 'POST', htu: URL_PAR, iat: Math.floor(clock.now() / 1000), ath: accessTokenHash(TOKEN) };
    const leaky = await new SignJWT(claims).setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: privateJwk }).sign(pair.privateKey);
    expect(reasonOf(await check(leaky))).toBe('dpop_invalid');
    const secret = await generateSecret('HS256', { extractable: true });
    const symmetric = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ: 'dpop+jwt', jwk: await exportJWK(secret) }).sign(secret);
    expect(reasonOf(await check(symmetric))).toBe('dpop_invalid');
  });

  it('refuses a valid proof of another key than the token is bound to as dpop_binding', async () => {
    const { check } = await setup();
    const other = await dpopKey();
    const proof = await dpopProof(other, { htu: URL_PAR, accessToken: TOKEN, nowMs: Date.UTC(2026, 0, 1, 12) });
    expect(reasonOf(await check(proof))).toBe('dpop_binding');
  });

  it('refuses a proof used before as dpop_replay, remembering it for the whole window', async () => {
    const { check, proof } = await setup();
    const seen = new Map<string, number>();
    const firstUse = async (key: string, windowSeconds: number) => {
      const count = (seen.get(key) ?? 0) + 1;
      seen.set(key, count);
      expect(windowSeconds).toBe(60 + 2 * 30);
      return count === 1;
    };
    const once = await proof();
    expect(reasonOf(await check(once, { firstUse }))).toBe('ok');
    expect(reasonOf(await check(once, { firstUse }))).toBe('dpop_replay');
    expect(reasonOf(await check(await proof(), { firstUse }))).toBe('ok');
  });

  it('never puts the proof or the token in the error', async () => {
    const { check, proof } = await setup();
    const bad = await proof({ htm: 'GET' });
    const result = await check(bad);
    expect(result.ok).toBe(false);
    const text = JSON.stringify(result.ok ? {} : { message: result.error.message, details: result.error.details });
    expect(text).not.toContain(bad.split('.')[2] as string);
    expect(text).not.toContain('signature');
  });
});
