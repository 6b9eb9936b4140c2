import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { generateKeyPair } from 'jose';
import {
  authorizeUrl,
  cookieSets,
  DEMO_AS,
  handoffApp,
  mintToken,
  plantPushedRequest,
  pushHandoff,
  pushRaw,
  serveJwks,
  sessionIdFrom,
  sessionTransferClient,
  mobileClient,
  shippedFlow,
  signingKeys,
  SESSION_COOKIE,
  TARGET,
} from '../../../../../test/support/handoff-app.js';

/*
 * The handoff security policy, each rule through the real adapter: POST /par as the app, then
 * GET /authorize as the browser, with the shipped flow and real ES256 tokens.
 */

let jwks: Awaited<ReturnType<typeof serveJwks>>;
beforeAll(async () => {
  jwks = await serveJwks((await signingKeys()).jwk);
});
afterAll(async () => {
  await jwks.close();
});

describe('handoff: single use and lifetime of the request_uri', () => {
  it('refuses a replayed request_uri with an error page and no cookie', async () => {
    const { app, clock } = await handoffApp(jwks.base);
    const requestUri = await pushHandoff(app, { subject_token: await mintToken(clock) });
    const first = await request(app).get(authorizeUrl(requestUri));
    expect(first.status).toBe(303);
    const replay = await request(app).get(authorizeUrl(requestUri));
    expect(replay.status).toBe(400);
    expect(replay.headers['set-cookie']).toBeUndefined();
    expect(replay.headers.location).toBeUndefined();
    expect(replay.text).toContain('expired or has been used already');
  });

  it('lets exactly one of two concurrent redemptions of one request_uri through', async () => {
    const { app, clock } = await handoffApp(jwks.base);
    const requestUri = await pushHandoff(app, { subject_token: await mintToken(clock) });
    const results = await Promise.all([request(app).get(authorizeUrl(requestUri)), request(app).get(authorizeUrl(requestUri))]);
    expect(results.map((r) => r.status).sort()).toEqual([303, 400]);
    expect(results.filter((r) => sessionIdFrom(r) !== undefined)).toHaveLength(1);
  });

  it('gives the request_uri at most 60 seconds and refuses it, without a cookie, once the clock passes that', async () => {
    const { app, clock } = await handoffApp(jwks.base);
    const token = await mintToken(clock);
    const par = await request(app)
      .post('/par')
      .type('form')
      .send(
        new URLSearchParams({
          client_id: 'session-transfer',
          response_type: 'code',
          code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
          code_challenge_method: 'S256',
          subject_token: token,
          target: TARGET,
        }).toString(),
      );
    expect(par.body.expires_in).toBeLessThanOrEqual(60);
    clock.advance(par.body.expires_in as number);
    const res = await request(app).get(authorizeUrl(par.body.request_uri as string));
    expect(res.status).toBe(400);
    expect(res.headers['set-cookie']).toBeUndefined();
  });

  it('refuses a request_uri redeemed under another client_id, and burns it', async () => {
    const { app, clock } = await handoffApp(jwks.base);
    const requestUri = await pushHandoff(app, { subject_token: await mintToken(clock) });
    const other = await request(app).get(authorizeUrl(requestUri, 'mobile-app'));
    expect(other.status).toBe(400);
    expect(other.headers['set-cookie']).toBeUndefined();
    expect((await request(app).get(authorizeUrl(requestUri))).status).toBe(400);
  });

  it('ignores parameters outside the pushed request: a target in the URL never replaces the pushed one', async () => {
    const { app, clock } = await handoffApp(jwks.base);
    const requestUri = await pushHandoff(app, { subject_token: await mintToken(clock) });
    const res = await request(app).get(
      `${authorizeUrl(requestUri)}&target=${encodeURIComponent('https://evil.example/')}&acr_values=other`,
    );
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(TARGET);
  });

  it('refuses plain parameters from the session-transfer client, which requires PAR', async () => {
    const { app } = await handoffApp(jwks.base);
    const res = await request(app).get(
      `/authorize?${new URLSearchParams({ client_id: 'session-transfer', response_type: 'code', target: TARGET }).toString()}`,
    );
    expect(res.status).toBe(400);
    expect(res.headers['set-cookie']).toBeUndefined();
  });
});

