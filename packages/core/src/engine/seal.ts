import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { WaymarkError } from '@waymark/sdk';

/**
 * Seals journey secrets for persistence: AES-256-GCM with a random 96-bit IV and the journey
 * id as additional data, so a sealed blob cannot be moved to another journey. Several keys
 * may be configured: the first seals, all open (rotation). node:crypto is used rather than
 * jose's JWE because this is one synchronous call on the suspend path and the format never
 * leaves Waymark.
 *
 * Format: `<kid>.<iv>.<ciphertext>.<tag>` (base64url).
 */
export class Sealer {
  readonly #keys: { kid: string; key: Buffer }[];

  constructor(keys: readonly (Uint8Array | string)[]) {
    if (keys.length === 0) throw new WaymarkError('ERR_CONFIG_INVALID', 'secretKeys: give at least one 32-byte key', { key: 'secretKeys' });
    this.#keys = keys.map((k, i) => {
      const key = typeof k === 'string' ? Buffer.from(k, 'base64url') : Buffer.from(k);
      if (key.length !== 32)
        throw new WaymarkError(
          'ERR_CONFIG_INVALID',
          `secretKeys[${i}] must be 32 bytes (base64url of 32 random bytes; generate one with \`node -e "console.log(require('crypto').randomBytes(32).toString('base64url'))"\`)`,
          { key: `secretKeys[${i}]` },
        );
      return { kid: createHash('sha256').update(key).digest('base64url').slice(0, 8), key };
    });
  }

  /** A sealer with a fresh random key: fine for one process, useless across processes. */
  static ephemeral(): Sealer {
    return new Sealer([randomBytes(32)]);
  }

  seal(plaintext: string, journeyId: string): string {
    const { kid, key } = this.#keys[0]!;
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(Buffer.from(journeyId));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return `${kid}.${iv.toString('base64url')}.${ciphertext.toString('base64url')}.${cipher.getAuthTag().toString('base64url')}`;
  }

  open(sealed: string, journeyId: string): string {
    const [kid, iv, ciphertext, tag] = sealed.split('.');
    const entry = this.#keys.find((k) => k.kid === kid);
    if (!entry || !iv || ciphertext === undefined || !tag) throw new WaymarkError('ERR_JOURNEY_SEALED', 'journey secrets were sealed with an unknown key');
    try {
      const decipher = createDecipheriv('aes-256-gcm', entry.key, Buffer.from(iv, 'base64url'));
      decipher.setAAD(Buffer.from(journeyId));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
    } catch (cause) {
      throw new WaymarkError('ERR_JOURNEY_SEALED', 'journey secrets could not be opened (tampered, or another key)', {}, { cause });
    }
  }
}
