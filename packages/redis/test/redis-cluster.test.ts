import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { Cluster, Redis } from 'ioredis';
import { REDIS_DEFAULTS, createRedisRateLimiters, createRedisStores } from '@waymark/redis';
import { manualClock, storeConformance } from '../../core/test/stores/conformance.js';
import { startRedisServer } from './support/redis-server.js';
import type { RedisServer } from './support/redis-server.js';
import { deleteByPrefix } from './support/redis-keys.js';

/* A real Redis Cluster of one node that owns all 16384 slots: Cluster mode still refuses a
 * multi-key command across slots, and ioredis's Cluster client routes every call by its key,
 * so the whole conformance suite passing here shows the stores are Cluster-safe. */

let server: RedisServer;
let admin: Redis;
let cluster: Cluster;

beforeAll(async () => {
  server = await startRedisServer({
    args: ['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-announce-ip', '127.0.0.1'],
  });
  admin = new Redis(server.url);
  await admin.call('CLUSTER', 'ADDSLOTSRANGE', '0', '16383');
  for (let i = 0; !String(await admin.call('CLUSTER', 'INFO')).includes('cluster_state:ok'); i++) {
    if (i > 200) throw new Error('the one-node cluster did not reach cluster_state:ok');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  cluster = new Cluster([{ host: '127.0.0.1', port: server.port }], { enableOfflineQueue: false, redisOptions: REDIS_DEFAULTS });
  cluster.on('error', () => {});
  await new Promise<void>((resolve, reject) => {
    cluster.once('ready', () => resolve());
    cluster.once('end', () => reject(new Error('cluster client could not connect')));
    setTimeout(() => reject(new Error(`cluster client not ready within 10 s (status ${cluster.status})`)), 10_000).unref();
  });
});

afterAll(async () => {
  await Promise.all([cluster?.quit(), admin?.quit()]);
  await server?.dispose();
});

storeConformance('redis cluster', async () => {
  const clock = manualClock(Date.now());
  const prefix = `test:${randomUUID()}:`;
  return { stores: createRedisStores({ redis: cluster, prefix, clock }), clock, cleanup: () => deleteByPrefix(cluster, prefix) };
});

describe('redis cluster hash tags', () => {
  const slot = async (key: string): Promise<number> => Number(await admin.call('CLUSTER', 'KEYSLOT', key));

  it("the keys the stores write for one id, of every kind, all hash to that id's slot", async () => {
    const prefix = `test:${randomUUID()}:`;
    const clock = manualClock(Date.now());
    const stores = createRedisStores({ redis: cluster, prefix, clock });
    const id = 'same-id-7f3a';
    const now = clock.now();
    await stores.pushedRequests.put(id, { clientId: 'c', params: {}, ip: '::1', createdAt: now, expiresAt: now + 60_000 }, 60);
    await stores.journeys.put(id, 'sealed', null, 600);
    await stores.sessions.put({ id, sub: 'u', createdAt: now, lastSeenAt: now, idleSeconds: 60, expiresAt: now + 60_000, authTime: now });
    await stores.transactions.create({
      id,
      sub: 'u',
      resource: 'r',
      action: 'a',
      status: 'pending',
      createdAt: now,
      expiresAt: now + 60_000,
    });
    await stores.counters.increment(id, 60);
    await stores.kv.set(id, true);
    try {
      const keys = await admin.keys(`${prefix}*`);
      expect(keys).toHaveLength(6);
      const slots = await Promise.all(keys.map(slot));
      expect(new Set(slots)).toEqual(new Set([await slot(id)]));
    } finally {
      await deleteByPrefix(cluster, prefix);
    }
  });

  it('different ids spread over different slots (the prefix is not the hash tag)', async () => {
    const slots = await Promise.all(Array.from({ length: 20 }, (_, i) => slot(`waymark:{journey-${i}}:journey`)));
    expect(new Set(slots).size).toBeGreaterThan(10);
  });
});

describe('redis cluster rate limiters', () => {
  it('consume, peek and reset work through the Cluster client (one key per call)', async () => {
    const prefix = `test:${randomUUID()}:`;
    const limiter = createRedisRateLimiters({ redis: cluster, prefix })({ name: 'par-source', max: 2, windowSeconds: 60 });
    try {
      expect((await limiter.consume('mobile-app|203.0.113.9')).allowed).toBe(true);
      expect((await limiter.consume('mobile-app|203.0.113.9')).allowed).toBe(true);
      const refused = await limiter.consume('mobile-app|203.0.113.9');
      expect(refused.allowed).toBe(false);
      expect(refused.retryAfterSeconds).toBeGreaterThanOrEqual(59);
      expect((await limiter.peek('mobile-app|203.0.113.9')).allowed).toBe(false);
      await limiter.reset('mobile-app|203.0.113.9');
      expect((await limiter.peek('mobile-app|203.0.113.9')).remaining).toBe(2);
    } finally {
      await deleteByPrefix(cluster, prefix);
    }
  });
});
