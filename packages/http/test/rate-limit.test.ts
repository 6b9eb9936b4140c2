import { afterEach, describe, expect, it, jest } from '@jest/globals';
import type { RateLimiterFactory } from '@waymark/sdk';
import { createMemoryRateLimiters, rateLimitSource } from '@waymark/http';
import { canonicalIp, normalizeIp, parseIp } from '@waymark/sdk';

/*
 * The memory implementation of the SDK's RateLimiter contract, and the per-source key every
 * per-source budget counts by. Windows follow the system time (the library has no clock hook):
 * the one test that ends a window moves jest's fake Date, never sleeps.
 */

afterEach(() => {
  jest.useRealTimers();
});

describe('createMemoryRateLimiters', () => {
  it('allows max points per key, then refuses with the seconds until the window ends', async () => {
    const limiters: RateLimiterFactory = createMemoryRateLimiters();
    const par = limiters({ name: 'par-source', max: 2, windowSeconds: 60 });
    expect(par.spec).toEqual({ name: 'par-source', max: 2, windowSeconds: 60 });
    expect(await par.consume('mobile-app|203.0.113.9')).toMatchObject({ allowed: true, remaining: 1 });
    expect(await par.consume('mobile-app|203.0.113.9')).toMatchObject({ allowed: true, remaining: 0 });
    const refused = await par.consume('mobile-app|203.0.113.9');
    expect(refused.allowed).toBe(false);
    expect(refused.remaining).toBe(0);
    expect(refused.retryAfterSeconds).toBeGreaterThanOrEqual(59);
    expect(refused.retryAfterSeconds).toBeLessThanOrEqual(60);
    // Another key, and the same key under another limit, have budgets of their own.
    expect((await par.consume('mobile-app|203.0.113.10')).allowed).toBe(true);
    expect((await limiters({ name: 'journey-start-source', max: 2, windowSeconds: 60 }).consume('mobile-app|203.0.113.9')).allowed).toBe(
      true,
    );
  });

  it('peeks without spending, and reset makes the budget whole', async () => {
    const failures = createMemoryRateLimiters()({ name: 'auth-failure', max: 1, windowSeconds: 600 });
    expect(await failures.peek('k')).toEqual({ allowed: true, remaining: 1, retryAfterSeconds: 0 });
    expect(await failures.peek('k')).toEqual({ allowed: true, remaining: 1, retryAfterSeconds: 0 });
    await failures.consume('k');
    const spent = await failures.peek('k');
    expect(spent.allowed).toBe(false);
    expect(spent.retryAfterSeconds).toBeGreaterThanOrEqual(599);
    await failures.reset('k');
    expect(await failures.peek('k')).toEqual({ allowed: true, remaining: 1, retryAfterSeconds: 0 });
  });

  it('gives the budget back when the window ends', async () => {
    jest.useFakeTimers({
      doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'],
    });
    const limiter = createMemoryRateLimiters()({ name: 'par-client', max: 1, windowSeconds: 60 });
    expect((await limiter.consume('web-app')).allowed).toBe(true);
    expect((await limiter.consume('web-app')).allowed).toBe(false);
    jest.setSystemTime(Date.now() + 61_000);
    expect((await limiter.consume('web-app')).allowed).toBe(true);
  });

  it.each([
    [{ name: 'PAR', max: 1, windowSeconds: 60 }, /name "PAR" must be lower-case/],
    [{ name: 'par', max: 0, windowSeconds: 60 }, /"par": max must be a positive integer/],
    [{ name: 'par', max: 1.5, windowSeconds: 60 }, /"par": max must be a positive integer/],
    [{ name: 'par', max: 1, windowSeconds: 0 }, /"par": windowSeconds must be a positive integer/],
  ])('refuses the spec %j at start-up with a RangeError naming the limit', (spec, message) => {
    expect(() => createMemoryRateLimiters()(spec)).toThrow(RangeError);
    expect(() => createMemoryRateLimiters()(spec)).toThrow(message);
  });
});

describe('rateLimitSource', () => {
  it('counts IPv4 per address and IPv6 per /64, whatever the spelling', () => {
    expect(rateLimitSource('203.0.113.9')).toBe('203.0.113.9');
    expect(rateLimitSource('2001:db8:1:2::9')).toBe('2001:db8:1:2::/64');
    expect(rateLimitSource('2001:DB8:1:2:aaaa:bbbb:cccc:dddd')).toBe('2001:db8:1:2::/64');
    expect(rateLimitSource('2001:0db8:0001:0002::1')).toBe('2001:db8:1:2::/64');
    expect(rateLimitSource('2001:db8:1:3::1')).toBe('2001:db8:1:3::/64');
    expect(rateLimitSource('::')).toBe('0:0:0:0::/64');
  });

  it('gives every dotted-quad spelling the source the parsed address gives (canonical ones take a path without parsing)', () => {
    const oracle = (ip: string) => {
      const address = parseIp(normalizeIp(ip));
      return address?.family === 4 ? canonicalIp(address) : ip;
    };
    const octets = ['0', '9', '10', '99', '100', '199', '249', '250', '255', '256', '300', '00', '01', '010', '-1', '1a', ''];
    for (const a of octets)
      for (const b of ['0', '255', '07', '256'])
        for (const ip of [`${a}.${b}.0.1`, `1.2.${b}.${a}`, ` ${a}.1.1.1`, `${a}.1.1`, `${a}.1.1.1.1`])
          expect(rateLimitSource(ip)).toBe(oracle(ip));
  });

  it('counts an IPv4-mapped IPv6 address as the IPv4 address, and a non-address as itself', () => {
    expect(rateLimitSource('::ffff:203.0.113.9')).toBe('203.0.113.9');
    expect(rateLimitSource('unknown')).toBe('unknown');
  });
});
