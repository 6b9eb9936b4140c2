import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { WaymarkError } from '@waymark/sdk';
import { NODES_ERRORS } from '../errors.js';

/* scrypt parameters: N = 2^15, r = 8, p = 3 — one of OWASP's equivalent minimums (the Password
 * Storage Cheat Sheet lists 2^17/8/1 … 2^15/8/3); this one needs 32 MiB per check instead of
 * 128 MiB, which matters when many logins run at once. Hashes carry their parameters, so raising
 * them later keeps old hashes verifiable. */
export const SCRYPT_DEFAULTS = { N: 2 ** 15, r: 8, p: 3, saltBytes: 16, keyBytes: 32 } as const;

/* Bounds for parameters read from a hash: a crafted users file must not make one login burn
 * gigabytes of memory. */
const MAX_N = 2 ** 20;
const MAX_R = 32;
const MAX_P = 16;

export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

function scryptAsync(password: string, salt: Buffer, keylen: number, params: ScryptParams): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFKC'), salt, keylen, { ...params, maxmem: 256 * params.N * params.r + 1024 * 1024 }, (err, key) =>
      err ? reject(err) : resolve(key),
    );
  });
}

/**
 * Hashes a password into the self-describing `scrypt$N$r$p$salt$hash` form (salt and hash in
 * base64url). For tooling that writes users files.
 *
 * @example
 * const passwordHash = await hashPassword('correct horse battery staple');
 * // 'scrypt$32768$8$1$Jd3…$Yh8…'
 */
export async function hashPassword(password: string, params: Partial<ScryptParams> = {}): Promise<string> {
  const p: ScryptParams = { N: params.N ?? SCRYPT_DEFAULTS.N, r: params.r ?? SCRYPT_DEFAULTS.r, p: params.p ?? SCRYPT_DEFAULTS.p };
  const salt = randomBytes(SCRYPT_DEFAULTS.saltBytes);
  const key = await scryptAsync(password, salt, SCRYPT_DEFAULTS.keyBytes, p);
  return ['scrypt', p.N, p.r, p.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

interface ParsedHash extends ScryptParams {
  salt: Buffer;
  key: Buffer;
}

/** Parses `scrypt$N$r$p$salt$hash`; undefined when malformed or out of bounds. */
export function parsePasswordHash(encoded: string): ParsedHash | undefined {
  const parts = encoded.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return undefined;
  const [N, r, p] = parts.slice(1, 4).map((x) => (/^[1-9][0-9]{0,9}$/.test(x) ? Number(x) : NaN)) as [number, number, number];
  if (!(N >= 2 && N <= MAX_N && (N & (N - 1)) === 0) || !(r >= 1 && r <= MAX_R) || !(p >= 1 && p <= MAX_P)) return undefined;
  const salt = Buffer.from(parts[4] ?? '', 'base64url');
  const key = Buffer.from(parts[5] ?? '', 'base64url');
  if (salt.length < 8 || key.length < 16 || key.length > 128) return undefined;
  return { N, r, p, salt, key };
}

/**
 * Checks a password against a hash in constant time (`crypto.timingSafeEqual`). A malformed
 * hash throws `ERR_PASSWORD_HASH` (a broken users file is an operator error, not a wrong password).
 *
 * @example
 * await verifyPassword('secret', user.passwordHash); // true | false
 */
export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  const parsed = parsePasswordHash(encoded);
  if (!parsed) throw new WaymarkError(NODES_ERRORS.ERR_PASSWORD_HASH, 'password hash is not in the scrypt$N$r$p$salt$hash form');
  const key = await scryptAsync(password, parsed.salt, parsed.key.length, parsed);
  return timingSafeEqual(key, parsed.key);
}

/* Default parameters, zero salt, zero key: only the work matters, the comparison always fails. */
const DUMMY_HASH = ['scrypt', SCRYPT_DEFAULTS.N, SCRYPT_DEFAULTS.r, SCRYPT_DEFAULTS.p, 'A'.repeat(22), 'A'.repeat(43)].join('$');

/**
 * Burns the same scrypt work as a real check, for unknown users, so that response time does
 * not tell whether a username exists. Always false.
 */
export async function dummyVerify(password: string): Promise<false> {
  await verifyPassword(password, DUMMY_HASH);
  return false;
}
