import { describe, it, expect } from '@jest/globals';
import request from 'supertest';
import { completeStepUp } from '@waymark/policy';
import { answer, PAYMENT, PEP_AUTH, policyTestApp, type PolicyTestApp } from './support.js';

async function newTransaction(t: PolicyTestApp, ssoToken: string): Promise<string> {
  const res = await request(t.app).post('/policies/evaluate').set('Authorization', PEP_AUTH).send({ resources: [PAYMENT], subject: { ssoToken } });
  return res.body[0].advices.TransactionConditionAdvice[0] as string;
}

describe('transaction step-up (JSON)', () => {
  it("refuses to start the step-up of another user's transaction (403) and leaves it pending", async () => {
    const t = await policyTestApp();
    const alice = await t.session('user-alice');
    const bob = await t.session('user-bob');
    const txId = await newTransaction(t, alice);
    const res = await request(t.app).post(`/policies/transactions/${txId}/stepup`).send({ ssoToken: bob });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('ERR_TRANSACTION_FORBIDDEN');
    expect((await t.stores.transactions.get(txId))?.status).toBe('pending');
  });

  it("never authenticates alice's transaction with bob's successful journey, through the endpoint or directly", async () => {
    const t = await policyTestApp();
    const alice = await t.session('user-alice');
    const bob = await t.session('user-bob');
    const aliceTx = await newTransaction(t, alice);
    const bobTx = await newTransaction(t, bob);
    const bobStart = await request(t.app).post(`/policies/transactions/${bobTx}/stepup`).send({ ssoToken: bob });
    // Bob's journey submitted on alice's transaction, with alice's session: refused before it advances.
    const cross = await request(t.app)
      .post(`/policies/transactions/${aliceTx}/stepup/continue`)
      .send({ ssoToken: alice, journeyId: bobStart.body.journeyId, callbacks: answer(bobStart.body.callbacks, await t.totp('user-bob')) });
    expect(cross.status).toBe(403);
    // A journey that succeeds for bob but claims alice's txId in its meta does not count either.
    const forged = await t.engine.start('transactional-stepup', { request: { ip: '127.0.0.1', headers: {}, cookies: {}, userAgent: undefined }, state: { sub: 'user-bob' }, meta: { txId: aliceTx } });
    if (forged.status !== 'suspended') throw new Error(`expected a suspended journey, got ${forged.status}`);
    const filled = answer(forged.callbacks, await t.totp('user-bob')) as typeof forged.callbacks;
    const bobDone = await t.engine.resume(forged.journeyId, { callbacks: filled, request: { ip: '127.0.0.1', headers: {}, cookies: {}, userAgent: undefined } });
    expect(bobDone.status).toBe('success');
    expect(await completeStepUp(t.pdp, aliceTx, bobDone)).toBe(false);
    expect((await t.stores.transactions.get(aliceTx))?.status).toBe('pending');
  });

  it('does not authenticate on wrong codes: three wrong codes lock the journey (401 ERR_STEPUP_FAILED), the transaction stays pending', async () => {
    const t = await policyTestApp();
    const alice = await t.session('user-alice');
    const txId = await newTransaction(t, alice);
    let step = (await request(t.app).post(`/policies/transactions/${txId}/stepup`).send({ ssoToken: alice })).body;
    let res;
    for (let i = 0; i < 3; i++) {
      res = await request(t.app).post(`/policies/transactions/${txId}/stepup/continue`).send({ ssoToken: alice, journeyId: step.journeyId, callbacks: answer(step.callbacks, '000000') });
      step = res.body;
    }
    expect(res!.status).toBe(401);
    expect(res!.body.code).toBe('ERR_STEPUP_FAILED');
    expect((await t.stores.transactions.get(txId))?.status).toBe('pending');
  });

  it('limits step-up journeys per transaction (429 on the fourth start)', async () => {
    const t = await policyTestApp();
    const alice = await t.session('user-alice');
    const txId = await newTransaction(t, alice);
    for (let i = 0; i < 3; i++) expect((await request(t.app).post(`/policies/transactions/${txId}/stepup`).send({ ssoToken: alice })).status).toBe(200);
    const fourth = await request(t.app).post(`/policies/transactions/${txId}/stepup`).send({ ssoToken: alice });
    expect(fourth.status).toBe(429);
    expect(fourth.body.code).toBe('ERR_TRANSACTION_RATE_LIMITED');
  });

  it('answers 404 for an unknown transaction and 400 for a continue without journeyId', async () => {
    const t = await policyTestApp();
    const alice = await t.session('user-alice');
    expect((await request(t.app).post('/policies/transactions/nope/stepup').send({ ssoToken: alice })).status).toBe(404);
    const txId = await newTransaction(t, alice);
    const res = await request(t.app).post(`/policies/transactions/${txId}/stepup/continue`).send({ ssoToken: alice, callbacks: [] });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('ERR_POLICY_REQUEST');
  });
});

