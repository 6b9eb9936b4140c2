import { BlockList, isIP } from 'node:net';

/**
 * Client IP resolution. The IP is the socket peer's, unless that peer is a trusted proxy: then
 * `X-Forwarded-For` is walked from the right (the hop nearest to us) and the first address that
 * is not itself a trusted proxy is the client. A forged left-most entry therefore never wins
 * over what a trusted proxy appended. IPv4-mapped IPv6 addresses (`::ffff:10.0.0.1`) are
 * reported as IPv4 so that a PAR request and a browser request compare equal whatever socket
 * family carried them.
 */

const MAPPED_V4 = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i;

/**
 * Normalises an IP literal: trims, drops an IPv6 zone and brackets, maps `::ffff:a.b.c.d` to
 * `a.b.c.d` and lower-cases IPv6. Returns undefined when the text is not an IP address.
 *
 * @example
 * normalizeIp('::ffff:192.0.2.1'); // '192.0.2.1'
 */
export function normalizeIp(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  let ip = text.trim();
  if (ip.startsWith('[') && ip.endsWith(']')) ip = ip.slice(1, -1);
  const zone = ip.indexOf('%');
  if (zone !== -1) ip = ip.slice(0, zone);
  const mapped = MAPPED_V4.exec(ip);
  if (mapped?.[1] !== undefined && isIP(mapped[1]) === 4) return mapped[1];
  const family = isIP(ip);
  if (family === 4) return ip;
  if (family === 6) return ip.toLowerCase();
  return undefined;
}

/** A compiled list of trusted proxy addresses and CIDR ranges. */
export interface TrustedProxies {
  /** True when `ip` (already normalised) is a trusted proxy. */
  has(ip: string): boolean;
  readonly size: number;
}

/**
 * Compiles `['10.0.0.0/8', '2001:db8::/32', '192.0.2.7']`. Throws a `RangeError` naming the
 * first entry that is neither an IP nor a CIDR range (the router turns it into
 * ERR_ROUTER_OPTIONS).
 */
export function compileTrustedProxies(entries: readonly string[]): TrustedProxies {
  const list = new BlockList();
  for (const entry of entries) {
    const [address, prefixText, extra] = entry.split('/');
    const ip = normalizeIp(address);
    if (ip === undefined || extra !== undefined) throw new RangeError(`"${entry}" is not an IP address or CIDR range`);
    const family = isIP(ip) === 4 ? 'ipv4' : 'ipv6';
    if (prefixText === undefined) {
      list.addAddress(ip, family);
      continue;
    }
    const prefix = /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : NaN;
    if (!(prefix >= 0 && prefix <= (family === 'ipv4' ? 32 : 128))) throw new RangeError(`"${entry}" has an invalid prefix length`);
    list.addSubnet(ip, prefix, family);
  }
  return {
    has: (ip) => {
      const family = isIP(ip);
      return family !== 0 && list.check(ip, family === 4 ? 'ipv4' : 'ipv6');
    },
    size: entries.length,
  };
}

/**
 * The client IP of a request, from its socket peer and `X-Forwarded-For` header.
 *
 * @example
 * resolveClientIp('10.0.0.2', '203.0.113.9, 10.0.0.1', compileTrustedProxies(['10.0.0.0/8'])); // '203.0.113.9'
 */
export function resolveClientIp(socketAddress: string | undefined, forwardedFor: string | string[] | undefined, trusted: TrustedProxies): string {
  const peer = normalizeIp(socketAddress) ?? 'unknown';
  if (trusted.size === 0 || forwardedFor === undefined || !trusted.has(peer)) return peer;
  // Several X-Forwarded-For headers are one list in order (RFC 9110 §5.3).
  const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor).split(',');
  let client = peer;
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = normalizeIp(hops[i]);
    // A malformed hop ends the walk: nothing left of it can be vouched for.
    if (hop === undefined) break;
    client = hop;
    if (!trusted.has(hop)) break;
  }
  return client;
}
