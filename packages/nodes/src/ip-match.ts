import { defineNode, parseIp, samePrefix } from '@waymark/sdk';

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

/**
 * `ip.match` — the session-transfer check that the browser redeeming a pushed request comes
 * from where the app pushed it: compares `ctx.par.ip` (back channel) with `ctx.ip` (front
 * channel), and the app-reported `ip` pushed parameter when present. IPv4-mapped IPv6 folds
 * to IPv4; IPv6 compares as bytes, so every textual form of one address matches.
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
    if (!ctx.par || !ctx.par.ip || !ctx.ip) return { outcome: 'mismatch', reason: 'missing' };
    const back = parseIp(ctx.par.ip);
    const front = parseIp(ctx.ip);
    if (!back || !front) return { outcome: 'mismatch', reason: 'not_an_ip' };
    const agree = (a: typeof back, b: typeof back) => samePrefix(a, b, a.family === 4 ? config.ipv4Prefix : config.ipv6Prefix);
    if (!agree(back, front)) return { outcome: 'mismatch', reason: 'different' };
    // Only the pushed (back-channel) parameters count: a front-channel `ip` is attacker-controlled.
    const pushedText = ctx.par.params[config.pushedIpParam];
    if (pushedText !== undefined) {
      const pushed = parseIp(pushedText);
      if (!pushed) return { outcome: 'mismatch', reason: 'not_an_ip' };
      if (!agree(pushed, front)) return { outcome: 'mismatch', reason: 'pushed_ip_disagrees' };
    }
    return 'match';
  },
});
