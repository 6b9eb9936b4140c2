import { canonicalIp, normalizeIp, parseIp } from '@waymark/sdk';

const OCTET = '(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])';
/** A dotted quad with no leading zeros: exactly the text `canonicalIp` gives back for it. */
const CANONICAL_V4 = new RegExp(`^${OCTET}(?:\\.${OCTET}){3}$`);

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
  // An IPv4 address already in canonical form (what clientIpOf gives for most callers) is its own source: no parse.
  if (CANONICAL_V4.test(ip)) return ip;
  const address = parseIp(normalizeIp(ip));
  if (address === undefined) return ip;
  if (address.family === 4) return canonicalIp(address);
  return `${canonicalIp(address).split(':').slice(0, 4).join(':')}::/64`;
}
