import { describe, expect, it } from '@jest/globals';
import { canonicalIp, inCidr, normalizeIp, parseCidr, parseIp, samePrefix, type IpAddress } from '@waymark/sdk';

const ip = (text: string): IpAddress => {
  const parsed = parseIp(text);
  if (!parsed) throw new Error(`${text} should parse`);
  return parsed;
};

describe('normalizeIp', () => {
  it('maps IPv4-mapped IPv6 to IPv4, lower-cases IPv6, drops brackets and zones, refuses non-IPs', () => {
    expect(normalizeIp('::ffff:192.0.2.1')).toBe('192.0.2.1');
    expect(normalizeIp('::FFFF:192.0.2.1')).toBe('192.0.2.1');
    expect(normalizeIp('[2001:DB8::1]')).toBe('2001:db8::1');
    expect(normalizeIp('fe80::1%eth0')).toBe('fe80::1');
    expect(normalizeIp(' 10.0.0.1 ')).toBe('10.0.0.1');
    expect(normalizeIp('example.com')).toBeUndefined();
    expect(normalizeIp('999.1.1.1')).toBeUndefined();
    expect(normalizeIp('unknown')).toBeUndefined();
    expect(normalizeIp(undefined)).toBeUndefined();
  });
});

describe('parseIp', () => {
  it('gives 4 bytes for IPv4 and folds IPv4-mapped IPv6 to them', () => {
    expect(ip('203.0.113.7')).toEqual({ family: 4, bytes: Uint8Array.from([203, 0, 113, 7]) });
    expect(ip('::ffff:203.0.113.7')).toEqual(ip('203.0.113.7'));
    expect(ip('::ffff:cb00:7107')).toEqual(ip('203.0.113.7'));
  });

  it('gives 16 bytes for IPv6, equal for every spelling of one address', () => {
    expect(ip('2001:db8::1').family).toBe(6);
    expect(ip('2001:DB8:0:0:0:0:0:1')).toEqual(ip('2001:db8::1'));
  });

  it('refuses zones, brackets, ports, leading zeros, hosts and over-long text', () => {
    for (const text of ['fe80::1%eth0', '[2001:db8::1]', '192.0.2.1:443', '010.0.0.1', 'example.com', '', ' 10.0.0.1', 'a'.repeat(65), 42])
      expect(parseIp(text)).toBeUndefined();
  });
});

describe('samePrefix', () => {
  it('compares the first bits of one family only', () => {
    expect(samePrefix(ip('192.0.2.1'), ip('192.0.2.200'), 24)).toBe(true);
    expect(samePrefix(ip('192.0.2.1'), ip('192.0.3.1'), 24)).toBe(false);
    expect(samePrefix(ip('192.0.2.1'), ip('192.0.3.1'), 23)).toBe(true);
    expect(samePrefix(ip('2001:db8::1'), ip('2001:db8::ffff'), 64)).toBe(true);
    expect(samePrefix(ip('2001:db8::1'), ip('2001:db8::2'), 128)).toBe(false);
    expect(samePrefix(ip('192.0.2.1'), ip('::ffff:192.0.2.1'), 32)).toBe(true);
    expect(samePrefix(ip('0.0.0.1'), ip('::1'), 0)).toBe(false);
  });
});

describe('parseCidr and inCidr', () => {
  it('parses blocks and bare addresses of both families', () => {
    expect(parseCidr('10.0.0.0/8')).toEqual({ network: ip('10.0.0.0'), prefix: 8 });
    expect(parseCidr('192.0.2.7')).toEqual({ network: ip('192.0.2.7'), prefix: 32 });
    expect(parseCidr('2001:db8::/32')?.prefix).toBe(32);
    // An IPv4-mapped block folds to IPv4 with its prefix.
    expect(parseCidr('::ffff:10.0.0.0/104')).toEqual({ network: ip('10.0.0.0'), prefix: 8 });
  });

  it('refuses bad prefixes and non-addresses', () => {
    for (const text of ['10.0.0.0/33', '10.0.0.0/08', '10.0.0.0/', '2001:db8::/129', 'proxy/8', '::ffff:10.0.0.0/95'])
      expect(parseCidr(text)).toBeUndefined();
  });

  it('tells whether an address lies in a block', () => {
    const block = parseCidr('10.0.0.0/8')!;
    expect(inCidr(ip('10.200.1.1'), block)).toBe(true);
    expect(inCidr(ip('11.0.0.1'), block)).toBe(false);
    expect(inCidr(ip('::ffff:10.0.0.5'), block)).toBe(true);
  });
});

describe('canonicalIp', () => {
  it('spells each address one way', () => {
    expect(canonicalIp(ip('::ffff:192.0.2.1'))).toBe('192.0.2.1');
    expect(canonicalIp(ip('2001:DB8::1'))).toBe('2001:db8:0:0:0:0:0:1');
  });
});
