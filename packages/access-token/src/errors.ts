import { WaymarkError } from '@waymark/sdk';

/**
 * Every code `@waymark/access-token` raises. A published code is never reused. A refused token is
 * never thrown: `validate` returns it as an {@link AccessTokenError} in its result. Only bad
 * options throw, with the code every Waymark configuration error has (`ERR_CONFIG_INVALID`, whose
 * home is `@waymark/core`'s registry: this package cannot import core, so it raises the same code
 * and details shape through {@link AccessTokenConfigError}).
 */
export const ACCESS_TOKEN_ERRORS = {
  /** No token was given. */
  ERR_ACCESS_TOKEN_MISSING: 'ERR_ACCESS_TOKEN_MISSING',
  /** Not a JWS compact token, too long, a claim of the wrong type, or no `sub`. */
  ERR_ACCESS_TOKEN_MALFORMED: 'ERR_ACCESS_TOKEN_MALFORMED',
  /** The `alg` header is not one of the pinned algorithms (`none`, HS*: RFC 8725 §3.1). */
  ERR_ACCESS_TOKEN_ALGORITHM: 'ERR_ACCESS_TOKEN_ALGORITHM',
  /** The signature does not verify with the issuer's key. */
  ERR_ACCESS_TOKEN_SIGNATURE: 'ERR_ACCESS_TOKEN_SIGNATURE',
  /** No key of the issuer's key set has the token's `kid` (after the refetch the cooldown allows). */
  ERR_ACCESS_TOKEN_UNKNOWN_KID: 'ERR_ACCESS_TOKEN_UNKNOWN_KID',
  /** `exp` has passed (beyond the clock tolerance), or the token is older than `maxAgeSeconds`. */
  ERR_ACCESS_TOKEN_EXPIRED: 'ERR_ACCESS_TOKEN_EXPIRED',
  /** The token has no `exp` (RFC 9068 §2.2 requires it). */
  ERR_ACCESS_TOKEN_NO_EXPIRY: 'ERR_ACCESS_TOKEN_NO_EXPIRY',
  /** `nbf` or `iat` lies in the future (beyond the clock tolerance). */
  ERR_ACCESS_TOKEN_NOT_YET_VALID: 'ERR_ACCESS_TOKEN_NOT_YET_VALID',
  /** `iss` is not the configured issuer. */
  ERR_ACCESS_TOKEN_ISSUER: 'ERR_ACCESS_TOKEN_ISSUER',
  /** `aud` names none of the configured audiences. */
  ERR_ACCESS_TOKEN_AUDIENCE: 'ERR_ACCESS_TOKEN_AUDIENCE',
  /** JWT: the `typ` header is not `at+jwt` (an ID token is not an access token). Introspection: `token_type` is not an accepted one. */
  ERR_ACCESS_TOKEN_TYPE: 'ERR_ACCESS_TOKEN_TYPE',
  /** The introspection endpoint answered `active: false`. */
  ERR_ACCESS_TOKEN_INACTIVE: 'ERR_ACCESS_TOKEN_INACTIVE',
  /** The issuer's key set could not be fetched (down, timeout, not a JWKS): retry later; fail closed. */
  ERR_ACCESS_TOKEN_JWKS_UNAVAILABLE: 'ERR_ACCESS_TOKEN_JWKS_UNAVAILABLE',
  /** The introspection endpoint failed (down, timeout, refused our client, not an RFC 7662 answer): retry later; fail closed. */
  ERR_ACCESS_TOKEN_INTROSPECTION_UNAVAILABLE: 'ERR_ACCESS_TOKEN_INTROSPECTION_UNAVAILABLE',
  /** A DPoP-bound token (`cnf.jkt`) came without a DPoP proof (RFC 9449 §7.1: it is valid only with its proof). */
  ERR_DPOP_PROOF_MISSING: 'ERR_DPOP_PROOF_MISSING',
  /** The DPoP proof fails a check of RFC 9449 §4.3 (type, algorithm, public key, signature, method, URL, age, token hash). */
  ERR_DPOP_PROOF_INVALID: 'ERR_DPOP_PROOF_INVALID',
  /** The DPoP proof is signed by another key than the one the token is bound to (`cnf.jkt`, RFC 9449 §6.1). */
  ERR_DPOP_BINDING: 'ERR_DPOP_BINDING',
  /** The DPoP proof (its `jti`) was used already (RFC 9449 §11.1). */
  ERR_DPOP_PROOF_REPLAYED: 'ERR_DPOP_PROOF_REPLAYED',
} as const;

export type AccessTokenErrorCode = keyof typeof ACCESS_TOKEN_ERRORS;

/**
 * Why a token was refused, as a short reason (the `token.validate` node reports these), and the
 * code that goes with each. `*_unavailable` are failures of a dependency, not of the token.
 */
