import assert from 'node:assert/strict';
import type { AuditEvent, AuditStore, JourneyLogStore, JourneyRecord } from '@waymark/sdk';
import type { TestClock } from './test-clock.js';
import { testFunctions, type TestRunner } from './test-runner.js';

/** The bounds the suites ask a store to be built with. */
export interface ControlStoreBounds {
  capacity: number;
  retentionSeconds: number;
}

/** What the audit and journey log suites run against: a fresh, empty store built on `clock` with the bounds asked for. */
export interface ControlConformanceSubject<S> {
  store: S;
  /** The clock the store was built on; the suites move it (use `testClock()`). */
  clock: Pick<TestClock, 'now' | 'advance'>;
  /** Removes what the test wrote (called after each test, even a failed one). */
  cleanup(): Promise<void>;
}

const SECOND = 1000;

function hooks(runner: TestRunner | undefined, what: string) {
  return testFunctions(
    runner,
    ['describe', 'it', 'beforeEach', 'afterEach'],
    `${what}(name, factory, { describe, it, beforeEach, afterEach })`,
  );
}

/** Every page of a query, in order. */
async function allPages<T>(fetch: (cursor: string | undefined) => Promise<{ items: T[]; next?: string }>): Promise<T[][]> {
  const pages: T[][] = [];
  let cursor: string | undefined;
  for (let i = 0; i < 1000; i++) {
    const page = await fetch(cursor);
    pages.push(page.items);
    if (page.next === undefined) return pages;
    cursor = page.next;
  }
  throw new Error('the query never ended: its cursor keeps returning pages');
}

/**
 * The `AuditStore` conformance suite: written once, run against memory (`MemoryAuditStore` of
 * @waymark/core), Redis (`RedisAuditStore` of @waymark/redis) and any other implementation.
 * `factory(bounds)` gives a fresh, empty store holding at most about `bounds.capacity` events
 * (an approximate cap, as Redis's `MAXLEN ~`, may keep a few more, never fewer) and none older
 * than `bounds.retentionSeconds` on the given clock.
 *
 * @example
 * auditStoreConformance('memory', async ({ capacity, retentionSeconds }) => {
 *   const clock = testClock();
 *   return { store: new MemoryAuditStore({ capacity, retentionSeconds, clock }), clock, cleanup: async () => {} };
 * }, jest);
 */
