import {
  createLocalJWKSet,
  createRemoteJWKSet,
  customFetch,
  errors,
  jwtVerify,
  type JSONWebKeySet,
  type JWTPayload,
} from 'jose';

/** What a token check concluded: claims, or an outcome with a reason code. */
export type TokenCheck =
  | { ok: true; claims: Record<string, unknown> }
  | { ok: false; outcome: 'invalid' | 'error'; reason: string; cause?: string };

export interface JwtOptions {
  issuer: string;
  audience: string | string[];
  algorithms: readonly string[];
  types: readonly string[];
  clockToleranceSeconds: number;
  maxAgeSeconds?: number;
  jwksUri?: string;
  jwks?: unknown;
  jwksCooldownSeconds: number;
  jwksCacheMaxAgeSeconds: number;
  timeoutMs: number;
}

type RemoteSet = ReturnType<typeof createRemoteJWKSet>;
type FetchImpl = (url: string, init: RequestInit) => Promise<Response>;

/* Remote key sets live at module level, one per URL and options: jose caches the JWKS, refetches
 * it on an unknown `kid` (at most once per cooldown) and when it is older than cacheMaxAge.
 * Per-request sets would fetch the JWKS on every journey. The fetch is late-bound so the
 * engine's `services.fetch` is used even though the set outlives the request. */
const MAX_REMOTE_SETS = 256;
const remoteSets = new Map<string, { set: RemoteSet; fetch: FetchImpl }>();
const localSets = new WeakMap<object, ReturnType<typeof createLocalJWKSet>>();

/* The remote set of an options object, found without building its key (options objects are built once per node config). */
const setsByOptions = new WeakMap<JwtOptions, { key: string; entry: { set: RemoteSet; fetch: FetchImpl } }>();

function remoteSet(url: string, options: JwtOptions, fetchImpl: FetchImpl): RemoteSet {
  const known = setsByOptions.get(options);
  if (known && remoteSets.get(known.key) === known.entry) {
    known.entry.fetch = fetchImpl;
    return known.entry.set;
  }
  const key = JSON.stringify([url, options.jwksCooldownSeconds, options.jwksCacheMaxAgeSeconds, options.timeoutMs]);
  let entry = remoteSets.get(key);
  if (!entry) {
    const holder = { fetch: fetchImpl } as { set: RemoteSet; fetch: FetchImpl };
    holder.set = createRemoteJWKSet(new URL(url), {
      cooldownDuration: options.jwksCooldownSeconds * 1000,
      cacheMaxAge: options.jwksCacheMaxAgeSeconds * 1000,
      timeoutDuration: options.timeoutMs,
      [customFetch]: (u: string, init: RequestInit) => holder.fetch(u, init),
    });
    if (remoteSets.size >= MAX_REMOTE_SETS) remoteSets.delete(remoteSets.keys().next().value as string);
    remoteSets.set(key, holder);
    entry = holder;
  }
  entry.fetch = fetchImpl;
  if (Object.isFrozen(options)) setsByOptions.set(options, { key, entry });
  return entry.set;
}

function localSet(jwks: object): ReturnType<typeof createLocalJWKSet> {
  let set = localSets.get(jwks);
  if (!set) {
    set = createLocalJWKSet(jwks as JSONWebKeySet);
    localSets.set(jwks, set);
  }
  return set;
}

/** `application/at+jwt` and `at+jwt` are the same type (RFC 7515 §4.1.9). */
function normaliseTyp(typ: string): string {
  const lower = typ.toLowerCase();
  return lower.startsWith('application/') ? lower.slice('application/'.length) : lower;
}

function claimReason(error: InstanceType<typeof errors.JWTClaimValidationFailed>): string {
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

/** Maps what jose threw to an outcome. Nothing of the token reaches the reason or cause. */
function fromJoseError(error: unknown): TokenCheck {
  if (error instanceof errors.JWTExpired) return { ok: false, outcome: 'invalid', reason: 'expired' };
  if (error instanceof errors.JWTClaimValidationFailed) return { ok: false, outcome: 'invalid', reason: claimReason(error) };
  if (error instanceof errors.JWSSignatureVerificationFailed) return { ok: false, outcome: 'invalid', reason: 'signature' };
  if (error instanceof errors.JOSEAlgNotAllowed) return { ok: false, outcome: 'invalid', reason: 'algorithm' };
  if (error instanceof errors.JWKSNoMatchingKey) return { ok: false, outcome: 'invalid', reason: 'unknown_kid' };
  if (error instanceof errors.JWKSMultipleMatchingKeys) return { ok: false, outcome: 'invalid', reason: 'signature' };
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid || error instanceof errors.JOSENotSupported)
    return { ok: false, outcome: 'invalid', reason: 'malformed' };
  // JWKSTimeout, JWKSInvalid, a non-200 JWKS response, a refused connection: the key source is down.
  const cause = error instanceof errors.JOSEError ? error.code : error instanceof Error ? error.name : 'unknown';
  return { ok: false, outcome: 'error', reason: 'jwks_unavailable', cause };
}

/**
 * Validates a JWT access token (RFC 9068 §4): pinned algorithms (checked on the header before
 * any key is fetched), signature by the issuer's keys, `iss`, `aud`, `typ`, `exp` (required),
 * `nbf` and `iat` with a small tolerance, optional max age — all against the injected clock.
 */
export async function verifyJwtAccessToken(token: string, options: JwtOptions, nowMs: number, fetchImpl: FetchImpl): Promise<TokenCheck> {
  let payload: JWTPayload;
  try {
    const keys =
      options.jwks !== undefined && options.jwks !== null && typeof options.jwks === 'object'
        ? localSet(options.jwks)
        : remoteSet(options.jwksUri ?? '', options, fetchImpl);
    // RFC 8725 §3.1: never let the token pick its algorithm (`none`, HS256 keyed with the public
    // key). jose refuses an `alg` outside `algorithms` (JOSEAlgNotAllowed → `algorithm`) before it
    // asks the key set for a key, so a forged header never triggers a JWKS fetch.
    const result = await jwtVerify(token, keys, {
      algorithms: [...options.algorithms],
      issuer: options.issuer,
      audience: options.audience,
      clockTolerance: options.clockToleranceSeconds,
      currentDate: new Date(nowMs),
      requiredClaims: ['exp', 'sub'],
      ...(options.maxAgeSeconds !== undefined ? { maxTokenAge: options.maxAgeSeconds } : {}),
    });
    payload = result.payload;
    // RFC 9068 §4: the typ header must be at+jwt; checked after the signature so a forgery reads as one.
    const typ = result.protectedHeader.typ;
    if (typeof typ !== 'string' || !options.types.some((t) => normaliseTyp(t) === normaliseTyp(typ)))
      return { ok: false, outcome: 'invalid', reason: 'type' };
  } catch (error) {
    return fromJoseError(error);
  }
  // jose checks iat only with a max age: a token issued in the future is not valid yet.
  if (typeof payload.iat === 'number' && payload.iat > nowMs / 1000 + options.clockToleranceSeconds)
    return { ok: false, outcome: 'invalid', reason: 'not_yet_valid' };
  return { ok: true, claims: payload as Record<string, unknown> };
}
