import { importJWK, SignJWT, type JWK, type JWTPayload } from 'jose';

/*
 * The identity the upstream receives: a JWT (RFC 7519) the gateway signs for each forwarded
 * request, with the upstream as its audience and a lifetime of seconds. The upstream verifies it
 * with the route's JWKS (`<path>/_waymark/jwks.json`) and trusts nothing else: a client's own
 * copy of the header is removed before forwarding.
 */

/** A private signing JWK: `kid` and `alg` are required so the upstream can pick the key and pin the algorithm (RFC 8725 §3.1). */
export type SigningJwk = JWK & { kid: string; alg: string };

/** Members of a private JWK that must never be published (RFC 7518 §6.2.2, §6.3.2, RFC 8037 §2). */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

/** The public half of a signing JWK, for the JWKS. */
export function publicJwk(jwk: SigningJwk): JWK {
  const out: JWK = {};
  for (const [name, value] of Object.entries(jwk)) if (!PRIVATE_MEMBERS.includes(name)) (out as Record<string, unknown>)[name] = value;
  out.use = 'sig';
  return out;
}

/** Signs identity JWTs with one key. */
export interface IdentitySigner {
  sign(claims: JWTPayload & { sub: string }, nowMs: number): Promise<string>;
}

/**
 * @example
 * const signer = await createIdentitySigner(jwk, { issuer: 'https://gw.example', audience: 'http://app:8080', ttlSeconds: 30 });
 * req.headers['x-waymark-identity'] = await signer.sign({ sub: 'alice' }, Date.now());
 */
export async function createIdentitySigner(
  jwk: SigningJwk,
  options: { issuer: string; audience: string; ttlSeconds: number },
): Promise<IdentitySigner> {
  const key = await importJWK(jwk, jwk.alg);
  return {
    sign(claims, nowMs) {
      const now = Math.floor(nowMs / 1000);
      return new SignJWT(claims)
        .setProtectedHeader({ alg: jwk.alg, kid: jwk.kid, typ: 'JWT' })
        .setIssuer(options.issuer)
        .setAudience(options.audience)
        .setIssuedAt(now)
        .setExpirationTime(now + options.ttlSeconds)
        .sign(key);
    },
  };
}
