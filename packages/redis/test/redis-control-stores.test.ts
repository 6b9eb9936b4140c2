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

  it('refuses bad options with ERR_CONFIG_INVALID naming the option', () => {
    expect(() => new RedisAuditStore({ redis: client, capacity: 0 })).toThrow(expect.objectContaining({ code: 'ERR_CONFIG_INVALID' }));
    expect(() => new RedisJourneyLogStore({ redis: client, prefix: 'a{b}' })).toThrow(/prefix/);
  });
});
