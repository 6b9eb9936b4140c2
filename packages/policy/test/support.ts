import { createMemoryStores } from '@waymark/core';
import { testClock, type TestClock } from '@waymark/testing';
import type { Stores } from '@waymark/sdk';

export const PAYMENT = 'https://api.bankingexample.com:443/makepayment';
export const REFUND = 'https://api.bankingexample.com:443/refund';

/** The article's policy: POST on makePayment by authenticated users, under a transaction condition. */
export function policyConfig(): Record<string, unknown> {
  return {
    policySets: [
      {
        name: 'transactionalAuthZ',
        policies: [
          { name: 'makePayment', resources: [PAYMENT], actions: ['POST'], subject: { type: 'AuthenticatedUsers' }, condition: { type: 'Transaction', flow: 'transactional-stepup' } },
          { name: 'refund', resources: [REFUND], actions: ['POST'], subject: { type: 'AuthenticatedUsers' }, condition: { type: 'Transaction', flow: 'transactional-stepup' } },
          { name: 'readAccounts', resources: ['https://api.bankingexample.com:443/accounts/*'], actions: ['GET'], subject: { type: 'AuthenticatedUsers', claims: { tier: ['gold'] } } },
        ],
      },
    ],
  };
}

/** Memory stores on a manual clock, and a live session maker. */
export function domain(): { clock: TestClock; stores: Stores; session(sub: string, data?: Record<string, string>): Promise<string> } {
  const clock = testClock(Date.UTC(2030, 0, 1));
  const stores = createMemoryStores(clock);
  let n = 0;
  return {
    clock,
    stores,
    async session(sub, data) {
      const id = `session-${sub}-${++n}`.padEnd(43, 'x');
      const now = clock.now();
      await stores.sessions.put({ id, sub, createdAt: now, lastSeenAt: now, idleSeconds: 3600, expiresAt: now + 8 * 3600_000, authTime: now, ...(data ? { data } : {}) });
      return id;
    },
  };
}
