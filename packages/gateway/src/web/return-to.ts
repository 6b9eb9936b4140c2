/*
 * Where the browser goes after login. Only a path of this origin under the route's path is
 * accepted (no scheme, no host, no "//" or "/\" that browsers read as another host, no control
 * characters); anything else becomes the route's root. This closes the open redirect of OWASP's
 * "Unvalidated Redirects and Forwards" and RFC 9700 §4.11.
 */

// Control characters and backslashes: browsers strip tabs and newlines and treat "\" as "/",
// so "/\evil.example" and "/\t/evil.example" would leave the origin.
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f\\]/;

/**
 * The same-origin path to return to, or `fallback`.
 *
 * @example
 * safeReturnTo('/app/orders?id=3', 'https://gw.example', '/app', '/app'); // '/app/orders?id=3'
 * safeReturnTo('//evil.example/', 'https://gw.example', '/app', '/app');   // '/app'
 */
export function safeReturnTo(candidate: unknown, publicOrigin: string, routePath: string, fallback: string): string {
  if (typeof candidate !== 'string' || candidate.length === 0 || candidate.length > 2048) return fallback;
  if (!candidate.startsWith('/') || candidate.startsWith('//') || UNSAFE.test(candidate)) return fallback;
  let url: URL;
  try {
    url = new URL(candidate, publicOrigin);
  } catch {
    return fallback;
  }
  // Two lines of defence: the parser reads "/\\host" or "/<tab>/host" as another host; the check above refuses them first.
  if (url.origin !== publicOrigin) return fallback;
  const inside = routePath === '/' || url.pathname === routePath || url.pathname.startsWith(`${routePath}/`);
  if (!inside) return fallback;
  // The parsed form: what the browser will request, with dot segments resolved.
  return `${url.pathname}${url.search}`;
}