describe('handoff: a bad token is refused at PAR (the push phase), and by the flow should it get past', () => {
  const refusedAtPar = async (token: string, reason: string) => {
    const { app, stores } = await handoffApp(jwks.base);
    const puts: unknown[] = [];
    const put = stores.pushedRequests.put.bind(stores.pushedRequests);
    stores.pushedRequests.put = async (...args) => {
      puts.push(args[1]);
      return put(...args);
    };
    const res = await pushRaw(app, { subject_token: token });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'invalid_request', error_description: `the pushed request was refused by validateToken: ${reason}` });
    expect(res.body.request_uri).toBeUndefined();
    expect(puts).toEqual([]);
  };

  it('refuses a token signed by a key the issuer does not publish: 400 invalid_request, no request_uri', async () => {
    const { privateKey } = await generateKeyPair('ES256');
    const { clock } = await handoffApp(jwks.base);
    await refusedAtPar(await mintToken(clock, {}, { key: privateKey }), 'signature');
  });

  it('refuses an expired token', async () => {
    const { clock } = await handoffApp(jwks.base);
    await refusedAtPar(await mintToken(clock, { exp: Math.floor(clock.now() / 1000) - 31 }), 'expired');
  });

  it('refuses a token issued to another client than the native app', async () => {
    const { clock } = await handoffApp(jwks.base);
    await refusedAtPar(await mintToken(clock, { client_id: 'some-other-app' }), 'client');
  });

  it('refuses a push without a token', async () => {
    const { app } = await handoffApp(jwks.base);
    const res = await pushRaw(app, {});
    expect(res.status).toBe(400);
    expect(res.body.error_description).toBe('the pushed request was refused by validateToken: missing');
  });

  it('answers 503 temporarily_unavailable when the token issuer\'s keys cannot be fetched (not judged: retry)', async () => {
    const down = await serveJwks((await signingKeys()).jwk);
    await down.close();
    // Its own key set URL: the key set cache is per URL for the whole process.
    const flow = structuredClone(shippedFlow) as { version: number; nodes: { validateToken: { config: Record<string, unknown> } } };
    flow.version = 2;
    flow.nodes.validateToken.config.jwksUri = `${DEMO_AS}/unreachable/jwks.json`;
    const { app, clock } = await handoffApp(down.base, { flows: [flow] });
    const res = await pushRaw(app, { subject_token: await mintToken(clock) });
    expect(res.status).toBe(503);
    expect(res.body).toEqual({ error: 'temporarily_unavailable', error_description: 'the pushed request could not be checked now; retry later' });
  });

  it('still refuses, with no cookie, a bad token that reaches authorize without a push phase (the flow checks it again)', async () => {
    const { app, clock, stores } = await handoffApp(jwks.base);
    const { privateKey } = await generateKeyPair('ES256');
    const requestUri = await plantPushedRequest(stores, clock, { subject_token: await mintToken(clock, {}, { key: privateKey }) });
    const res = await request(app).get(authorizeUrl(requestUri));
    expect(res.status).toBe(403);
    expect(cookieSets(res)).toEqual([]);
    expect(res.headers.location).toBeUndefined();
  });
});

describe('handoff: no cookie on any failure', () => {
  it('sets no cookie when the browser comes from another IP than the one Waymark observed on PAR', async () => {
    const { app, clock } = await handoffApp(jwks.base, { trustedProxies: ['127.0.0.1', '::1'] });
    const requestUri = await pushHandoff(app, { subject_token: await mintToken(clock) }, { 'X-Forwarded-For': '198.51.100.7' });
    const res = await request(app).get(authorizeUrl(requestUri)).set('X-Forwarded-For', '203.0.113.9');
    expect(res.status).toBe(403);
    expect(cookieSets(res)).toEqual([]);
  });

  it('takes the IP from X-Forwarded-For only through a trusted proxy: the same forwarded IP on both channels passes', async () => {
    const { app, clock } = await handoffApp(jwks.base, { trustedProxies: ['127.0.0.1', '::1'] });
    const requestUri = await pushHandoff(
      app,
      { subject_token: await mintToken(clock), ip: '198.51.100.7' },
      { 'X-Forwarded-For': '198.51.100.7' },
    );
    const res = await request(app).get(authorizeUrl(requestUri)).set('X-Forwarded-For', '198.51.100.7');
    expect(res.status).toBe(303);
  });

  it('sets no cookie when the pushed ip disagrees with the browser IP', async () => {
    const { app, clock } = await handoffApp(jwks.base);
    const requestUri = await pushHandoff(app, { subject_token: await mintToken(clock), ip: '192.0.2.55' });
    const res = await request(app).get(authorizeUrl(requestUri));
    expect(res.status).toBe(403);
    expect(cookieSets(res)).toEqual([]);
  });
});

