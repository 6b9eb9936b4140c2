import { afterEach, describe, expect, it, jest } from '@jest/globals';
import request from 'supertest';
import { createEngine, createMemoryStores } from '@waymark/core';
import { defineNode } from '@waymark/sdk';
import { CHALLENGE, SECRET, basic, form, mobilePar, testApp, type TestApp } from '../../support/app.js';

const FORM = 'application/x-www-form-urlencoded';
const requestUriPattern = /^urn:ietf:params:oauth:request_uri:([A-Za-z0-9_-]+)$/;

function idOf(requestUri: string): string {
  return requestUriPattern.exec(requestUri)![1]!;
}

describe('POST /par — success', () => {
  it('answers 201 with a request_uri of at least 128 random bits, expires_in and Cache-Control: no-store', async () => {
    const { app } = testApp();
    const res = await request(app).post('/par').type('form').send(form(mobilePar()));
    expect(res.status).toBe(201);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body.expires_in).toBe(60);
    const id = idOf(res.body.request_uri);
    expect(Buffer.from(id, 'base64url').length * 8).toBeGreaterThanOrEqual(128);
    const again = await request(app).post('/par').type('form').send(form(mobilePar()));
    expect(again.body.request_uri).not.toBe(res.body.request_uri);
  });

  it('stores the pushed request with params, clientId, the observed IP and the client TTL, without credentials', async () => {
    const { app, stores, clock } = testApp();
    const res = await request(app)
      .post('/par')
      .type('form')
      .send(form({ client_id: 'session-transfer', response_type: 'code', code_challenge: CHALLENGE, code_challenge_method: 'S256', target: 'https://profile.example.com/me', ip: '198.51.100.7' }));
    expect(res.status).toBe(201);
    expect(res.body.expires_in).toBe(30);
    const stored = await stores.pushedRequests.take(idOf(res.body.request_uri));
    expect(stored).toEqual({
      clientId: 'session-transfer',
      params: { client_id: 'session-transfer', response_type: 'code', code_challenge: CHALLENGE, code_challenge_method: 'S256', target: 'https://profile.example.com/me', ip: '198.51.100.7' },
      ip: '127.0.0.1',
      createdAt: clock.ms,
      expiresAt: clock.ms + 30_000,
    });
  });

  it('refuses a pushed token when the router has no engine to judge it: no pushed request ever keeps one', async () => {
    const { app, stores } = testApp();
    const puts: unknown[] = [];
    const put = stores.pushedRequests.put.bind(stores.pushedRequests);
    stores.pushedRequests.put = async (...args) => {
      puts.push(args[1]);
      return put(...args);
    };
    const res = await request(app)
      .post('/par')
      .type('form')
      .send(form({ client_id: 'session-transfer', response_type: 'code', code_challenge: CHALLENGE, code_challenge_method: 'S256', subject_token: 'tok' }));
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ error: 'server_error', error_description: 'the server is not configured to run journeys' });
    expect(puts).toEqual([]);
  });

  it('expires the pushed request after par_reference_timeout seconds', async () => {
    const { app, stores, clock } = testApp();
    const res = await request(app).post('/par').type('form').send(form(mobilePar()));
    clock.advance(61);
    expect(await stores.pushedRequests.take(idOf(res.body.request_uri))).toBeUndefined();
  });

  it('fills in the redirect_uri of a client with exactly one registered', async () => {
    const { app, stores } = testApp();
    const res = await request(app).post('/par').type('form').send(form(mobilePar()));
    const stored = await stores.pushedRequests.take(idOf(res.body.request_uri));
    expect(stored?.params['redirect_uri']).toBe('com.example.app:/callback');
  });

  it('does not store client_secret', async () => {
    const { app, stores } = testApp();
    const res = await request(app)
      .post('/par')
      .type('form')
      .send(form({ client_id: 'post-app', client_secret: SECRET, response_type: 'code' }));
    expect(res.status).toBe(201);
    const stored = await stores.pushedRequests.take(idOf(res.body.request_uri));
    expect(stored?.params).toEqual({ client_id: 'post-app', response_type: 'code', redirect_uri: 'https://post.example.com/callback' });
  });
});

