import { describe, it, expect, jest } from '@jest/globals';
import request from 'supertest';
import { createMemoryRateLimiters } from '@waymark/http';
import type { RateLimitSpec } from '@waymark/sdk';
import { basic, SECRET } from '../support/app.js';
import { answer, PAYMENT, PEP_AUTH, policyConfig, policyTestApp, REFUND, type PolicyTestApp } from './support.js';

function evaluate(t: PolicyTestApp, body: unknown) {
  return request(t.app).post('/policies/evaluate').set('Authorization', PEP_AUTH).set('Content-Type', 'application/json').send(JSON.stringify(body));
}

async function advice(t: PolicyTestApp, ssoToken: string, resource = PAYMENT): Promise<string> {
  const res = await evaluate(t, { resources: [resource], application: 'transactionalAuthZ', subject: { ssoToken } });
  expect(res.status).toBe(200);
  expect(res.body[0].actions).toEqual({});
  const txId = res.body[0].advices.TransactionConditionAdvice[0] as string;
  expect(typeof txId).toBe('string');
  return txId;
}

async function stepUp(t: PolicyTestApp, txId: string, ssoToken: string, sub: string): Promise<void> {
  const start = await request(t.app).post(`/policies/transactions/${txId}/stepup`).send({ ssoToken });
  expect(start.status).toBe(200);
  const done = await request(t.app)
    .post(`/policies/transactions/${txId}/stepup/continue`)
    .send({ ssoToken, journeyId: start.body.journeyId, callbacks: answer(start.body.callbacks, await t.totp(sub)) });
  expect(done.body).toEqual({ status: 'success', txId });
}

function reevaluate(t: PolicyTestApp, ssoToken: string, txId: string, resource = PAYMENT) {
  return evaluate(t, { resources: [resource], application: 'transactionalAuthZ', subject: { ssoToken }, environment: { TxId: [txId] } });
}

