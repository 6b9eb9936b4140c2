import type { AddressInfo } from 'node:net';
import { describe, it, expect } from '@jest/globals';
import express from 'express';
import request from 'supertest';
import { requireTransaction } from '@waymark/express';
import { PolicyError, type PolicyEvaluator } from '@waymark/policy';
import { SECRET } from '../support/app.js';
import { answer, PAYMENT, policyTestApp, type PolicyTestApp } from '../policies/support.js';

const paymentRoute = (pdp: PolicyEvaluator) =>
  requireTransaction({ pdp, resource: () => PAYMENT, subject: (req) => req.get('x-session-id'), stepUpUrl: (txId) => `https://login.example.com/policies/transactions/${txId}/stepup` });

async function appWithPayments(): Promise<PolicyTestApp> {
  return policyTestApp({
    configure: (app, pdp) => app.post('/makepayment', paymentRoute(pdp), (_req, res) => void res.status(200).json({ paid: true })),
  });
}

async function stepUp(t: PolicyTestApp, txId: string, ssoToken: string): Promise<void> {
  const start = await request(t.app).post(`/policies/transactions/${txId}/stepup`).send({ ssoToken });
  const done = await request(t.app).post(`/policies/transactions/${txId}/stepup/continue`).send({ ssoToken, journeyId: start.body.journeyId, callbacks: answer(start.body.callbacks, await t.totp('user-alice')) });
  expect(done.body.status).toBe('success');
}

