import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { Redis } from 'ioredis';
import { connectRedis, createRedisStores, parseRedisSetting, RedisUnreachableError } from '@waymark/redis';
import { testClock as manualClock } from '@waymark/testing';
import { startRedisSentinel, type RedisSentinel } from '../../../test/support/redis-sentinel.js';
import { startRedisServer, type RedisServer } from '../../../test/support/redis-server.js';

/* connectRedis on a topology from parseRedisSetting: a master named by a real Sentinel, and the
 * start-up error of every topology when nothing answers (where, from which setting, why, the
 * fix; never a credential). The Cluster topology is connected by redis-cluster.test.ts. */

const PASSWORD = 'pw-7Hq2-never-printed';

/** A port nothing listens on: a redis-server started and stopped for good. */
async function deadPort(): Promise<number> {
  const server = await startRedisServer();
  await server.dispose();
  return server.port;
}

async function refusal(promise: Promise<unknown>): Promise<RedisUnreachableError> {
  const error = await promise.then(
    () => {
      throw new Error('connectRedis connected to nothing');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RedisUnreachableError);
  return error as RedisUnreachableError;
}

describe('connectRedis through Redis Sentinel', () => {
  let master: RedisServer;
  let sentinel: RedisSentinel;

  beforeAll(async () => {
    master = await startRedisServer();
    sentinel = await startRedisSentinel(master, 'mymaster');
  });
  afterAll(async () => {
    await sentinel?.dispose();
    await master?.dispose();
  });

  it('asks the sentinels for the master and keeps the stores there', async () => {
    const topology = parseRedisSetting({ sentinels: [`127.0.0.1:${sentinel.port}`], name: 'mymaster', prefix: 'sentinel:' });
    const client = await connectRedis(topology);
    const admin = new Redis(master.url);
    try {
      const stores = createRedisStores({ redis: client, prefix: topology.prefix, clock: manualClock(Date.now()) });
      await stores.kv.set('where', 'master');
      expect(await admin.hget('sentinel:{where}:kv', 'v')).toBe('"master"');
    } finally {
      admin.disconnect();
      client.disconnect();
    }
  });
});

describe('connectRedis when nothing answers', () => {
  it('a URL: ERR_STORE_UNAVAILABLE naming the URL without credentials, where it came from and the fix', async () => {
    const port = await deadPort();
    const topology = parseRedisSetting(`redis://admin:${PASSWORD}@127.0.0.1:${port}/2`, { source: 'the "redis" setting' });
    const error = await refusal(connectRedis(topology));
    expect(error.code).toBe('ERR_STORE_UNAVAILABLE');
    expect(error.message).toMatch(
      new RegExp(
        `^cannot reach Redis at redis://127\\.0\\.0\\.1:${port}/2 \\(from the "redis" setting\\): .+\\. Start Redis there, or fix the "redis" setting \\(address, password, TLS\\)\\.$`,
      ),
    );
    expect(error.details).toMatchObject({ store: 'redis', source: 'the "redis" setting', target: `redis://127.0.0.1:${port}/2` });
    expect(error.message).not.toMatch(new RegExp(`${PASSWORD}|admin`));
  });

  it('a Cluster: names the seed nodes, within the connect and command timeouts', async () => {
    const port = await deadPort();
    const started = performance.now();
    const error = await refusal(
      connectRedis(parseRedisSetting({ cluster: [`127.0.0.1:${port}`], password: PASSWORD }), { connectTimeout: 300, commandTimeout: 300 }),
    );
    expect(performance.now() - started).toBeLessThan(600 + 1000);
    expect(error.message).toMatch(new RegExp(`^cannot reach Redis at cluster 127\\.0\\.0\\.1:${port} \\(from the Redis setting\\): `));
    expect(error.message).not.toContain(PASSWORD);
  });

  it('Sentinel: names the master and the sentinels, never the sentinel password', async () => {
    const port = await deadPort();
    const error = await refusal(
      connectRedis(
        parseRedisSetting({ sentinels: [`127.0.0.1:${port}`], name: 'mymaster', sentinelPassword: PASSWORD }, { source: 'WAYMARK_TEST' }),
        {
          connectTimeout: 300,
          commandTimeout: 300,
        },
      ),
    );
    expect(error.message).toMatch(
      new RegExp(`^cannot reach Redis at sentinel mymaster via 127\\.0\\.0\\.1:${port} \\(from WAYMARK_TEST\\): `),
    );
    expect(error.message).not.toContain(PASSWORD);
  });

  it('refuses a URL that is not redis:// or rediss:// before connecting (ERR_CONFIG_INVALID, the URL not echoed)', async () => {
    await expect(connectRedis(`http://admin:${PASSWORD}@127.0.0.1:6379`)).rejects.toMatchObject({
      code: 'ERR_CONFIG_INVALID',
      message: expect.not.stringContaining(PASSWORD),
    });
  });
});
