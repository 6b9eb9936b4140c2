import { describe, it, expect, beforeAll } from '@jest/globals';
import { SignJWT, exportJWK, generateKeyPair, type JWK, type CryptoKey } from 'jose';
import { createMemoryStores } from '@waymark/core';
import { tokenValidate } from '@waymark/nodes';
import { runNode, testClock } from '@waymark/testing';
import { dpopKey, dpopProof, type DpopKey } from '../../../test/support/dpop.js';

/*
 * token.validate and sender-constrained tokens (RFC 9449, RFC 7800): a DPoP-bound token is
 * valid only with the proof of its key, on the request it was pushed with (the PAR request of
 * the push phase). Real ES256 tokens and proofs; the key set is inline.
 */

const ISSUER = 'https://as.example';
const AUDIENCE = 'https://waymark.example/session-transfer';
const PAR_URL = 'https://login.example.com/par';
const PAR = { clientId: 'session-transfer', ip: '203.0.113.7', params: {} as Record<string, string> };
const clock = testClock(Date.UTC(2026, 0, 1, 12));
const now = () => Math.floor(clock.now() / 1000);

let signer: CryptoKey;
let jwks: { keys: JWK[] };
let holder: DpopKey;

beforeAll(async () => {
  const pair = await generateKeyPair('ES256', { extractable: true });
  signer = pair.privateKey;
  jwks = { keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' }] };
  holder = await dpopKey();
});

function mint(claims: Record<string, unknown> = {}): Promise<string> {
  return new SignJWT({ iss: ISSUER, aud: AUDIENCE, sub: 'alice', client_id: 'mobile-app', scope: 'openid', iat: now(), exp: now() + 300, ...claims })
    .setProtectedHeader({ alg: 'ES256', kid: 'k1', typ: 'at+jwt' })
    .sign(signer);
}

const config = () => ({ issuer: ISSUER, audience: AUDIENCE, jwks, allowedClients: ['mobile-app'] });

/** Runs the node on the PAR request (method and URL set, as the adapter sets them), with `dpop` as the DPoP header. */
function validateAtPar(token: string, dpop: string | undefined, options: { stores?: ReturnType<typeof createMemoryStores>; url?: string } = {}) {
  return runNode(tokenValidate, {
    clock,
    config: config(),
    ...(options.stores ? { stores: options.stores } : {}),
    par: { ...PAR, params: { subject_token: token } },
    request: { ip: PAR.ip, method: 'POST', url: options.url ?? PAR_URL, headers: dpop === undefined ? {} : { dpop } },
  });
}

describe('token.validate: sender-constrained tokens', () => {
  it('may run in the push phase, before the browser', () => {
    expect(tokenValidate.pushPhase).toBe(true);
  });

  it('accepts a DPoP-bound token with a proof of its key for this request', async () => {
    const token = await mint({ cnf: { jkt: holder.jkt } });
    const r = await validateAtPar(token, await dpopProof(holder, { htu: PAR_URL, accessToken: token, nowMs: clock.now() }));
    expect(r).toMatchObject({ outcome: 'valid', state: { sub: 'alice' } });
  });

  it('refuses a DPoP-bound token presented without a proof', async () => {
    const token = await mint({ cnf: { jkt: holder.jkt } });
    expect(await validateAtPar(token, undefined)).toMatchObject({ outcome: 'invalid', reason: 'dpop_missing' });
  });

  it("refuses a DPoP-bound token with another key's proof", async () => {
    const token = await mint({ cnf: { jkt: holder.jkt } });
    const thief = await dpopKey();
    const r = await validateAtPar(token, await dpopProof(thief, { htu: PAR_URL, accessToken: token, nowMs: clock.now() }));
    expect(r).toMatchObject({ outcome: 'invalid', reason: 'dpop_binding' });
  });

  it('refuses a proof made for another endpoint, or for another token', async () => {
    const token = await mint({ cnf: { jkt: holder.jkt } });
    const elsewhere = await dpopProof(holder, { htu: 'https://api.example.com/orders', accessToken: token, nowMs: clock.now() });
    expect(await validateAtPar(token, elsewhere)).toMatchObject({ outcome: 'invalid', reason: 'dpop_invalid' });
    const other = await dpopProof(holder, { htu: PAR_URL, accessToken: await mint({ cnf: { jkt: holder.jkt }, jti: 'other' }), nowMs: clock.now() });
    expect(await validateAtPar(token, other)).toMatchObject({ outcome: 'invalid', reason: 'dpop_invalid' });
  });

  it('refuses a bound token where the request has no method and URL to check a proof against (a browser request)', async () => {
    const token = await mint({ cnf: { jkt: holder.jkt } });
    const proof = await dpopProof(holder, { htu: PAR_URL, accessToken: token, nowMs: clock.now() });
    const r = await runNode(tokenValidate, { clock, config: config(), par: { ...PAR, params: { subject_token: token } }, request: { headers: { dpop: proof } } });
    expect(r).toMatchObject({ outcome: 'invalid', reason: 'dpop_invalid' });
  });

  it('accepts a proof once: the same proof again is a replay', async () => {
    const stores = createMemoryStores(clock);
    const token = await mint({ cnf: { jkt: holder.jkt } });
    const proof = await dpopProof(holder, { htu: PAR_URL, accessToken: token, nowMs: clock.now() });
    expect((await validateAtPar(token, proof, { stores })).outcome).toBe('valid');
    expect(await validateAtPar(token, proof, { stores })).toMatchObject({ outcome: 'invalid', reason: 'dpop_replay' });
  });

  it('refuses a token bound by a method it cannot check (mTLS x5t#S256) rather than taking it for a bearer token', async () => {
    const token = await mint({ cnf: { 'x5t#S256': 'bwcK0esc3ACC3DB2Y5_lESsXE8o9ltc05O89jdN-dg2' } });
    expect(await validateAtPar(token, undefined)).toMatchObject({ outcome: 'invalid', reason: 'unsupported_binding' });
  });

  it('needs no proof for a bearer token (no cnf)', async () => {
    expect((await validateAtPar(await mint(), undefined)).outcome).toBe('valid');
  });
});
