import type { IncomingMessage } from 'node:http';
import type { Response } from 'express';
import { clientIpOf, parseCookieHeader, requestIdFor, requestInfoOf, type TrustedProxies } from '@waymark/http';
import type { CookieEffect, RequestInfo } from '@waymark/sdk';

/** Cookie header → name/value: Waymark's RFC 6265 parser. */
export const parseCookies = parseCookieHeader;

/** What the engine sees of this request (as the express adapter builds it); the client IP honours only the trusted proxies; its id is the one the router gave it. */
export function requestInfo(req: IncomingMessage, trusted: TrustedProxies): RequestInfo {
  return requestInfoOf(req, clientIpOf(req, trusted), requestIdFor(req));
}

/** Puts a journey's cookie effects on the response (sets and clears alike). */
export function applyCookies(res: Response, cookies: readonly CookieEffect[]): void {
  for (const cookie of cookies) {
    const o = cookie.options;
    const options = {
      path: o.path ?? '/',
      ...(o.domain !== undefined ? { domain: o.domain } : {}),
      secure: o.secure ?? true,
      httpOnly: o.httpOnly ?? true,
      sameSite: (o.sameSite ?? 'Lax').toLowerCase() as 'lax' | 'strict' | 'none',
    };
    if (cookie.value === null) res.clearCookie(cookie.name, options);
    else res.cookie(cookie.name, cookie.value, o.maxAge !== undefined ? { ...options, maxAge: o.maxAge * 1000 } : options);
  }
}

/** A Set-Cookie value that removes a cookie set with the Waymark session cookie's attributes. */
export function clearedCookie(name: string): string {
  return `${name}=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Secure; HttpOnly; SameSite=Lax`;
}
