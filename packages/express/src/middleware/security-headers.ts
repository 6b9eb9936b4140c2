import type { RequestHandler } from 'express';
import { contentSecurityPolicy } from '@waymark/http';

/*
 * The Content-Security-Policy of every response is `contentSecurityPolicy()` of
 * `@waymark/http`: nothing loads but same-origin styles and images, no script, no framing,
 * forms post to this origin only. A page whose form may end in a cross-origin redirect sets
 * its own, widened one.
 */
const CSP = contentSecurityPolicy();

/** The security headers, computed once: one loop over a frozen list per response. */
const SECURITY_HEADERS: readonly (readonly [string, string])[] = Object.freeze([
  ['Content-Security-Policy', CSP],
  ['Referrer-Policy', 'no-referrer'],
  ['X-Frame-Options', 'DENY'],
  ['X-Content-Type-Options', 'nosniff'],
  ['Cross-Origin-Opener-Policy', 'same-origin'],
  ['Cross-Origin-Resource-Policy', 'same-origin'],
] as const);

/** RFC 6749 §5.1 / RFC 9126 §2.2. */
const NO_STORE_HEADERS: readonly (readonly [string, string])[] = Object.freeze([
  ['Cache-Control', 'no-store'],
  ['Pragma', 'no-cache'],
] as const);

function setAll(res: { setHeader(name: string, value: string): unknown }, headers: readonly (readonly [string, string])[]): void {
  for (let i = 0; i < headers.length; i++) {
    const header = headers[i] as readonly [string, string];
    res.setHeader(header[0], header[1]);
  }
}

/** Sets the security headers on every response of the router. */
export function securityHeaders(): RequestHandler {
  return function securityHeaders(_req, res, next) {
    setAll(res, SECURITY_HEADERS);
    // Do not advertise the framework (express sets it before any router runs).
    if (res.hasHeader('X-Powered-By')) res.removeHeader('X-Powered-By');
    next();
  };
}

/** RFC 6749 §5.1 / RFC 9126 §2.2: OAuth responses must not be cached. */
export function noStore(): RequestHandler {
  return function noStore(_req, res, next) {
    setAll(res, NO_STORE_HEADERS);
    next();
  };
}
