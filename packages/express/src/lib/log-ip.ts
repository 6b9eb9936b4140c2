import { createHmac } from 'node:crypto';
import { canonicalIp, parseIp } from '@waymark/sdk';

/**
 * How the access log writes a client IP (the router option `logClientIp`):
 *
 * - `full`: as resolved (the default: what an operator tracing an incident needs);
 * - `truncated`: the network only, IPv4 to its /24 (`203.0.113.0`) and IPv6 to its /48
 *   (`2001:db8:1::`), the way web analytics anonymise addresses: a network, not a person;
 * - `hashed`: a keyed hash (HMAC-SHA-256, 16 base64url characters) that lets lines of one
 *   client be told apart and correlated without the address; a plain hash of an IPv4 address
 *   is reversed by trying all 2^32, so the key is the router's (derived from `csrfKey`, which
 *   every process of a deployment shares);
 * - `none`: no IP at all.
 */
export type LogClientIp = 'full' | 'truncated' | 'hashed' | 'none';

export const LOG_CLIENT_IP_MODES: readonly LogClientIp[] = ['full', 'truncated', 'hashed', 'none'];

function truncated(ip: string): string {
  const parsed = parseIp(ip);
  if (!parsed) return ip;
  if (parsed.family === 4) return `${parsed.bytes[0]}.${parsed.bytes[1]}.${parsed.bytes[2]}.0`;
  const groups: string[] = [];
  for (let i = 0; i < 6; i += 2) groups.push((((parsed.bytes[i] ?? 0) << 8) | (parsed.bytes[i + 1] ?? 0)).toString(16));
  return `${groups.join(':')}::`;
}

/** The function the access log passes each client IP through. */
export function logIpFormatter(mode: LogClientIp, key: Buffer): (ip: string | undefined) => string | undefined {
  switch (mode) {
    case 'full':
      return (ip) => ip;
    case 'none':
      return () => undefined;
    case 'truncated':
      return (ip) => (ip === undefined ? undefined : truncated(ip));
    case 'hashed': {
      const hashKey = createHmac('sha256', key).update('waymark-log-client-ip').digest();
      return (ip) => {
        if (ip === undefined) return undefined;
        const parsed = parseIp(ip);
        // One hash per address, whatever its spelling.
        return createHmac('sha256', hashKey)
          .update(parsed ? canonicalIp(parsed) : ip)
          .digest('base64url')
          .slice(0, 16);
      };
    }
  }
}
