import { canonicalIp, normalizeIp, parseIp } from '@waymark/sdk';

/**
 * The source a per-source budget is counted for: an IPv4 address as it is, an IPv6 address as
 * its /64 (RFC 4291 §2.5.4: one subscriber's network; a host picks any of its 2^64 interface
 * ids, so counting per address would count nothing). IPv4-mapped IPv6 counts as the IPv4
 * address. Anything that is not an IP (`unknown`) is its own source.
 *
 * @example
 * rateLimitSource('203.0.113.9');      // '203.0.113.9'
 * rateLimitSource('2001:db8:1:2::9');  // '2001:db8:1:2::/64'
 */
export function rateLimitSource(ip: string): string {
  const address = parseIp(normalizeIp(ip));
  if (address === undefined) return ip;
  if (address.family === 4) return canonicalIp(address);
  return `${canonicalIp(address).split(':').slice(0, 4).join(':')}::/64`;
}
