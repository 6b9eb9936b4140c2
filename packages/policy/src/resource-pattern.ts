/*
 * URL resource patterns, the AIC way: `*` matches any run of characters (across `/`), and
 * a resource is compared in a canonical form — lower-case scheme and host, the default port
 * written out (AIC's `https://api.example.com:443/pay` and `https://api.example.com/pay` are
 * one resource), no fragment.
 */

const WILDCARD = 'wmwildcard0';
const DEFAULT_PORTS: Readonly<Record<string, string>> = { 'http:': '80', 'https:': '443' };

/** The canonical form of a resource URL, or undefined when it is not an absolute http(s) URL. */
export function canonicalResource(resource: string): string | undefined {
  if (!URL.canParse(resource)) return undefined;
  const url = new URL(resource);
  const port = url.port || DEFAULT_PORTS[url.protocol];
  if (port === undefined || url.username || url.password) return undefined;
  return `${url.protocol}//${url.hostname}:${port}${url.pathname}${url.search}`;
}

/** Compiles a pattern; undefined when even with its wildcards it is not an http(s) URL. */
export function compileResourcePattern(pattern: string): RegExp | undefined {
  const canonical = canonicalResource(pattern.split('*').join(WILDCARD));
  if (canonical === undefined) return undefined;
  const escaped = canonical
    .split(WILDCARD)
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${escaped}$`);
}
