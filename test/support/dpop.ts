import { createHash, randomUUID } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';

/**
 * The client side of DPoP (RFC 9449) for tests: a key pair, its thumbprint (the `cnf.jkt` a
 * bound token carries) and proofs, each field overridable to build a broken one.
 */
export interface DpopKey {
  privateKey: CryptoKey;
  publicJwk: JWK;
  /** RFC 7638 SHA-256 thumbprint of the public key. */
  jkt: string;
}

export async function dpopKey(): Promise<DpopKey> {
  const pair = await generateKeyPair('ES256', { extractable: true });
  const publicJwk = await exportJWK(pair.publicKey);
  return { privateKey: pair.privateKey, publicJwk, jkt: await calculateJwkThumbprint(publicJwk, 'sha256') };
}

/** `ath` (RFC 9449 §4.2): base64url SHA-256 of the access token. */
export function accessTokenHash(token: string): string {
  return createHash('sha256').update(token, 'ascii').digest('base64url');
}

export interface ProofOptions {
  htm?: string;
  htu: string;
  /** The token the proof presents; `ath` is its hash unless `ath` is given. */
  accessToken?: string;
  ath?: string | null;
  /** Seconds since the epoch; default now by `nowMs`. */
  iat?: number;
  nowMs?: number;
  jti?: string;
  typ?: string;
  /** The header's jwk; default the key's public JWK. */
  jwk?: JWK;
}

/** A DPoP proof JWT signed with `key` (ES256). */
export function dpopProof(key: DpopKey, options: ProofOptions): Promise<string> {
  const claims: Record<string, unknown> = {
    jti: options.jti ?? randomUUID(),
    htm: options.htm ?? 'POST',
    htu: options.htu,
    iat: options.iat ?? Math.floor((options.nowMs ?? Date.now()) / 1000),
  };
  if (options.ath !== null) {
    const ath = options.ath ?? (options.accessToken === undefined ? undefined : accessTokenHash(options.accessToken));
    if (ath !== undefined) claims.ath = ath;
  }
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'ES256', typ: options.typ ?? 'dpop+jwt', jwk: options.jwk ?? key.publicJwk })
    .sign(key.privateKey);
}
