import * as jest from '@jest/globals';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { connectRedis, RedisAuditStore, RedisJourneyLogStore } from '@waymark/redis';
import { auditStoreConformance, journeyLogConformance, testClock } from '@waymark/testing';
import { startRedisServer, type RedisServer } from '../../../test/support/redis-server.js';
import { deleteByPrefix, keysUnder } from './support/redis-keys.js';

let server: RedisServer;
let client: Redis;

beforeAll(async () => {
  server = await startRedisServer();
  client = await connectRedis(server.url);
});
afterAll(async () => {
  await client?.quit();
  await server?.dispose();
});

const freshPrefix = (): string => `test:${randomUUID()}:`;

/** Script calls (EVALSHA and EVAL) the server has run so far: one each per round trip of the stores. */
async function scriptCalls(): Promise<number> {
  const stats = await client.info('commandstats');
  const calls = (name: string) => Number(new RegExp(`cmdstat_${name}:calls=(\\d+)`).exec(stats)?.[1] ?? 0);
  return calls('evalsha') + calls('eval');
}

auditStoreConformance(
  'redis',
  async ({ capacity, retentionSeconds }) => {
    const clock = testClock(Date.now());
    const prefix = freshPrefix();
    return {
      store: new RedisAuditStore({ redis: client, prefix, clock, capacity, retentionSeconds }),
      clock,
      cleanup: () => deleteByPrefix(client, prefix),
    };
  },
  jest,
);

journeyLogConformance(
  'redis',
  async ({ capacity, retentionSeconds }) => {
    const clock = testClock(Date.now());
    const prefix = freshPrefix();
    return {
      store: new RedisJourneyLogStore({ redis: client, prefix, clock, capacity, retentionSeconds }),
      clock,
      cleanup: () => deleteByPrefix(client, prefix),
    };
  },
  jest,
);

describe('RedisAuditStore on Redis', () => {
  it('keeps events in one capped stream, <prefix>{audit}:stream, trimmed by MAXLEN ~ as it grows', async () => {
    const prefix = freshPrefix();
    const clock = testClock(Date.now());
    const store = new RedisAuditStore({ redis: client, prefix, clock, capacity: 100 });
    for (let i = 0; i < 1000; i++) await store.append({ id: `e${i}`, time: clock.now(), type: 'par.accepted', outcome: 'accepted' });
    expect(await keysUnder(client, prefix)).toEqual([`${prefix}{audit}:stream`]);
    const length = await client.xlen(`${prefix}{audit}:stream`);
    expect(length).toBeGreaterThanOrEqual(100);
    expect(length).toBeLessThanOrEqual(300);
    await deleteByPrefix(client, prefix);
  });

  it('a process whose clock runs behind still appends (ids only grow) and its event keeps its own time', async () => {
    const prefix = freshPrefix();
    const ahead = new RedisAuditStore({ redis: client, prefix, clock: testClock(Date.now()) });
    const behind = new RedisAuditStore({ redis: client, prefix, clock: testClock(Date.now()) });
    const now = Date.now();
    await ahead.append({ id: 'a', time: now + 5000, type: 'par.accepted', outcome: 'accepted' });
    await behind.append({ id: 'b', time: now, type: 'par.accepted', outcome: 'accepted' });
    expect((await ahead.query({})).events.map((e) => [e.id, e.time])).toEqual([
      ['a', now + 5000],
      ['b', now],
    ]);
    await deleteByPrefix(client, prefix);
  });

  it('the appends of one event-loop turn go in one script call (one round trip), in order, each event once', async () => {
    const prefix = freshPrefix();
    const clock = testClock(Date.now());
    const store = new RedisAuditStore({ redis: client, prefix, clock });
    const before = await scriptCalls();
    // A clock behind the last event within the batch: ids still only grow, each event keeps its time.
    const times = Array.from({ length: 40 }, (_, i) => clock.now() + (i === 7 ? -3000 : i));
    await Promise.all(times.map((time, i) => store.append({ id: `e${i}`, time, type: 'par.accepted', outcome: 'accepted' })));
    expect((await scriptCalls()) - before).toBe(1);
    const { events } = await store.query({});
    expect(events.map((e) => [e.id, e.time])).toEqual(times.map((time, i) => [`e${i}`, time]));
    await deleteByPrefix(client, prefix);
  });

  it('refuses bad options with ERR_CONFIG_INVALID naming the option', () => {
    expect(() => new RedisAuditStore({ redis: client, capacity: 0 })).toThrow(expect.objectContaining({ code: 'ERR_CONFIG_INVALID' }));
    expect(() => new RedisJourneyLogStore({ redis: client, prefix: 'a{b}' })).toThrow(/prefix/);
  });
});

describe('RedisJourneyLogStore on Redis', () => {
  it('the records of one event-loop turn go in one script call (one round trip); a journey recorded twice keeps its last record', async () => {
    const prefix = freshPrefix();
    const clock = testClock(Date.now());
    const store = new RedisJourneyLogStore({ redis: client, prefix, clock });
    const record = (id: string, status: 'live' | 'success') => ({
      id,
      flowId: 'login',
      flowVersion: 1,
      status,
      startedAt: clock.now(),
      updatedAt: clock.now(),
      trace: [],
      ...(status === 'success' ? { endedAt: clock.now() } : {}),
    });
    const before = await scriptCalls();
    await Promise.all([
      ...Array.from({ length: 10 }, (_, i) => store.record(record(`j${i}`, 'live'))),
      store.record(record('j3', 'success')),
    ]);
    expect((await scriptCalls()) - before).toBe(1);
    const { journeys } = await store.query({});
    expect(journeys).toHaveLength(10);
    expect((await store.get('j3'))?.status).toBe('success');
    await deleteByPrefix(client, prefix);
  });
});