describe('handoff: sessions', () => {
  it('creates a new session id on every handoff and never reuses the session cookie the browser offers', async () => {
    const { app, clock, stores } = await handoffApp(jwks.base);
    const first = await request(app).get(authorizeUrl(await pushHandoff(app, { subject_token: await mintToken(clock) })));
    const firstId = sessionIdFrom(first) as string;
    const second = await request(app)
      .get(authorizeUrl(await pushHandoff(app, { subject_token: await mintToken(clock) })))
      .set('Cookie', `${SESSION_COOKIE}=${firstId}`);
    const secondId = sessionIdFrom(second) as string;
    expect(second.status).toBe(303);
    expect(secondId).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(secondId).not.toBe(firstId);
    // The same user's old session is rotated out, not kept beside the new one.
    expect(await stores.sessions.get(firstId)).toBeUndefined();
    expect(await stores.sessions.get(secondId)).toMatchObject({ sub: 'user-alice' });
  });

  it('never adopts a planted session id', async () => {
    const { app, clock } = await handoffApp(jwks.base);
    const planted = 'P'.repeat(43);
    const res = await request(app)
      .get(authorizeUrl(await pushHandoff(app, { subject_token: await mintToken(clock) })))
      .set('Cookie', `${SESSION_COOKIE}=${planted}`);
    expect(res.status).toBe(303);
    expect(sessionIdFrom(res)).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(sessionIdFrom(res)).not.toBe(planted);
  });

  it('never switches a live session of another user silently: failure, no cookie, the existing session untouched', async () => {
    const { app, clock, stores } = await handoffApp(jwks.base);
    const alice = await request(app).get(authorizeUrl(await pushHandoff(app, { subject_token: await mintToken(clock) })));
    const aliceId = sessionIdFrom(alice) as string;
    const bob = await request(app)
      .get(authorizeUrl(await pushHandoff(app, { subject_token: await mintToken(clock, { sub: 'user-bob' }) })))
      .set('Cookie', `${SESSION_COOKIE}=${aliceId}`);
    expect(bob.status).toBe(403);
    expect(cookieSets(bob)).toEqual([]);
    expect(bob.headers.location).toBeUndefined();
    expect(await stores.sessions.get(aliceId)).toMatchObject({ sub: 'user-alice' });
  });
});

describe('handoff: the token stays in the back channel', () => {
  it('never puts the token in a URL, a page, an answer or a log line, on success or on failure', async () => {
    const { app, clock, logger } = await handoffApp(jwks.base);
    const good = await mintToken(clock);
    const bad = await mintToken(clock, { aud: 'https://elsewhere.example' });
    const seen: string[] = [];
    const requestUri = await pushHandoff(app, { subject_token: good });
    expect(requestUri).not.toContain(good);
    const res = await request(app).get(authorizeUrl(requestUri));
    seen.push(res.text ?? '', String(res.headers.location ?? ''), JSON.stringify(res.headers));
    const refused = await pushRaw(app, { subject_token: bad });
    expect(refused.status).toBe(400);
    seen.push(refused.text, JSON.stringify(refused.headers));
    const replay = await request(app).get(authorizeUrl('urn:ietf:params:oauth:request_uri:nope'));
    seen.push(replay.text);
    for (const token of [good, bad]) {
      for (const text of seen) expect(text).not.toContain(token);
      expect(logger.text()).not.toContain(token);
      // Not even a recognisable part of it (the signature).
      expect(logger.text()).not.toContain(token.split('.')[2] as string);
    }
    expect(logger.lines.some((l) => l.message === 'authorize')).toBe(true);
  });

  it('keeps no token in the pushed request: only the non-secret parameters and the push phase journey, sealed', async () => {
    const { app, clock, stores } = await handoffApp(jwks.base);
    const kept: unknown[] = [];
    const put = stores.pushedRequests.put.bind(stores.pushedRequests);
    stores.pushedRequests.put = async (...args) => {
      kept.push(structuredClone(args[1]));
      return put(...args);
    };
    const token = await mintToken(clock, { sub: 'user-carol' });
    const requestUri = await pushHandoff(app, { subject_token: token, ip: '127.0.0.1' });
    expect(kept).toHaveLength(1);
    const record = kept[0] as { params: Record<string, string>; journey?: string };
    expect(Object.keys(record.params).sort()).toEqual(['client_id', 'code_challenge', 'code_challenge_method', 'ip', 'response_type', 'target']);
    expect(typeof record.journey).toBe('string');
    const text = JSON.stringify(record);
    for (const part of [token, ...token.split('.'), 'user-carol']) expect(text).not.toContain(part);
    // And the sealed journey is what the browser redeems.
    const res = await request(app).get(authorizeUrl(requestUri));
    expect(res.status).toBe(303);
  });
});

