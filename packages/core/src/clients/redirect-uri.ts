/**
 * Redirect URI registration and matching.
 *
 * - `redirect_uris` match by exact string comparison (RFC 6749 §3.1.2.3, RFC 9700 §4.1.3),
 *   except that a native client's loopback IP redirect matches on any port (RFC 8252 §7.3).
 * - `redirect_uri_patterns` are wildcards, not regular expressions: a regex is too easy to get
 *   wrong (an unescaped dot, a missing anchor). A pattern is an absolute `https` URL where `*`
 *   may stand for the whole left-most host label (`https://*.example.com/cb`, one DNS label,
 *   never a dot) or for part of a path segment (`https://example.com/apps/*\/cb`, never a `/`).
 *   No wildcard in the scheme, port, registrable domain or query. Patterns compile to anchored
 *   regular expressions at start-up, and only a URI already in canonical WHATWG form can match
 *   one (so `..`, `%2e%2e` or an upper-case host never slip through a wildcard).
 */

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]']);
const PRIVATE_USE_SCHEME = /^[a-z][a-z0-9+.-]*\.[a-z0-9+.-]+$/; // RFC 8252 §7.1: reverse domain name

function parse(uri: string): URL | undefined {
  try {
    return new URL(uri);
  } catch {
    return undefined;
  }
}

/** A problem with a registered redirect URI, or undefined when it is acceptable. */
export function redirectUriProblem(uri: string, native: boolean): string | undefined {
  const url = parse(uri);
  if (!url) return `"${uri}" is not an absolute URL; write the full URL such as "https://app.example.com/callback"`;
  if (uri.includes('#')) return `"${uri}" has a fragment; remove it (RFC 6749 §3.1.2)`;
  if (url.username || url.password) return `"${uri}" has user info; remove it`;
  const scheme = url.protocol.slice(0, -1);
  if (scheme === 'https') return undefined;
  if (scheme === 'http') {
    if (url.hostname === 'localhost' || LOOPBACK_HOSTS.has(url.hostname)) return undefined;
    return `"${uri}" uses http on a non-loopback host; use https`;
  }
  if (native && PRIVATE_USE_SCHEME.test(scheme)) return undefined;
  return native
    ? `"${uri}" uses scheme "${scheme}"; use https, a loopback http URL or a reverse-domain private-use scheme (RFC 8252 §7)`
    : `"${uri}" uses scheme "${scheme}"; use https`;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

const HOST_LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
const PATH_PART = "[A-Za-z0-9\\-._~!$&'()*+,;=:@%]+";

/**
 * Compiles a wildcard pattern into an anchored regular expression, or returns the problem
 * (what is wrong and the fix).
 */
export function compileRedirectUriPattern(pattern: string): RegExp | string {
  const parts = /^(https):\/\/([^/?#]+)(\/[^?#]*)?(\?[^#]*)?$/.exec(pattern);
  if (!parts) return `"${pattern}" must be an absolute https URL without a fragment, e.g. "https://*.example.com/callback"`;
  const [, scheme, authority = '', path = '/', query = ''] = parts;
  if (authority.includes('@')) return `"${pattern}" has user info; remove it`;
  if (authority !== authority.toLowerCase()) return `"${pattern}" has upper-case letters in the host; write it in lower case`;
  if (query.includes('*')) return `"${pattern}" has a wildcard in the query; wildcards are allowed in the first host label and in path segments only`;
  let hostRegex: string;
  if (authority.includes('*')) {
    const rest = authority.slice(2);
    if (!authority.startsWith('*.') || rest.includes('*'))
      return `"${pattern}": a host wildcard must be the whole left-most label ("https://*.example.com/..."); remove other "*" from the host`;
    const hostname = rest.split(':')[0] ?? '';
    if (hostname.split('.').length < 2)
      return `"${pattern}": the host wildcard must sit under a registrable domain with at least two labels ("*.example.com", not "*.com")`;
    hostRegex = HOST_LABEL + escapeRegex(authority.slice(1));
  } else {
    hostRegex = escapeRegex(authority);
  }
  if (!parse(pattern.replace(/\*/g, 'x'))) return `"${pattern}" is not a valid URL once its wildcards are filled in`;
  const pathRegex = path
    .split('/')
    .map((segment) => segment.split('*').map(escapeRegex).join(PATH_PART))
    .join('\\/');
  return new RegExp(`^${scheme}:\\/\\/${hostRegex}${pathRegex}${escapeRegex(query)}$`);
}

/** What redirect URI matching needs to know of a client. */
export interface RedirectUriRules {
  readonly type: string;
  readonly redirectUris: readonly string[];
  readonly redirectUriPatterns: readonly RegExp[];
}

function loopbackWithoutPort(uri: string): string | undefined {
  const url = parse(uri);
  if (!url || url.protocol !== 'http:' || !LOOPBACK_HOSTS.has(url.hostname)) return undefined;
  url.port = '';
  return url.href;
}

/**
 * True when `uri` is one of the client's registered redirect URIs or matches one of its
 * patterns.
 *
 * @example
 * matchRedirectUri(client, 'https://app.example.com/callback');
 */
export function matchRedirectUri(client: RedirectUriRules, uri: string): boolean {
  if (client.redirectUris.includes(uri)) return true;
  const url = parse(uri);
  if (!url || uri.includes('#') || url.username || url.password) return false;
  // RFC 8252 §7.3: loopback redirects of native apps match whatever port the app listens on.
  if (client.type === 'native') {
    const bare = loopbackWithoutPort(uri);
    if (bare !== undefined && client.redirectUris.some((registered) => loopbackWithoutPort(registered) === bare)) return true;
  }
  // Patterns match canonical URIs only: no dot segments, no stray encodings, lower-case host.
  if (url.href !== uri && `${url.href}` !== `${uri}/`) return false;
  return client.redirectUriPatterns.some((pattern) => pattern.test(uri));
}
