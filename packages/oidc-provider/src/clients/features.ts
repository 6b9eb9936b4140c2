import { createHash } from 'node:crypto';
import { corsOriginAllowed, type Client } from '@waymark/core';
import type { JsonObject } from '@waymark/sdk';
import { CompactSign, decodeProtectedHeader, importJWK } from 'jose';
import type { Configuration, KoaContextWithOIDC } from 'oidc-provider';
import type { OidcTtl } from '../defaults.js';

/** How a per-client hook finds the Waymark client of an oidc-provider client (undefined: a statically configured one). */
export type WaymarkClientOf = (clientId: string | undefined) => Client | undefined;

interface TokenLike {
  resourceServer?: { accessTokenTTL?: number };
  authTime?: number;
  iiat?: number;
  totalLifetime?: () => number;
  ttlPercentagePassed?: () => number;
  isSenderConstrained?: () => boolean;
  scopes?: Set<string>;
}

const epoch = (now: () => number) => Math.floor(now() / 1000);

/**
 * The lifetimes oidc-provider asks for, per client: a resource server's own access-token
 * lifetime wins, then the client's (`access_token_ttl`, `id_token_ttl`,
 * `par_reference_timeout`), then the provider's `ttl`. A refresh token lives
 * `refresh_token_duration`, never past `refresh_token_rolling_duration` after the sign-in it
 * descends from (PingOne's rolling duration): the chain of rotations ends there.
 */
export function clientTtl(ttl: OidcTtl, waymark: WaymarkClientOf, now: () => number): NonNullable<Configuration['ttl']> {
  type Ctx = KoaContextWithOIDC | undefined;
  type Cl = { clientId: string } | undefined;
  return {
    ...ttl,
    AccessToken: (_ctx: Ctx, token: TokenLike, client: Cl) =>
      token.resourceServer?.accessTokenTTL ?? waymark(client?.clientId)?.accessTokenTtl ?? ttl.AccessToken,
    ClientCredentials: (_ctx: Ctx, token: TokenLike, client: Cl) =>
      token.resourceServer?.accessTokenTTL ?? waymark(client?.clientId)?.accessTokenTtl ?? ttl.AccessToken,
    IdToken: (_ctx: Ctx, _token: unknown, client: Cl) => waymark(client?.clientId)?.idTokenTtl ?? ttl.IdToken,
    PushedAuthorizationRequest: (_ctx: Ctx, _token: unknown, client: Cl) => waymark(client?.clientId)?.parReferenceTimeout ?? 60,
    RefreshToken: (_ctx: Ctx, token: TokenLike, client: Cl) => {
      const policy = waymark(client?.clientId);
      if (!policy) return ttl.RefreshToken;
      const since = token.authTime ?? token.iiat ?? epoch(now);
      const rollingLeft = since + policy.refreshTokenRollingDuration - epoch(now);
      return Math.max(1, Math.min(policy.refreshTokenDuration, rollingLeft));
    },
  } as NonNullable<Configuration['ttl']>;
}

/**
 * Refresh tokens: a Waymark client rotates at every use (PingOne: one-time use outside the
 * grace period; the adapter judges a rotated one by the client's grace and replay settings),
 * and gets one whenever it has the refresh_token grant, unless it lists `offline_access`
 * among its scopes, when it must ask for it (PingOne's rule). Statically configured clients
 * keep oidc-provider's defaults.
 */
export function refreshTokenPolicy(
  waymark: WaymarkClientOf,
): Pick<Configuration, 'rotateRefreshToken' | 'issueRefreshToken' | 'expiresWithSession'> {
  return {
    rotateRefreshToken(ctx) {
      if (waymark(ctx.oidc.client?.clientId)) return true;
      // oidc-provider's default for the others.
      const token = ctx.oidc.entities.RefreshToken as unknown as Required<TokenLike>;
      if (token.totalLifetime() >= 365.25 * 24 * 60 * 60) return false;
      if (ctx.oidc.client?.clientAuthMethod === 'none' && !token.isSenderConstrained()) return true;
      return token.ttlPercentagePassed() >= 70;
    },
    async issueRefreshToken(_ctx, client, code) {
      if (!client.grantTypeAllowed('refresh_token')) return false;
      const policy = waymark(client.clientId);
      if (policy && !policy.allowedScopes.includes('offline_access')) return true;
      return code.scopes.has('offline_access');
    },
    async expiresWithSession(ctx, code) {
      const policy = waymark(ctx.oidc.client?.clientId);
      if (policy && policy.grantTypes.includes('refresh_token') && !policy.allowedScopes.includes('offline_access')) return false;
      return !code.scopes.has('offline_access');
    },
  };
}

/** CORS (PingOne's settings): a Waymark client's `cors_policy`; a static client's `waymark.corsOrigins`. */
export function clientCors(
  waymark: WaymarkClientOf,
  staticOrigins: (clientId: string) => readonly string[] | undefined,
): Configuration['clientBasedCORS'] {
  return (_ctx, origin, client) => {
    const policy = waymark(client.clientId);
    if (policy) return corsOriginAllowed(policy, origin);
    return staticOrigins(client.clientId)?.includes(origin) ?? false;
  };
}

/** PKCE (RFC 7636): required unless a Waymark client says `OPTIONAL`; oidc-provider 9 supports S256 only, so `REQUIRED` means S256 too. */
export function clientPkce(waymark: WaymarkClientOf): NonNullable<Configuration['pkce']> {
  return { required: (_ctx, client) => waymark(client.clientId)?.pkce !== 'OPTIONAL' };
}

/**
 * The request object policy (RFC 9101), beyond `require_signed_request_object`: oidc-provider
 * verifies every request object's signature against the client's keys or secret and refuses
 * `alg: none`, which is what `default` and `require_signed` ask for.
 */

/** `x5t` (RFC 7515 §4.1.7): the base64url SHA-1 thumbprint of the certificate of each signing key that has one, by kid. */
export function x5tByKid(keys: readonly JsonObject[]): Map<string | undefined, string> {
  const map = new Map<string | undefined, string>();
  for (const key of keys) {
    const chain = key.x5c;
    if (!Array.isArray(chain) || typeof chain[0] !== 'string') continue;
    const x5t = createHash('sha1').update(Buffer.from(chain[0], 'base64')).digest('base64url');
    map.set(typeof key.kid === 'string' ? key.kid : undefined, x5t);
  }
  return map;
}

/** A JWT re-signed by the same key with `x5t` added to its header (ID tokens: oidc-provider's header has `kid` only). */
export async function withX5t(jwt: string, keys: readonly JsonObject[], thumbprints: Map<string | undefined, string>): Promise<string> {
  const header = decodeProtectedHeader(jwt);
  const x5t = thumbprints.get(header.kid);
  const jwk = keys.find((k) => k.kid === header.kid) ?? keys[0];
  if (x5t === undefined || !jwk || header.alg === undefined) return jwt;
  const alg = header.alg;
  const key = await importJWK(jwk as Parameters<typeof importJWK>[0], alg);
  // The payload's own bytes, unchanged: only the header gains x5t.
  return new CompactSign(Buffer.from(jwt.split('.')[1] ?? '', 'base64url')).setProtectedHeader({ ...header, alg, x5t }).sign(key);
}
