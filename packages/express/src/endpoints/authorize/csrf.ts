import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import { HttpError } from '../../errors.js';
import { parseCookieHeader, serializeCookie } from '@waymark/http';

/*
 * CSRF protection of the browser form, two locks:
 * 1. A browser-binding cookie, `__Host-waymark-csrf` (32 random bytes, HttpOnly, Secure,
 *    SameSite=Strict, Path=/): a cross-site POST arrives without it, and no other origin (not
 *    even a sibling subdomain: `__Host-`) can plant one.
 * 2. The form's hidden `csrf` field: HMAC-SHA-256(router key, journey id ‖ cookie value). It binds
 *    the form to this journey *and* this browser: an attacker who starts a journey of their
 *    own gets a token that is worthless in the victim's browser (login CSRF).
 */

export const CSRF_COOKIE = '__Host-waymark-csrf';
const BINDING = /^[A-Za-z0-9_-]{43}$/;

function token(key: Buffer, journeyId: string, binding: string): string {
  return createHmac('sha256', key).update(`waymark-csrf\0${journeyId}\0${binding}`).digest('base64url');
}

/** The browser binding of this request, and the Set-Cookie to send when it is new. */
export function csrfBinding(req: Request): { binding: string; setCookie: string | undefined } {
  const offered = parseCookieHeader(req.headers.cookie)[CSRF_COOKIE];
  if (offered !== undefined && BINDING.test(offered)) return { binding: offered, setCookie: undefined };
  const binding = randomBytes(32).toString('base64url');
  return {
    binding,
    setCookie: serializeCookie({
      name: CSRF_COOKIE,
      value: binding,
      options: { httpOnly: true, secure: true, sameSite: 'Strict', path: '/' },
    }),
  };
}

/** The hidden field value for a form of this journey in this browser. */
export function csrfToken(key: Buffer, journeyId: string, binding: string): string {
  return token(key, journeyId, binding);
}

/** Throws ERR_CSRF (403) unless the posted token matches this journey and this browser's cookie. */
export function verifyCsrf(key: Buffer, req: Request, journeyId: string, given: string | undefined): void {
  const binding = parseCookieHeader(req.headers.cookie)[CSRF_COOKIE];
  const stale = () => new HttpError('ERR_CSRF', 'the form is stale or was not served to this browser; start again from the application');
  if (binding === undefined || !BINDING.test(binding) || given === undefined) throw stale();
  const expected = Buffer.from(token(key, journeyId, binding));
  const actual = Buffer.from(given);
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) throw stale();
}
