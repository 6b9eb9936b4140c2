import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import express, { type Express } from 'express';
import request from 'supertest';
import { createEngine, createMemoryStores, MemoryAuditStore, MemoryJourneyLogStore, type Engine } from '@waymark/core';
import { builtinNodes, FileUserStore, generateTotp } from '@waymark/nodes';
import type { AuditEvent, Stores } from '@waymark/sdk';
import { createWaymarkRouter } from '@waymark/express';
import { captureLogger } from '../support/capture-logger.js';
import { CHALLENGE } from '../support/pkce.js';
import { TestClock } from '../support/test-clock.js';
import {
  authorizeUrl,
  demoFetch,
  HANDOFF_ISSUER,
  mintToken,
  mobileClient,
  pushHandoff,
  pushRaw,
  serveJwks,
  sessionIdFrom,
  sessionTransferClient,
  shippedFlow,
  signingKeys,
} from '../support/handoff-app.js';
import { SHIPPED_VARIABLES } from '../support/shipped-variables.js';

/*
 * The audit trail and the request ids, end to end, through the real adapter: the shipped
 * handoff (PAR + authorize with real ES256 tokens), a password login over the JSON journey API
 * and the browser form, transactional authorization with a TOTP step-up, and client
 * authentication failures. Every secret the test uses is remembered; at the end no audit event,
 * log line or journey log record may contain any of them.
 */

const flow = (name: string) =>
  JSON.parse(readFileSync(new URL(`../../flows/${name}.json`, import.meta.url), 'utf8')) as Record<string, unknown>;
const PASSWORD = 'correct horse battery staple';
const WEB_SECRET = 'web-app-secret-that-is-long-enough-0123456789';
const PEP_SECRET = 'payments-pep-secret-long-enough-0123456789';
const TOTP_SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
const PAYMENT = 'https://api.bankingexample.com:443/makepayment';
const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

const webApp = {
  client_id: 'web-app',
  type: 'web',
  token_endpoint_auth_method: 'client_secret_basic',
  client_secret: WEB_SECRET,
  redirect_uris: ['https://app.example.com/callback'],
  allowed_flows: ['password-login'],
};
const browserApp = {
  client_id: 'browser-app',
  type: 'native',
  token_endpoint_auth_method: 'none',
  redirect_uris: ['https://browser.example.com/callback'],
  allowed_flows: ['password-login'],
};
const pep = {
  client_id: 'payments-pep',
  type: 'service',
  token_endpoint_auth_method: 'client_secret_basic',
  client_secret: PEP_SECRET,
  allowed_flows: ['transactional-stepup'],
};
const policies = {
  policySets: [
    {
      name: 'payments',
      policies: [
        {
          name: 'makePayment',
          resources: [PAYMENT],
          actions: ['POST'],
          subject: { type: 'AuthenticatedUsers' },
          condition: { type: 'Transaction', flow: 'transactional-stepup' },
        },
      ],
    },
  ],
};

interface AuditApp {
  app: Express;
  clock: TestClock;
  stores: Stores;
  engine: Engine;
  audit: MemoryAuditStore;
  journeyLog: MemoryJourneyLogStore;
  sinkEvents: AuditEvent[];
  logger: ReturnType<typeof captureLogger>;
}

async function auditApp(jwksBase: string, trustedProxies: string[] = []): Promise<AuditApp> {
  const clock = new TestClock();
  const stores = createMemoryStores(clock);
  const logger = captureLogger();
  const engine = await createEngine({
    nodes: builtinNodes,
    stores,
    clock,
    logger,
    fetch: demoFetch(jwksBase),
    variables: SHIPPED_VARIABLES,
    services: { users: new FileUserStore(new URL('../../flows/fixtures/users.json', import.meta.url).pathname) },
  });
  for (const f of [shippedFlow, flow('password-login'), flow('transactional-stepup')]) engine.load(f);
  const audit = new MemoryAuditStore({ clock });
  const journeyLog = new MemoryJourneyLogStore(clock);
  const sinkEvents: AuditEvent[] = [];
  const router = createWaymarkRouter({
    issuer: HANDOFF_ISSUER,
    clients: [sessionTransferClient, mobileClient, webApp, browserApp, pep],
    stores,
    clock,
    logger,
    engine,
    parRateLimit: false,
    trustedProxies,
    policies: { config: policies },
    audit: { store: audit, log: true, sinks: [(e) => sinkEvents.push(e)] },
    journeyLog,
  });
  const app = express();
  app.use('/', router);
  return { app, clock, stores, engine, audit, journeyLog, sinkEvents, logger };
}

/** Every page of the audit store. */
async function allEvents(store: MemoryAuditStore, query: Parameters<MemoryAuditStore['query']>[0] = {}): Promise<AuditEvent[]> {
  const out: AuditEvent[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.query({ ...query, limit: 1000, ...(cursor ? { cursor } : {}) });
    out.push(...page.events);
    cursor = page.next;
  } while (cursor);
  return out;
}

