import type { IncomingMessage } from 'node:http';
import type { Response } from 'express';
import { resolveClientIp, type TrustedProxies } from '@waymark/express';
import type { CookieEffect, RequestInfo } from '@waymark/sdk';

/** Cookie header → name/value (first one wins, as browsers send the most specific first). */
export function parseCookies(header: string | undefined): Record<string, string> {
  const cookies: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    if (name in cookies) continue;
    let value = part.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    try {
      cookies[name] = decodeURIComponent(value);
    } catch {
      cookies[name] = value;
    }
  }
  return cookies;
}

/** What the engine sees of this request; the client IP honours only the trusted proxies. */
export function requestInfo(req: IncomingMessage, trusted: TrustedProxies): RequestInfo {
  const headers: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(req.headers)) headers[k] = Array.isArray(v) ? v.join(', ') : v;
  return {
    ip: resolveClientIp(req.socket.remoteAddress, req.headers['x-forwarded-for'], trusted),
    headers,
    cookies: parseCookies(req.headers.cookie),
    userAgent: req.headers['user-agent'],
  };
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
