import { defineNode, type NodeContext } from '@waymark/sdk';

const schema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    /** Where the target URL comes from: a pushed parameter, a state key or a fixed value. */
    from: {
      description: 'Source of the target: { pushed: name } | { state: key } | { value: url }.',
      oneOf: [
        { type: 'object', additionalProperties: false, required: ['pushed'], properties: { pushed: { type: 'string', minLength: 1 } } },
        { type: 'object', additionalProperties: false, required: ['state'], properties: { state: { type: 'string', minLength: 1 } } },
        { type: 'object', additionalProperties: false, required: ['value'], properties: { value: { type: 'string', minLength: 1 } } },
      ],
      default: { pushed: 'target' },
    },
    /** Extra allowed targets on top of the client's `redirectTargets` (origin + path prefix). */
    targets: { type: 'array', items: { type: 'string', minLength: 1 }, default: [], description: 'Allowed targets in addition to the client allowlist.' },
    /** Allows http: for 127.0.0.1, localhost and [::1] only: for local development. */
    allowLoopbackHttp: { type: 'boolean', default: false, description: 'Allow http: to loopback hosts (development only).' },
    /** Longest target accepted, in characters. */
    maxLength: { type: 'integer', minimum: 16, maximum: 8192, default: 2048, description: 'Longest target URL accepted.' },
  },
} as const;

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);
// Percent-encoded path separators, dots and control characters: an allowlist check on the
// decoded path would not see what a downstream server decodes them into.
const ENCODED_SEPARATOR = /%(2f|5c|2e|0[0-9a-f]|1[0-9a-f]|7f)/i;
// eslint-disable-next-line no-control-regex -- control characters are exactly what we reject
const CONTROL = /[\u0000-\u001f\u007f-\u009f\s]/;

function rawTarget(ctx: NodeContext, from: { pushed?: string; state?: string; value?: string }): unknown {
  // Only the pushed (back-channel) parameters count for `pushed`: front-channel ones are forgeable.
  if (from.pushed !== undefined) return ctx.par?.params[from.pushed];
  if (from.state !== undefined) return ctx.state[from.state];
  return from.value;
}

/* Allowlist entries parsed once: they come from client and flow configuration, a small fixed
 * set, and a journey would otherwise parse every entry again. Bounded all the same. */
const MAX_PARSED = 1024;
const parsedTargets = new Map<string, { origin: string; prefix: string } | null>();

function parsedTarget(target: string): { origin: string; prefix: string } | null {
  let parsed = parsedTargets.get(target);
  if (parsed === undefined) {
    try {
      const allow = new URL(target);
      parsed = allow.origin === 'null' ? null : { origin: allow.origin, prefix: allow.pathname };
    } catch {
      parsed = null;
    }
    if (parsedTargets.size >= MAX_PARSED) parsedTargets.clear();
    parsedTargets.set(target, parsed);
  }
  return parsed;
}

function allowed(url: URL, target: string): boolean {
  const allow = parsedTarget(target);
  if (allow === null || url.origin !== allow.origin) return false;
  const prefix = allow.prefix;
  if (prefix.endsWith('/')) return url.pathname.startsWith(prefix);
  return url.pathname === prefix || url.pathname.startsWith(`${prefix}/`);
}

/** Checks one candidate target; returns the URL or the reason it was refused. */
export function checkRedirectTarget(
  raw: unknown,
  allowlist: readonly string[],
  options: { allowLoopbackHttp: boolean; maxLength: number },
): URL | { reason: string } {
  if (typeof raw !== 'string' || raw === '') return { reason: 'missing' };
  if (raw.length > options.maxLength) return { reason: 'too_long' };
  if (CONTROL.test(raw)) return { reason: 'control_chars' };
  if (raw.includes('\\')) return { reason: 'backslash' };
  if (ENCODED_SEPARATOR.test(raw)) return { reason: 'encoded_separator' };
  if (raw.startsWith('/')) return { reason: 'scheme_relative' };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { reason: 'malformed' };
  }
  if (url.protocol !== 'https:') {
    if (url.protocol !== 'http:') return { reason: 'scheme' };
    if (!options.allowLoopbackHttp || !LOOPBACK.has(url.hostname)) return { reason: 'insecure' };
  }
  // An empty userinfo (`https://@evil.example`) leaves username '' yet is still a trick: look at the raw authority too.
  const authority = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)/i.exec(raw)?.[1] ?? '';
  if (url.username !== '' || url.password !== '' || authority.includes('@')) return { reason: 'userinfo' };
  if (raw.includes('#')) return { reason: 'fragment' };
  if (!allowlist.some((t) => allowed(url, t))) return { reason: 'not_allowed' };
  return url;
}

/**
 * `redirect` — ends a journey by sending the browser to a target, after checking it against
 * the client's allowlist (`ctx.client.redirectTargets` plus `targets`) by exact origin and
 * path prefix on a segment boundary (`/app` allows `/app` and `/app/x`, never `/apple`).
 * https only (http for loopback when `allowLoopbackHttp`), no userinfo, no fragment, and no
 * backslash, control character or percent-encoded separator anywhere in the raw string.
 *
 * Outcomes: `redirected` (the effect is set), `rejected` (reasons `missing`, `too_long`,
 * `control_chars`, `backslash`, `encoded_separator`, `scheme_relative`, `malformed`, `scheme`,
 * `insecure`, `userinfo`, `fragment`, `not_allowed`).
 *
 * @example
 * { "type": "redirect", "config": { "from": { "pushed": "target" } }, "outcomes": { "redirected": "success", "rejected": "failure" } }
 */
export const redirect = defineNode({
  type: 'redirect',
  version: 1,
  description: 'Redirects the browser to a target URL checked against the client allowlist.',
  config: schema,
  outcomes: ['redirected', 'rejected'],
  run(ctx, config) {
    const allowlist = [...(ctx.client?.redirectTargets ?? []), ...config.targets];
    const result = checkRedirectTarget(rawTarget(ctx, config.from as { pushed?: string; state?: string; value?: string }), allowlist, config);
    if (!(result instanceof URL)) return { outcome: 'rejected', reason: result.reason };
    ctx.effects.redirect(result.href);
    return 'redirected';
  },
});