export function auditStoreConformance(
  name: string,
  factory: (bounds: ControlStoreBounds) => Promise<ControlConformanceSubject<AuditStore>>,
  runner?: TestRunner,
): void {
  const { describe, it, beforeEach, afterEach } = hooks(runner, 'auditStoreConformance');
  const bounds: ControlStoreBounds = { capacity: 50, retentionSeconds: 3600 };
  describe(`audit store conformance: ${name}`, () => {
    let subject: ControlConformanceSubject<AuditStore> | undefined;
    let store: AuditStore;
    let seq = 0;
    const event = (fields: Partial<AuditEvent> = {}): AuditEvent => {
      const time = subject!.clock.now();
      return { id: `${time}-${seq++}`, time, type: 'journey.ended', outcome: 'success', ...fields };
    };

    beforeEach(async () => {
      subject = await factory(bounds);
      store = subject.store;
    });
    afterEach(async () => {
      await subject?.cleanup();
    });

    it('query returns exactly what append kept, oldest first', async () => {
      const a = event({
        requestId: 'r1',
        sub: 'alice',
        client_id: 'web',
        flow: 'login@2',
        node: 'verify',
        code: 'ERR_JOURNEY_FAILED',
        reason: 'password',
        ip: '203.0.113.9',
        userAgent: 'UA',
        journeyId: 'j1',
      });
      subject!.clock.advance(SECOND);
      const b = event({ type: 'par.accepted', outcome: 'accepted' });
      await store.append(a);
      await store.append(b);
      assert.deepEqual((await store.query({})).events, [a, b]);
    });

    it('filters by time range [from, to), type, outcome, sub, client_id and request id', async () => {
      const before = event({ outcome: 'failure' });
      subject!.clock.advance(10 * SECOND);
      const t1 = subject!.clock.now();
      const inside = [
        event({ outcome: 'failure', sub: 'alice', client_id: 'web', requestId: 'q1' }),
        event({ outcome: 'success', sub: 'bob' }),
      ];
      subject!.clock.advance(5 * SECOND);
      const other = event({ type: 'par.refused', outcome: 'failure' });
      const last = event({ outcome: 'failure', sub: 'carol', client_id: 'app' });
      subject!.clock.advance(5 * SECOND);
      const t2 = subject!.clock.now();
      const after = event({ outcome: 'failure' });
      for (const e of [before, ...inside, other, last, after]) await store.append(e);
      const failedLogins = await store.query({ type: 'journey.ended', outcome: 'failure', from: t1, to: t2 });
      assert.deepEqual(failedLogins.events, [inside[0], last]);
      assert.deepEqual((await store.query({ from: t2 })).events, [after], 'from is inclusive');
      assert.deepEqual((await store.query({ to: t1 })).events, [before], 'to is exclusive');
      assert.deepEqual((await store.query({ sub: 'bob' })).events, [inside[1]]);
      assert.deepEqual((await store.query({ client_id: 'app' })).events, [last]);
      assert.deepEqual((await store.query({ requestId: 'q1' })).events, [inside[0]]);
      assert.deepEqual((await store.query({ type: 'par.refused' })).events, [other]);
    });

    it('pages with limit and cursor: every matching event once, in order, and no cursor after the last page', async () => {
      const all: AuditEvent[] = [];
      for (let i = 0; i < 23; i++) {
        subject!.clock.advance(SECOND);
        const e = event({ outcome: i % 2 === 0 ? 'failure' : 'success' });
        all.push(e);
        await store.append(e);
      }
      const pages = await allPages(async (cursor) => {
        const page = await store.query({ outcome: 'failure', limit: 5, ...(cursor !== undefined ? { cursor } : {}) });
        return { items: page.events, ...(page.next !== undefined ? { next: page.next } : {}) };
      });
      assert.deepEqual(
        pages.map((p) => p.length),
        [5, 5, 2],
      );
      assert.deepEqual(
        pages.flat(),
        all.filter((e) => e.outcome === 'failure'),
      );
    });

    it('is bounded in count: the oldest events go first', async () => {
      const total = bounds.capacity * 6;
      const all: AuditEvent[] = [];
      for (let i = 0; i < total; i++) {
        const e = event({ requestId: `n${i}` });
        all.push(e);
        await store.append(e);
      }
      const kept = (
        await allPages(async (cursor) => {
          const page = await store.query({ limit: 1000, ...(cursor !== undefined ? { cursor } : {}) });
          return { items: page.events, ...(page.next !== undefined ? { next: page.next } : {}) };
        })
      ).flat();
      assert.ok(kept.length >= bounds.capacity, `keeps at least its capacity (${kept.length})`);
      assert.ok(kept.length < total, `drops old events (kept ${kept.length} of ${total})`);
      assert.deepEqual(kept, all.slice(total - kept.length), 'what it keeps are the newest, in order');
    });

    it('is bounded in time: events past the retention time are no longer returned', async () => {
      const old = event({ requestId: 'old' });
      await store.append(old);
      subject!.clock.advance(bounds.retentionSeconds * SECOND + SECOND);
      const fresh = event({ requestId: 'fresh' });
      await store.append(fresh);
      assert.deepEqual((await store.query({})).events, [fresh]);
    });
  });
}

/**
 * The `JourneyLogStore` conformance suite, as {@link auditStoreConformance}: `factory(bounds)`
 * gives a fresh, empty store that keeps at most `bounds.capacity` journeys (the least recently
 * recorded go first) and finished ones for `bounds.retentionSeconds` after they ended.
 */
