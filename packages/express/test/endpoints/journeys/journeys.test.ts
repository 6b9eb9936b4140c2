import { describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { cookieSets } from '../../../../../test/support/handoff-app.js';
import { askLoginFlow, journeyApp, WEB_AUTH } from '../../support/journeys.js';

type Callback = { type: string; output: unknown[]; input: Array<{ name: string; value: unknown }> };

function fill(callbacks: Callback[], values: unknown[]): Callback[] {
  return callbacks.map((cb, i) => ({ ...cb, input: cb.input.map((f) => ({ ...f, value: values[i] })) }));
}

describe('POST /journeys/:flow', () => {
  it('starts a flow for a public client and answers the AIC step { journeyId, callbacks, header, stage }', async () => {
    const { app } = await journeyApp();
    const res = await request(app).post('/journeys/ask-login').send({ client_id: 'spa-app' });
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toMatchObject({ journeyId: expect.any(String), header: 'Sign in', stage: 'credentials' });
    expect(res.body.callbacks.map((c: Callback) => c.type)).toEqual(['NameCallback', 'PasswordCallback']);
  });

  it('authenticates a confidential client (Basic) and refuses it without its secret', async () => {
    const { app } = await journeyApp();
    expect((await request(app).post('/journeys/ask-login').set('Authorization', WEB_AUTH).send({})).status).toBe(200);
    const anonymous = await request(app).post('/journeys/ask-login').send({ client_id: 'web-app' });
    expect(anonymous.status).toBe(401);
    expect(anonymous.body).toMatchObject({ error: 'invalid_client', code: 'ERR_INVALID_CLIENT' });
  });

  it('refuses a flow the client may not run (403) and an unknown flow it may run (404)', async () => {
    const { app, engine } = await journeyApp();
    const forbidden = await request(app).post('/journeys/transactional-stepup').send({ client_id: 'spa-app' });
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.code).toBe('ERR_FLOW_NOT_ALLOWED');
    engine.start = async () => {
      const { WaymarkError } = await import('@waymark/sdk');
      throw new WaymarkError('ERR_FLOW_NOT_FOUND', 'no flow');
    };
    expect((await request(app).post('/journeys/confirm').send({ client_id: 'spa-app' })).status).toBe(404);
  });

  it('refuses a scope the client may not request with invalid_scope, as PAR and authorize do', async () => {
    const { app } = await journeyApp();
    const res = await request(app).post('/journeys/ask-login').send({ client_id: 'spa-app', params: { scope: 'admin' } });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: 'invalid_scope', code: 'ERR_INVALID_SCOPE' });
  });

  it('does not let a caller pass initial state, meta or a pushed request', async () => {
    const { app } = await journeyApp();
    for (const key of ['state', 'meta', 'par']) {
      const res = await request(app)
        .post('/journeys/ask-login')
        .send({ client_id: 'spa-app', [key]: { sub: 'user-admin' } });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('ERR_INVALID_REQUEST');
    }
  });

  it('answers malformed JSON with 400 and an oversized body with 413, coded, never a stack', async () => {
    const { app } = await journeyApp();
    const bad = await request(app).post('/journeys/ask-login').set('Content-Type', 'application/json').send('{"client_id":');
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({ error: 'invalid_request', error_description: expect.any(String), code: 'ERR_INVALID_REQUEST' });
    const big = await request(app)
      .post('/journeys/ask-login')
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ client_id: 'spa-app', params: { login_hint: 'x'.repeat(20_000) } }));
    expect(big.status).toBe(413);
    expect(big.body.code).toBe('ERR_BODY_TOO_LARGE');
    expect(JSON.stringify([bad.body, big.body])).not.toMatch(/at .*\.ts:\d+/);
  });

  it('refuses a body that is not JSON', async () => {
    const { app } = await journeyApp();
    const res = await request(app).post('/journeys/ask-login').type('form').send('client_id=spa-app');
    expect(res.status).toBe(400);
  });
});

