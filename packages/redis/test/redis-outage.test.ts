import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { Redis } from 'ioredis';
import { connectRedis, createRedisStores } from '@waymark/redis';
import type { RedisStores } from '@waymark/redis';
import { testClock as manualClock } from '@waymark/testing';
import { startRedisServer } from '../../../test/support/redis-server.js';
import type { RedisServer } from '../../../test/support/redis-server.js';

/* Real outages against a real server, so these tests measure wall time. The bounds are loose
 * (a healthy call takes well under a millisecond); what they protect is "bounded", not "fast". */

const FAIL_FAST_MS = 1000;

async function elapsed<T>(promise: Promise<T>): Promise<{ ms: number; result: PromiseSettledResult<T> }> {
  const started = performance.now();
  const [result] = await Promise.allSettled([promise]);
  return { ms: performance.now() - started, result: result! };
}

async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const expectUnavailable = (result: PromiseSettledResult<unknown>): void => {
  expect(result.status).toBe('rejected');
  expect((result as PromiseRejectedResult).reason).toMatchObject({ code: 'ERR_STORE_UNAVAILABLE' });
};

describe('redis outage: server stopped and restarted', () => {
  let server: RedisServer;
  let client: Redis;
  let stores: RedisStores;
  const clock = manualClock(Date.now());

  beforeAll(async () => {
    server = await startRedisServer();
    client = await connectRedis(server.url);
    stores = createRedisStores({ redis: client, prefix: 'outage:', clock });
  });
  afterAll(async () => {
    client?.disconnect();
    await server?.dispose();
  });

  it('every kind of call fails fast with ERR_STORE_UNAVAILABLE while Redis is down, then works again after it restarts, with the same stores', async () => {
    const now = clock.now();
    expect(await stores.journeys.put('j1', 'v1', null, 600)).toBe(1);

    await server.stop();
    const calls: [string, () => Promise<unknown>][] = [
      [
        'pushedRequests.put',
        () => stores.pushedRequests.put('r', { clientId: 'c', params: {}, ip: '::1', createdAt: now, expiresAt: now + 60_000 }, 60),
      ],
      ['pushedRequests.take', () => stores.pushedRequests.take('r')],
      ['journeys.get', () => stores.journeys.get('j1')],
      ['journeys.put', () => stores.journeys.put('j1', 'v2', 1, 600)],
      ['journeys.delete', () => stores.journeys.delete('j1')],
      ['sessions.get', () => stores.sessions.get('s')],
      ['transactions.consume', () => stores.transactions.consume('t', { sub: 'u', resource: 'r', action: 'a' })],
      ['counters.increment', () => stores.counters.increment('c', 60)],
      ['kv.get', () => stores.kv.get('k')],
      ['ping', () => stores.ping()],
    ];
    for (const [name, call] of calls) {
      const { ms, result } = await elapsed(call());
      expectUnavailable(result);
      expect({ name, fastEnough: ms < FAIL_FAST_MS }).toEqual({ name, fastEnough: true });
    }
    expect(await stores.health()).toMatchObject({ ok: false, code: 'ERR_STORE_UNAVAILABLE' });

    await server.start();
    await until(async () => (await stores.health()).ok, 10_000);
    // Persistence is off, so the restarted server is empty: the journey is gone, and the
    // stores work again without being recreated.
    expect(await stores.journeys.get('j1')).toBeUndefined();
    expect(await stores.journeys.put('j1', 'again', null, 600)).toBe(1);
    expect(await stores.counters.increment('c', 60)).toBe(1);
  });

  it('a call to a server that hangs (SIGSTOP) fails within the command timeout, and recovers when it resumes', async () => {
    const hanging = await connectRedis(server.url, { commandTimeout: 300 });
    const hangingStores = createRedisStores({ redis: hanging, prefix: 'outage-hang:', clock });
    try {
      server.freeze();
      const { ms, result } = await elapsed(hangingStores.kv.get('k'));
      expectUnavailable(result);
      expect(ms).toBeLessThan(300 + FAIL_FAST_MS);
      server.thaw();
      await until(async () => (await hangingStores.health()).ok, 10_000);
      await hangingStores.kv.set('k', 'back');
      expect(await hangingStores.kv.get('k')).toBe('back');
    } finally {
      server.thaw();
      hanging.disconnect();
    }
  });
});

describe('redis outage with a client the caller configured', () => {
  it('a client passed in with ioredis defaults (offline queue on) still fails fast while Redis is down', async () => {
    const server = await startRedisServer();
    const client = new Redis(server.url);
    client.on('error', () => {});
    try {
      const stores = createRedisStores({ redis: client, prefix: 'outage-plain:', clock: manualClock(Date.now()) });
      await until(async () => (await stores.health()).ok, 5000);
      await server.stop();
      // Measured once the client has seen the connection close (on a loaded machine that event can
      // come after the server process is gone): a command sent on a socket still thought "ready"
      // waits for ioredis's own timeouts, which a caller's client sets, not the stores.
      await until(async () => client.status !== 'ready', 5000);
      for (let i = 0; i < 5; i++) {
        const { ms, result } = await elapsed(stores.kv.get('k'));
        expectUnavailable(result);
        expect(ms).toBeLessThan(FAIL_FAST_MS);
        await new Promise((resolve) => setTimeout(resolve, 60)); // land in different reconnect states
      }
    } finally {
      client.disconnect();
      await server.dispose();
    }
  });
});

describe('redis start-up', () => {
  it('connectRedis to an unreachable server fails clearly: ERR_STORE_UNAVAILABLE, the URL named, the password not', async () => {
    const server = await startRedisServer();
    const url = `redis://waymark:s3cret-pw@127.0.0.1:${server.port}/0`;
    await server.dispose(); // nothing listens on that port any more
    const { ms, result } = await elapsed(connectRedis(url));
    expectUnavailable(result);
    const { message } = (result as PromiseRejectedResult).reason as Error;
    expect(message).toContain(`redis://127.0.0.1:${server.port}/0`);
    expect(message).not.toContain('s3cret-pw');
    expect(ms).toBeLessThan(5000);
  });

  it('connectRedis refuses a URL that is not redis:// or rediss:// with ERR_CONFIG_INVALID', async () => {
    await expect(connectRedis('http://127.0.0.1:6379')).rejects.toMatchObject({ code: 'ERR_CONFIG_INVALID' });
  });

  it('stores created from a URL connect by themselves and close() releases the connection', async () => {
    const server = await startRedisServer();
    try {
      const stores = createRedisStores({ redis: server.url, prefix: 'owned:', clock: manualClock(Date.now()) });
      await until(async () => (await stores.health()).ok, 5000);
      await stores.kv.set('k', 1);
      expect(await stores.kv.get('k')).toBe(1);
      await stores.close();
      expect(stores.client.status).toBe('end');
      await expect(stores.kv.get('k')).rejects.toMatchObject({ code: 'ERR_STORE_UNAVAILABLE' });
    } finally {
      await server.dispose();
    }
  });

  it('close() leaves a client that was passed in open for its owner', async () => {
    const server = await startRedisServer();
    const client = await connectRedis(server.url);
    try {
      const stores = createRedisStores({ redis: client, clock: manualClock(Date.now()) });
      await stores.close();
      expect(client.status).toBe('ready');
    } finally {
      client.disconnect();
      await server.dispose();
    }
  });
});
