import { defineNode, parseIp, samePrefix, type IpAddress, type NodeContext } from '@waymark/sdk';

const schema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    /** What the browser IP is compared with: the IP the adapter observed on the PAR request. */
    against: { type: 'string', enum: ['par'], default: 'par', description: 'Compare the browser IP with the back-channel IP observed on PAR.' },
    /** Name of the pushed parameter carrying the IP the app says it uses; checked when present. */
    pushedIpParam: { type: 'string', minLength: 1, maxLength: 64, default: 'ip', description: 'Pushed parameter with the IP the app reports; must agree when present.' },
    /** Bits of an IPv4 address that must agree; 32 = exact. 24 tolerates a carrier NAT pool. */
    ipv4Prefix: { type: 'integer', minimum: 16, maximum: 32, default: 32, description: 'IPv4 bits that must agree (32 = exact).' },
    /** Bits of an IPv6 address that must agree; 128 = exact. 64 tolerates privacy addresses. */
    ipv6Prefix: { type: 'integer', minimum: 32, maximum: 128, default: 128, description: 'IPv6 bits that must agree (128 = exact).' },
  },
} as const;

/** How many leading bits two addresses of one family share. */
function commonBits(a: IpAddress, b: IpAddress): number {
  for (let i = 0; i < a.bytes.length; i++) {
    const x = (a.bytes[i] ?? 0) ^ (b.bytes[i] ?? 0);
    if (x !== 0) return i * 8 + Math.clz32(x) - 24;
  }
  return a.bytes.length * 8;
}

/** Why two addresses do not agree, for the log: another family, or how many bits agree of how many required. Never the addresses. */
function disagreement(a: IpAddress, b: IpAddress, bits: (ip: IpAddress) => number): Record<string, unknown> {
  if (a.family !== b.family) return { detail: 'family_mismatch', families: `IPv${a.family}/IPv${b.family}` };
  return { detail: 'prefix_mismatch', family: `IPv${a.family}`, agreeingBits: commonBits(a, b), requiredBits: bits(a) };
}

/** A mismatch, logged with why (the reason, which side, and for a disagreement the family or the bits), never an address. */
function mismatch(ctx: NodeContext, reason: string, fields: Record<string, unknown>) {
  ctx.services.logger.info('ip.match: mismatch', { reason, ...fields });
  return { outcome: 'mismatch', reason };
}

/**
 * `ip.match` — the session-transfer check that the browser redeeming a pushed request comes
 * from where the app pushed it: compares `ctx.par.ip` (back channel) with `ctx.ip` (front
 * channel), and the app-reported `ip` pushed parameter when present. IPv4-mapped IPv6 folds
 * to IPv4; IPv6 compares as bytes, so every textual form of one address matches. A mismatch
 * is logged at info with why (`family_mismatch`, or `prefix_mismatch` with the agreeing and
 * required bits; which side is missing or not an IP), never with an address.
 *
 * Outcomes: `match`, `mismatch` (reasons `missing`, `not_an_ip`, `different`, `pushed_ip_disagrees`).
 *
 * @example
 * { "type": "ip.match", "config": { "ipv4Prefix": 24 }, "outcomes": { "match": "createSession", "mismatch": "failure" } }
 */
export const ipMatch = defineNode({
  type: 'ip.match',
  version: 1,
  description: 'Compares the IP observed on the pushed authorization request with the IP of the browser request.',
  config: schema,
  outcomes: ['match', 'mismatch'],
  run(ctx, config) {
    if (!ctx.par) return mismatch(ctx, 'missing', { missing: 'pushed_request' });
    if (!ctx.par.ip || !ctx.ip) return mismatch(ctx, 'missing', { missing: ctx.par.ip ? 'browser_ip' : 'pushed_request_ip' });
    const back = parseIp(ctx.par.ip);
    const front = parseIp(ctx.ip);
    if (!back || !front) return mismatch(ctx, 'not_an_ip', { side: back ? 'browser' : 'pushed_request' });
    const bits = (ip: IpAddress) => (ip.family === 4 ? config.ipv4Prefix : config.ipv6Prefix);
    const agree = (a: IpAddress, b: IpAddress) => samePrefix(a, b, bits(a));
    if (!agree(back, front)) return mismatch(ctx, 'different', disagreement(back, front, bits));
    // Only the pushed (back-channel) parameters count: a front-channel `ip` is attacker-controlled.
    const pushedText = ctx.par.params[config.pushedIpParam];
    if (pushedText !== undefined) {
      const pushed = parseIp(pushedText);
      if (!pushed) return mismatch(ctx, 'not_an_ip', { side: 'pushed_ip_param' });
      if (!agree(pushed, front)) return mismatch(ctx, 'pushed_ip_disagrees', disagreement(pushed, front, bits));
    }
    return 'match';
  },
});
