import { generate, verify } from 'otplib';

export type TotpAlgorithm = 'sha1' | 'sha256' | 'sha512';

export interface TotpOptions {
  /** Base32 text (authenticator apps) or raw bytes (the RFC 6238 test seeds). */
  secret: string | Uint8Array;
  /** Unix time in seconds. */
  epoch: number;
  algorithm?: TotpAlgorithm;
  digits?: 6 | 7 | 8;
  period?: number;
}

/**
 * An RFC 6238 code (otplib 13).
 *
 * @example
 * await generateTotp({ secret: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP', epoch: 59 });
 */
export function generateTotp(o: TotpOptions): Promise<string> {
  return generate({ secret: o.secret, epoch: o.epoch, algorithm: o.algorithm ?? 'sha1', digits: o.digits ?? 6, period: o.period ?? 30 });
}

/**
 * Checks an RFC 6238 code, accepting `window` time steps either side and only steps after
 * `afterTimeStep` (replay protection). Returns the matched time step, or undefined. Malformed
 * codes are a plain "no"; an unusable secret (under 16 bytes, not base32) throws.
 *
 * @example
 * const step = await verifyTotp({ secret, epoch: now / 1000, token: '123456', window: 1, afterTimeStep: last });
 */
export async function verifyTotp(o: TotpOptions & { token: string; window?: number; afterTimeStep?: number }): Promise<number | undefined> {
  const period = o.period ?? 30;
  if (!new RegExp(`^[0-9]{${o.digits ?? 6}}$`).test(o.token)) return undefined;
  const tolerance = (o.window ?? 1) * period;
  const result = await verify({
    secret: o.secret,
    token: o.token,
    epoch: o.epoch,
    algorithm: o.algorithm ?? 'sha1',
    digits: o.digits ?? 6,
    period,
    epochTolerance: [tolerance, tolerance],
    ...(o.afterTimeStep === undefined ? {} : { afterTimeStep: o.afterTimeStep }),
  });
  return result.valid && 'timeStep' in result ? result.timeStep : undefined;
}