export function journeyLogConformance(
  name: string,
  factory: (bounds: ControlStoreBounds) => Promise<ControlConformanceSubject<JourneyLogStore>>,
  runner?: TestRunner,
): void {
  const { describe, it, beforeEach, afterEach } = hooks(runner, 'journeyLogConformance');
  const bounds: ControlStoreBounds = { capacity: 20, retentionSeconds: 3600 };
  describe(`journey log conformance: ${name}`, () => {
    let subject: ControlConformanceSubject<JourneyLogStore> | undefined;
    let store: JourneyLogStore;
    const journey = (id: string, fields: Partial<JourneyRecord> = {}): JourneyRecord => {
      const now = subject!.clock.now();
      return {
        id,
        flowId: 'login',
        flowVersion: 1,
        status: 'live',
        startedAt: now,
        updatedAt: now,
        node: 'collect',
        trace: [{ node: 'collect', type: 'credentials.collect', outcome: 'suspended', ms: 0.5 }],
        ...fields,
      };
    };
    const finished = (id: string, fields: Partial<JourneyRecord> = {}): JourneyRecord => {
      const now = subject!.clock.now();
      return journey(id, {
        status: 'failure',
        code: 'ERR_NODE_FAILED',
        reason: 'thrown',
        node: 'verify',
        endedAt: now,
        trace: [
          { node: 'collect', type: 'credentials.collect', outcome: 'collected', ms: 0.25 },
          { node: 'verify', type: 'credentials.verify', outcome: 'error', ms: 3, reason: 'thrown', code: 'ERR_NODE_FAILED' },
        ],
        ...fields,
      });
    };
    const everything = async (query: Parameters<JourneyLogStore['query']>[0] = {}) =>
      (
        await allPages(async (cursor) => {
          const page = await store.query({ ...query, ...(cursor !== undefined ? { cursor } : {}) });
          return { items: page.journeys, ...(page.next !== undefined ? { next: page.next } : {}) };
        })
      ).flat();

    beforeEach(async () => {
      subject = await factory(bounds);
      store = subject.store;
    });
    afterEach(async () => {
      await subject?.cleanup();
    });

    it('get returns exactly what record kept; a later record of the same id replaces it (live, then finished)', async () => {
      const live = journey('j1', { client_id: 'web', requestId: 'r1' });
      await store.record(live);
      assert.deepEqual(await store.get('j1'), live);
      subject!.clock.advance(SECOND);
      const done = finished('j1', { client_id: 'web', sub: 'alice', requestId: 'r2', startedAt: live.startedAt });
      await store.record(done);
      assert.deepEqual(await store.get('j1'), done);
      assert.deepEqual(await everything(), [done]);
      assert.equal(await store.get('nope'), undefined);
    });

    it('filters by status, flow, client, subject and code, in update order', async () => {
      const a = finished('a', { client_id: 'web', sub: 'alice' });
      const b = journey('b', { client_id: 'app', flowId: 'handoff' });
      const { code: _code, reason: _reason, ...succeeded } = finished('c', { status: 'success', client_id: 'web', sub: 'bob' });
      const c: JourneyRecord = succeeded;
      for (const j of [a, b, c]) await store.record(j);
      assert.deepEqual(await everything({ status: 'failure' }), [a]);
      assert.deepEqual(await everything({ flowId: 'handoff' }), [b]);
      assert.deepEqual(await everything({ client_id: 'web' }), [a, c]);
      assert.deepEqual(await everything({ sub: 'bob' }), [c]);
      assert.deepEqual(await everything({ code: 'ERR_NODE_FAILED' }), [a]);
    });

    it('pages with limit and cursor: every journey once, and no cursor after the last page', async () => {
      for (let i = 0; i < 12; i++) await store.record(journey(`j${i}`));
      const pages = await allPages(async (cursor) => {
        const page = await store.query({ limit: 5, ...(cursor !== undefined ? { cursor } : {}) });
        return { items: page.journeys, ...(page.next !== undefined ? { next: page.next } : {}) };
      });
      assert.deepEqual(
        pages.map((p) => p.length),
        [5, 5, 2],
      );
      assert.deepEqual(
        pages.flat().map((j) => j.id),
        Array.from({ length: 12 }, (_, i) => `j${i}`),
      );
    });

    it('is bounded in count: the least recently recorded go first', async () => {
      await store.record(journey('kept'));
      for (let i = 0; i < bounds.capacity - 1; i++) await store.record(journey(`old${i}`));
      // Recorded again (it finished): now the most recent, so it outlives the others.
      await store.record(finished('kept'));
      for (let i = 0; i < 5; i++) await store.record(journey(`new${i}`));
      const ids = (await everything()).map((j) => j.id);
      assert.equal(ids.length, bounds.capacity);
      assert.ok(ids.includes('kept'));
      assert.equal(await store.get('old0'), undefined);
      assert.ok(ids.includes('new4'));
    });

    it('is bounded in time: a finished journey goes after the retention time, a live one stays', async () => {
      await store.record(finished('done'));
      await store.record(journey('waiting'));
      subject!.clock.advance(bounds.retentionSeconds * SECOND + SECOND);
      assert.equal(await store.get('done'), undefined);
      assert.deepEqual(
        (await everything()).map((j) => j.id),
        ['waiting'],
      );
    });
  });
}
