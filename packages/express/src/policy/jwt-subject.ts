import { createLocalJWKSet, createRemoteJWKSet, errors as joseErrors, jwtVerify, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';
import type { Clock, JsonObject } from '@waymark/sdk';
import { PolicyConfigError } from './errors.js';
import type { JwtSubjectResolver, PolicySubject } from './pdp.js';

/** Where the access tokens a PEP sends as `subject.jwt` come from, and what they must carry. */
export interface JwtSubjectOptions {
  /** Expected `iss`. */
  issuer: string;
  /** Expected `aud` (one of). */
  audience: string | string[];
  /** The issuer's JWKS URL (cached by jose, refetched on an unknown `kid`) … */
  jwksUri?: string;
  /** … or an inline JWKS. */
  jwks?: JSONWebKeySet;
  /** Asymmetric algorithms only; default RS256, ES256, PS256, EdDSA. */
  algorithms?: string[];
  /** Accepted `typ` headers; default RFC 9068's `at+jwt`. */
  types?: string[];
  /** Allowed clock skew in seconds; default 30. */
  clockToleranceSeconds?: number;
  /** The injected clock `exp`/`nbf` are judged by. */
  clock: Clock;
}

const ASYMMETRIC = /^(RS|PS|ES)(256|384|512)$|^EdDSA$|^ES256K$/;

/**
 * Validates a JWT access token sent as the policy subject (RFC 9068 / RFC 8725 §3.1: algorithms
 * pinned, never `none` or HMAC; issuer, audience, type and expiry required) and returns its
 * subject with its claims, or undefined when it is not acceptable (the PDP then answers with no
 * actions). Plug it in as `resolveJwt` of `createPolicyDecisionPoint` or the router's `policies`.
 *
 * @example
 * const resolveJwt = jwtSubjectResolver({ issuer: 'https://as.example', audience: 'https://api.example', jwksUri: 'https://as.example/jwks', clock });
 */
export function jwtSubjectResolver(options: JwtSubjectOptions): JwtSubjectResolver {
  const algorithms = options.algorithms ?? ['RS256', 'ES256', 'PS256', 'EdDSA'];
  const bad = algorithms.find((a) => !ASYMMETRIC.test(a));
  if (bad !== undefined)
    throw new PolicyConfigError([{ field: '/jwt/algorithms', message: `"${bad}" is not an asymmetric signature algorithm: list only RS*, PS*, ES* or EdDSA` }]);
  if ((options.jwksUri === undefined) === (options.jwks === undefined))
    throw new PolicyConfigError([{ field: '/jwt', message: 'give exactly one of "jwksUri" or "jwks"' }]);
  const keys: JWTVerifyGetKey = options.jwksUri ? createRemoteJWKSet(new URL(options.jwksUri)) : createLocalJWKSet(options.jwks!);
  const types = options.types ?? ['at+jwt', 'application/at+jwt'];
  return async (jwt: string): Promise<PolicySubject | undefined> => {
    if (typeof jwt !== 'string' || jwt.length > 8192) return undefined;
    try {
      const { payload, protectedHeader } = await jwtVerify(jwt, keys, {
        algorithms,
        issuer: options.issuer,
        audience: options.audience,
        requiredClaims: ['exp', 'sub'],
        clockTolerance: options.clockToleranceSeconds ?? 30,
        currentDate: new Date(options.clock.now()),
      });
      if (!types.includes(String(protectedHeader.typ ?? '').toLowerCase())) return undefined;
      if (typeof payload.sub !== 'string' || payload.sub === '') return undefined;
      return { sub: payload.sub, claims: payload as JsonObject };
    } catch (error) {
      if (error instanceof joseErrors.JOSEError) return undefined; // invalid token: no subject
      throw error; // key source down and the like: the caller fails closed
    }
  };
}
