import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { clientIpOf, compileTrustedProxies, resolveClientIp, type TrustedProxies } from '@waymark/http';
import { normalizeIp } from '@waymark/sdk';

describe('compileTrustedProxies', () => {
  it('matches addresses and CIDR ranges of both families, including IPv4-mapped peers', () => {
    const trusted = compileTrustedProxies(['10.0.0.0/8', '2001:db8::/32', '192.0.2.7']);
    expect(trusted.has('10.200.1.1')).toBe(true);
    expect(trusted.has('11.0.0.1')).toBe(false);
    expect(trusted.has('2001:db8:ffff::1')).toBe(true);
    expect(trusted.has('2001:db9::1')).toBe(false);
    expect(trusted.has('192.0.2.7')).toBe(true);
    expect(trusted.has('192.0.2.8')).toBe(false);
    expect(trusted.has(normalizeIp('::ffff:10.0.0.5')!)).toBe(true);
  });

  it('refuses entries that are neither IPs nor CIDR ranges', () => {
    expect(() => compileTrustedProxies(['proxy.internal'])).toThrow(new RangeError('"proxy.internal" is not an IP address or CIDR range'));
    expect(() => compileTrustedProxies(['10.0.0.0/33'])).toThrow(/prefix/);
    expect(() => compileTrustedProxies(['10.0.0.0/8/1'])).toThrow(new RangeError('"10.0.0.0/8/1" is not an IP address or CIDR range'));
  });
});

describe('resolveClientIp', () => {
  const trusted = compileTrustedProxies(['10.0.0.0/8']);

  it('uses the socket peer when nothing is trusted, whatever X-Forwarded-For says', () => {
    expect(resolveClientIp('::ffff:203.0.113.5', '198.51.100.1', compileTrustedProxies([]))).toBe('203.0.113.5');
  });

  it('ignores X-Forwarded-For from an untrusted peer', () => {
    expect(resolveClientIp('203.0.113.5', '198.51.100.1', trusted)).toBe('203.0.113.5');
  });

  it('takes the right-most untrusted hop through trusted proxies, so a forged left-most entry never wins', () => {
    expect(resolveClientIp('10.0.0.1', '6.6.6.6, 198.51.100.1, 10.0.0.2', trusted)).toBe('198.51.100.1');
    expect(resolveClientIp('10.0.0.1', ['6.6.6.6', '198.51.100.1'], trusted)).toBe('198.51.100.1');
  });

  it('refuses a malformed hop reached through trusted proxies (400) instead of answering with a proxy address', () => {
    for (const header of ['garbage, 10.0.0.2', 'garbage', '', ' , 10.0.0.2', '198.51.100.1:443'])
      expect(() => resolveClientIp('10.0.0.1', header, trusted)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_REQUEST', details: { header: 'x-forwarded-for' } }));
  });

  it('never reads what lies left of the client: garbage the client sent itself does not matter', () => {
    expect(resolveClientIp('10.0.0.1', 'garbage, 198.51.100.1, 10.0.0.2', trusted)).toBe('198.51.100.1');
  });
});

describe('clientIpOf (a real node:http server on 127.0.0.1)', () => {
  let server: Server;
  let trusted: TrustedProxies = compileTrustedProxies([]);
  beforeAll(async () => {
    server = createServer((req, res) => res.end(clientIpOf(req, trusted)));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => new Promise<void>((resolve) => server.close(() => resolve())));

  const ipSeen = (forwardedFor?: string): Promise<string> =>
    new Promise((resolve, reject) => {
      const headers = forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor };
      const req = request({ host: '127.0.0.1', port: (server.address() as AddressInfo).port, headers, agent: false }, (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve(body));
      });
      req.on('error', reject);
      req.end();
    });

  it('answers the socket peer when no proxy is trusted, whatever X-Forwarded-For says', async () => {
    trusted = compileTrustedProxies([]);
    expect(await ipSeen()).toBe('127.0.0.1');
    expect(await ipSeen('198.51.100.1')).toBe('127.0.0.1');
  });

  it('reads X-Forwarded-For when the peer is a trusted proxy', async () => {
    trusted = compileTrustedProxies(['127.0.0.0/8']);
    expect(await ipSeen('6.6.6.6, 198.51.100.1')).toBe('198.51.100.1');
    expect(await ipSeen()).toBe('127.0.0.1');
  });
});
