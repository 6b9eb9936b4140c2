import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { connectRedis, createRedisStores } from '@waymark/redis';
import type { RedisStores } from '@waymark/redis';
import { testClock as manualClock, storeConformance } from '@waymark/testing';
import { startRedisServer } from '../../../test/support/redis-server.js';
import type { RedisServer } from '../../../test/support/redis-server.js';
import { deleteByPrefix, keysUnder } from './support/redis-keys.js';

let server: RedisServer;
let client: Redis;
let peerClient: Redis;

beforeAll(async () => {
  server = await startRedisServer();
  client = await connectRedis(server.url);
  // A second connection stands for a second engine instance behind the load balancer.
  peerClient = await connectRedis(server.url);
});

afterAll(async () => {
  await Promise.all([client?.quit(), peerClient?.quit()]);
  await server?.dispose();
});

const freshPrefix = (): string => `test:${randomUUID()}:`;

storeConformance('redis', async () => {
  // The suite's clock starts at real time but only moves when told: the stores must judge
  // expiry by it, not by Redis's own TTLs.
  const clock = manualClock(Date.now());
  const prefix = freshPrefix();
  return {
    stores: createRedisStores({ redis: client, prefix, clock }),
    clock,
    peers: [createRedisStores({ redis: peerClient, prefix, clock })],
    cleanup: () => deleteByPrefix(client, prefix),
  };
});

describe('redis key layout', () => {
  let stores: RedisStores;
  let prefix: string;
  const clock = manualClock(Date.now());
  beforeAll(() => {
    prefix = freshPrefix();
    stores = createRedisStores({ redis: client, prefix, clock });
  });

  it('every store writes one key <prefix>{<id>}:<kind>, the id as Cluster hash tag', async () => {
    const now = clock.now();
    await stores.pushedRequests.put('r1', { clientId: 'c', params: {}, ip: '::1', createdAt: now, expiresAt: now + 60_000 }, 60);
    await stores.journeys.put('j1', 'sealed', null, 600);
    await stores.sessions.put({
      id: 's1',
      sub: 'u',
      createdAt: now,
      lastSeenAt: now,
      idleSeconds: 60,
      expiresAt: now + 3_600_000,
      authTime: now,
    });
    await stores.transactions.create({
      id: 't1',
      sub: 'u',
      resource: 'r',
      action: 'a',
      status: 'pending',
      createdAt: now,
      expiresAt: now + 60_000,
    });
    await stores.counters.increment('login:u', 60);
    await stores.kv.set('device:u', { known: true });
    expect(await keysUnder(client, prefix)).toEqual(
      [`{r1}:par`, `{j1}:journey`, `{s1}:session`, `{t1}:tx`, `{login:u}:counter`, `{device:u}:kv`].map((k) => prefix + k).sort(),
    );
  });

  it('the default prefix is waymark:', async () => {
    const id = randomUUID();
    const defaults = createRedisStores({ redis: client, clock });
    await defaults.journeys.put(id, 'v', null, 60);
    try {
      expect(await client.exists(`waymark:{${id}}:journey`)).toBe(1);
    } finally {
      await defaults.journeys.delete(id);
    }
  });

  it('values are stored as compact JSON, byte for byte what JSON.stringify gives', async () => {
    const value = { nested: { list: [1, 2, 3], text: 'a b' }, n: 1767225600000.5 };
    await stores.kv.set('compact', value);
    expect(await client.hget(`${prefix}{compact}:kv`, 'v')).toBe(JSON.stringify(value));
  });

  it('Redis TTLs are set as garbage collection, matching the ttl asked for', async () => {
    await stores.journeys.put('ttl', 'v', null, 600);
    const pttl = await client.pttl(`${prefix}{ttl}:journey`);
    expect(pttl).toBeGreaterThan(590_000);
    expect(pttl).toBeLessThanOrEqual(600_000);
  });

  it('a kv value without ttl has no Redis TTL', async () => {
    await stores.kv.set('forever', 1);
    expect(await client.pttl(`${prefix}{forever}:kv`)).toBe(-1);
  });

  it('a counter window is not extended by later increments (Redis TTL included)', async () => {
    await stores.counters.increment('window', 60);
    const first = await client.pttl(`${prefix}{window}:counter`);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await stores.counters.increment('window', 60);
    expect(await client.pttl(`${prefix}{window}:counter`)).toBeLessThan(first);
  });

  it('a prefix containing a brace is refused at start-up (it would become the hash tag)', () => {
    expect(() => createRedisStores({ redis: client, prefix: 'waymark:{all}:', clock })).toThrow(
      expect.objectContaining({ code: 'ERR_CONFIG_INVALID' }),
    );
  });
});

