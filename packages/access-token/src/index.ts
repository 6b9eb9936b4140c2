/**
 * @waymark/access-token — the one OAuth access-token validator of Waymark: JWT access tokens
 * (RFC 9068, RFC 8725) against a cached JWKS, or opaque tokens by introspection (RFC 7662).
 * Used by the `token.validate` node and the policy subject resolver; a leaf that imports only
 * `@waymark/sdk` (its error base class) and jose.
 */
export { createAccessTokenValidator } from './validator.js';
export type { AccessTokenValidator, AccessTokenResult, AccessTokenClaims } from './validator.js';
export { ASYMMETRIC_ALGORITHMS } from './options.js';
export type { AccessTokenValidatorOptions, IntrospectionOptions, IntrospectionAuthMethod, JsonWebKeySet, FetchLike } from './options.js';
export { ACCESS_TOKEN_DEFAULTS } from './defaults.js';
export { verifyDpopProof } from './dpop.js';
export type { DpopProofCheck, DpopProofResult } from './dpop.js';
export { ACCESS_TOKEN_ERRORS, ACCESS_TOKEN_REASONS, AccessTokenError, AccessTokenConfigError } from './errors.js';
export type { AccessTokenErrorCode, AccessTokenReason, AccessTokenConfigProblem } from './errors.js';
