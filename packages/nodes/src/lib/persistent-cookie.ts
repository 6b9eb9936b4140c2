import { createHmac } from 'node:crypto';
import { canonicalIp, parseIp, WaymarkError, type CookieOptions, type NodeContext } from '@waymark/sdk';
import { SignJWT } from 'jose';
import { readNamedSecret } from './secret-source.js';
import { NODES_ERRORS } from '../errors.js';

/** Default name of the "remember me" cookie; `__Host-` forbids a Domain and requires Secure and Path=/. */
export const PERSISTENT_COOKIE = '__Host-waymark-remember';
/** The JWT `typ` of persistent cookies, so no other HS256 JWT signed with the same key passes. */
export const PERSISTENT_COOKIE_TYP = 'waymark-pc+jwt';

const COOKIE_NAME = '^[!#$%&\'*+.^_`|~0-9A-Za-z-]{1,128}$';

/** Cookie attributes, shared by `cookie.persistent.set`, `cookie.persistent.check` and `cookie.clear`. */
export const cookieAttributeProperties = {
  /** Cookie name. `__Host-` (the default) pins it to this host. */
  name: { type: 'string', pattern: COOKIE_NAME, default: PERSISTENT_COOKIE, description: 'Cookie name.' },
  /** Domain attribute; omitted = this host only (required by `__Host-`). */
  domain: { type: 'string', minLength: 1, maxLength: 253, description: 'Cookie Domain (not allowed with a __Host- name).' },
  /** Path attribute. */
  path: { type: 'string', pattern: '^/', default: '/', description: 'Cookie Path.' },
  /** Secure attribute: sent over https only. */
  secure: { type: 'boolean', default: true, description: 'Cookie Secure attribute.' },
  /** HttpOnly attribute: invisible to scripts. */
  httpOnly: { type: 'boolean', default: true, description: 'Cookie HttpOnly attribute.' },
  /** SameSite attribute; Lax keeps it on top-level navigations from other sites. */
  sameSite: { type: 'string', enum: ['Strict', 'Lax', 'None'], default: 'Lax', description: 'Cookie SameSite attribute.' },
} as const;

/** Browser rules on prefixed names (RFC 6265bis §4.1.3) and SameSite=None, checked at flow load. */
export const cookieAttributeRules = [
  {
    if: { properties: { name: { pattern: '^__Host-' } } },
    then: {
      description: 'A cookie named __Host-… is pinned to this host: no Domain, Secure, Path=/ (RFC 6265bis §4.1.3.2). Drop "domain", or pick a name without the __Host- prefix to share the cookie with a domain.',
      properties: {
        secure: { const: true, description: 'A cookie named __Host-… must be Secure (RFC 6265bis §4.1.3.2).' },
        path: { const: '/', description: 'A cookie named __Host-… must have Path=/ (RFC 6265bis §4.1.3.2).' },
      },
      not: { required: ['domain'] },
    },
  },
  {
    if: { properties: { name: { pattern: '^__Secure-' } } },
    then: { properties: { secure: { const: true, description: 'A cookie named __Secure-… must be Secure (RFC 6265bis §4.1.3.1).' } } },
  },
  {
    if: { properties: { sameSite: { const: 'None' } }, required: ['sameSite'] },
    then: { properties: { secure: { const: true, description: 'Browsers refuse SameSite=None without Secure.' } } },
  },
] as const;

/** One signing key: inline base64url (≥ 32 bytes), or the name of a secret in `services.secretSource`. */
export const keysSchema = {
  type: 'array',
  minItems: 1,
  maxItems: 10,
  description: 'HMAC keys [{ kid, secret | secretName }]: the first signs, all verify.',
  items: {
    oneOf: [
      {
        type: 'object',
        additionalProperties: false,
        required: ['kid', 'secret'],
        properties: { kid: { type: 'string', pattern: '^[A-Za-z0-9._-]{1,64}$' }, secret: { type: 'string', pattern: '^[A-Za-z0-9_-]{43,}$' } },
      },
      {
        type: 'object',
        additionalProperties: false,
        required: ['kid', 'secretName'],
        properties: { kid: { type: 'string', pattern: '^[A-Za-z0-9._-]{1,64}$' }, secretName: { type: 'string', minLength: 1 } },
      },
    ],
  },
} as const;

export interface CookieAttributes {
  name: string;
  domain?: string;
  path: string;
  secure: boolean;
  httpOnly: boolean;
  sameSite: 'Strict' | 'Lax' | 'None';
}

export function cookieOptions(config: CookieAttributes, maxAge?: number): CookieOptions {
  return {
    path: config.path,
    secure: config.secure,
    httpOnly: config.httpOnly,
    sameSite: config.sameSite,
    ...(config.domain !== undefined ? { domain: config.domain } : {}),
    ...(maxAge !== undefined ? { maxAge } : {}),
  };
}

export interface HmacKey {
  kid: string;
  key: Uint8Array;
}

type KeyConfig = { kid?: string; secret?: string; secretName?: string };

/**
 * Resolves the configured keys in order. A key shorter than 32 bytes or a named secret that
 * cannot be found is a configuration error (never a silent fallback to a weaker key).
 */
export async function resolveKeys(ctx: NodeContext, keys: readonly unknown[]): Promise<HmacKey[]> {
  const out: HmacKey[] = [];
  for (const raw of keys as readonly KeyConfig[]) {
    const kid = raw.kid ?? '';
    let text = raw.secret;
    if (text === undefined && raw.secretName !== undefined) text = await readNamedSecret(ctx.services, raw.secretName);
    if (text === undefined)
      throw new WaymarkError(NODES_ERRORS.ERR_COOKIE_KEY, `persistent cookie key "${kid}": secret not found; wire services.secretSource or inline the key`, { kid });
    const key = Buffer.from(text, 'base64url');
    if (key.length < 32 || !/^[A-Za-z0-9_-]+$/.test(text))
      throw new WaymarkError(NODES_ERRORS.ERR_COOKIE_KEY, `persistent cookie key "${kid}" must be at least 32 random bytes, base64url`, { kid });
    out.push({ kid, key: new Uint8Array(key) });
  }
  return out;
}

/**
 * A keyed hash of the client IP: binds the cookie to an address without putting the address
 * in a token anyone holding the cookie can read (a plain hash of an IPv4 is brute-forced in
 * seconds).
 */
export function ipBinding(key: Uint8Array, ip: string): string {
  const parsed = parseIp(ip);
  const text = parsed ? canonicalIp(parsed) : ip;
  return createHmac('sha256', key).update(`waymark-pc-ip:${text}`).digest('base64url');
}

/** The claims of a persistent cookie. Times are seconds since the epoch (JWT NumericDate). */
export interface PersistentClaims {
  sub: string;
  iat: number;
  exp: number;
  /** Last use, for the idle expiry; refreshed when the cookie is re-issued. */
  lastUsed: number;
  /** Keyed hash of the client IP when the cookie is bound to it. */
  iph?: string;
}

/** Signs a persistent cookie with `key` (HS256, `kid` and `typ` in the header). */
export async function signPersistentCookie(key: HmacKey, claims: PersistentClaims): Promise<string> {
  const { iat, exp, ...rest } = claims;
  return new SignJWT({ ...rest })
    .setProtectedHeader({ alg: 'HS256', kid: key.kid, typ: PERSISTENT_COOKIE_TYP })
    .setIssuedAt(iat)
    .setExpirationTime(exp)
    .sign(key.key);
}
