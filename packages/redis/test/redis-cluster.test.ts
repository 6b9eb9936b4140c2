import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { Redis, type Cluster } from 'ioredis';
import { connectRedis, createRedisControlStores, createRedisRateLimiters, createRedisStores, parseRedisSetting } from '@waymark/redis';
import { clientStoreConformance, flowStoreConformance, testClock as manualClock, storeConformance } from '@waymark/testing';
import { startRedisCluster, type RedisCluster } from '../../../test/support/redis-cluster.js';
import { deleteByPrefix } from './support/redis-keys.js';

/* A real Redis Cluster of three masters, the slots split between them, reached the way a host
 * reaches it: `parseRedisSetting({ cluster: [...] })` then `connectRedis`. Cluster mode refuses
 * a multi-key command across slots, and the client routes every call by its key to the shard
 * that owns it, so the whole conformance suite passing here shows the stores are Cluster-safe. */

let redisCluster: RedisCluster;
let admins: Redis[];
let cluster: Cluster;

beforeAll(async () => {
  redisCluster = await startRedisCluster(3);
  admins = redisCluster.nodes.map((node) => new Redis(node.url));
  // One seed node is enough: the client discovers the others.
  cluster = (await connectRedis(parseRedisSetting({ cluster: [redisCluster.nodes[0]!.url] }))) as Cluster;
});

afterAll(async () => {
  await Promise.all([cluster?.quit(), ...(admins ?? []).map((admin) => admin.quit())]);
  await redisCluster?.dispose();
});

/** The keys under a prefix on each shard (each node answers for its own slots only). */
async function keysPerShard(prefix: string): Promise<string[][]> {
  return Promise.all(admins.map(async (admin) => (await admin.keys(`${prefix}*`)).sort()));
}

storeConformance('redis cluster', async () => {
  const clock = manualClock(Date.now());
  const prefix = `test:${randomUUID()}:`;
  return { stores: createRedisStores({ redis: cluster, prefix, clock }), clock, cleanup: () => deleteByPrefix(cluster, prefix) };
});

// The control plane: every script touches keys of the one `{control}` tag (one shard); pub/sub crosses the shards.
flowStoreConformance('redis cluster', async () => {
  const prefix = `test:${randomUUID()}:`;
  return { store: createRedisControlStores({ redis: cluster, prefix }).flows, cleanup: () => deleteByPrefix(cluster, prefix) };
});
clientStoreConformance('redis cluster', async () => {
  const prefix = `test:${randomUUID()}:`;
  return { store: createRedisControlStores({ redis: cluster, prefix }).clients, cleanup: () => deleteByPrefix(cluster, prefix) };
});

describe('redis cluster hash tags', () => {
  const slot = async (key: string): Promise<number> => Number(await admins[0]!.call('CLUSTER', 'KEYSLOT', key));

  it("the keys the stores write for one id, of every kind, all hash to that id's slot (one shard)", async () => {
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
      const shards = await keysPerShard(prefix);
      expect(shards.flat()).toHaveLength(6);
      expect(shards.filter((keys) => keys.length > 0)).toHaveLength(1);
      const slots = await Promise.all(shards.flat().map(slot));
      expect(new Set(slots)).toEqual(new Set([await slot(id)]));
    } finally {
      await deleteByPrefix(cluster, prefix);
    }
  });

  it('different ids spread over different slots and shards (the prefix is not the hash tag)', async () => {
    const prefix = `test:${randomUUID()}:`;
    const stores = createRedisStores({ redis: cluster, prefix, clock: manualClock(Date.now()) });
    const ids = Array.from({ length: 30 }, (_, i) => `journey-${i}`);
    for (const id of ids) expect(await stores.journeys.put(id, 'sealed', null, 600)).toBe(1);
    try {
      const shards = await keysPerShard(prefix);
      // Every journey written, each on the shard that owns its slot, and read back through the stores.
      expect(shards.flat()).toHaveLength(ids.length);
      for (const id of ids) expect(await stores.journeys.get(id)).toMatchObject({ value: 'sealed', revision: 1 });
      const slots = await Promise.all(shards.flat().map(slot));
      expect(new Set(slots).size).toBeGreaterThan(20);
      // 30 ids on three shards: each shard holds some (all on one would mean one hash tag for all).
      expect(shards.map((keys) => keys.length > 0)).toEqual([true, true, true]);
    } finally {
      await deleteByPrefix(cluster, prefix);
    }
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
