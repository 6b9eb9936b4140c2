import { describe, it, expect, jest } from '@jest/globals';
import type { JourneyResult } from '@waymark/core';
import { createMemoryRateLimiters } from '@waymark/http';
import { completeStepUp, createPolicyDecisionPoint, TRANSACTION_ADVICE, type PolicyDecisionPoint } from '@waymark/policy';
import { domain, PAYMENT, policyConfig, REFUND } from './support.js';

/*
 * The decision point as an enforcement point (the adapter's requireTransaction, a gateway) uses
 * it in process: evaluate, read the advice, let the step-up authenticate the transaction, and
 * re-evaluate with the transaction id, which allows exactly once. No HTTP here.
 */

function success(txId: string, sub: string): JourneyResult {
  return { status: 'success', journeyId: 'j1', flowId: 'transactional-stepup', flowVersion: 1, trace: [], cookies: [], state: {}, sub, meta: { txId } };
}

async function advised(pdp: PolicyDecisionPoint, ssoToken: string, resource = PAYMENT): Promise<string> {
  const [decision] = await pdp.evaluate({ resources: [resource], subject: { ssoToken } });
  expect(decision?.actions).toEqual({});
  const txId = decision?.advices[TRANSACTION_ADVICE]?.[0];
  if (txId === undefined) throw new Error('expected a TransactionConditionAdvice');
  return txId;
}

describe('createPolicyDecisionPoint (in process)', () => {
  it('advises a transaction, allows the re-evaluation once after the step-up, then advises a new one', async () => {
    const d = domain();
    const pdp = createPolicyDecisionPoint(policyConfig(), d);
    const alice = await d.session('user-alice');
    const txId = await advised(pdp, alice);
    expect(await pdp.transaction(txId)).toMatchObject({ sub: 'user-alice', resource: PAYMENT, action: 'POST', status: 'pending' });

    // Before the step-up the transaction id allows nothing.
    const [early] = await pdp.evaluate({ resources: [PAYMENT], subject: { ssoToken: alice }, environment: { TxId: [txId] } });
    expect(early?.actions).toEqual({});

    expect(await completeStepUp(pdp, txId, success(txId, 'user-alice'))).toBe(true);
    expect((await pdp.transaction(txId))?.status).toBe('authenticated');
    const first = await pdp.evaluate({ resources: [PAYMENT], subject: { ssoToken: alice }, environment: { TxId: [txId] } });
    expect(first).toEqual([{ resource: PAYMENT, actions: { POST: true }, attributes: {}, advices: {}, ttl: 0 }]);
    // Consumed: the same id is refused, and a fresh transaction is advised.
    expect(await pdp.transaction(txId)).toBeUndefined();
    const [second] = await pdp.evaluate({ resources: [PAYMENT], subject: { ssoToken: alice }, environment: { TxId: [txId] } });
    expect(second?.actions).toEqual({});
    expect(second?.advices[TRANSACTION_ADVICE]?.[0]).toEqual(expect.any(String));
    expect(second?.advices[TRANSACTION_ADVICE]?.[0]).not.toBe(txId);
  });

  it('binds a transaction to its subject and resource: another subject, journey or resource cannot use it', async () => {
    const d = domain();
    const pdp = createPolicyDecisionPoint(policyConfig(), d);
    const alice = await d.session('user-alice');
    const bob = await d.session('user-bob');
    const txId = await advised(pdp, alice);
    expect(await completeStepUp(pdp, txId, success(txId, 'user-bob'))).toBe(false);
    expect(await completeStepUp(pdp, txId, success('another-tx', 'user-alice'))).toBe(false);
    expect(await pdp.authenticateTransaction(txId, 'user-alice')).toBe(true);
    const [stolen] = await pdp.evaluate({ resources: [PAYMENT], subject: { ssoToken: bob }, environment: { TxId: [txId] } });
    expect(stolen?.actions).toEqual({});
    const [elsewhere] = await pdp.evaluate({ resources: [REFUND], subject: { ssoToken: alice }, environment: { TxId: [txId] } });
    expect(elsewhere?.actions).toEqual({});
    // Still usable by its owner on its resource.
    const [owner] = await pdp.evaluate({ resources: [PAYMENT], subject: { ssoToken: alice }, environment: { TxId: [txId] } });
    expect(owner?.actions).toEqual({ POST: true });
  });

  it('rate-limits transactions per subject with ERR_TRANSACTION_RATE_LIMITED and the seconds to wait', async () => {
    const d = domain();
    const pdp = createPolicyDecisionPoint({ ...policyConfig(), transactionRateLimit: { max: 2, windowSeconds: 60 } }, d);
    const alice = await d.session('user-alice');
    await advised(pdp, alice);
    await advised(pdp, alice);
    await expect(pdp.evaluate({ resources: [PAYMENT], subject: { ssoToken: alice } })).rejects.toMatchObject({ code: 'ERR_TRANSACTION_RATE_LIMITED', retryAfterSeconds: 60 });
  });

  it('spends the transaction limit through an injected rate limiter factory when given: Retry-After is the time left, the counter store untouched', async () => {
    // The memory limiters' windows follow the system time: move jest's fake Date, never sleep.
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
    try {
      const d = domain();
      const pdp = createPolicyDecisionPoint({ ...policyConfig(), transactionRateLimit: { max: 2, windowSeconds: 60 } }, { ...d, rateLimiters: createMemoryRateLimiters() });
      const alice = await d.session('user-alice');
      await advised(pdp, alice);
      await advised(pdp, alice);
      jest.setSystemTime(Date.now() + 20_000);
      await expect(pdp.evaluate({ resources: [PAYMENT], subject: { ssoToken: alice } })).rejects.toMatchObject({ code: 'ERR_TRANSACTION_RATE_LIMITED', retryAfterSeconds: 40 });
      expect(await d.stores.counters.get('waymark:tx-rate:user-alice')).toBe(0);
      // Another subject has a budget of its own; alice's comes back when her window ends.
      await advised(pdp, await d.session('user-bob'));
      jest.setSystemTime(Date.now() + 41_000);
      await advised(pdp, alice);
    } finally {
      jest.useRealTimers();
    }
  });

  it('refuses a JWT subject without a resolver, and a malformed request, with ERR_POLICY_REQUEST naming the field', async () => {
    const d = domain();
    const pdp = createPolicyDecisionPoint(policyConfig(), d);
    await expect(pdp.evaluate({ resources: [PAYMENT], subject: { jwt: 'a.b.c' } })).rejects.toMatchObject({ code: 'ERR_POLICY_REQUEST', details: { field: 'subject.jwt' } });
    await expect(pdp.evaluate({ resources: [], subject: { ssoToken: 'x' } })).rejects.toMatchObject({ code: 'ERR_POLICY_REQUEST', details: { field: 'resources' } });
  });
});
