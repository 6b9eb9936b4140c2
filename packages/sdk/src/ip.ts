import { isIP } from 'node:net';

/*
 * IP addresses, the one module every package uses (the adapter's client IP, `ip.match`,
 * `decision`'s CIDR rules, the risk nodes, persistent cookies). Two views of one address:
 *
 * - text: `normalizeIp` gives the form an address is logged, stored and keyed by;
 * - bytes: `parseIp` gives the form addresses are compared by (prefixes, CIDR blocks), where
 *   every textual spelling of one IPv6 address is equal.
 *
 * Both fold IPv4-mapped IPv6 (`::ffff:192.0.2.1`) to IPv4, so a client seen through a
 * dual-stack socket and through a plain IPv4 socket is one client. Node built-ins only: the SDK
 * imports no package at run time.
 */

const MAPPED_V4 = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i;

/**
 * Normalises an IP literal: trims, drops brackets and an IPv6 zone (`%eth0`), maps
 * `::ffff:a.b.c.d` to `a.b.c.d` and lower-cases IPv6. Returns undefined when the text is not an
 * IP address (a host name, `unknown`, an empty string).
 *
 * @example
 * normalizeIp('::ffff:192.0.2.1'); // '192.0.2.1'
 * normalizeIp('[2001:DB8::1]');    // '2001:db8::1'
 * normalizeIp('example.com');      // undefined
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

/** An IP address as bytes: 4 for IPv4, 16 for IPv6 (IPv4-mapped IPv6 is folded to IPv4). */
export interface IpAddress {
  family: 4 | 6;
  bytes: Uint8Array;
}

const MAX_IP_TEXT = 64;

function parseV4(text: string): Uint8Array | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  const bytes = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const p = parts[i] ?? '';
    // Leading zeros are ambiguous (octal in some parsers): refuse them rather than guess.
    if (!/^(0|[1-9][0-9]{0,2})$/.test(p)) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    bytes[i] = n;
  }
  return bytes;
}

function parseV6(text: string): Uint8Array | undefined {
  let head = text;
  let v4Tail: Uint8Array | undefined;
  const lastColon = head.lastIndexOf(':');
  if (head.includes('.', lastColon)) {
    v4Tail = parseV4(head.slice(lastColon + 1));
    if (!v4Tail) return undefined;
    head = head.slice(0, lastColon + 1) + '0:0';
  }
  const halves = head.split('::');
  if (halves.length > 2) return undefined;
  const groupsOf = (s: string): string[] => (s === '' ? [] : s.split(':'));
  const left = groupsOf(halves[0] ?? '');
  const right = halves.length === 2 ? groupsOf(halves[1] ?? '') : [];
  const missing = 8 - left.length - right.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const groups = [...left, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...right];
  const bytes = new Uint8Array(16);
  for (let i = 0; i < 8; i++) {
    const g = groups[i] ?? '';
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
    const n = parseInt(g, 16);
    bytes[i * 2] = n >> 8;
    bytes[i * 2 + 1] = n & 0xff;
  }
  if (v4Tail) bytes.set(v4Tail, 12);
  return bytes;
}

function isV4Mapped(bytes: Uint8Array): boolean {
  for (let i = 0; i < 10; i++) if (bytes[i] !== 0) return false;
  return bytes[10] === 0xff && bytes[11] === 0xff;
}

/**
 * Parses an IP literal as it is (no zone id, no brackets, no port, no surrounding space: run
 * `normalizeIp` first for text from a header). Returns undefined for anything else.
 *
 * @example
 * parseIp('::ffff:203.0.113.7'); // { family: 4, bytes: [203, 0, 113, 7] }
 */
export function parseIp(text: unknown): IpAddress | undefined {
  if (typeof text !== 'string' || text.length === 0 || text.length > MAX_IP_TEXT) return undefined;
  const kind = isIP(text);
  if (kind === 4) {
    const bytes = parseV4(text);
    return bytes && { family: 4, bytes };
  }
  if (kind === 6) {
    if (text.includes('%')) return undefined; // zone ids name a local interface, not a client
    const bytes = parseV6(text);
    if (!bytes) return undefined;
    return isV4Mapped(bytes) ? { family: 4, bytes: bytes.slice(12) } : { family: 6, bytes };
  }
  return undefined;
}

/**
 * True when both addresses share the first `prefix` bits (same family required).
 *
 * @example
 * samePrefix(parseIp('192.0.2.1')!, parseIp('192.0.2.77')!, 24); // true
 */
export function samePrefix(a: IpAddress, b: IpAddress, prefix: number): boolean {
  if (a.family !== b.family) return false;
  const bits = Math.max(0, Math.min(prefix, a.bytes.length * 8));
  const whole = Math.floor(bits / 8);
  for (let i = 0; i < whole; i++) if (a.bytes[i] !== b.bytes[i]) return false;
  const rest = bits % 8;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return ((a.bytes[whole] ?? 0) & mask) === ((b.bytes[whole] ?? 0) & mask);
}

/** A parsed CIDR block (`10.0.0.0/8`, `2001:db8::/32`); a bare address is a /32 or /128. */
export interface CidrBlock {
  network: IpAddress;
  prefix: number;
}

/**
 * Parses a CIDR block or a bare address; undefined for anything else.
 *
 * @example
 * parseCidr('10.0.0.0/8'); // { network: { family: 4, bytes: [10, 0, 0, 0] }, prefix: 8 }
 */
export function parseCidr(text: string): CidrBlock | undefined {
  const slash = text.indexOf('/');
  const network = parseIp(slash === -1 ? text : text.slice(0, slash));
  if (!network) return undefined;
  const max = network.family === 4 ? 32 : 128;
  if (slash === -1) return { network, prefix: max };
  const p = text.slice(slash + 1);
  if (!/^(0|[1-9][0-9]{0,2})$/.test(p)) return undefined;
  let prefix = Number(p);
  // `::ffff:10.0.0.0/104` folds to IPv4: shift the prefix with the address.
  if (network.family === 4 && isIP(text.slice(0, slash)) === 6) prefix -= 96;
  if (prefix < 0 || prefix > max) return undefined;
  return { network, prefix };
}

/**
 * True when `ip` lies in `block`.
 *
 * @example
 * inCidr(parseIp('10.1.2.3')!, parseCidr('10.0.0.0/8')!); // true
 */
export function inCidr(ip: IpAddress, block: CidrBlock): boolean {
  return samePrefix(ip, block.network, block.prefix);
}

/**
 * The canonical text of an address: IPv4 dotted, IPv6 as 8 full lower-case groups (one
 * spelling per address, for keys and signatures).
 *
 * @example
 * canonicalIp(parseIp('2001:DB8::1')!); // '2001:db8:0:0:0:0:0:1'
 */
export function canonicalIp(ip: IpAddress): string {
  if (ip.family === 4) return Array.from(ip.bytes).join('.');
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((((ip.bytes[i] ?? 0) << 8) | (ip.bytes[i + 1] ?? 0)).toString(16));
  return groups.join(':');
}
