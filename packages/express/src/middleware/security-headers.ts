import type { RequestHandler } from 'express';

/**
 * The Content-Security-Policy of every response. Strict enough for the adapter's own simple
 * HTML forms: nothing loads but same-origin styles and images, no script at all, no framing,
 * forms post to this origin only. Inline styles are refused; pages link a stylesheet.
 * A page whose form POST may end in a redirect to another origin must widen `form-action`
 * (browsers apply it to the redirect too): pass the target origins to `contentSecurityPolicy`.
 *
 * @example
 * res.setHeader('Content-Security-Policy', contentSecurityPolicy(['https://app.example.com']));
 */
export function contentSecurityPolicy(extraFormActions: readonly string[] = []): string {
  return [
    "default-src 'none'",
    "base-uri 'none'",
    `form-action ${["'self'", ...extraFormActions].join(' ')}`,
    "frame-ancestors 'none'",
    "img-src 'self'",
    "style-src 'self'",
  ].join('; ');
}

const CSP = contentSecurityPolicy();

/** Sets the security headers on every response of the router. */
export function securityHeaders(): RequestHandler {
  return function securityHeaders(_req, res, next) {
    res.setHeader('Content-Security-Policy', CSP);
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
    // Do not advertise the framework (express sets it before any router runs).
    res.removeHeader('X-Powered-By');
    next();
  };
}

/** RFC 6749 §5.1 / RFC 9126 §2.2: OAuth responses must not be cached. */
export function noStore(): RequestHandler {
  return function noStore(_req, res, next) {
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Pragma', 'no-cache');
    next();
  };
}