describe('POST /par — request format', () => {
  it('refuses JSON bodies with 400 invalid_request', async () => {
    const { app } = testApp();
    const res = await request(app).post('/par').set('Content-Type', 'application/json').send(JSON.stringify(mobilePar()));
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_request');
  });

  it('refuses malformed JSON without a 500 or a stack', async () => {
    const { app } = testApp();
    const res = await request(app).post('/par').set('Content-Type', 'application/json').send('{"client_id":');
    expect(res.status).toBe(400);
    expect(res.text).not.toMatch(/at .*\.ts:\d+/);
  });

  it('refuses a form in an unsupported charset with 400, not 500', async () => {
    const { app } = testApp();
    const res = await request(app).post('/par').set('Content-Type', `${FORM}; charset=x-no-such-charset`).send(form(mobilePar()));
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_request');
  });

  it('refuses a body with a broken Content-Encoding with 400, not 500', async () => {
    const { app } = testApp();
    const res = await request(app).post('/par').set('Content-Type', FORM).set('Content-Encoding', 'gzip').send('not gzip at all');
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_request');
  });

  it('survives malformed percent-encoding without a 500', async () => {
    const { app } = testApp();
    const res = await request(app).post('/par').set('Content-Type', FORM).send('client_id=mobile-app&response_type=%E0%A4%A&code_challenge=%zz');
    // The broken escapes are read leniently, so response_type is not "code": a 400 OAuth error.
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: 'unsupported_response_type' });
  });

  it('answers 413 with an OAuth error body past the body limit', async () => {
    const { app } = testApp({ bodyLimit: 1024 });
    const res = await request(app).post('/par').type('form').send(form(mobilePar({ state: 'x'.repeat(2000) })));
    expect(res.status).toBe(413);
    expect(res.body).toEqual({ error: 'invalid_request', error_description: 'the request body is too large: at most 1024 bytes' });
  });

  it('answers 405 with Allow: POST to other methods (RFC 9126 §2.3)', async () => {
    const { app } = testApp();
    const res = await request(app).get('/par');
    expect(res.status).toBe(405);
    expect(res.headers['allow']).toBe('POST');
    expect(res.body.error).toBe('invalid_request');
  });

  it('refuses a duplicated parameter, naming it', async () => {
    const { app } = testApp();
    const res = await request(app).post('/par').type('form').send(`${form(mobilePar())}&scope=a&scope=b`);
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_request');
    expect(res.body.error_description).toContain('"scope"');
  });

  it('refuses request_uri in the body (RFC 9126 §2.1)', async () => {
    const { app } = testApp();
    const res = await request(app).post('/par').type('form').send(form(mobilePar({ request_uri: 'urn:ietf:params:oauth:request_uri:abc' })));
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_request');
    expect(res.body.error_description).toBe('request_uri must not be pushed (RFC 9126 §2.1)');
  });

  it('refuses a parameter that is neither standard nor allowed for the client, naming it', async () => {
    const { app } = testApp();
    const res = await request(app).post('/par').type('form').send(form(mobilePar({ subject_token: 'tok' })));
    expect(res.status).toBe(400);
    expect(res.body.error_description).toContain('"subject_token"');
    expect(res.body.error_description).not.toContain('tok"');
  });

  it('treats an empty parameter as omitted (RFC 6749 §3.1)', async () => {
    const { app } = testApp();
    const res = await request(app).post('/par').type('form').send(form(mobilePar({ state: '' })));
    expect(res.status).toBe(201);
  });
});

