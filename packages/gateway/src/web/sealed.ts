import { createHash, hkdfSync } from 'node:crypto';
import { decodeProtectedHeader, EncryptJWT, jwtDecrypt, type JWTPayload } from 'jose';

/*
 * The gateway's cookies are sealed: a JWE (RFC 7516) with direct AES-256-GCM encryption, so the
 * browser can neither read (the ID token inside) nor change them; GCM's tag fails any tampered
 * byte. Each key string is stretched with HKDF (RFC 5869) per purpose, so a login cookie never
 * opens as a session cookie. The first key seals; every key opens (rotate by putting the new key
 * first and dropping the old one after a session lifetime).
 */

/** What a sealed cookie is for; part of the key derivation. */
export type SealPurpose = 'session' | 'login';

interface DerivedKey {
  kid: string;
  key: Uint8Array;
}

/** Seals and opens one purpose's cookies with the configured keys. */
export interface Sealer {
  seal(payload: JWTPayload, expiresAtSeconds: number): Promise<string>;
  /** The payload, or `undefined` for a cookie that is absent, tampered, sealed with an unknown key, of another purpose or expired at `nowMs`. */
  open(value: string | undefined, nowMs: number): Promise<JWTPayload | undefined>;
}

function derive(secret: string, purpose: SealPurpose): DerivedKey {
  const key = new Uint8Array(hkdfSync('sha256', secret, new Uint8Array(0), `waymark gateway web ${purpose} cookie`, 32));
  // A key id that names the key without revealing it: the first 8 bytes of its hash.
  const kid = createHash('sha256').update(key).digest('base64url').slice(0, 11);
  return { kid, key };
}

/**
 * A sealer over `secrets` (the first seals) for `purpose`.
 *
 * @example
 * const sessions = createSealer(['a-32-character-or-longer-random-secret'], 'session');
 * const cookie = await sessions.seal({ sub: 'alice' }, nowSeconds + 3600);
 * await sessions.open(cookie, Date.now()); // { sub: 'alice', exp: … }
 */
export function createSealer(secrets: readonly string[], purpose: SealPurpose): Sealer {
  const keys = secrets.map((s) => derive(s, purpose));
  const current = keys[0];
  if (!current) throw new TypeError('createSealer: at least one key');
  return {
    seal: (payload, expiresAtSeconds) =>
      new EncryptJWT(payload)
        .setProtectedHeader({ alg: 'dir', enc: 'A256GCM', kid: current.kid })
        .setExpirationTime(expiresAtSeconds)
        .encrypt(current.key),
    async open(value, nowMs) {
      if (!value) return undefined;
      try {
        // The key named by the header's kid (RFC 7516 §4.1.6); an unknown key id opens nothing.
        const kid = decodeProtectedHeader(value).kid;
        const entry = keys.find((k) => k.kid === kid);
        if (!entry) return undefined;
        const { payload } = await jwtDecrypt(value, entry.key, {
          currentDate: new Date(nowMs),
          keyManagementAlgorithms: ['dir'],
          contentEncryptionAlgorithms: ['A256GCM'],
          requiredClaims: ['exp'],
        });
        return payload;
      } catch {
        // Malformed, tampered (GCM tag), expired, or sealed for another purpose (another HKDF key): no cookie.
        return undefined;
      }
    },
  };
}
