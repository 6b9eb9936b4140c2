/**
 * Every option of `createAccessTokenValidator` that has a default, with the reason for it.
 */
export const ACCESS_TOKEN_DEFAULTS = {
  /** Asymmetric signatures only (RFC 8725 §3.1): the keys come from the issuer's public key set, so HS* would mean a shared secret, or the algorithm-confusion attack. */
  algorithms: ['RS256', 'ES256', 'PS256', 'EdDSA'],
  /** RFC 9068 §2.1: a JWT access token says so in `typ`; RFC 7515 §4.1.9 lets the `application/` prefix be left out. */
  types: ['at+jwt', 'application/at+jwt'],
  /** Seconds of clock skew tolerated on `exp`, `nbf` and `iat`: small (RFC 8725 §3.10 asks for little leeway), enough for servers kept by NTP. */
  clockToleranceSeconds: 30,
  /** Longest token accepted, in characters: far above a real access token, far below what costs parsing time. */
  maxTokenLength: 8192,
  /** Minimum seconds between two key-set refetches caused by an unknown `kid`: a flood of forged `kid`s cannot make us hammer the issuer. */
  jwksCooldownSeconds: 30,
  /** Seconds a fetched key set is used before it is fetched again: picks up a rotation within ten minutes without a fetch per token. */
  jwksCacheMaxAgeSeconds: 600,
  /** Milliseconds a key-set or introspection request may take before it counts as unavailable. */
  timeoutMs: 5000,
  /** How the introspection client authenticates (RFC 7662 §2.1 requires some authentication; basic is what every server supports). */
  authMethod: 'client_secret_basic',
  /** Accepted `token_type` of an introspection answer (compared case-insensitively, RFC 6749 §5.1). `DPoP` is not: a DPoP-bound token is only valid with its proof (RFC 9449 §7), which a bearer validator does not check. */
  introspectionTokenTypes: ['Bearer'],
  /** Seconds a DPoP proof is accepted after its `iat` (RFC 9449 §11.1: a short window): a client makes a fresh proof for each request, so a minute covers the network and no more; the clock tolerance is added for skew. */
  dpopProofMaxAgeSeconds: 60,
} as const;