describe('requireTransaction (policy enforcement point)', () => {
  it('answers 401 with an RFC 9470 §3 challenge carrying the txid, and a JSON body with the advice', async () => {
    const t = await appWithPayments();
    const alice = await t.session('user-alice');
    const res = await request(t.app).post('/makepayment').set('x-session-id', alice);
    expect(res.status).toBe(401);
    const txId = res.body.txId as string;
    expect(res.headers['www-authenticate']).toBe(
      `Bearer realm="waymark", error="insufficient_user_authentication", error_description="A step-up authentication is required to approve this transaction", txid="${txId}"`,
    );
    expect(res.body).toEqual({
      error: 'insufficient_user_authentication',
      error_description: 'A step-up authentication is required to approve this transaction',
      advices: { TransactionConditionAdvice: [txId] },
      txId,
      stepup_uri: `https://login.example.com/policies/transactions/${txId}/stepup`,
    });
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('lets the retry with X-Transaction-Id through once after the step-up, and challenges the replay again', async () => {
    const t = await appWithPayments();
    const alice = await t.session('user-alice');
    const txId = (await request(t.app).post('/makepayment').set('x-session-id', alice)).body.txId as string;
    const early = await request(t.app).post('/makepayment').set('x-session-id', alice).set('X-Transaction-Id', txId);
    expect(early.status).toBe(401);
    await stepUp(t, txId, alice);
    const paid = await request(t.app).post('/makepayment').set('x-session-id', alice).set('X-Transaction-Id', txId);
    expect(paid.status).toBe(200);
    expect(paid.body).toEqual({ paid: true });
    const replay = await request(t.app).post('/makepayment').set('x-session-id', alice).set('X-Transaction-Id', txId);
    expect(replay.status).toBe(401);
    expect(replay.body.txId).not.toBe(txId);
  });

  it("does not let another user's request through with alice's authenticated txId", async () => {
    const t = await appWithPayments();
    const alice = await t.session('user-alice');
    const bob = await t.session('user-bob');
    const txId = (await request(t.app).post('/makepayment').set('x-session-id', alice)).body.txId as string;
    await stepUp(t, txId, alice);
    const stolen = await request(t.app).post('/makepayment').set('x-session-id', bob).set('X-Transaction-Id', txId);
    expect(stolen.status).toBe(401);
    expect(stolen.body.error).toBe('insufficient_user_authentication');
  });

  it('answers 401 with a bare Bearer challenge when there is no session (RFC 6750 §3.1)', async () => {
    const t = await appWithPayments();
    const res = await request(t.app).post('/makepayment');
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer realm="waymark"');
  });

  it('answers 403 when the policy denies without advice (unknown session)', async () => {
    const t = await appWithPayments();
    const res = await request(t.app).post('/makepayment').set('x-session-id', 'no-such-session');
    expect(res.status).toBe(403);
    expect(res.body.error).toBe('access_denied');
  });

  it('fails closed with 503 when the decision point throws', async () => {
    const app = express();
    const broken: PolicyEvaluator = { evaluate: async () => Promise.reject(new Error('down')) };
    app.post('/makepayment', paymentRoute(broken), (_req, res) => void res.json({ paid: true }));
    const res = await request(app).post('/makepayment').set('x-session-id', 's');
    expect(res.status).toBe(503);
  });

  it("answers 429 with the decision point's Retry-After when the subject opened too many transactions", async () => {
    const limited: PolicyEvaluator = { evaluate: async () => Promise.reject(new PolicyError('ERR_TRANSACTION_RATE_LIMITED', 'too many transactions for this subject; retry later', {}, { retryAfterSeconds: 42 })) };
    const app = express();
    app.post('/makepayment', paymentRoute(limited), (_req, res) => void res.json({ paid: true }));
    const res = await request(app).post('/makepayment').set('x-session-id', 's');
    expect(res.status).toBe(429);
    expect(res.headers['retry-after']).toBe('42');
    expect(res.body).toEqual({ error: 'temporarily_unavailable', error_description: 'too many transactions for this subject; retry later' });
  });

  it("carries a remote decision point's 429 Retry-After through (seconds; an HTTP-date becomes 60)", async () => {
    for (const [given, expected] of [['17', '17'], ['Wed, 21 Oct 2037 07:28:00 GMT', '60']] as const) {
      const pdpServer = express();
      pdpServer.post('/policies/evaluate', (_req, res) => void res.status(429).set('Retry-After', given).json({ error: 'temporarily_unavailable' }));
      const server = pdpServer.listen(0, '127.0.0.1');
      await new Promise<void>((resolve) => server.once('listening', () => resolve()));
      try {
        const { port } = server.address() as AddressInfo;
        const api = express();
        api.post('/x', requireTransaction({ evaluateUrl: `http://127.0.0.1:${port}/policies/evaluate`, clientId: 'payments-pep', clientSecret: SECRET, resource: () => PAYMENT, subject: () => 's' }), (_req, res) => void res.json({}));
        const res = await request(api).post('/x');
        expect(res.status).toBe(429);
        expect(res.headers['retry-after']).toBe(expected);
      } finally {
        server.close();
      }
    }
  });

  it('refuses bad options at start-up with ERR_PEP_CONFIG', () => {
    expect(() => requireTransaction({ resource: () => PAYMENT, subject: () => 's' })).toThrow(expect.objectContaining({ code: 'ERR_PEP_CONFIG' }) as unknown as Error);
    expect(() => requireTransaction({ evaluateUrl: 'https://login.example.com/policies/evaluate', resource: () => PAYMENT, subject: () => 's' })).toThrow(/clientSecret/);
  });

  it('works against a remote PDP over HTTP as a service client (evaluateUrl + client credentials)', async () => {
    const t = await policyTestApp();
    const server = t.app.listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    try {
      const { port } = server.address() as AddressInfo;
      const api = express();
      api.post(
        '/makepayment',
        requireTransaction({ evaluateUrl: `http://127.0.0.1:${port}/policies/evaluate`, clientId: 'payments-pep', clientSecret: SECRET, resource: () => PAYMENT, subject: (req) => req.get('x-session-id') }),
        (_req, res) => void res.json({ paid: true }),
      );
      const alice = await t.session('user-alice');
      const first = await request(api).post('/makepayment').set('x-session-id', alice);
      expect(first.status).toBe(401);
      await stepUp(t, first.body.txId as string, alice);
      expect((await request(api).post('/makepayment').set('x-session-id', alice).set('X-Transaction-Id', first.body.txId as string)).status).toBe(200);
      const wrongSecret = express();
      wrongSecret.post('/x', requireTransaction({ evaluateUrl: `http://127.0.0.1:${port}/policies/evaluate`, clientId: 'payments-pep', clientSecret: `${SECRET}!`, resource: () => PAYMENT, subject: () => alice }), (_req, res) => void res.json({}));
      expect((await request(wrongSecret).post('/x')).status).toBe(503);
    } finally {
      server.close();
    }
  });
});