describe('POST /policies/evaluate — transactional authorization', () => {
  it('answers the advice, then after the step-up allows POST exactly once with ttl 0, then advises a new transaction on replay', async () => {
    const t = await policyTestApp();
    const alice = await t.session('user-alice');
    const txId = await advice(t, alice);
    expect(Buffer.from(txId, 'base64url').length).toBeGreaterThanOrEqual(16); // ≥ 128 random bits
    expect((await t.stores.transactions.get(txId))).toMatchObject({ sub: 'user-alice', resource: PAYMENT, action: 'POST', status: 'pending' });

    // Before the step-up the TxId does not allow anything.
    const early = await reevaluate(t, alice, txId);
    expect(early.body[0].actions).toEqual({});

    await stepUp(t, txId, alice, 'user-alice');
    const allowed = await reevaluate(t, alice, txId);
    expect(allowed.status).toBe(200);
    expect(allowed.body).toEqual([{ resource: PAYMENT, actions: { POST: true }, attributes: {}, advices: {}, ttl: 0 }]);

    const replay = await reevaluate(t, alice, txId);
    expect(replay.body[0].actions).toEqual({});
    const fresh = replay.body[0].advices.TransactionConditionAdvice[0];
    expect(fresh).not.toBe(txId);
  });

  it("gives another user's session presenting the authenticated txId a new advice, and leaves the owner's transaction usable", async () => {
    const t = await policyTestApp();
    const alice = await t.session('user-alice');
    const bob = await t.session('user-bob');
    const txId = await advice(t, alice);
    await stepUp(t, txId, alice, 'user-alice');
    const stolen = await reevaluate(t, bob, txId);
    expect(stolen.body[0].actions).toEqual({});
    expect(stolen.body[0].advices.TransactionConditionAdvice[0]).not.toBe(txId);
    expect((await reevaluate(t, alice, txId)).body[0].actions).toEqual({ POST: true });
  });

  it('gives a new advice when the authenticated txId is presented for another resource', async () => {
    const t = await policyTestApp();
    const alice = await t.session('user-alice');
    const txId = await advice(t, alice);
    await stepUp(t, txId, alice, 'user-alice');
    const other = await reevaluate(t, alice, txId, REFUND);
    expect(other.body[0].actions).toEqual({});
    expect(other.body[0].advices.TransactionConditionAdvice).toHaveLength(1);
  });

  it('gives a new advice once the transaction expired (300 s by default)', async () => {
    const t = await policyTestApp();
    const alice = await t.session('user-alice');
    const txId = await advice(t, alice);
    await stepUp(t, txId, alice, 'user-alice');
    t.clock.advance(301);
    const late = await reevaluate(t, alice, txId);
    expect(late.body[0].actions).toEqual({});
    expect(late.body[0].advices.TransactionConditionAdvice[0]).not.toBe(txId);
  });

  it('allows exactly one of 20 concurrent re-evaluations with the same txId', async () => {
    const t = await policyTestApp();
    const alice = await t.session('user-alice');
    const txId = await advice(t, alice);
    await stepUp(t, txId, alice, 'user-alice');
    const answers = await Promise.all(Array.from({ length: 20 }, () => reevaluate(t, alice, txId)));
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(200));
    expect(answers.filter((a) => a.body[0].actions.POST === true)).toHaveLength(1);
    expect(answers.filter((a) => a.body[0].advices.TransactionConditionAdvice !== undefined)).toHaveLength(19);
  });

  it('rate-limits transactions per subject on its own counter (429 past the budget, no lockout counter touched)', async () => {
    const t = await policyTestApp();
    const alice = await t.session('user-alice');
    for (let i = 0; i < 20; i++) await advice(t, alice);
    const over = await evaluate(t, { resources: [PAYMENT], subject: { ssoToken: alice } });
    expect(over.status).toBe(429);
    expect(over.body.code).toBe('ERR_TRANSACTION_RATE_LIMITED');
    expect(over.headers['retry-after']).toBe('300');
    // Another subject is unaffected.
    const bob = await t.session('user-bob');
    expect((await evaluate(t, { resources: [PAYMENT], subject: { ssoToken: bob } })).status).toBe(200);
  });

  it("spends the transaction limit through the router's rateLimiters when the router builds the decision point: Retry-After is the time left", async () => {
    // The memory limiters' windows follow the system time: move jest's fake Date, never sleep.
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
    try {
      const made: RateLimitSpec[] = [];
      const memory = createMemoryRateLimiters();
      const t = await policyTestApp({
        config: { ...policyConfig(), transactionRateLimit: { max: 2, windowSeconds: 60 } },
        routerRateLimiters: (spec) => (made.push(spec), memory(spec)),
      });
      expect(made).toContainEqual({ name: 'policy-transaction', max: 2, windowSeconds: 60 });
      const alice = await t.session('user-alice');
      await advice(t, alice);
      await advice(t, alice);
      jest.setSystemTime(Date.now() + 20_000);
      const over = await evaluate(t, { resources: [PAYMENT], subject: { ssoToken: alice } });
      expect(over.status).toBe(429);
      expect(over.body.code).toBe('ERR_TRANSACTION_RATE_LIMITED');
      expect(over.headers['retry-after']).toBe('40');
      expect(await t.stores.counters.get('waymark:tx-rate:user-alice')).toBe(0);
    } finally {
      jest.useRealTimers();
    }
  });

  it('allows a plain policy when the subject condition holds (claims) and not otherwise, without any advice', async () => {
    const t = await policyTestApp();
    const gold = await t.session('user-alice', { tier: 'gold' });
    const plain = await t.session('user-bob');
    const resource = 'https://api.bankingexample.com/accounts/42'; // default port written out for matching
    const ok = await evaluate(t, { resources: [resource], subject: { ssoToken: gold } });
    expect(ok.body).toEqual([{ resource, actions: { GET: true }, attributes: {}, advices: {}, ttl: 0 }]);
    const no = await evaluate(t, { resources: [resource], subject: { ssoToken: plain } });
    expect(no.body[0]).toMatchObject({ actions: {}, advices: {} });
  });

  it('answers no actions and no advice for an unknown session (AuthenticatedUsers does not hold)', async () => {
    const t = await policyTestApp();
    const res = await evaluate(t, { resources: [PAYMENT], subject: { ssoToken: 'no-such-session' } });
    expect(res.status).toBe(200);
    expect(res.body[0]).toMatchObject({ actions: {}, advices: {} });
  });

  it('answers one decision per resource, in order', async () => {
    const t = await policyTestApp();
    const alice = await t.session('user-alice');
    const res = await evaluate(t, { resources: [PAYMENT, 'https://elsewhere.example/x'], subject: { ssoToken: alice } });
    expect(res.body.map((d: { resource: string }) => d.resource)).toEqual([PAYMENT, 'https://elsewhere.example/x']);
    expect(res.body[1]).toEqual({ resource: 'https://elsewhere.example/x', actions: {}, attributes: {}, advices: {}, ttl: 0 });
  });
});