export const ACCESS_TOKEN_REASONS = {
  missing: 'ERR_ACCESS_TOKEN_MISSING',
  malformed: 'ERR_ACCESS_TOKEN_MALFORMED',
  algorithm: 'ERR_ACCESS_TOKEN_ALGORITHM',
  signature: 'ERR_ACCESS_TOKEN_SIGNATURE',
  unknown_kid: 'ERR_ACCESS_TOKEN_UNKNOWN_KID',
  expired: 'ERR_ACCESS_TOKEN_EXPIRED',
  no_expiry: 'ERR_ACCESS_TOKEN_NO_EXPIRY',
  not_yet_valid: 'ERR_ACCESS_TOKEN_NOT_YET_VALID',
  issuer: 'ERR_ACCESS_TOKEN_ISSUER',
  audience: 'ERR_ACCESS_TOKEN_AUDIENCE',
  type: 'ERR_ACCESS_TOKEN_TYPE',
  inactive: 'ERR_ACCESS_TOKEN_INACTIVE',
  jwks_unavailable: 'ERR_ACCESS_TOKEN_JWKS_UNAVAILABLE',
  introspection_unavailable: 'ERR_ACCESS_TOKEN_INTROSPECTION_UNAVAILABLE',
  dpop_missing: 'ERR_DPOP_PROOF_MISSING',
  dpop_invalid: 'ERR_DPOP_PROOF_INVALID',
  dpop_binding: 'ERR_DPOP_BINDING',
  dpop_replay: 'ERR_DPOP_PROOF_REPLAYED',
} as const satisfies Record<string, AccessTokenErrorCode>;

export type AccessTokenReason = keyof typeof ACCESS_TOKEN_REASONS;

/* Fixed messages: nothing of the token (or its claims) ever reaches a message. */
const MESSAGES: Record<AccessTokenReason, string> = {
  missing: 'no access token was presented',
  malformed: 'the access token is malformed',
  algorithm: 'the access token is signed with an algorithm that is not allowed',
  signature: 'the access token signature does not verify',
  unknown_kid: "the access token's key id is not in the issuer's key set",
  expired: 'the access token has expired',
  no_expiry: 'the access token has no expiry (exp)',
  not_yet_valid: 'the access token is not valid yet',
  issuer: 'the access token was issued by another issuer',
  audience: 'the access token is meant for another audience',
  type: 'the token is not an access token of an accepted type',
  inactive: 'the authorization server says the access token is not active',
  jwks_unavailable: "the issuer's key set could not be fetched",
  introspection_unavailable: 'the introspection endpoint could not answer',
  dpop_missing: 'the access token is bound to a key (DPoP) and came without a DPoP proof',
  dpop_invalid: 'the DPoP proof is not valid for this request',
  dpop_binding: 'the DPoP proof is signed by another key than the one the access token is bound to',
  dpop_replay: 'the DPoP proof was used already',
};

/**
 * A refused token (or a failed dependency), with a stable `code`, the short `reason` and its
 * `kind`. Carries no token and no claim.
 *
 * @example
 * const result = await validator.validate(token);
 * if (!result.ok && result.error.kind === 'unavailable') logger.warn('issuer down', { code: result.error.code });
 */
export class AccessTokenError extends WaymarkError {
  declare readonly code: (typeof ACCESS_TOKEN_REASONS)[AccessTokenReason];
  readonly reason: AccessTokenReason;
  /** `invalid`: the token is not acceptable. `unavailable`: the key set or introspection endpoint failed; the caller fails closed. */
  readonly kind: 'invalid' | 'unavailable';
  constructor(reason: AccessTokenReason, details: { cause?: string } = {}, options: { cause?: unknown } = {}) {
    super(ACCESS_TOKEN_REASONS[reason], MESSAGES[reason], { reason, ...details }, options);
    this.name = 'AccessTokenError';
    this.reason = reason;
    this.kind = reason === 'jwks_unavailable' || reason === 'introspection_unavailable' ? 'unavailable' : 'invalid';
  }
}

/** One problem of the validator's options, in the shape every Waymark configuration problem has. */
export interface AccessTokenConfigProblem {
  code: 'ERR_CONFIG_INVALID';
  /** JSON pointer of the option, `/introspection/endpoint`. */
  pointer: string;
  /** What is wrong and how to fix it. */
  message: string;
}

/**
 * Thrown by `createAccessTokenValidator` when its options are invalid; lists every problem at
 * once. `details.key` is the pointer of the first one.
 */
export class AccessTokenConfigError extends WaymarkError {
  readonly problems: readonly AccessTokenConfigProblem[];
  constructor(problems: AccessTokenConfigProblem[]) {
    const first = problems[0];
    super(
      'ERR_CONFIG_INVALID',
      problems.length === 1 && first !== undefined
        ? `access-token validator options: ${first.pointer || '/'}: ${first.message}`
        : `access-token validator options are invalid (${problems.length} problems):\n` + problems.map((p) => `  ${p.pointer || '/'}: ${p.message}`).join('\n'),
      { key: first?.pointer ?? '', problems },
    );
    this.name = 'AccessTokenConfigError';
    this.problems = problems;
  }
}
