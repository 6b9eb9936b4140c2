import assert from 'node:assert/strict';
import type { Clock, JsonValue, PushedRequest, Session, Stores, Transaction } from '@waymark/sdk';
import { testFunctions, type TestRunner } from './test-runner.js';
import type { TestClock } from './test-clock.js';

/** What the suite runs against: fresh stores for one test, built on the suite's clock. */
export interface ConformanceSubject {
  /** Stores built on `clock`: every expiry must follow it. */
  stores: Stores;
  /** The clock the stores were built on; the suite moves it with `advance` (use `testClock()`). */
  clock: Clock & Pick<TestClock, 'advance'>;
  /**
   * Other instances over the same backing data (other processes behind a load balancer), when
   * the implementation has such a thing. Concurrency tests spread their calls over all of them.
   */
  peers?: Stores[];
  /** Removes what the test wrote (called after each test, even a failed one). */
  cleanup(): Promise<void>;
}

const SECOND = 1000;
const CONCURRENCY = 50;

/**
 * The store conformance suite: written once, run unchanged against every implementation of the
 * `Stores` contracts (memory in `@waymark/core`, Redis in `@waymark/redis`, and any third-party
 * store). `factory` is called before each test and must give fresh, empty stores.
 *
 * Time is the injected clock's: `advance(ms)` moves it and every expiry must follow it. A store
 * whose expiry follows a server's wall clock instead fails the expiry tests, on purpose.
 *
 * Test functions: `describe`, `it`, `beforeEach` and `afterEach` come from `runner` when given
 * (jest's `@jest/globals`, vitest, node:test, your own), else from the runner's globals.
 * Assertions use `node:assert`, so no `expect` is needed. Missing functions throw
 * ERR_TESTING_RUNNER.
 *
 * @example
 * import * as jest from '@jest/globals';
 * import { storeConformance, testClock } from '@waymark/testing';
 * storeConformance('memory', async () => {
 *   const clock = testClock();
 *   return { stores: createMemoryStores(clock), clock, cleanup: async () => {} };
 * }, jest);
 */