describe('handoff: where the push phase journey is kept', () => {
  const keptJourneys = (stores: { pushedRequests: { put: (...args: never[]) => Promise<void> } }) => {
    const kept: string[] = [];
    const put = stores.pushedRequests.put.bind(stores.pushedRequests) as (...args: unknown[]) => Promise<void>;
    stores.pushedRequests.put = (async (...args: unknown[]) => {
      kept.push((args[1] as { journey: string }).journey);
      return put(...args);
    }) as never;
    return kept;
  };

  it('with the memory stores, stays in process: the pushed request holds a reference, nothing sealed', async () => {
    const { app, clock, stores } = await handoffApp(jwks.base);
    const kept = keptJourneys(stores);
    const requestUri = await pushHandoff(app, { subject_token: await mintToken(clock, { sub: 'user-carol' }) });
    expect(kept).toEqual([expect.stringMatching(/^[A-Za-z0-9_-]+\.in-process$/)]);
    expect((await request(app).get(authorizeUrl(requestUri))).status).toBe(303);
  });

  it('with a store another process could read, is sealed into the pushed request', async () => {
    const { app, clock, stores } = await handoffApp(jwks.base, {
      pushedRequests: (memory) => ({ put: (...args) => memory.put(...args), take: (id) => memory.take(id) }),
    });
    const kept = keptJourneys(stores);
    const requestUri = await pushHandoff(app, { subject_token: await mintToken(clock, { sub: 'user-carol' }) });
    expect(kept).toHaveLength(1);
    expect(kept[0]).not.toMatch(/in-process/);
    expect((kept[0] as string).split('.')).toHaveLength(5); // <journey id>.<kid>.<iv>.<ciphertext>.<tag>
    expect((await request(app).get(authorizeUrl(requestUri))).status).toBe(303);
  });
});

describe('handoff: every redirect target is allowlisted', () => {
  const hostile: Array<[string, string]> = [
    ['a foreign host', 'https://evil.example/'],
    ['a scheme-relative URL', '//evil.example/me'],
    ['the userinfo trick', 'https://profile.example.com@evil.example/'],
    ['an empty userinfo', 'https://@evil.example/'],
    ['a suffix domain', 'https://profile.example.com.evil.example/me'],
    ['a backslash', 'https://profile.example.com\\@evil.example/'],
    ['an encoded slash', 'https://profile.example.com/%2F%2Fevil.example'],
    ['encoded dots', 'https://profile.example.com/%2e%2e/admin'],
    ['javascript:', 'javascript:alert(document.cookie)'],
    ['data:', 'data:text/html,<script>alert(1)</script>'],
    ['an http downgrade', 'http://profile.example.com/me'],
    ['another port', 'https://profile.example.com:8443/me'],
    ['another loopback port', 'http://localhost:4001/'],
    ['a fragment', 'https://profile.example.com/me#@evil.example'],
    ['a relative path', '/me'],
  ];

  it.each(hostile)('refuses %s at PAR (400 invalid_request, no request_uri)', async (_name, target) => {
    const { app, clock } = await handoffApp(jwks.base);
    const res = await pushRaw(app, { subject_token: await mintToken(clock), target });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'invalid_request', error_description: "target is not one of this client's redirect_targets" });
    expect(res.text).not.toContain('evil.example');
  });

  it.each(hostile)('still ends without a session and without a redirect for %s that reaches the flow without PAR checks', async (_name, target) => {
    const { app, clock, stores } = await handoffApp(jwks.base);
    const requestUri = await plantPushedRequest(stores, clock, { subject_token: await mintToken(clock), target });
    const res = await request(app).get(authorizeUrl(requestUri));
    expect(res.status).toBe(403);
    expect(res.headers.location).toBeUndefined();
    expect(cookieSets(res)).toEqual([]);
    expect(res.text).not.toContain('evil.example');
  });

  it('checks the final redirect again: a flow that widens its targets still cannot send the browser off the client allowlist', async () => {
    const lenient = structuredClone(shippedFlow) as { id: string; nodes: Record<string, { config?: Record<string, unknown> }> };
    lenient.id = 'lenient-transfer';
    (lenient.nodes.toTarget as { config: Record<string, unknown> }).config = {
      from: { pushed: 'target' },
      targets: ['https://evil.example/'],
    };
    const client = { ...sessionTransferClient, client_id: 'lenient', allowed_flows: ['lenient-transfer'] };
    const { app, clock, stores, logger } = await handoffApp(jwks.base, { flows: [lenient], clients: [client, mobileClient] });
    const created: string[] = [];
    const put = stores.sessions.put.bind(stores.sessions);
    stores.sessions.put = async (session) => {
      created.push(session.id);
      await put(session);
    };
    // Past the PAR check (which refuses this target): planted as a PAR endpoint that checked nothing would keep it.
    const requestUri = await plantPushedRequest(stores, clock, { subject_token: await mintToken(clock), target: 'https://evil.example/phish' }, 'lenient');
    const res = await request(app).get(authorizeUrl(requestUri, 'lenient'));
    expect(res.status).toBe(403);
    expect(res.headers.location).toBeUndefined();
    expect(cookieSets(res)).toEqual([]);
    expect(logger.lines.some((l) => l.message === 'journey redirect refused')).toBe(true);
    // The session the flow created is dropped, not left behind.
    expect(created).toHaveLength(1);
    expect(await stores.sessions.get(created[0] as string)).toBeUndefined();
  });
});
