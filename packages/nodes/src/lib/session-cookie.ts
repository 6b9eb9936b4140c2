import type { CookieOptions } from '@waymark/sdk';

/** Default name of the browser session cookie: `__Host-` pins it to this host, `Path=/`, Secure. */
export const SESSION_COOKIE = '__Host-waymark-session';

/** Session ids are 32 random bytes, base64url: anything else is never looked up. */
export const SESSION_ID = /^[A-Za-z0-9_-]{43}$/;

/** Config schema of the session cookie name, shared by `session.create` and `session.check`. */
export const cookieNameSchema = {
  type: 'string',
  pattern: '^[!#$%&\'*+.^_`|~0-9A-Za-z-]{1,128}$',
  default: SESSION_COOKIE,
  description: 'Name of the session cookie.',
} as const;

/** HttpOnly, Secure, SameSite=Lax, Path=/, no Domain: what `__Host-` requires. */
export const SESSION_COOKIE_OPTIONS: Readonly<CookieOptions> = Object.freeze({
  httpOnly: true,
  secure: true,
  sameSite: 'Lax',
  path: '/',
});
