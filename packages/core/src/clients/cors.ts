/**
 * CORS origins of a client (PingOne's CORS settings): `any_origin` (any potentially
 * trustworthy origin: https, or http on a loopback host — what a browser treats as a secure
 * context), `specific_origins` (the `cors_origins` list, each an exact origin or a pattern with
 * one `*` in a sub-domain label: `https://*.example.com`, `https://www.app*.example.com`; never
 * in the registrable domain, the scheme or the port) or `no_origins`.
 */

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** The problem of one `cors_origins` entry, or its compiled matcher. */
export function compileCorsOrigin(entry: string): RegExp | string {
  if (!entry.includes('*')) {
    const url = URL.canParse(entry) ? new URL(entry) : undefined;
    if (!url || url.origin === 'null' || url.origin !== entry)
      return `"${entry}" must be a bare origin such as "https://app.example.com" (no path, no trailing slash)`;
    return new RegExp(`^${escape(entry)}$`);
  }
  const parts = /^(https?):\/\/([^/:?#]+)(:\d+)?$/.exec(entry);
  if (!parts) return `"${entry}" must be an origin pattern such as "https://*.example.com" (no path, no trailing slash)`;
  const [, scheme, host = '', port = ''] = parts;
  if (entry.split('*').length > 2) return `"${entry}" has more than one "*"; use one wildcard per origin`;
  if (host !== host.toLowerCase()) return `"${entry}" has upper-case letters in the host; write it in lower case`;
  const labels = host.split('.');
  const at = labels.findIndex((label) => label.includes('*'));
  // The wildcard may not fall in the registrable domain (its last two labels): "https://test*.com" is refused.
  if (labels.length < 3 || at >= labels.length - 2)
    return `"${entry}": the "*" must be in a sub-domain label, never in the domain name ("https://*.example.com", not "https://example*.com")`;
  if (!labels.every((label) => /^[a-z0-9*-]+$/.test(label))) return `"${entry}" has characters a host name cannot have`;
  const hostRegex = labels
    .map((label) => (label === '*' ? '[a-z0-9](?:[a-z0-9-]*[a-z0-9])?' : label.split('*').map(escape).join('[a-z0-9-]*')))
    .join('\\.');
  return new RegExp(`^${scheme}:\\/\\/${hostRegex}${escape(port)}$`);
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

/** What CORS needs to know of a client. */
export interface CorsRules {
  readonly corsPolicy: 'any_origin' | 'specific_origins' | 'no_origins';
  readonly corsOriginPatterns: readonly RegExp[];
}

/**
 * True when a browser at `origin` may call on behalf of this client (Fetch standard, CORS protocol).
 *
 * @example
 * corsOriginAllowed(client, 'https://app.example.com');
 */
export function corsOriginAllowed(client: CorsRules, origin: string): boolean {
  if (client.corsPolicy === 'no_origins') return false;
  if (client.corsPolicy === 'any_origin') {
    const url = URL.canParse(origin) ? new URL(origin) : undefined;
    if (!url || url.origin !== origin) return false;
    return url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.has(url.hostname));
  }
  return client.corsOriginPatterns.some((pattern) => pattern.test(origin));
}