describe('redis round trips', () => {
  it('every store call is exactly one round trip', async () => {
    const clock = manualClock(Date.now());
    const stores = createRedisStores({ redis: client, prefix: freshPrefix(), clock });
    const now = clock.now();
    const calls: (() => Promise<unknown>)[] = [
      () => stores.pushedRequests.put('r', { clientId: 'c', params: {}, ip: '::1', createdAt: now, expiresAt: now + 60_000 }, 60),
      () => stores.pushedRequests.take('r'),
      () => stores.journeys.put('j', 'v', null, 600),
      () => stores.journeys.get('j'),
      () => stores.journeys.put('j', 'v2', 1, 600),
      () => stores.journeys.delete('j'),
      () =>
        stores.sessions.put({
          id: 's',
          sub: 'u',
          createdAt: now,
          lastSeenAt: now,
          idleSeconds: 60,
          expiresAt: now + 60_000,
          authTime: now,
        }),
      () => stores.sessions.get('s'),
      () => stores.sessions.delete('s'),
      () =>
        stores.transactions.create({
          id: 't',
          sub: 'u',
          resource: 'r',
          action: 'a',
          status: 'pending',
          createdAt: now,
          expiresAt: now + 60_000,
        }),
      () => stores.transactions.get('t'),
      () => stores.transactions.markAuthenticated('t'),
      () => stores.transactions.consume('t', { sub: 'u', resource: 'r', action: 'a' }),
      () => stores.counters.increment('c', 60),
      () => stores.counters.get('c'),
      () => stores.counters.reset('c'),
      () => stores.kv.set('k', 1, 60),
      () => stores.kv.get('k'),
      () => stores.kv.delete('k'),
    ];
    for (const call of calls) {
      const before = stores.commands();
      await call();
      expect(stores.commands() - before).toBe(1);
    }
  });

  it('a script the server forgot (SCRIPT FLUSH) is sent again with EVAL and counted', async () => {
    const stores = createRedisStores({ redis: client, prefix: freshPrefix(), clock: manualClock(Date.now()) });
    await stores.kv.set('k', 'before');
    await client.script('FLUSH');
    const before = stores.commands();
    expect(await stores.kv.get('k')).toBe('before');
    expect(stores.commands() - before).toBe(2);
  });

  it('a reply error that means a bug (WRONGTYPE) is passed through, not disguised as an outage', async () => {
    const prefix = freshPrefix();
    const stores = createRedisStores({ redis: client, prefix, clock: manualClock(Date.now()) });
    await client.set(`${prefix}{clash}:journey`, 'a plain string');
    await expect(stores.journeys.get('clash')).rejects.toThrow(/WRONGTYPE/);
    await expect(stores.journeys.get('clash')).rejects.not.toHaveProperty('code', 'ERR_STORE_UNAVAILABLE');
  });

  it('health reports ok with a latency while Redis answers', async () => {
    const stores = createRedisStores({ redis: client, clock: manualClock(Date.now()) });
    await expect(stores.ping()).resolves.toBeUndefined();
    expect(await stores.health()).toEqual({ ok: true, latencyMs: expect.any(Number) });
  });
});
