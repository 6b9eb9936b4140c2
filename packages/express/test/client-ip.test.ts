import { describe, expect, it } from '@jest/globals';
import { compileTrustedProxies, normalizeIp, resolveClientIp } from '@waymark/express';

describe('normalizeIp', () => {
  it('maps IPv4-mapped IPv6 to IPv4, lower-cases IPv6, drops brackets and zones, refuses non-IPs', () => {
    expect(normalizeIp('::ffff:192.0.2.1')).toBe('192.0.2.1');
    expect(normalizeIp('::FFFF:192.0.2.1')).toBe('192.0.2.1');
    expect(normalizeIp('[2001:DB8::1]')).toBe('2001:db8::1');
    expect(normalizeIp('fe80::1%eth0')).toBe('fe80::1');
    expect(normalizeIp(' 10.0.0.1 ')).toBe('10.0.0.1');
    expect(normalizeIp('example.com')).toBeUndefined();
    expect(normalizeIp('999.1.1.1')).toBeUndefined();
  });
});

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

  it('stops at a malformed hop and keeps the last address it could vouch for', () => {
    expect(resolveClientIp('10.0.0.1', 'garbage, 10.0.0.2', trusted)).toBe('10.0.0.2');
  });
});