describe('POST /par — authorization parameters', () => {
  it('requires response_type', async () => {
    const { app } = testApp();
    const res = await request(app).post('/par').type('form').send(form(mobilePar({ response_type: undefined })));
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_request');
  });

  it('answers unsupported_response_type to anything but code', async () => {
    const { app } = testApp();
    const res = await request(app).post('/par').type('form').send(form(mobilePar({ response_type: 'token' })));
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('unsupported_response_type');
  });

  it('refuses an unregistered redirect_uri', async () => {
    const { app } = testApp();
    const res = await request(app).post('/par').type('form').send(form(mobilePar({ redirect_uri: 'https://evil.example/cb' })));
    expect(res.status).toBe(400);
    expect(res.body.error_description).toContain('redirect_uri');
  });

  it('accepts a redirect_uri matching a registered pattern and refuses one that only looks like it', async () => {
    const { app } = testApp();
    const send = (redirect_uri: string) =>
      request(app).post('/par').set('Authorization', basic('web-app', SECRET)).type('form').send(form({ response_type: 'code', redirect_uri, code_challenge: CHALLENGE, code_challenge_method: 'S256' }));
    expect((await send('https://pr-12.preview.example.com/callback')).status).toBe(201);
    expect((await send('https://evil.com/.preview.example.com/callback')).status).toBe(400);
    expect((await send('https://a.b.preview.example.com/callback')).status).toBe(400);
  });

  it('requires redirect_uri from a client with several registered', async () => {
    const { app } = testApp();
    const res = await request(app).post('/par').set('Authorization', basic('web-app', SECRET)).type('form').send(form({ response_type: 'code', code_challenge: CHALLENGE }));
    expect(res.status).toBe(400);
    expect(res.body.error_description).toBe('redirect_uri is required for this client');
  });

  it('refuses plain PKCE where S256 is required', async () => {
    const { app } = testApp();
    const res = await request(app).post('/par').type('form').send(form(mobilePar({ code_challenge: 'a'.repeat(43), code_challenge_method: 'plain' })));
    expect(res.status).toBe(400);
    expect(res.body.error_description).toContain('S256');
  });

  it('treats a challenge without a method as plain, refused where S256 is required (RFC 7636 §4.3)', async () => {
    const { app } = testApp();
    const res = await request(app).post('/par').type('form').send(form(mobilePar({ code_challenge_method: undefined })));
    expect(res.status).toBe(400);
  });

  it('refuses a missing code_challenge where PKCE is required', async () => {
    const { app } = testApp();
    const res = await request(app).post('/par').type('form').send(form(mobilePar({ code_challenge: undefined, code_challenge_method: undefined })));
    expect(res.status).toBe(400);
    expect(res.body.error_description).toContain('code_challenge is required');
  });

  it('refuses a malformed S256 code_challenge', async () => {
    const { app } = testApp();
    const res = await request(app).post('/par').type('form').send(form(mobilePar({ code_challenge: 'short' })));
    expect(res.status).toBe(400);
    expect(res.body.error_description).toContain('malformed');
  });

  it('accepts plain PKCE from a client with REQUIRED, and no PKCE from a client with OPTIONAL', async () => {
    const { app } = testApp();
    const plain = await request(app)
      .post('/par')
      .set('Authorization', basic('web-app', SECRET))
      .type('form')
      .send(form({ response_type: 'code', redirect_uri: 'https://app.example.com/callback', code_challenge: 'a'.repeat(43), code_challenge_method: 'plain' }));
    expect(plain.status).toBe(201);
    const none = await request(app).post('/par').type('form').send(form({ client_id: 'post-app', client_secret: SECRET, response_type: 'code' }));
    expect(none.status).toBe(201);
  });

  it('refuses a malformed scope with invalid_scope', async () => {
    const { app } = testApp();
    const res = await request(app).post('/par').type('form').send(form(mobilePar({ scope: 'openid  "profile"' })));
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_scope');
  });
});

