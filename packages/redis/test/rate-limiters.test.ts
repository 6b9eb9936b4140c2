import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { connectRedis, createRedisRateLimiters } from '@waymark/redis';
import { startRedisServer } from '../../../test/support/redis-server.js';
import type { RedisServer } from '../../../test/support/redis-server.js';

/*
 * The Redis rate limiters on a real redis-server. Two clients stand for two processes: they
 * spend one budget. Windows follow the Redis server's clock (PTTL), so nothing here waits for
 * one to end: what is checked is the count, the exact time left, and failing closed.
 */

describe('createRedisRateLimiters', () => {
  let server: RedisServer;
  let one: Redis;
  let two: Redis;

  beforeAll(async () => {
    server = await startRedisServer();
    [one, two] = await Promise.all([connectRedis(server.url), connectRedis(server.url)]);
  });
  afterAll(async () => {
    one?.disconnect();
    two?.disconnect();
    await server?.dispose();
  });

  it('two processes spend one budget; past it the answer says exactly how long the window has left', async () => {
    const prefix = `test:${randomUUID()}:`;
    const spec = { name: 'par-source', max: 3, windowSeconds: 60 };
    const a = createRedisRateLimiters({ redis: one, prefix })(spec);
    const b = createRedisRateLimiters({ redis: two, prefix })(spec);
    const answers = [
      await a.consume('mobile-app|203.0.113.9'),
      await b.consume('mobile-app|203.0.113.9'),
      await a.consume('mobile-app|203.0.113.9'),
    ];
    expect(answers.map((d) => [d.allowed, d.remaining])).toEqual([
      [true, 2],
      [true, 1],
      [true, 0],
    ]);
    const refused = await b.consume('mobile-app|203.0.113.9');
    expect(refused.allowed).toBe(false);
    expect(refused.retryAfterSeconds).toBeGreaterThanOrEqual(59);
    expect(refused.retryAfterSeconds).toBeLessThanOrEqual(60);
    // Another key has its own budget.
    expect((await b.consume('mobile-app|198.51.100.7')).allowed).toBe(true);
    // The keys live under the prefix and the limit's name, and expire with the window.
    const keys = (await one.keys(`${prefix}*`)).sort();
    expect(keys).toEqual([`${prefix}rl:par-source:mobile-app|198.51.100.7`, `${prefix}rl:par-source:mobile-app|203.0.113.9`]);
    expect(await one.pttl(keys[1]!)).toBeGreaterThan(58_000);
  });

  it('peek spends nothing; reset gives the budget back', async () => {
    const limiter = createRedisRateLimiters({ redis: one, prefix: `test:${randomUUID()}:` })({
      name: 'auth-failure',
      max: 2,
      windowSeconds: 600,
    });
    expect(await limiter.peek('web-app|203.0.113.9')).toEqual({ allowed: true, remaining: 2, retryAfterSeconds: 0 });
    await limiter.consume('web-app|203.0.113.9');
    await limiter.consume('web-app|203.0.113.9');
    const spent = await limiter.peek('web-app|203.0.113.9');
    expect(spent.allowed).toBe(false);
    expect(spent.retryAfterSeconds).toBeGreaterThan(590);
    expect((await limiter.peek('web-app|203.0.113.9')).remaining).toBe(0);
    await limiter.reset('web-app|203.0.113.9');
    expect((await limiter.peek('web-app|203.0.113.9')).allowed).toBe(true);
  });

  it('fails closed while Redis is down (ERR_STORE_UNAVAILABLE at once, never "allowed"), and works again once it is back', async () => {
    const limiter = createRedisRateLimiters({ redis: one, prefix: `test:${randomUUID()}:` })({
      name: 'journey-start',
      max: 5,
      windowSeconds: 60,
    });
    expect((await limiter.consume('k')).allowed).toBe(true);
    await server.stop();
    try {
      for (const call of [() => limiter.consume('k'), () => limiter.peek('k'), () => limiter.reset('k')]) {
        const started = performance.now();
        await expect(call()).rejects.toMatchObject({ code: 'ERR_STORE_UNAVAILABLE' });
        expect(performance.now() - started).toBeLessThan(1000);
      }
    } finally {
      await server.start();
    }
    const deadline = Date.now() + 10_000;
    while (one.status !== 'ready') {
      if (Date.now() > deadline) throw new Error('the client did not reconnect within 10 s');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    // A fresh server (no persistence): the budget starts again.
    expect(await limiter.consume('k')).toMatchObject({ allowed: true, remaining: 4 });
  });

  it('refuses a prefix with a Cluster hash tag and a bad limit at once', () => {
    expect(() => createRedisRateLimiters({ redis: one, prefix: '{x}:' })).toThrow(expect.objectContaining({ code: 'ERR_CONFIG_INVALID' }));
    const factory = createRedisRateLimiters({ redis: one });
    expect(() => factory({ name: 'Bad Name', max: 1, windowSeconds: 1 })).toThrow(RangeError);
    expect(() => factory({ name: 'ok', max: 0, windowSeconds: 1 })).toThrow(RangeError);
  });
});
