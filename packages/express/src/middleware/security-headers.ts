import type { RequestHandler } from 'express';
import { assignRequestId, contentSecurityPolicy, type TrustedProxies } from '@waymark/http';
import { locals } from '../lib/locals.js';

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

/** The options of the `hsts` router option (RFC 6797 §6.1). */
export interface HstsOptions {
  /** `max-age`: how long the browser uses https only. Default 31536000 (one year). */
  maxAgeSeconds?: number;
  /** `includeSubDomains`: every subdomain too. Default false (Waymark cannot know they all serve https). */
  includeSubDomains?: boolean;
  /** `preload` (asks for the browsers' preload lists; needs includeSubDomains and a year). Default false. */
  preload?: boolean;
}

/** The `Strict-Transport-Security` value of the options (RFC 6797 §6.1). */
export function hstsHeader(options: HstsOptions, defaultMaxAge: number): string {
  return [
    `max-age=${options.maxAgeSeconds ?? defaultMaxAge}`,
    ...(options.includeSubDomains ? ['includeSubDomains'] : []),
    ...(options.preload ? ['preload'] : []),
  ].join('; ');
}

/**
 * Sets the security headers on every response of the router, and `Strict-Transport-Security`
 * when given (the router's `hsts` option: on by default for an https issuer). With
 * `trustedProxies` it also gives the request its id (`assignRequestId` of @waymark/http: a
 * trusted proxy's well-formed `X-Request-Id`, else a fresh one), echoes it as `X-Request-Id` and
 * keeps it in the request's locals for the log lines and audit events.
 */
export function securityHeaders(hsts?: string, trustedProxies?: TrustedProxies): RequestHandler {
  const headers =
    hsts === undefined ? SECURITY_HEADERS : Object.freeze([...SECURITY_HEADERS, ['Strict-Transport-Security', hsts] as const]);
  return function securityHeaders(req, res, next) {
    setAll(res, headers);
    // The request's id (X-Request-Id): a trusted proxy's when well formed, else a fresh one; echoed here, on every response of the router.
    if (trustedProxies !== undefined) locals(res).requestId = assignRequestId(req, res, trustedProxies);
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
