import { errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { AccessTokenError, type AccessTokenReason } from '../errors.js';
import type { ResolvedOptions } from '../options.js';

/** `application/at+jwt` and `at+jwt` are the same type (RFC 7515 §4.1.9). */
export function normaliseTyp(typ: string): string {
  const lower = typ.toLowerCase();
  return lower.startsWith('application/') ? lower.slice('application/'.length) : lower;
}

function claimReason(error: InstanceType<typeof errors.JWTClaimValidationFailed>): AccessTokenReason {
  if (error.reason === 'missing') return error.claim === 'exp' ? 'no_expiry' : 'malformed';
  switch (error.claim) {
    case 'iss':
      return 'issuer';
    case 'aud':
      return 'audience';
    case 'nbf':
    case 'iat':
      return error.reason === 'check_failed' ? 'not_yet_valid' : 'malformed';
    case 'typ':
      return 'type';
    default:
      return 'malformed';
  }
}

/** Maps what jose threw to a coded error. Nothing of the token reaches the error. */
function fromJoseError(error: unknown): AccessTokenError {
  if (error instanceof errors.JWTExpired) return new AccessTokenError('expired');
  if (error instanceof errors.JWTClaimValidationFailed) return new AccessTokenError(claimReason(error));
  if (error instanceof errors.JWSSignatureVerificationFailed) return new AccessTokenError('signature');
  if (error instanceof errors.JOSEAlgNotAllowed) return new AccessTokenError('algorithm');
  if (error instanceof errors.JWKSNoMatchingKey) return new AccessTokenError('unknown_kid');
  if (error instanceof errors.JWKSMultipleMatchingKeys) return new AccessTokenError('signature');
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid || error instanceof errors.JOSENotSupported) return new AccessTokenError('malformed');
  // JWKSTimeout, JWKSInvalid, a non-200 JWKS response, a refused connection: the key source is down.
  const cause = error instanceof errors.JOSEError ? error.code : error instanceof Error ? error.name : 'unknown';
  return new AccessTokenError('jwks_unavailable', { cause }, { cause: error });
}

/**
 * Verifies a JWT access token (RFC 9068 §4): pinned algorithms (checked on the header before any
 * key is fetched), signature by the issuer's keys, `iss`, `aud`, `typ`, `exp` (required), `sub`
 * (required), `nbf` and `iat` with a small tolerance, optional max age — all against `nowMs`.
 */
export async function verifyJwt(token: string, keys: JWTVerifyGetKey, options: ResolvedOptions, nowMs: number): Promise<JWTPayload | AccessTokenError> {
  let payload: JWTPayload;
  try {
    // RFC 8725 §3.1: never let the token pick its algorithm (`none`, HS256 keyed with the public
    // key). jose refuses an `alg` outside `algorithms` (JOSEAlgNotAllowed → `algorithm`) before it
    // asks the key set for a key, so a forged header never triggers a JWKS fetch.
    const result = await jwtVerify(token, keys, {
      algorithms: [...options.algorithms],
      issuer: options.issuer,
      audience: [...(options.audience ?? [])],
      clockTolerance: options.clockToleranceSeconds,
      currentDate: new Date(nowMs),
      // RFC 9068 §2.2: exp and sub are required.
      requiredClaims: ['exp', 'sub'],
      ...(options.maxAgeSeconds !== undefined ? { maxTokenAge: options.maxAgeSeconds } : {}),
    });
    payload = result.payload;
    // RFC 9068 §4: the typ header must be at+jwt; checked after the signature so a forgery reads as one.
    const typ = result.protectedHeader.typ;
    if (typeof typ !== 'string' || !options.types.some((t) => normaliseTyp(t) === normaliseTyp(typ))) return new AccessTokenError('type');
  } catch (error) {
    return fromJoseError(error);
  }
  // jose checks iat only with a max age: a token issued in the future is not valid yet.
  if (typeof payload.iat === 'number' && payload.iat > nowMs / 1000 + options.clockToleranceSeconds) return new AccessTokenError('not_yet_valid');
  return payload;
}