describe('POST /policies/evaluate — caller authentication', () => {
  it('refuses a caller without client credentials with 401 invalid_client and a Basic challenge', async () => {
    const t = await policyTestApp();
    const res = await request(t.app).post('/policies/evaluate').set('Content-Type', 'application/json').send('{}');
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_client');
    expect(res.headers['www-authenticate']).toMatch(/^Basic /);
  });

  it('refuses a wrong secret and a client that is not a service client', async () => {
    const t = await policyTestApp();
    const wrong = await request(t.app).post('/policies/evaluate').set('Authorization', basic('payments-pep', `${SECRET}x`)).set('Content-Type', 'application/json').send('{}');
    expect(wrong.status).toBe(401);
    const web = await request(t.app).post('/policies/evaluate').set('Authorization', basic('web-app', SECRET)).set('Content-Type', 'application/json').send('{}');
    expect(web.status).toBe(401);
    expect(web.body.error_description).toMatch(/service/);
  });
});

describe('POST /policies/evaluate — malformed requests answer 400 with a code, never 500', () => {
  const cases: [string, unknown, string][] = [
    ['a JSON array body', [], 'body'],
    ['a string body', 'hello', 'body'],
    ['no resources', { subject: { ssoToken: 'x' } }, 'resources'],
    ['empty resources', { resources: [], subject: { ssoToken: 'x' } }, 'resources'],
    ['a relative resource', { resources: ['/makepayment'], subject: { ssoToken: 'x' } }, 'resources[0]'],
    ['a number resource', { resources: [42], subject: { ssoToken: 'x' } }, 'resources[0]'],
    ['no subject', { resources: [PAYMENT] }, 'subject'],
    ['two subjects', { resources: [PAYMENT], subject: { ssoToken: 'x', jwt: 'y' } }, 'subject'],
    ['a non-string ssoToken', { resources: [PAYMENT], subject: { ssoToken: 7 } }, 'subject.ssoToken'],
    ['a TxId that is not an array', { resources: [PAYMENT], subject: { ssoToken: 'x' }, environment: { TxId: 'abc' } }, 'environment.TxId'],
    ['an environment that is not an object', { resources: [PAYMENT], subject: { ssoToken: 'x' }, environment: [1] }, 'environment'],
    ['an unknown field', { resources: [PAYMENT], subject: { ssoToken: 'x' }, extra: 1 }, 'extra'],
    ['an unknown application', { resources: [PAYMENT], subject: { ssoToken: 'x' }, application: 'nope' }, 'application'],
    ['a JWT subject without a resolver', { resources: [PAYMENT], subject: { jwt: 'a.b.c' } }, 'subject.jwt'],
  ];
  it.each(cases)('%s → 400 ERR_POLICY_REQUEST naming the field', async (_name, body, field) => {
    const t = await policyTestApp();
    const res = await evaluate(t, body);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: 'invalid_request', code: 'ERR_POLICY_REQUEST' });
    expect(res.body.error_description.startsWith(`${field}:`)).toBe(true);
  });

  it('answers malformed JSON and a wrong content type with 400 invalid_request', async () => {
    const t = await policyTestApp();
    const broken = await request(t.app).post('/policies/evaluate').set('Authorization', PEP_AUTH).set('Content-Type', 'application/json').send('{"resources":');
    expect(broken.status).toBe(400);
    expect(broken.body.error).toBe('invalid_request');
    const form = await request(t.app).post('/policies/evaluate').set('Authorization', PEP_AUTH).set('Content-Type', 'application/x-www-form-urlencoded').send('resources=x');
    expect(form.status).toBe(400);
    expect(form.body.code).toBe('ERR_POLICY_REQUEST');
  });

  it('answers a body over the limit with 413', async () => {
    const t = await policyTestApp();
    const res = await evaluate(t, { resources: [PAYMENT], subject: { ssoToken: 'x'.repeat(20_000) } });
    expect(res.status).toBe(413);
  });
});