describe('transaction step-up (browser page)', () => {
  const COOKIE = '__Host-waymark-session';

  it('renders an accessible form for the owner, approves with the TOTP code, and the transaction allows once', async () => {
    const t = await policyTestApp();
    const alice = await t.session('user-alice');
    const txId = await newTransaction(t, alice);
    const page = await request(t.app).get(`/policies/transactions/${txId}/stepup`).set('Cookie', `${COOKIE}=${alice}`);
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.text).toMatch(/<label for="IDToken1">Enter the code from your authenticator app/);
    const field = (name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(page.text)?.[1] ?? '';
    const form = new URLSearchParams({ journeyId: field('journeyId'), csrf: field('csrf'), cb0: field('cb0'), IDToken1: await t.totp('user-alice') });
    const done = await request(t.app).post(`/policies/transactions/${txId}/stepup`).set('Cookie', `${COOKIE}=${alice}`).type('form').send(form.toString());
    expect(done.status).toBe(200);
    expect(done.text).toMatch(/Transaction approved/);
    expect((await t.stores.transactions.get(txId))?.status).toBe('authenticated');

    // Allows once: the first re-evaluation with the transaction id permits, the second is refused with a fresh advice.
    const reevaluate = () => request(t.app).post('/policies/evaluate').set('Authorization', PEP_AUTH).send({ resources: [PAYMENT], subject: { ssoToken: alice }, environment: { TxId: [txId] } });
    const first = await reevaluate();
    expect(first.status).toBe(200);
    expect(first.body).toEqual([{ resource: PAYMENT, actions: { POST: true }, attributes: {}, advices: {}, ttl: 0 }]);
    const second = await reevaluate();
    expect(second.status).toBe(200);
    expect(second.body).toEqual([{ resource: PAYMENT, actions: {}, attributes: {}, advices: { TransactionConditionAdvice: [expect.any(String)] }, ttl: 0 }]);
    expect(second.body[0].advices.TransactionConditionAdvice[0]).not.toBe(txId);
  });

  it('refuses a form without the CSRF token of this session (403), and the page of another user (403)', async () => {
    const t = await policyTestApp();
    const alice = await t.session('user-alice');
    const bob = await t.session('user-bob');
    const txId = await newTransaction(t, alice);
    expect((await request(t.app).get(`/policies/transactions/${txId}/stepup`).set('Cookie', `${COOKIE}=${bob}`)).status).toBe(403);
    const page = await request(t.app).get(`/policies/transactions/${txId}/stepup`).set('Cookie', `${COOKIE}=${alice}`);
    const journeyId = /name="journeyId" value="([^"]*)"/.exec(page.text)?.[1] ?? '';
    const res = await request(t.app).post(`/policies/transactions/${txId}/stepup`).set('Cookie', `${COOKIE}=${alice}`).type('form').send(`journeyId=${journeyId}&cb0=TextInputCallback:IDToken1&IDToken1=123456`);
    expect(res.status).toBe(403);
    expect(res.text).toMatch(/role="alert"/);
  });
});
