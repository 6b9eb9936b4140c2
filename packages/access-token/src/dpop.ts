import { createHash } from 'node:crypto';
import { calculateJwkThumbprint, EmbeddedJWK, jwtVerify, type JWK } from 'jose';
import type { Clock } from '@waymark/sdk';
import { ACCESS_TOKEN_DEFAULTS } from './defaults.js';
import { AccessTokenError, type AccessTokenReason } from './errors.js';
import { ASYMMETRIC_ALGORITHMS } from './options.js';

/** What a DPoP proof is checked against: the request it came with and the token it presents. */
export interface DpopProofCheck {
  /** The `DPoP` request header (RFC 9449 §4.1); several headers joined with ", " never verify. */
  proof: string | undefined;
  /** The request's HTTP method (`htm`). */
  method: string | undefined;
  /** The absolute URL of the endpoint as the server names it (`htu`); query and fragment are ignored. */
  url: string | undefined;
  /**
   * The access token presented with the proof (`ath`, RFC 9449 §4.2). Absent for a proof sent to
   * a token endpoint, which presents no token (§5): then `ath` is not required.
   */
  accessToken?: string;
  /**
   * The key the token is bound to: its `cnf.jkt` (RFC 9449 §6.1), a JWK SHA-256 thumbprint (RFC
   * 7638). Absent at a token endpoint, which binds the token it issues to the proof's key (the
   * `jkt` of the result).
   */
  jkt?: string;
  /** What `iat` is judged by; default the system clock. */
  clock?: Clock;
  /** Skew tolerated on `iat`, seconds; default `ACCESS_TOKEN_DEFAULTS.clockToleranceSeconds`. */
  clockToleranceSeconds?: number;
  /** How long after its `iat` a proof is accepted, seconds; default `ACCESS_TOKEN_DEFAULTS.dpopProofMaxAgeSeconds`. */
  maxAgeSeconds?: number;
  /**
   * Records a proof's use and answers whether it is the first (RFC 9449 §11.1: a `jti` is
   * accepted once). `key` identifies the proof (key thumbprint and `jti`); remember it for
   * `windowSeconds`, the time the proof could otherwise be accepted in. Without it, replay is
   * not checked. What it throws (a store that is down) is thrown on.
   */
  firstUse?: (key: string, windowSeconds: number) => Promise<boolean>;
}

export type DpopProofResult = { ok: true; jkt: string; jti: string } | { ok: false; error: AccessTokenError };

const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const MAX_PROOF_LENGTH = 8192;

const refused = (reason: AccessTokenReason): DpopProofResult => ({ ok: false, error: new AccessTokenError(reason) });

/** RFC 9449 §4.3 (9): `htu` and the request URL, compared without query and fragment, after URL normalisation. */
function sameTarget(htu: unknown, url: string): boolean {
  if (typeof htu !== 'string' || !URL.canParse(htu) || !URL.canParse(url)) return false;
  const a = new URL(htu);
  const b = new URL(url);
  return a.origin === b.origin && a.pathname === b.pathname;
}

/**
 * Checks a DPoP proof (RFC 9449) presented with a DPoP-bound access token: every check of
 * §4.3 but the server nonce (Waymark issues none), then the binding (§6.1: the thumbprint of the
 * proof's key is the token's `cnf.jkt`) and, with `firstUse`, replay (§11.1). Never throws for a
 * proof: a refused one is `{ ok: false, error }` with reason `dpop_missing`, `dpop_invalid`,
 * `dpop_binding` or `dpop_replay`; nothing of the proof or the token reaches the error.
 *
 * @example
 * const checked = await verifyDpopProof({ proof: req.headers.dpop, method: 'POST', url: 'https://as.example/par',
 *   accessToken: token, jkt: claims.cnf.jkt, firstUse: (key, seconds) => seenOnce(key, seconds) });
 * if (!checked.ok) refuse(checked.error.reason);
 */
export async function verifyDpopProof(check: DpopProofCheck): Promise<DpopProofResult> {
  const { proof, method, url } = check;
  if (proof === undefined || proof === '') return refused('dpop_missing');
  // (1), (2): one DPoP header holding one well-formed JWT.
  if (proof.length > MAX_PROOF_LENGTH || !COMPACT_JWS.test(proof) || method === undefined || url === undefined) return refused('dpop_invalid');
  const tolerance = check.clockToleranceSeconds ?? ACCESS_TOKEN_DEFAULTS.clockToleranceSeconds;
  const maxAge = check.maxAgeSeconds ?? ACCESS_TOKEN_DEFAULTS.dpopProofMaxAgeSeconds;
  let payload: Record<string, unknown>;
  let jwk: JWK;
  try {
    const verified = await jwtVerify(proof, EmbeddedJWK, {
      typ: 'dpop+jwt', // (4)
      algorithms: [...ASYMMETRIC_ALGORITHMS], // (5): asymmetric only, never none or HS*
      requiredClaims: ['jti', 'htm', 'htu', 'iat', ...(check.accessToken !== undefined ? ['ath'] : [])], // (3); ath when a token is presented (§4.2)
      maxTokenAge: maxAge, // (11): iat within the window, and not in the future
      clockTolerance: tolerance,
      currentDate: new Date((check.clock ?? Date).now()),
    }); // (6) the signature verifies with the header's jwk; (7) EmbeddedJWK refuses a private key
    payload = verified.payload as Record<string, unknown>;
    jwk = verified.protectedHeader.jwk as JWK;
  } catch {
    return refused('dpop_invalid');
  }
  const jti = payload['jti'];
  if (typeof jti !== 'string' || jti === '' || jti.length > 256) return refused('dpop_invalid');
  if (payload['htm'] !== method) return refused('dpop_invalid'); // (8)
  if (!sameTarget(payload['htu'], url)) return refused('dpop_invalid'); // (9)
  // (12): ath is the base64url SHA-256 of the access token (§4.2).
  if (check.accessToken !== undefined && payload['ath'] !== createHash('sha256').update(check.accessToken, 'ascii').digest('base64url'))
    return refused('dpop_invalid');
  // (12), §6.1: the token is bound to the proof's key.
  const jkt = await calculateJwkThumbprint(jwk, 'sha256');
  if (check.jkt !== undefined && jkt !== check.jkt) return refused('dpop_binding');
  // §11.1: a proof is accepted once; it could be accepted for maxAge + tolerance either side of its iat.
  if (check.firstUse && !(await check.firstUse(`${jkt}:${jti}`, maxAge + 2 * tolerance))) return refused('dpop_replay');
  return { ok: true, jkt, jti };
}