/** Lets the store sink's appends (never awaited by a request) settle. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

/** Answers a JSON step: the NameCallback with `name`, the PasswordCallback with `password`. */
function fill(callbacks: { type: string; input: { name: string; value: unknown }[] }[], name: string, password: string) {
  return callbacks.map((cb) => ({
    ...cb,
    input: cb.input.map((f) => ({ ...f, value: cb.type === 'PasswordCallback' ? password : cb.type === 'NameCallback' ? name : f.value })),
  }));
}

describe('audit trail and request ids, end to end', () => {
  let jwks: Awaited<ReturnType<typeof serveJwks>>;
  beforeAll(async () => {
    jwks = await serveJwks((await signingKeys()).jwk);
  });
  afterAll(() => jwks.close());

  it('records every decision, and no audit event, log line or journey record holds a token, password, code, cookie value or secret', async () => {
    const t = await auditApp(jwks.base);
    const secrets = new Map<string, string>([
      ['web client secret', WEB_SECRET],
      ['pep client secret', PEP_SECRET],
      ['password', PASSWORD],
      ['TOTP secret', TOTP_SECRET],
    ]);

    // 1. The handoff: a token pushed at PAR, redeemed at authorize; a session cookie comes back.
    const token = await mintToken(t.clock);
    secrets.set('access token', token);
    const requestUri = await pushHandoff(t.app, { subject_token: token });
    secrets.set('request_uri', requestUri.split(':').at(-1)!);
    const handoff = await request(t.app).get(authorizeUrl(requestUri)).redirects(0);
    expect(handoff.status).toBe(303);
    const handoffSession = sessionIdFrom(handoff)!;
    secrets.set('handoff session cookie', handoffSession);

    // 2. A refused handoff: a token for another audience.
    const foreign = await mintToken(t.clock, { aud: 'https://elsewhere.example' });
    secrets.set('refused token', foreign);
    expect((await pushRaw(t.app, { subject_token: foreign })).status).toBe(400);

    // 3. Failed client authentications: a wrong secret (JSON journey API), an unknown client at PAR.
    const wrongSecret = 'not-the-secret-but-long-enough-to-look-real';
    secrets.set('wrong client secret', wrongSecret);
    expect(
      (
        await request(t.app)
          .post('/journeys/password-login')
          .set('Authorization', basic('web-app', wrongSecret))
          .send({ client_id: 'web-app' })
      ).status,
    ).toBe(401);

    // 4. Password logins over the JSON API: a wrong password, then the right one.
    const login = async (password: string) => {
      const first = await request(t.app).post('/journeys/password-login').set('Authorization', basic('web-app', WEB_SECRET)).send({});
      expect(first.status).toBe(200);
      return request(t.app)
        .post(`/journeys/${first.body.journeyId}/continue`)
        .send({ callbacks: fill(first.body.callbacks, 'alice', password) });
    };
    const wrongPassword = 'Tr0ub4dor&3-wrong-password';
    secrets.set('wrong password', wrongPassword);
    expect((await login(wrongPassword)).status).toBe(401);
    const signedIn = await login(PASSWORD);
    expect(signedIn.status).toBe(200);
    // The handoff's session is the one the transactions below belong to.
    const session = handoffSession;

    // 5. The browser form: its CSRF cookie and token, and a wrong password posted through it.
    const page = await request(t.app)
      .get(
        `/authorize?${new URLSearchParams({ client_id: 'browser-app', response_type: 'code', redirect_uri: 'https://browser.example.com/callback', code_challenge: CHALLENGE, code_challenge_method: 'S256' })}`,
      )
      .redirects(0);
    expect(page.status).toBe(200);
    const csrfCookie = /__Host-waymark-csrf=([^;]+)/.exec(String(page.headers['set-cookie']))![1]!;
    const field = (name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(page.text)![1]!;
    secrets.set('csrf cookie', csrfCookie);
    secrets.set('csrf token', field('csrf'));
    const posted = await request(t.app)
      .post('/authorize/continue')
      .set('Cookie', `__Host-waymark-csrf=${csrfCookie}`)
      .type('form')
      .send(
        new URLSearchParams({ journeyId: field('journeyId'), csrf: field('csrf'), IDToken1: 'alice', IDToken2: wrongPassword }).toString(),
      )
      .redirects(0);
    expect(posted.status).toBe(303);

    // 6. Transactional authorization: advice, a wrong code, the right code, then the one permit.
    const evaluate = (txId?: string) =>
      request(t.app)
        .post('/policies/evaluate')
        .set('Authorization', basic('payments-pep', PEP_SECRET))
        .send({ resources: [PAYMENT], subject: { ssoToken: session }, ...(txId ? { environment: { TxId: [txId] } } : {}) });
    const advice = await evaluate();
    const txId = advice.body[0].advices.TransactionConditionAdvice[0] as string;
    const stepUp = await request(t.app).post(`/policies/transactions/${txId}/stepup`).send({ ssoToken: session });
    expect(stepUp.status).toBe(200);
    const answer = (step: { body: { callbacks: { type: string; input: { name: string }[] }[] } }, code: string) =>
      step.body.callbacks.map((cb) =>
        cb.type === 'TextInputCallback' ? { ...cb, input: cb.input.map((f) => ({ ...f, value: code })) } : cb,
      );
    const code = await generateTotp({ secret: TOTP_SECRET, epoch: Math.floor(t.clock.now() / 1000) });
    const wrongCode = code === '000000' ? '111111' : '000000';
    secrets.set('OTP code', code);
    const again = await request(t.app)
      .post(`/policies/transactions/${txId}/stepup/continue`)
      .send({ ssoToken: session, journeyId: stepUp.body.journeyId, callbacks: answer(stepUp, wrongCode) });
    expect(again.status).toBe(200);
    const approved = await request(t.app)
      .post(`/policies/transactions/${txId}/stepup/continue`)
      .send({ ssoToken: session, journeyId: again.body.journeyId, callbacks: answer(again, code) });
    expect(approved.body).toEqual({ status: 'success', txId });
    expect((await evaluate(txId)).body[0].actions).toEqual({ POST: true });

    await settle();
    const stored = await allEvents(t.audit);
    // The store kept what every sink got, and the log sink wrote each as a line.
    expect(stored).toEqual(t.sinkEvents);
    expect(t.logger.lines.filter((l) => l.message === 'audit')).toHaveLength(stored.length);
    const byType = (type: string) => stored.filter((e) => e.type === type);
    expect(byType('par.accepted')).toEqual([
      expect.objectContaining({
        outcome: 'accepted',
        client_id: 'session-transfer',
        flow: 'session-transfer@1',
        requestId: expect.any(String),
      }),
    ]);
    expect(byType('par.refused')).toEqual([
      expect.objectContaining({ outcome: 'refused', code: 'ERR_JOURNEY_FAILED', node: 'validateToken', reason: expect.any(String) }),
    ]);
    expect(byType('authorize.ended').map((e) => e.outcome)).toEqual(['success', 'suspended', 'failure']);
    expect(byType('client.auth_failed')).toEqual([expect.objectContaining({ client_id: 'web-app', code: 'ERR_INVALID_CLIENT' })]);
    expect(byType('session.created')).toEqual([
      expect.objectContaining({ sub: 'user-alice', client_id: 'session-transfer', flow: 'session-transfer@1' }),
    ]);
    expect(byType('policy.decision').map((e) => [e.outcome, e.transactionId !== undefined])).toEqual([
      ['advice', true],
      ['permit', false],
    ]);
    expect(byType('policy.decision')[0]).toMatchObject({
      transactionId: txId,
      sub: 'user-alice',
      client_id: 'payments-pep',
      target: PAYMENT,
    });
    expect(byType('stepup.ended')).toEqual([
      expect.objectContaining({ outcome: 'success', transactionId: txId, sub: 'user-alice', flow: 'transactional-stepup@1' }),
    ]);
    const failedJourneys = stored.filter((e) => e.type === 'journey.ended' && e.outcome === 'failure');
    expect(failedJourneys.map((e) => [e.flow, e.node, e.code])).toEqual([
      ['session-transfer@1', 'validateToken', 'ERR_JOURNEY_FAILED'],
      ['password-login@1', 'verify', 'ERR_JOURNEY_FAILED'],
      ['password-login@1', 'verify', 'ERR_JOURNEY_FAILED'],
    ]);
    // Each failed journey's access-log line says where and why.
    const failedLines = t.logger.lines.filter((l) => l.fields?.result === 'failure');
    expect(failedLines.length).toBeGreaterThanOrEqual(2);
    for (const line of failedLines)
      expect(line.fields).toMatchObject({
        node: 'verify',
        code: 'ERR_JOURNEY_FAILED',
        reason: expect.any(String),
        requestId: expect.any(String),
      });
    const refusedPar = t.logger.lines.find((l) => l.message === 'par' && l.fields?.status === 400);
    expect(refusedPar?.fields).toMatchObject({ node: 'validateToken', code: 'ERR_JOURNEY_FAILED' });

    // Nothing secret anywhere: audit events, log lines (with every field), journey records.
    const journeys = (await t.journeyLog.query({ limit: 1000 })).journeys;
    expect(journeys.length).toBeGreaterThanOrEqual(6);
    const everything = JSON.stringify([stored, t.sinkEvents, t.logger.lines, journeys]);
    const leaked = [...secrets].filter(([, value]) => everything.includes(value)).map(([name]) => name);
    expect(leaked).toEqual([]);
  });

  it('"failed logins between t1 and t2" returns exactly the failures in that window and nothing else', async () => {
    const t = await auditApp(jwks.base);
    const fail = async () => {
      const first = await request(t.app).post('/journeys/password-login').set('Authorization', basic('web-app', WEB_SECRET)).send({});
      await request(t.app)
        .post(`/journeys/${first.body.journeyId}/continue`)
        .send({ callbacks: fill(first.body.callbacks, 'alice', 'nope-nope') });
    };
    await fail(); // before t1
    t.clock.advance(60);
    const t1 = t.clock.now();
    await fail();
    const ok = await request(t.app).post('/journeys/password-login').set('Authorization', basic('web-app', WEB_SECRET)).send({});
    await request(t.app)
      .post(`/journeys/${ok.body.journeyId}/continue`)
      .send({ callbacks: fill(ok.body.callbacks, 'alice', PASSWORD) });
    t.clock.advance(30);
    await fail();
    await request(t.app)
      .post('/journeys/password-login')
      .set('Authorization', basic('web-app', 'wrong-secret-wrong-secret-wrong'))
      .send({});
    t.clock.advance(30);
    const t2 = t.clock.now();
    await fail(); // at t2: outside [t1, t2)
    await settle();
    const failures = await allEvents(t.audit, { type: 'journey.ended', outcome: 'failure', from: t1, to: t2 });
    expect(failures.map((e) => [e.time - t1, e.flow, e.node, e.code])).toEqual([
      [0, 'password-login@1', 'verify', 'ERR_JOURNEY_FAILED'],
      [30_000, 'password-login@1', 'verify', 'ERR_JOURNEY_FAILED'],
    ]);
  });

  describe('request ids', () => {
    async function handoffWith(trustedProxies: string[], id: string) {
      const t = await auditApp(jwks.base, trustedProxies);
      const token = await mintToken(t.clock);
      const par = await pushRaw(t.app, { subject_token: token }, { 'X-Request-Id': id });
      expect(par.status).toBe(201);
      const authorize = await request(t.app).get(authorizeUrl(par.body.request_uri)).set('X-Request-Id', id).redirects(0);
      expect(authorize.status).toBe(303);
      await settle();
      return { t, parId: par.headers['x-request-id'] as string, authorizeId: authorize.headers['x-request-id'] as string };
    }

    it('honours a well-formed X-Request-Id from a trusted proxy: echoed, on the log lines, the audit events and the journey record', async () => {
      const { t, parId, authorizeId } = await handoffWith(['127.0.0.1', '::1'], 'edge-7f3a9c');
      expect([parId, authorizeId]).toEqual(['edge-7f3a9c', 'edge-7f3a9c']);
      const access = t.logger.lines.filter((l) => l.message === 'par' || l.message === 'authorize');
      expect(access.map((l) => l.fields?.requestId)).toEqual(['edge-7f3a9c', 'edge-7f3a9c']);
      const events = await allEvents(t.audit);
      expect(events.length).toBeGreaterThanOrEqual(4);
      expect(events.every((e) => e.requestId === 'edge-7f3a9c')).toBe(true);
      const [journey] = (await t.journeyLog.query({})).journeys;
      expect(journey).toMatchObject({ status: 'success', requestId: 'edge-7f3a9c', client_id: 'session-transfer' });
    });

    it('replaces an X-Request-Id from a peer that is not a trusted proxy, and gives each request its own', async () => {
      const { t, parId, authorizeId } = await handoffWith(['10.0.0.0/8'], 'chosen-by-the-client');
      expect(parId).toMatch(/^[0-9a-f-]{36}$/);
      expect(authorizeId).toMatch(/^[0-9a-f-]{36}$/);
      expect(parId).not.toBe(authorizeId);
      const text = JSON.stringify([t.logger.lines, await allEvents(t.audit)]);
      expect(text).not.toContain('chosen-by-the-client');
      const events = await allEvents(t.audit);
      expect(events.find((e) => e.type === 'par.accepted')?.requestId).toBe(parId);
      expect(events.find((e) => e.type === 'journey.ended')?.requestId).toBe(authorizeId);
    });

    it('echoes a request id on every response: errors, the 404 of an unknown path under the router, metadata and health', async () => {
      const t = await auditApp(jwks.base);
      for (const res of [
        await request(t.app).get('/.well-known/oauth-authorization-server'),
        await request(t.app).get('/healthz'),
        await request(t.app).get('/par'),
        await request(t.app).post('/journeys/password-login').send({}),
        await request(t.app).post('/policies/evaluate').send({}),
      ])
        expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    });
  });
});
