import { timingSafeEqual } from 'node:crypto';
import { defineNode } from '@waymark/sdk';
import { decodeProtectedHeader, errors, jwtVerify } from 'jose';
import {
  PERSISTENT_COOKIE_TYP,
  cookieAttributeProperties,
  cookieAttributeRules,
  cookieClaimProperties,
  cookieOptions,
  ipBinding,
  keysSchema,
  newCookieId,
  resolveKeys,
  signPersistentCookie,
  type PersistentClaims,
} from './lib/persistent-cookie.js';
import { recordReissue, standingOf } from './lib/persistent-cookie-family.js';

const schema = {
  type: 'object',
  additionalProperties: false,
  required: ['keys'],
  properties: {
    keys: keysSchema,
    ...cookieAttributeProperties,
    ...cookieClaimProperties,
    /** State key the remembered subject is written to. */
    subTo: { type: 'string', minLength: 1, default: 'sub', description: 'State key that receives the subject.' },
    /** Idle expiry: a cookie unused this long is refused even before `exp`. A week, AM's default. */
    idleSeconds: { type: 'integer', minimum: 60, maximum: 31536000, default: 604800, description: 'Idle lifetime in seconds.' },
    /** Re-issue the cookie (new `lastUsed`) on use once it is older than this: bounds Set-Cookie churn. */
    refreshAfterSeconds: { type: 'integer', minimum: 0, maximum: 86400, default: 3600, description: 'Cool-off before a used cookie is re-issued.' },
    /** Clears a cookie that fails the check so the browser stops sending it. */
    clearInvalid: { type: 'boolean', default: true, description: 'Clear the cookie when it is invalid.' },
  },
  allOf: cookieAttributeRules,
} as const;

const MAX_COOKIE = 4096;

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * `cookie.persistent.check` — "remember me", as AM's Persistent Cookie Decision node: verifies
 * the signed cookie with the key its `kid` names (any configured key verifies, so keys rotate
 * without logging everyone out; a removed key's cookies are refused), then `exp`, the idle
 * expiry (`lastUsed` + `idleSeconds`) and the IP binding when the cookie carries one. A valid
 * cookie older than `refreshAfterSeconds`, or signed by an older key, is re-issued with the
 * current key, a fresh `lastUsed` and a new `jti` (same `iat` and `exp`: use never extends the
 * max life). `iss` and `aud` must be the configured ones. Re-issue supersedes the old cookie:
 * presented again once its successor was seen, it revokes the whole family (replay detection,
 * see lib/persistent-cookie-family.ts).
 *
 * Outcomes: `valid` (subject in state), `missing`, `invalid` (reasons `signature`, `expired`,
 * `idle`, `ip`, `unknown_kid`, `issuer`, `audience`, `replayed`, `malformed`).
 *
 * @example
 * { "type": "cookie.persistent.check", "config": { "keys": [{ "kid": "2026-01", "secretName": "remember-me-key" }] },
 *   "outcomes": { "valid": "risk", "missing": "login", "invalid": "login" } }
 */
export const cookiePersistentCheck = defineNode({
  type: 'cookie.persistent.check',
  version: 1,
  description: 'Verifies the signed "remember me" cookie and puts its subject into state.',
  config: schema,
  outcomes: ['valid', 'missing', 'invalid'],
  async run(ctx, config) {
    const token = ctx.request.cookies[config.name];
    if (token === undefined || token === '') return { outcome: 'missing' };
    const invalid = (reason: string) => {
      if (config.clearInvalid) ctx.effects.clearCookie(config.name, cookieOptions(config));
      return { outcome: 'invalid', reason };
    };
    if (token.length > MAX_COOKIE) return invalid('malformed');
    let header: ReturnType<typeof decodeProtectedHeader>;
    try {
      header = decodeProtectedHeader(token);
    } catch {
      return invalid('malformed');
    }
    if (header.alg !== 'HS256') return invalid('signature');
    const keys = await resolveKeys(ctx, config.keys);
    const key = keys.find((k) => k.kid === header.kid);
    if (!key) return invalid('unknown_kid');
    const nowMs = ctx.services.clock.now();
    let claims: Partial<PersistentClaims>;
    try {
      const verified = await jwtVerify(token, key.key, {
        algorithms: ['HS256'],
        typ: PERSISTENT_COOKIE_TYP,
        currentDate: new Date(nowMs),
        // RFC 7519 §4.1.1, §4.1.3: another deployment's or purpose's cookie under the same key is not ours.
        issuer: config.issuer,
        audience: config.audience,
        requiredClaims: ['sub', 'iat', 'exp', 'jti', 'lastUsed'],
      });
      claims = verified.payload as Partial<PersistentClaims>;
    } catch (error) {
      if (error instanceof errors.JWSSignatureVerificationFailed) return invalid('signature');
      if (error instanceof errors.JWTExpired) return invalid('expired');
      // Missing too: a cookie issued before cookies carried them is not ours either.
      if (error instanceof errors.JWTClaimValidationFailed && (error.claim === 'iss' || error.claim === 'aud'))
        return invalid(error.claim === 'iss' ? 'issuer' : 'audience');
      return invalid('malformed');
    }
    const { sub, iat, exp, jti, lastUsed, iph } = claims;
    const fam = claims.fam ?? jti;
    if (typeof sub !== 'string' || sub === '' || typeof iat !== 'number' || typeof exp !== 'number' || typeof lastUsed !== 'number')
      return invalid('malformed');
    if (typeof jti !== 'string' || jti === '' || typeof fam !== 'string' || fam === '') return invalid('malformed');
    const now = Math.floor(nowMs / 1000);
    if (now - lastUsed > config.idleSeconds) return invalid('idle');
    if (iph !== undefined && (typeof iph !== 'string' || !sameText(iph, ipBinding(key.key, ctx.ip)))) return invalid('ip');
    const remaining = Math.max(exp - now, 1);
    const standing = await standingOf(ctx, fam, jti, remaining);
    if (standing === 'replayed') {
      ctx.services.logger.warn('cookie.persistent.check: a superseded cookie was presented again; its family is revoked', { reason: 'replayed' });
      return invalid('replayed');
    }
    ctx.state[config.subTo] = sub;
    const current = keys[0];
    if (current && (now - lastUsed >= config.refreshAfterSeconds || current.kid !== key.kid)) {
      const next = newCookieId();
      const refreshed = await signPersistentCookie(current, {
        iss: config.issuer,
        aud: config.audience,
        sub,
        iat,
        exp,
        jti: next,
        fam,
        lastUsed: now,
        ...(iph !== undefined ? { iph: ipBinding(current.key, ctx.ip) } : {}),
      });
      await recordReissue(ctx, fam, jti, next, remaining);
      ctx.effects.setCookie(config.name, refreshed, cookieOptions(config, Math.max(exp - now, 0)));
    }
    return 'valid';
  },
});