export function storeConformance(name: string, factory: () => Promise<ConformanceSubject>, runner?: TestRunner): void {
  const { describe, it, beforeEach, afterEach } = testFunctions(
    runner,
    ['describe', 'it', 'beforeEach', 'afterEach'],
    'storeConformance(name, factory, { describe, it, beforeEach, afterEach })',
  );
  describe(`store conformance: ${name}`, () => {
    let subject: ConformanceSubject | undefined;
    let stores: Stores;
    let clock: ConformanceSubject['clock'];
    /** Instance i of `n` concurrent callers: round-robin over the store and its peers. */
    const instance = (i: number): Stores => {
      const all = [stores, ...(subject?.peers ?? [])];
      return all[i % all.length]!;
    };

    beforeEach(async () => {
      subject = await factory();
      stores = subject.stores;
      clock = subject.clock;
    });
    afterEach(async () => {
      await subject?.cleanup();
    });

    describe('pushed requests', () => {
      const request = (): PushedRequest => ({
        clientId: 'client-a',
        params: { response_type: 'code', scope: 'openid profile', state: 'xyz' },
        ip: '203.0.113.7',
        createdAt: clock.now(),
        expiresAt: clock.now() + 60 * SECOND,
      });

      it('take returns exactly what put stored', async () => {
        const pushed = request();
        await stores.pushedRequests.put('urn:req:1', pushed, 60);
        assert.deepEqual(await stores.pushedRequests.take('urn:req:1'), pushed);
      });

      it('take is single-use: the second take of an id gets nothing', async () => {
        await stores.pushedRequests.put('urn:req:1', request(), 60);
        assert.notEqual(await stores.pushedRequests.take('urn:req:1'), undefined);
        assert.equal(await stores.pushedRequests.take('urn:req:1'), undefined);
      });

      it('take of an id never put gets nothing', async () => {
        assert.equal(await stores.pushedRequests.take('urn:req:unknown'), undefined);
      });

      it('a request lives until its ttl on the injected clock, not a millisecond longer', async () => {
        await stores.pushedRequests.put('urn:req:early', request(), 60);
        await stores.pushedRequests.put('urn:req:late', request(), 60);
        clock.advance(60 * SECOND - 1);
        assert.notEqual(await stores.pushedRequests.take('urn:req:early'), undefined);
        clock.advance(1);
        assert.equal(await stores.pushedRequests.take('urn:req:late'), undefined);
      });

      it('mutating the object after put does not change what is stored', async () => {
        const pushed = request();
        await stores.pushedRequests.put('urn:req:1', pushed, 60);
        pushed.params.scope = 'admin';
        assert.equal((await stores.pushedRequests.take('urn:req:1'))?.params.scope, 'openid profile');
      });

      it(`of ${CONCURRENCY} concurrent takes of one id, exactly one gets the request`, async () => {
        await stores.pushedRequests.put('urn:req:race', request(), 60);
        const results = await Promise.all(Array.from({ length: CONCURRENCY }, (_, i) => instance(i).pushedRequests.take('urn:req:race')));
        assert.equal(results.filter((r) => r !== undefined).length, 1);
      });
    });

    describe('journeys', () => {
      it('create (expected revision null) returns revision 1 and get reads it back', async () => {
        assert.equal(await stores.journeys.put('j1', 'sealed-1', null, 600), 1);
        assert.deepEqual(await stores.journeys.get('j1'), { value: 'sealed-1', revision: 1 });
      });

      it('get of an unknown id is undefined', async () => {
        assert.equal(await stores.journeys.get('j-unknown'), undefined);
      });

      it('create fails when the id exists and leaves the stored journey alone', async () => {
        await stores.journeys.put('j1', 'first', null, 600);
        assert.equal(await stores.journeys.put('j1', 'second', null, 600), false);
        assert.deepEqual(await stores.journeys.get('j1'), { value: 'first', revision: 1 });
      });

      it('put with the current revision writes the value and bumps the revision', async () => {
        await stores.journeys.put('j1', 'v1', null, 600);
        assert.equal(await stores.journeys.put('j1', 'v2', 1, 600), 2);
        assert.equal(await stores.journeys.put('j1', 'v3', 2, 600), 3);
        assert.deepEqual(await stores.journeys.get('j1'), { value: 'v3', revision: 3 });
      });

      it('put with a stale revision returns false and leaves the stored journey alone', async () => {
        await stores.journeys.put('j1', 'v1', null, 600);
        await stores.journeys.put('j1', 'v2', 1, 600);
        assert.equal(await stores.journeys.put('j1', 'stale', 1, 600), false);
        assert.deepEqual(await stores.journeys.get('j1'), { value: 'v2', revision: 2 });
      });

      it('put with a revision for an id that does not exist returns false and creates nothing', async () => {
        assert.equal(await stores.journeys.put('j-missing', 'v', 1, 600), false);
        assert.equal(await stores.journeys.get('j-missing'), undefined);
      });

      it(`of ${CONCURRENCY} concurrent puts from the same revision, exactly one wins and its value is stored`, async () => {
        await stores.journeys.put('j-race', 'v1', null, 600);
        const results = await Promise.all(
          Array.from({ length: CONCURRENCY }, (_, i) => instance(i).journeys.put('j-race', `writer-${i}`, 1, 600)),
        );
        const winners = results.flatMap((r, i) => (r === false ? [] : [{ i, r }]));
        assert.equal(winners.length, 1);
        assert.equal(winners[0]!.r, 2);
        assert.deepEqual(await stores.journeys.get('j-race'), { value: `writer-${winners[0]!.i}`, revision: 2 });
      });

      it(`of ${CONCURRENCY} concurrent creates of one id, exactly one wins`, async () => {
        const results = await Promise.all(
          Array.from({ length: CONCURRENCY }, (_, i) => instance(i).journeys.put('j-create-race', `creator-${i}`, null, 600)),
        );
        assert.deepEqual(
          results.filter((r) => r !== false),
          [1],
        );
      });

      it('delete removes the journey', async () => {
        await stores.journeys.put('j1', 'v1', null, 600);
        await stores.journeys.delete('j1');
        assert.equal(await stores.journeys.get('j1'), undefined);
        assert.equal(await stores.journeys.put('j1', 'again', 1, 600), false);
      });

      it('delete of an unknown id resolves quietly', async () => {
        assert.equal(await stores.journeys.delete('j-unknown'), undefined);
      });

      it('a journey expires after its ttl on the injected clock and can then be created afresh', async () => {
        await stores.journeys.put('j1', 'v1', null, 600);
        clock.advance(600 * SECOND - 1);
        assert.notEqual(await stores.journeys.get('j1'), undefined);
        clock.advance(1);
        assert.equal(await stores.journeys.get('j1'), undefined);
        assert.equal(await stores.journeys.put('j1', 'stale', 1, 600), false);
        assert.equal(await stores.journeys.put('j1', 'fresh', null, 600), 1);
        assert.deepEqual(await stores.journeys.get('j1'), { value: 'fresh', revision: 1 });
      });

      it('each successful put restarts the ttl', async () => {
        await stores.journeys.put('j1', 'v1', null, 600);
        clock.advance(500 * SECOND);
        assert.equal(await stores.journeys.put('j1', 'v2', 1, 600), 2);
        clock.advance(500 * SECOND);
        assert.deepEqual(await stores.journeys.get('j1'), { value: 'v2', revision: 2 });
      });
    });

    describe('sessions', () => {
      const session = (overrides: Partial<Session> = {}): Session => ({
        id: 's1',
        sub: 'user-1',
        createdAt: clock.now(),
        lastSeenAt: clock.now(),
        idleSeconds: 300,
        expiresAt: clock.now() + 3600 * SECOND,
        authTime: clock.now(),
        acr: 'urn:waymark:acr:mfa',
        amr: ['pwd', 'otp'],
        clientId: 'client-a',
        data: { device: { trusted: true }, risk: 12 },
        ...overrides,
      });

      it('get returns exactly what put stored', async () => {
        const s = session();
        await stores.sessions.put(s);
        assert.deepEqual(await stores.sessions.get('s1'), s);
      });

      it('get of an unknown id is undefined', async () => {
        assert.equal(await stores.sessions.get('s-unknown'), undefined);
      });

      it('a session dies idleSeconds after lastSeenAt', async () => {
        await stores.sessions.put(session());
        clock.advance(300 * SECOND - 1);
        assert.notEqual(await stores.sessions.get('s1'), undefined);
        clock.advance(1);
        assert.equal(await stores.sessions.get('s1'), undefined);
      });

      it('touching (put with a later lastSeenAt) extends the idle deadline', async () => {
        await stores.sessions.put(session());
        clock.advance(200 * SECOND);
        const current = (await stores.sessions.get('s1'))!;
        await stores.sessions.put({ ...current, lastSeenAt: clock.now() });
        clock.advance(250 * SECOND); // 450 s after creation: past the first idle deadline
        assert.notEqual(await stores.sessions.get('s1'), undefined);
        clock.advance(50 * SECOND);
        assert.equal(await stores.sessions.get('s1'), undefined);
      });

      it('touching never keeps a session past expiresAt (max lifetime)', async () => {
        await stores.sessions.put(session({ expiresAt: clock.now() + 600 * SECOND }));
        for (const step of [240, 240]) {
          clock.advance(step * SECOND);
          const current = (await stores.sessions.get('s1'))!;
          assert.notEqual(current, undefined);
          await stores.sessions.put({ ...current, lastSeenAt: clock.now() });
        }
        clock.advance(120 * SECOND - 1); // 599.999 s: idle deadline is 780 s, max lifetime 600 s
        assert.notEqual(await stores.sessions.get('s1'), undefined);
        clock.advance(1);
        assert.equal(await stores.sessions.get('s1'), undefined);
      });

      it('putting a session already past its max lifetime leaves no live session', async () => {
        await stores.sessions.put(session());
        await stores.sessions.put(session({ expiresAt: clock.now() }));
        assert.equal(await stores.sessions.get('s1'), undefined);
      });

      it('put replaces the session with that id', async () => {
        await stores.sessions.put(session());
        await stores.sessions.put(session({ sub: 'user-2', data: { replaced: true } }));
        const got = await stores.sessions.get('s1');
        assert.equal(got?.sub, 'user-2');
        assert.deepEqual(got?.data, { replaced: true });
      });

      it('delete removes the session', async () => {
        await stores.sessions.put(session());
        await stores.sessions.delete('s1');
        assert.equal(await stores.sessions.get('s1'), undefined);
      });

      it('a session read back is a copy: mutating it does not change what is stored', async () => {
        await stores.sessions.put(session());
        const read = (await stores.sessions.get('s1'))!;
        read.amr!.push('hacked');
        (read.data as { risk: number }).risk = 99;
        const again = await stores.sessions.get('s1');
        assert.deepEqual(again?.amr, ['pwd', 'otp']);
        assert.deepEqual(again?.data, { device: { trusted: true }, risk: 12 });
      });
    });

    describe('transactions', () => {
      const match = { sub: 'user-1', resource: 'payments:acct-9', action: 'transfer' };
      const tx = (overrides: Partial<Transaction> = {}): Transaction => ({
        id: 't1',
        ...match,
        status: 'pending',
        createdAt: clock.now(),
        expiresAt: clock.now() + 300 * SECOND,
        data: { amount: 125.5, currency: 'EUR' },
        ...overrides,
      });

      it('get returns exactly what create stored', async () => {
        const t = tx();
        await stores.transactions.create(t);
        assert.deepEqual(await stores.transactions.get('t1'), t);
      });

      it('get of an unknown id is undefined', async () => {
        assert.equal(await stores.transactions.get('t-unknown'), undefined);
      });

      it('a transaction expires at expiresAt on the injected clock', async () => {
        await stores.transactions.create(tx());
        clock.advance(300 * SECOND - 1);
        assert.notEqual(await stores.transactions.get('t1'), undefined);
        clock.advance(1);
        assert.equal(await stores.transactions.get('t1'), undefined);
      });

      it('markAuthenticated moves pending to authenticated', async () => {
        await stores.transactions.create(tx());
        assert.equal(await stores.transactions.markAuthenticated('t1'), true);
        assert.deepEqual(await stores.transactions.get('t1'), tx({ status: 'authenticated' }));
      });

      it('markAuthenticated works only from pending: a second call returns false', async () => {
        await stores.transactions.create(tx());
        await stores.transactions.markAuthenticated('t1');
        assert.equal(await stores.transactions.markAuthenticated('t1'), false);
      });

      it('markAuthenticated of an unknown id returns false', async () => {
        assert.equal(await stores.transactions.markAuthenticated('t-unknown'), false);
      });

      it('markAuthenticated of an expired transaction returns false', async () => {
        await stores.transactions.create(tx());
        clock.advance(300 * SECOND);
        assert.equal(await stores.transactions.markAuthenticated('t1'), false);
        assert.equal(await stores.transactions.get('t1'), undefined);
      });

      it('consume returns the authenticated transaction once and deletes it', async () => {
        await stores.transactions.create(tx());
        await stores.transactions.markAuthenticated('t1');
        assert.deepEqual(await stores.transactions.consume('t1', match), tx({ status: 'authenticated' }));
        assert.equal(await stores.transactions.get('t1'), undefined);
        assert.equal(await stores.transactions.consume('t1', match), undefined);
      });

      it('consume of a pending transaction gets nothing and leaves it in place', async () => {
        await stores.transactions.create(tx());
        assert.equal(await stores.transactions.consume('t1', match), undefined);
        assert.deepEqual(await stores.transactions.get('t1'), tx());
      });

      it('consume of an unknown id gets nothing', async () => {
        assert.equal(await stores.transactions.consume('t-unknown', match), undefined);
      });

      for (const [field, wrong] of [
        ['subject', { ...match, sub: 'user-2' }],
        ['resource', { ...match, resource: 'payments:acct-10' }],
        ['action', { ...match, action: 'read' }],
      ] as const) {
        it(`a consumer with a different ${field} gets nothing and does not destroy the transaction`, async () => {
          await stores.transactions.create(tx());
          await stores.transactions.markAuthenticated('t1');
          assert.equal(await stores.transactions.consume('t1', wrong), undefined);
          assert.deepEqual(await stores.transactions.get('t1'), tx({ status: 'authenticated' }));
          assert.notEqual(await stores.transactions.consume('t1', match), undefined);
        });
      }

      it('consume of an authenticated but expired transaction gets nothing', async () => {
        await stores.transactions.create(tx());
        await stores.transactions.markAuthenticated('t1');
        clock.advance(300 * SECOND);
        assert.equal(await stores.transactions.consume('t1', match), undefined);
      });

      it(`of ${CONCURRENCY} concurrent consumers, exactly one gets the transaction`, async () => {
        await stores.transactions.create(tx());
        await stores.transactions.markAuthenticated('t1');
        const results = await Promise.all(Array.from({ length: CONCURRENCY }, (_, i) => instance(i).transactions.consume('t1', match)));
        assert.equal(results.filter((r) => r !== undefined).length, 1);
      });

      it('of concurrent matching and mismatching consumers, only one matching consumer gets it', async () => {
        await stores.transactions.create(tx());
        await stores.transactions.markAuthenticated('t1');
        const calls = Array.from({ length: CONCURRENCY }, (_, i) => {
          const wrong = i % 2 === 0;
          const m = wrong ? { ...match, sub: `attacker-${i}` } : match;
          return instance(i)
            .transactions.consume('t1', m)
            .then((r) => ({ wrong, got: r !== undefined }));
        });
        const results = await Promise.all(calls);
        assert.deepEqual(
          results.filter((r) => r.got),
          [{ wrong: false, got: true }],
        );
      });
    });

    describe('counters', () => {
      it('increment returns the running count and get reads it', async () => {
        assert.equal(await stores.counters.increment('login:alice', 60), 1);
        assert.equal(await stores.counters.increment('login:alice', 60), 2);
        assert.equal(await stores.counters.increment('login:alice', 60), 3);
        assert.equal(await stores.counters.get('login:alice'), 3);
      });

      it('get of a key never incremented is 0', async () => {
        assert.equal(await stores.counters.get('login:nobody'), 0);
      });

      it('counters with different keys are independent', async () => {
        await stores.counters.increment('login:alice', 60);
        await stores.counters.increment('login:alice', 60);
        assert.equal(await stores.counters.increment('login:bob', 60), 1);
      });

      it('the window starts at the first increment and later increments do not slide it', async () => {
        await stores.counters.increment('ip:1', 60);
        clock.advance(30 * SECOND);
        assert.equal(await stores.counters.increment('ip:1', 60), 2);
        clock.advance(30 * SECOND - 1);
        assert.equal(await stores.counters.increment('ip:1', 60), 3);
        clock.advance(1);
        assert.equal(await stores.counters.get('ip:1'), 0);
      });

      it('after the window ends the count starts again at 1 in a new window', async () => {
        await stores.counters.increment('ip:1', 60);
        await stores.counters.increment('ip:1', 60);
        clock.advance(60 * SECOND);
        assert.equal(await stores.counters.increment('ip:1', 60), 1);
        clock.advance(60 * SECOND - 1);
        assert.equal(await stores.counters.get('ip:1'), 1);
        clock.advance(1);
        assert.equal(await stores.counters.get('ip:1'), 0);
      });

      it('reset sets the count back to 0', async () => {
        await stores.counters.increment('ip:1', 60);
        await stores.counters.increment('ip:1', 60);
        await stores.counters.reset('ip:1');
        assert.equal(await stores.counters.get('ip:1'), 0);
        assert.equal(await stores.counters.increment('ip:1', 60), 1);
      });

      it(`${CONCURRENCY} concurrent increments each get a distinct count, 1 to ${CONCURRENCY}`, async () => {
        const results = await Promise.all(Array.from({ length: CONCURRENCY }, (_, i) => instance(i).counters.increment('burst', 60)));
        assert.deepEqual(
          [...results].sort((a, b) => a - b),
          Array.from({ length: CONCURRENCY }, (_, i) => i + 1),
        );
        assert.equal(await stores.counters.get('burst'), CONCURRENCY);
      });
    });

    describe('key-value', () => {
      const samples: [string, JsonValue][] = [
        ['an object', { devices: [{ id: 'd1', seen: 1767225600000 }], score: 0.25, note: 'ü "quoted" \n' }],
        ['an array', [1, 'two', null, false]],
        ['a string', 'plain'],
        ['a number', 42.5],
        ['a boolean', false],
        ['null', null],
      ];
      for (const [label, value] of samples) {
        it(`get returns ${label} exactly as set`, async () => {
          await stores.kv.set('k', value);
          assert.deepEqual(await stores.kv.get('k'), value);
        });
      }

      it('get of an unknown key is undefined', async () => {
        assert.equal(await stores.kv.get('k-unknown'), undefined);
      });

      it('set replaces the value', async () => {
        await stores.kv.set('k', { v: 1 });
        await stores.kv.set('k', { v: 2 });
        assert.deepEqual(await stores.kv.get('k'), { v: 2 });
      });

      it('delete removes the key', async () => {
        await stores.kv.set('k', 'x');
        await stores.kv.delete('k');
        assert.equal(await stores.kv.get('k'), undefined);
      });

      it('a value with a ttl expires on the injected clock', async () => {
        await stores.kv.set('k', 'x', 60);
        clock.advance(60 * SECOND - 1);
        assert.equal(await stores.kv.get('k'), 'x');
        clock.advance(1);
        assert.equal(await stores.kv.get('k'), undefined);
      });

      it('a value without a ttl does not expire', async () => {
        await stores.kv.set('k', 'x');
        clock.advance(400 * 24 * 3600 * SECOND);
        assert.equal(await stores.kv.get('k'), 'x');
      });

      it('setting again without a ttl drops the earlier ttl', async () => {
        await stores.kv.set('k', 'x', 60);
        await stores.kv.set('k', 'y');
        clock.advance(120 * SECOND);
        assert.equal(await stores.kv.get('k'), 'y');
      });

      it('values are copies: mutating the input after set or the output after get changes nothing stored', async () => {
        const input = { list: [1, 2], nested: { a: 'b' } };
        await stores.kv.set('k', input);
        input.list.push(3);
        const output = (await stores.kv.get('k')) as { list: number[]; nested: { a: string } };
        output.nested.a = 'mutated';
        assert.deepEqual(await stores.kv.get('k'), { list: [1, 2], nested: { a: 'b' } });
      });
    });
  });
}
