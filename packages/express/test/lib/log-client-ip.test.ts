import { describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { RouterOptionsError, type WaymarkRouterOptions } from '@waymark/express';
import { form, mobilePar, testApp } from '../support/app.js';

/*
 * The logClientIp option: the access log's client IP in full (default), truncated to its
 * network, as a keyed hash, or not at all. The client IP comes through a trusted proxy here so
 * that the test chooses it.
 */

async function loggedIp(options: Partial<WaymarkRouterOptions>, forwardedFor: string): Promise<unknown> {
  const { app, logger } = testApp({ trustedProxies: ['127.0.0.1', '::1'], ...options });
  const res = await request(app).post('/par').set('X-Forwarded-For', forwardedFor).type('form').send(form(mobilePar()));
  expect(res.status).toBe(201);
  const line = logger.lines.find((l) => l.message === 'par');
  expect(line).toBeDefined();
  return line?.fields?.ip;
}

describe('logClientIp (the access log)', () => {
  it('logs the client IP in full by default', async () => {
    expect(await loggedIp({}, '203.0.113.77')).toBe('203.0.113.77');
  });

  it('truncated: IPv4 to its /24, IPv6 to its /48, IPv4-mapped IPv6 as IPv4', async () => {
    expect(await loggedIp({ logClientIp: 'truncated' }, '203.0.113.77')).toBe('203.0.113.0');
    expect(await loggedIp({ logClientIp: 'truncated' }, '2001:db8:1:2:3:4:5:6')).toBe('2001:db8:1::');
    expect(await loggedIp({ logClientIp: 'truncated' }, '::ffff:198.51.100.9')).toBe('198.51.100.0');
  });

  it('hashed: a keyed hash, equal for one address in any spelling and across processes sharing csrfKey, never the address', async () => {
    const csrfKey = 'c'.repeat(32);
    const one = await loggedIp({ logClientIp: 'hashed', csrfKey }, '2001:db8::1');
    expect(one).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(await loggedIp({ logClientIp: 'hashed', csrfKey }, '2001:DB8:0:0:0:0:0:1')).toBe(one);
    expect(await loggedIp({ logClientIp: 'hashed', csrfKey }, '2001:db8::2')).not.toBe(one);
    // Another deployment (another key) gets another hash: the hash is not a plain digest anyone can precompute.
    expect(await loggedIp({ logClientIp: 'hashed', csrfKey: 'd'.repeat(32) }, '2001:db8::1')).not.toBe(one);
  });

  it('none: no IP in the line', async () => {
    expect(await loggedIp({ logClientIp: 'none' }, '203.0.113.77')).toBeUndefined();
  });

  it('refuses an unknown mode at start-up (ERR_ROUTER_OPTIONS naming logClientIp)', () => {
    let caught: unknown;
    try {
      testApp({ logClientIp: 'anonymised' as never });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(RouterOptionsError);
    expect((caught as RouterOptionsError).details['option']).toBe('logClientIp');
  });
});