describe('POST /par — rate limit', () => {
  // Two callers on two addresses: the loopback client is a trusted proxy, X-Forwarded-For names the source.
  const proxied = { trustedProxies: ['127.0.0.1'] };
  const from = (app: TestApp['app'], ip: string) => request(app).post('/par').set('X-Forwarded-For', ip).type('form');
  const web = { response_type: 'code', redirect_uri: 'https://app.example.com/callback', code_challenge: CHALLENGE, code_challenge_method: 'S256' };

  afterEach(() => {
    jest.useRealTimers();
  });

  it('answers 429 with the exact Retry-After past the budget of a public client on one address, and not for another client; the window ends', async () => {
    // Rate windows follow the system time (the limiter's own clock): move it, never sleep.
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'clearImmediate', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'queueMicrotask', 'hrtime', 'performance'] });
    const { app } = testApp({ parRateLimit: { max: 2, windowSeconds: 60 } });
    for (let i = 0; i < 2; i++) expect((await request(app).post('/par').type('form').send(form(mobilePar()))).status).toBe(201);
    jest.setSystemTime(Date.now() + 20_000);
    const limited = await request(app).post('/par').type('form').send(form(mobilePar()));
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toBe('40');
    expect(limited.body.error).toBe('temporarily_unavailable');
    const other = await request(app).post('/par').type('form').send(form({ client_id: 'post-app', client_secret: SECRET, response_type: 'code' }));
    expect(other.status).toBe(201);
    jest.setSystemTime(Date.now() + 41_000);
    expect((await request(app).post('/par').type('form').send(form(mobilePar()))).status).toBe(201);
  });

  it('does not spend a client budget on requests that fail authentication', async () => {
    const { app } = testApp({ parRateLimit: { max: 1, windowSeconds: 60 } });
    for (let i = 0; i < 3; i++) await request(app).post('/par').set('Authorization', basic('web-app', 'wrong')).type('form').send(form({ response_type: 'code' }));
    const res = await request(app).post('/par').set('Authorization', basic('web-app', SECRET)).type('form').send(form(web));
    expect(res.status).toBe(201);
  });

  it('does not spend budget on invalid requests: 40 junk PARs naming a public client, then its real PAR from the same address succeeds', async () => {
    const { app } = testApp({ ...proxied, parRateLimit: { max: 2, windowSeconds: 60 } });
    const junk = [mobilePar({ response_type: undefined }), mobilePar({ code_challenge: undefined }), mobilePar({ redirect_uri: 'https://evil.example/' }), mobilePar({ scope: 'a  b' })];
    for (let i = 0; i < 40; i++) expect((await from(app, '203.0.113.66').send(form(junk[i % junk.length]!))).status).toBe(400);
    expect((await from(app, '203.0.113.66').send(form(mobilePar()))).status).toBe(201);
    expect((await from(app, '203.0.113.66').send(form(mobilePar()))).status).toBe(201);
    expect((await from(app, '203.0.113.66').send(form(mobilePar()))).status).toBe(429);
  });

  it('counts a public client per source address: 30 PARs from one address do not stop the real app on another', async () => {
    const { app } = testApp({ ...proxied, parRateLimit: { max: 20, windowSeconds: 60 } });
    const attacker = [];
    for (let i = 0; i < 30; i++) attacker.push((await from(app, '203.0.113.66').send(form(mobilePar()))).status);
    expect(attacker.filter((s) => s === 201)).toHaveLength(20);
    expect(attacker.slice(20).every((s) => s === 429)).toBe(true);
    const real = await from(app, '198.51.100.7').send(form(mobilePar()));
    expect(real.status).toBe(201);
  });

  it('counts IPv6 sources per /64: rotating the interface id does not buy budget', async () => {
    const { app } = testApp({ ...proxied, parRateLimit: { max: 2, windowSeconds: 60 } });
    expect((await from(app, '2001:db8:1:2::1').send(form(mobilePar()))).status).toBe(201);
    expect((await from(app, '2001:db8:1:2:aaaa::9').send(form(mobilePar()))).status).toBe(201);
    expect((await from(app, '2001:db8:1:2:ffff:1:2:3').send(form(mobilePar()))).status).toBe(429);
    expect((await from(app, '2001:db8:1:3::1').send(form(mobilePar()))).status).toBe(201);
  });

  it('keeps a client-wide ceiling over every address, so a flood from many addresses still stops', async () => {
    const { app } = testApp({ ...proxied, parRateLimit: { max: 2, clientMax: 5, windowSeconds: 60 } });
    const statuses = [];
    for (let i = 0; i < 8; i++) statuses.push((await from(app, `203.0.113.${i}`).send(form(mobilePar()))).status);
    expect(statuses).toEqual([201, 201, 201, 201, 201, 429, 429, 429]);
    const limited = await from(app, '198.51.100.7').send(form(mobilePar()));
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('counts an authenticated confidential client per client, whatever its address', async () => {
    const { app } = testApp({ ...proxied, parRateLimit: { max: 1, clientMax: 3, windowSeconds: 60 } });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await from(app, '10.1.1.1').set('Authorization', basic('web-app', SECRET)).send(form(web))).status);
    expect(statuses).toEqual([201, 201, 201, 429]);
    expect((await from(app, '10.2.2.2').set('Authorization', basic('web-app', SECRET)).send(form(web))).status).toBe(429);
  });

  it('false turns the limit off', async () => {
    const { app } = testApp({ parRateLimit: false });
    for (let i = 0; i < 70; i++) expect((await request(app).post('/par').type('form').send(form(mobilePar()))).status).toBe(201);
  });
});

