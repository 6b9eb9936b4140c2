import type { IncomingMessage } from 'node:http';
import { BlockList, isIP, type Socket } from 'node:net';
import { normalizeIp, WaymarkError } from '@waymark/sdk';
import { HTTP_ERRORS } from './errors.js';

/*
 * Client IP resolution. The IP is the socket peer's, unless that peer is a trusted proxy: then
 * `X-Forwarded-For` is walked from the right (the hop nearest to us) and the first address that
 * is not itself a trusted proxy is the client. A forged left-most entry therefore never wins
 * over what a trusted proxy appended. Addresses are normalised with the SDK's `normalizeIp`
 * (IPv4-mapped IPv6 reported as IPv4), so that a PAR request and a browser request compare
 * equal whatever socket family carried them.
 */

/** A compiled list of trusted proxy addresses and CIDR ranges. */
export interface TrustedProxies {
  /** True when `ip` (already normalised) is a trusted proxy. */
  has(ip: string): boolean;
  readonly size: number;
}

/**
 * Compiles `['10.0.0.0/8', '2001:db8::/32', '192.0.2.7']`. Throws a `RangeError` naming the
 * first entry that is neither an IP nor a CIDR range (callers turn it into their options error).
 *
 * @example
 * const trusted = compileTrustedProxies(['10.0.0.0/8']);
 * trusted.has('10.1.2.3'); // true
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
 * The client IP of a request, from its socket peer and `X-Forwarded-For` header. Throws
 * `ERR_INVALID_REQUEST` (400) when the walk through trusted proxies reaches an entry that is
 * not an IP address: what a trusted proxy passed on is unusable, and answering with the proxy's
 * own address would bind a handoff to every user behind that proxy. Malformed entries left of
 * the client (which the client itself may have sent) are never read.
 *
 * @example
 * resolveClientIp('10.0.0.2', '203.0.113.9, 10.0.0.1', compileTrustedProxies(['10.0.0.0/8'])); // '203.0.113.9'
 */
export function resolveClientIp(
  socketAddress: string | undefined,
  forwardedFor: string | string[] | undefined,
  trusted: TrustedProxies,
): string {
  const peer = normalizeIp(socketAddress) ?? 'unknown';
  if (trusted.size === 0 || forwardedFor === undefined || !trusted.has(peer)) return peer;
  // Several X-Forwarded-For headers are one list in order (RFC 9110 §5.3).
  const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor).split(',');
  let client = peer;
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = normalizeIp(hops[i]);
    if (hop === undefined)
      throw new WaymarkError(HTTP_ERRORS.ERR_INVALID_REQUEST, 'X-Forwarded-For from a trusted proxy is malformed: each entry must be an IP address; fix the proxy', {
        header: 'x-forwarded-for',
      });
    client = hop;
    if (!trusted.has(hop)) break;
  }
  return client;
}

const peers = new WeakMap<Socket, string>();

/** The socket peer's normalised address (worked out once per connection), or `unknown`. */
export function peerOf(socket: Socket): string {
  let peer = peers.get(socket);
  if (peer === undefined) {
    peer = normalizeIp(socket.remoteAddress) ?? 'unknown';
    // remoteAddress is undefined once the socket is gone: do not remember that.
    if (socket.remoteAddress !== undefined) peers.set(socket, peer);
  }
  return peer;
}

/**
 * The client IP of a node:http request: `resolveClientIp` of its socket and `X-Forwarded-For`.
 * A connection's peer never changes, so without a proxy in play its normalised address is
 * worked out once per connection, not once per keep-alive request. Framework settings such as
 * express's `trust proxy` are ignored on purpose: a host's setting may be looser than what
 * identity decisions need.
 *
 * @example
 * const ip = clientIpOf(req, compileTrustedProxies(['10.0.0.0/8']));
 */
export function clientIpOf(req: IncomingMessage, trusted: TrustedProxies): string {
  const forwardedFor = req.headers['x-forwarded-for'];
  return trusted.size === 0 || forwardedFor === undefined
    ? peerOf(req.socket)
    : resolveClientIp(req.socket.remoteAddress, forwardedFor, trusted);
}
