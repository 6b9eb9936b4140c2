import type { CookieEffect, CookieOptions } from '@waymark/sdk';

/*
 * Cookies, both ways, without a dependency. Parsing follows RFC 6265 §5.2 leniently (browsers
 * send `name=value` pairs separated by `; `); serialising follows §4.1 strictly and applies the
 * design's security defaults.
 */

// RFC 6265 §4.1.1: cookie-name is an RFC 7230 token.
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// RFC 6265 §4.1.1: cookie-octet (no CTLs, whitespace, DQUOTE, comma, semicolon or backslash).
const COOKIE_VALUE = /^[\x21\x23-\x2B\x2D-\x3A\x3C-\x5B\x5D-\x7E]*$/;
const MAX_COOKIES = 64;

/**
 * Parses a `Cookie` header into name → value. The first occurrence of a name wins (browsers
 * send the most specific path first); a value in double quotes is unquoted; values are not
 * percent-decoded (RFC 6265 gives them no encoding). Malformed pairs are skipped.
 *
 * @example
 * parseCookieHeader('a=1; __Host-waymark-session=abc'); // { a: '1', '__Host-waymark-session': 'abc' }
 */
export function parseCookieHeader(header: string | undefined): Record<string, string> {
  const cookies = Object.create(null) as Record<string, string>;
  if (!header) return cookies;
  let count = 0;
  for (const pair of header.split(';')) {
    if (count >= MAX_COOKIES) break;
    const eq = pair.indexOf('=');
    if (eq <= 0) continue;
    const name = pair.slice(0, eq).trim();
    if (!TOKEN.test(name) || name in cookies) continue;
    let value = pair.slice(eq + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    if (!COOKIE_VALUE.test(value)) continue;
    cookies[name] = value;
    count++;
  }
  return cookies;
}

/**
 * The options a cookie is actually sent with. Design rule: HttpOnly, Secure, SameSite=Lax and
 * Path=/ unless the flow says otherwise. Whatever the flow says, a `__Host-` cookie is Secure,
 * Path=/ and has no Domain (RFC 6265bis §4.1.3.2), a `__Secure-` cookie is Secure, and
 * SameSite=None is Secure (browsers drop it otherwise).
 */
export function effectiveCookieOptions(name: string, options: CookieOptions): CookieOptions {
  const out: CookieOptions = {
    httpOnly: options.httpOnly ?? true,
    secure: options.secure ?? true,
    sameSite: options.sameSite ?? 'Lax',
    path: options.path ?? '/',
  };
  if (options.domain !== undefined) out.domain = options.domain;
  if (options.maxAge !== undefined) out.maxAge = options.maxAge;
  if (name.startsWith('__Host-')) {
    out.secure = true;
    out.path = '/';
    delete out.domain;
  }
  if (name.startsWith('__Secure-') || out.sameSite === 'None') out.secure = true;
  return out;
}

/**
 * One `Set-Cookie` value for a cookie effect (`value: null` clears it: empty value, Max-Age=0).
 * Throws a TypeError for a name or value that cannot be sent as-is; journeys never produce one.
 *
 * @example
 * serializeCookie({ name: '__Host-waymark-session', value: 'abc', options: {} });
 * // '__Host-waymark-session=abc; Path=/; HttpOnly; Secure; SameSite=Lax'
 */
export function serializeCookie(effect: CookieEffect): string {
  if (!TOKEN.test(effect.name)) throw new TypeError('cookie name is not an RFC 6265 token');
  const value = effect.value ?? '';
  if (!COOKIE_VALUE.test(value)) throw new TypeError('cookie value has characters RFC 6265 does not allow');
  const o = effectiveCookieOptions(effect.name, effect.options);
  const parts = [`${effect.name}=${value}`];
  if (o.domain !== undefined) parts.push(`Domain=${o.domain}`);
  parts.push(`Path=${o.path ?? '/'}`);
  if (effect.value === null) parts.push('Max-Age=0', 'Expires=Thu, 01 Jan 1970 00:00:00 GMT');
  else if (o.maxAge !== undefined) parts.push(`Max-Age=${Math.max(0, Math.floor(o.maxAge))}`);
  if (o.httpOnly) parts.push('HttpOnly');
  if (o.secure) parts.push('Secure');
  if (o.sameSite) parts.push(`SameSite=${o.sameSite}`);
  return parts.join('; ');
}