describe('POST /par — client IP', () => {
  it('ignores X-Forwarded-For from an untrusted peer', async () => {
    const { app, stores } = testApp();
    const res = await request(app).post('/par').set('X-Forwarded-For', '203.0.113.9').type('form').send(form(mobilePar()));
    expect((await stores.pushedRequests.take(idOf(res.body.request_uri)))?.ip).toBe('127.0.0.1');
  });

  it('honours X-Forwarded-For when the peer is a trusted proxy', async () => {
    const { app, stores } = testApp({ trustedProxies: ['127.0.0.0/8'] });
    const res = await request(app).post('/par').set('X-Forwarded-For', '198.51.100.1, 203.0.113.9').type('form').send(form(mobilePar()));
    expect((await stores.pushedRequests.take(idOf(res.body.request_uri)))?.ip).toBe('203.0.113.9');
  });

  it('keeps a pushed ip parameter as a parameter, separate from the observed IP', async () => {
    const { app, stores } = testApp();
    const res = await request(app)
      .post('/par')
      .type('form')
      .send(form({ client_id: 'session-transfer', response_type: 'code', code_challenge: CHALLENGE, code_challenge_method: 'S256', ip: '192.0.2.44' }));
    const stored = await stores.pushedRequests.take(idOf(res.body.request_uri));
    expect(stored?.params['ip']).toBe('192.0.2.44');
    expect(stored?.ip).toBe('127.0.0.1');
  });
});

describe('POST /par — tokens never leak', () => {
  it('never echoes or logs a pushed subject_token or access_token, on success or failure', async () => {
    // An engine whose session-transfer flow takes any token in its push phase: the success case.
    const accept = defineNode({ type: 'test.accept', version: 1, description: 'Accepts anything.', outcomes: ['ok'], pushPhase: true, run: () => 'ok' });
    const stores = createMemoryStores();
    const engine = await createEngine({ nodes: [accept], stores });
    engine.load({ id: 'session-transfer', version: 1, description: 'Accepts.', start: 'a', nodes: { a: { type: 'test.accept', outcomes: { ok: 'success' } } } });
    const { app, logger } = testApp({ engine, stores });
    const token = 'eyJhbGciOiJSUzI1NiJ9.SECRET-TOKEN-VALUE.sig';
    const base = { client_id: 'session-transfer', response_type: 'code', code_challenge: CHALLENGE, code_challenge_method: 'S256' };
    const responses = [
      await request(app).post('/par').type('form').send(form({ ...base, subject_token: token })),
      await request(app).post('/par').type('form').send(form({ ...base, access_token: token })),
      await request(app).post('/par').type('form').send(form({ ...base, subject_token: token, redirect_uri: 'https://evil.example/' })),
      await request(app).post('/par').type('form').send(`${form({ ...base, subject_token: token })}&subject_token=${token}`),
      await request(app).post('/par').type('form').send(form({ ...base, code_challenge_method: 'plain', subject_token: token })),
    ];
    expect(responses.map((r) => r.status)).toEqual([201, 400, 400, 400, 400]);
    for (const res of responses) expect(res.text).not.toContain('SECRET-TOKEN-VALUE');
    expect(logger.lines.length).toBeGreaterThanOrEqual(responses.length);
    expect(logger.text()).not.toContain('SECRET-TOKEN-VALUE');
  });
});
