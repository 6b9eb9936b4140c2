import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import {
  authorizeUrl,
  handoffApp,
  HANDOFF_ISSUER,
  mintToken,
  pushRaw,
  serveJwks,
  signingKeys,
  TARGET,
} from '../../../../../test/support/handoff-app.js';
import { dpopKey, dpopProof } from '../../../../../test/support/dpop.js';

/*
 * POST /par validates the pushed request as the authorization endpoint would (RFC 9126 §2.1),
 * the flow's push phase included, so the app learns at once: through the real adapter, with
 * the shipped session-transfer flow and real ES256 tokens.
 */

const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';
const PAR_URL = `${HANDOFF_ISSUER}/par`;

let jwks: Awaited<ReturnType<typeof serveJwks>>;
beforeAll(async () => {
  jwks = await serveJwks((await signingKeys()).jwk);
});
afterAll(async () => {
  await jwks.close();
});

describe('POST /par: scope (RFC 6749 §3.3)', () => {
  it('takes a scope within the client\'s allowed_scopes', async () => {
    const { app, clock } = await handoffApp(jwks.base);
    expect((await pushRaw(app, { subject_token: await mintToken(clock), scope: 'session_transfer' })).status).toBe(201);
  });

  it('refuses a scope outside the client\'s allowed_scopes with invalid_scope, naming no value', async () => {
    const { app, clock } = await handoffApp(jwks.base);
    const res = await pushRaw(app, { subject_token: await mintToken(clock), scope: 'session_transfer admin' });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      error: 'invalid_scope',
      error_description: "scope names a scope this client may not request; list it in the client's allowed_scopes",
    });
  });
});

describe('POST /par: subject_token_type (RFC 8693 §3)', () => {
  it('takes the access token type', async () => {
    const { app, clock } = await handoffApp(jwks.base);
    expect((await pushRaw(app, { subject_token: await mintToken(clock), subject_token_type: ACCESS_TOKEN_TYPE })).status).toBe(201);
  });

  it.each(['urn:ietf:params:oauth:token-type:id_token', 'urn:ietf:params:oauth:token-type:refresh_token', 'access_token'])(
    'refuses %s with invalid_request',
    async (type) => {
      const { app, clock } = await handoffApp(jwks.base);
      const res = await pushRaw(app, { subject_token: await mintToken(clock), subject_token_type: type });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'invalid_request', error_description: `subject_token_type must be ${ACCESS_TOKEN_TYPE} (RFC 8693 §3)` });
    },
  );
});

describe('POST /par: the target (the flow still checks again)', () => {
  it('takes a target on the client\'s redirect_targets and the browser lands there', async () => {
    const { app, clock } = await handoffApp(jwks.base);
    const res = await pushRaw(app, { subject_token: await mintToken(clock), target: `${TARGET}?tab=1` });
    expect(res.status).toBe(201);
    const landed = await request(app).get(authorizeUrl(res.body.request_uri as string));
    expect(landed.headers.location).toBe(`${TARGET}?tab=1`);
  });
});

describe('POST /par: DPoP-bound tokens (RFC 9449)', () => {
  const bound = (clock: Parameters<typeof mintToken>[0], jkt: string) => mintToken(clock, { cnf: { jkt } });

  it('takes a bound token with a proof of its key for the PAR endpoint, and the browser redeems it', async () => {
    const { app, clock } = await handoffApp(jwks.base);
    const key = await dpopKey();
    const token = await bound(clock, key.jkt);
    const res = await pushRaw(app, { subject_token: token }, { DPoP: await dpopProof(key, { htu: PAR_URL, accessToken: token, nowMs: clock.now() }) });
    expect(res.status).toBe(201);
    expect((await request(app).get(authorizeUrl(res.body.request_uri as string))).status).toBe(303);
  });

  it('refuses a bound token with no proof, with another key\'s proof, or with a proof used before', async () => {
    const { app, clock } = await handoffApp(jwks.base);
    const key = await dpopKey();
    const token = await bound(clock, key.jkt);
    const refusedWith = async (headers: Record<string, string>) => {
      const res = await pushRaw(app, { subject_token: token }, headers);
      return [res.status, res.body.error_description];
    };
    expect(await refusedWith({})).toEqual([400, 'the pushed request was refused by validateToken: dpop_missing']);
    const thief = await dpopKey();
    expect(await refusedWith({ DPoP: await dpopProof(thief, { htu: PAR_URL, accessToken: token, nowMs: clock.now() }) })).toEqual([
      400,
      'the pushed request was refused by validateToken: dpop_binding',
    ]);
    const proof = await dpopProof(key, { htu: PAR_URL, accessToken: token, nowMs: clock.now() });
    expect((await pushRaw(app, { subject_token: token }, { DPoP: proof })).status).toBe(201);
    expect(await refusedWith({ DPoP: proof })).toEqual([400, 'the pushed request was refused by validateToken: dpop_replay']);
  });

  it('refuses a proof made for another URL than this PAR endpoint', async () => {
    const { app, clock } = await handoffApp(jwks.base);
    const key = await dpopKey();
    const token = await bound(clock, key.jkt);
    const proof = await dpopProof(key, { htu: `${HANDOFF_ISSUER}/token`, accessToken: token, nowMs: clock.now() });
    const res = await pushRaw(app, { subject_token: token }, { DPoP: proof });
    expect([res.status, res.body.error_description]).toEqual([400, 'the pushed request was refused by validateToken: dpop_invalid']);
  });
});

describe('POST /par: request objects and trusted proxy input', () => {
  it('answers request_not_supported to a pushed request object (RFC 9126 §3)', async () => {
    const { app } = await handoffApp(jwks.base);
    const res = await pushRaw(app, { request: 'eyJhbGciOiJub25lIn0.e30.' });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('request_not_supported');
  });

  it('refuses a malformed X-Forwarded-For from a trusted proxy (400) instead of binding the push to the proxy\'s IP', async () => {
    const { app, clock, stores } = await handoffApp(jwks.base, { trustedProxies: ['127.0.0.1', '::1'] });
    const puts: unknown[] = [];
    const put = stores.pushedRequests.put.bind(stores.pushedRequests);
    stores.pushedRequests.put = async (...args) => {
      puts.push(args[1]);
      return put(...args);
    };
    const res = await pushRaw(app, { subject_token: await mintToken(clock) }, { 'X-Forwarded-For': 'not-an-ip' });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      error: 'invalid_request',
      error_description: 'X-Forwarded-For from a trusted proxy is malformed: each entry must be an IP address; fix the proxy',
    });
    expect(puts).toEqual([]);
  });
});