describe('POST /journeys/:id/continue', () => {
  it('takes the callbacks as received with inputs filled; success sets the session cookie and answers { status, sessionId, redirect }', async () => {
    const { app, stores } = await journeyApp();
    const step = await request(app).post('/journeys/ask-login').send({ client_id: 'spa-app' });
    const res = await request(app)
      .post(`/journeys/${step.body.journeyId}/continue`)
      .send({ callbacks: fill(step.body.callbacks, ['alice', 'pw']) });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      status: 'success',
      sessionId: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      redirect: 'https://app.example.com/home',
    });
    expect(cookieSets(res)[0]).toMatch(/^__Host-waymark-session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; Secure; SameSite=Lax$/);
    expect(await stores.sessions.get(res.body.sessionId)).toMatchObject({ sub: 'user-alice' });
  });

  it('sends a cookie with a lifetime (remember me) with Max-Age and the Expires it comes to', async () => {
    const { app, engine } = await journeyApp();
    // Version 2 of the flow (journeys start the latest) remembers the user after the session.
    engine.load({
      ...askLoginFlow,
      version: 2,
      nodes: {
        ...askLoginFlow.nodes,
        createSession: { type: 'session.create', outcomes: { created: 'remember', conflict: 'failure' } },
        remember: {
          type: 'cookie.persistent.set',
          config: { keys: [{ kid: 'k1', secret: 'k'.repeat(43) }], maxLifeSeconds: 86400 },
          outcomes: { done: 'toHome' },
        },
      },
    });
    const step = await request(app).post('/journeys/ask-login').send({ client_id: 'spa-app' });
    const before = Date.now();
    const res = await request(app)
      .post(`/journeys/${step.body.journeyId}/continue`)
      .send({ callbacks: fill(step.body.callbacks, ['alice', 'pw']) });
    expect(res.status).toBe(200);
    const remember = cookieSets(res).find((c) => c.startsWith('__Host-waymark-remember='));
    expect(remember).toMatch(
      /; Max-Age=86400; Expires=[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT; HttpOnly; Secure; SameSite=Lax$/,
    );
    const expires = Date.parse(/Expires=([^;]+)/.exec(remember as string)?.[1] ?? '');
    expect(expires).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 + 86400_000);
    expect(expires).toBeLessThanOrEqual(Date.now() + 86400_000);
  });

  it('answers failure with 401 { status, code, reason } and no cookie', async () => {
    const { app } = await journeyApp();
    const step = await request(app).post('/journeys/ask-login').send({ client_id: 'spa-app' });
    const res = await request(app)
      .post(`/journeys/${step.body.journeyId}/continue`)
      .send({ callbacks: fill(step.body.callbacks, ['alice', 'nope']) });
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ status: 'failure', code: 'ERR_JOURNEY_FAILED', reason: expect.any(String) });
    expect(cookieSets(res)).toEqual([]);
  });

  it('answers 400 for a submission that does not match the step, 404 for an unknown journey', async () => {
    const { app } = await journeyApp();
    const step = await request(app).post('/journeys/ask-login').send({ client_id: 'spa-app' });
    const wrong = await request(app).post(`/journeys/${step.body.journeyId}/continue`).send({ callbacks: [] });
    expect(wrong.status).toBe(400);
    expect(wrong.body.code).toBe('ERR_SUBMISSION_INVALID');
    const unknown = await request(app).post('/journeys/AAAAAAAAAAAAAAAAAAAAAA/continue').send({ callbacks: [] });
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('ERR_JOURNEY_NOT_FOUND');
  });

  it('answers 409 to the second of two submissions racing for one step', async () => {
    const { app, stores } = await journeyApp();
    const step = await request(app).post('/journeys/confirm').send({ client_id: 'spa-app' });
    // Hold the first claim (compare-and-set put) until both submissions have read the journey.
    const get = stores.journeys.get.bind(stores.journeys);
    const put = stores.journeys.put.bind(stores.journeys);
    let reads = 0;
    let release: () => void = () => undefined;
    const bothRead = new Promise<void>((r) => (release = r));
    stores.journeys.get = async (id) => {
      if (++reads === 4) release();
      return get(id);
    };
    let puts = 0;
    stores.journeys.put = async (id, value, revision, ttl) => {
      if (++puts === 1) await bothRead;
      return put(id, value, revision, ttl);
    };
    const body = { callbacks: fill(step.body.callbacks, [null, 0]) };
    const [a, b] = await Promise.all([
      request(app).post(`/journeys/${step.body.journeyId}/continue`).send(body),
      request(app).post(`/journeys/${step.body.journeyId}/continue`).send(body),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
  });
});

describe('CORS on the journey API', () => {
  it('answers a preflight from an origin a client lists for the flow, and refuses others', async () => {
    const { app } = await journeyApp();
    const ok = await request(app)
      .options('/journeys/confirm')
      .set('Origin', 'https://spa.example.com')
      .set('Access-Control-Request-Method', 'POST');
    expect(ok.status).toBe(204);
    expect(ok.headers['access-control-allow-origin']).toBe('https://spa.example.com');
    expect(ok.headers['access-control-allow-methods']).toBe('POST');
    expect(ok.headers.vary).toMatch(/Origin/);
    const other = await request(app)
      .options('/journeys/confirm')
      .set('Origin', 'https://evil.example')
      .set('Access-Control-Request-Method', 'POST');
    expect(other.status).toBe(403);
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('grants the client’s own origin on the actual request and refuses an origin only another client lists', async () => {
    const { app } = await journeyApp();
    const own = await request(app).post('/journeys/confirm').set('Origin', 'https://spa.example.com').send({ client_id: 'spa-app' });
    expect(own.status).toBe(200);
    expect(own.headers['access-control-allow-origin']).toBe('https://spa.example.com');
    const borrowed = await request(app).post('/journeys/confirm').set('Origin', 'https://app.example.com').send({ client_id: 'spa-app' });
    expect(borrowed.status).toBe(403);
    expect(borrowed.body.code).toBe('ERR_ORIGIN_NOT_ALLOWED');
    expect(borrowed.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('counts journey API requests on /metrics', async () => {
    const { app } = await journeyApp();
    await request(app).post('/journeys/confirm').send({ client_id: 'spa-app' });
    expect((await request(app).get('/metrics')).text).toContain(
      'waymark_journey_requests_total{endpoint="journey_start",result="suspended"} 1',
    );
  });
});
