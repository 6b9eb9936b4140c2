import type { JWTVerifyGetKey } from 'jose';
import type { JsonObject } from '@waymark/sdk';
import { AccessTokenError } from './errors.js';
import { introspect } from './lib/introspection.js';
import { verifyJwt } from './lib/jwt.js';
import { localKeySet, remoteKeySet } from './lib/key-sets.js';
import { resolveOptions, type AccessTokenValidatorOptions, type ResolvedOptions } from './options.js';

/** The claims of an accepted token: the JWT payload, or the introspection answer. */
export interface AccessTokenClaims extends JsonObject {
  /** RFC 9068 §2.2: the subject; always a non-empty string here. */
  sub: string;
  /** Seconds since the epoch; always present here. */
  exp: number;
}

/** What `validate` concluded: the token's claims, or a coded error. It never throws for a token. */
export type AccessTokenResult =
  | {
      ok: true;
      claims: AccessTokenClaims;
      /** RFC 9068 §2.2 `client_id` (else RFC 7662's `client_id`, else OIDC's `azp`): the client the token was issued to. */
      clientId: string | undefined;
      /** The granted scopes: `scope` (space-separated, RFC 9068 §2.2.3), else `scp` as an array or a string. */
      scopes: string[];
    }
  | { ok: false; error: AccessTokenError };

/** One validator, for one issuer and audience. */
export interface AccessTokenValidator {
  /** `jwt` (a key set was given) or `introspection`. */
  readonly mode: 'jwt' | 'introspection';
  /**
   * Validates a token (the bare token, not `Bearer …`). Refusals and unreachable key sets or
   * endpoints come back as `{ ok: false, error }` with a stable `error.code`; it never throws
   * for a token. `signal` aborts an introspection request (a node's timeout).
   */
  validate(token: string | undefined, options?: { signal?: AbortSignal }): Promise<AccessTokenResult>;
}

function scopesOf(claims: Record<string, unknown>): string[] {
  if (typeof claims.scope === 'string') return claims.scope.split(' ').filter(Boolean);
  if (Array.isArray(claims.scp)) return claims.scp.filter((s): s is string => typeof s === 'string');
  if (typeof claims.scp === 'string') return claims.scp.split(' ').filter(Boolean);
  return [];
}

function clientIdOf(claims: Record<string, unknown>): string | undefined {
  return typeof claims.client_id === 'string' ? claims.client_id : typeof claims.azp === 'string' ? claims.azp : undefined;
}

function keysOf(options: ResolvedOptions): (() => JWTVerifyGetKey) | undefined {
  if (options.mode !== 'jwt') return undefined;
  if (options.jwks !== undefined) {
    const set = localKeySet(options.jwks);
    return () => set;
  }
  const remote = remoteKeySet(options.jwksUri as string, { cooldownSeconds: options.jwksCooldownSeconds, cacheMaxAgeSeconds: options.jwksCacheMaxAgeSeconds, timeoutMs: options.timeoutMs });
  return () => remote.use(options.fetch);
}

/**
 * Creates an access-token validator: JWT access tokens (RFC 9068, with the RFC 8725 rules:
 * pinned asymmetric algorithms, `typ`, `iss`, `aud`, `exp`/`nbf`/`iat` with a small skew, all
 * against the injected clock; keys from a cached JWKS) or opaque tokens by introspection
 * (RFC 7662: client authentication, `active`, `token_type`, the same claim checks). Bad options
 * throw `ERR_CONFIG_INVALID` here, naming each option and its fix.
 *
 * @example
 * const validator = createAccessTokenValidator({ issuer: 'https://as.example', audience: 'https://api.example', jwksUri: 'https://as.example/jwks', clock });
 * const result = await validator.validate(bearerToken);
 * if (!result.ok) return deny(result.error.code); // ERR_ACCESS_TOKEN_EXPIRED, …
 * use(result.claims.sub, result.scopes);
 */
export function createAccessTokenValidator(options: AccessTokenValidatorOptions): AccessTokenValidator {
  const resolved = resolveOptions(options);
  const keys = keysOf(resolved);
  return Object.freeze({
    mode: resolved.mode,
    async validate(token: string | undefined, call: { signal?: AbortSignal } = {}): Promise<AccessTokenResult> {
      if (token === undefined || token === '') return { ok: false, error: new AccessTokenError('missing') };
      if (typeof token !== 'string' || token.length > resolved.maxTokenLength) return { ok: false, error: new AccessTokenError('malformed') };
      const now = resolved.clock.now();
      const claims = keys ? await verifyJwt(token, keys(), resolved, now) : await introspect(token, resolved, now, call.signal);
      if (claims instanceof AccessTokenError) return { ok: false, error: claims };
      if (typeof claims.sub !== 'string' || claims.sub === '') return { ok: false, error: new AccessTokenError('malformed') };
      return { ok: true, claims: claims as AccessTokenClaims, clientId: clientIdOf(claims), scopes: scopesOf(claims) };
    },
  });
}
