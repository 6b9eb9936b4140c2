import { createHash } from 'node:crypto';
import { createLocalJWKSet, createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import type { Client } from '../clients/types.js';
import { DEFAULTS } from '../defaults.js';
import type { RouterContext } from '../options.js';
import { invalidClient } from './presented-credentials.js';

const keySets = new WeakMap<Client, JWTVerifyGetKey>();

/* One key set per client for the router's lifetime: remote sets keep their own cache and cooldown. */
function keySetOf(client: Client): JWTVerifyGetKey {
  let keys = keySets.get(client);
  if (!keys) {
    if (client.jwks) keys = createLocalJWKSet(client.jwks);
    else if (client.jwksUri) keys = createRemoteJWKSet(client.jwksUri, { timeoutDuration: 3000, cooldownDuration: 30_000 });
    else throw invalidClient('client has no keys registered', false);
    keySets.set(client, keys);
  }
  return keys;
}

/* Why an assertion failed, in words safe for a response (never the token itself). */
function reasonOf(error: unknown): string {
  if (error instanceof joseErrors.JWTExpired) return 'expired';
  if (error instanceof joseErrors.JWTClaimValidationFailed) return `claim "${error.claim}" is invalid`;
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return 'signed with an algorithm this client may not use';
  if (error instanceof joseErrors.JWKSNoMatchingKey || error instanceof joseErrors.JWSSignatureVerificationFailed) return 'signature does not verify';
  if (error instanceof joseErrors.JWKSTimeout || error instanceof joseErrors.JOSEError) return 'could not be verified';
  return 'could not be verified';
}

/**
 * Verifies a `private_key_jwt` (or `client_secret_jwt`, HMAC with the client secret) client assertion (RFC 7523 §3, RFC 7521 §4.2): signed with one
 * of the client's keys and an allowed asymmetric algorithm; `iss` and `sub` are the client id;
 * `aud` is the issuer or the PAR endpoint URL (RFC 9126 §2); `exp` and `jti` are present; the
 * lifetime is bounded; and the `jti` is used once (remembered in the counter store until the
 * assertion expires).
 */
export async function verifyClientAssertion(ctx: RouterContext, client: Client, assertion: string): Promise<void> {
  const now = ctx.clock.now();
  let payload;
  try {
    // client_secret_jwt (RFC 7523 §2.2 with an HMAC over the client secret, OIDC Core §9) shares every rule but the key.
    const secretJwt = client.authMethod === 'client_secret_jwt';
    const options = {
      issuer: client.clientId,
      subject: client.clientId,
      audience: [ctx.issuer, ctx.endpoints.pushedAuthorizationRequest],
      algorithms: secretJwt ? ['HS256', 'HS384', 'HS512'] : [...client.signingAlgorithms],
      requiredClaims: ['exp', 'jti'],
      currentDate: new Date(now),
      clockTolerance: DEFAULTS.clockToleranceSeconds,
    };
    ({ payload } = secretJwt
      ? await jwtVerify(assertion, new TextEncoder().encode(client.secret ?? ''), options)
      : await jwtVerify(assertion, keySetOf(client), options));
  } catch (error) {
    throw invalidClient(`client assertion ${reasonOf(error)}`, false);
  }
  const exp = payload.exp as number;
  const jti = payload.jti as string;
  const lifetime = exp - now / 1000;
  if (lifetime > DEFAULTS.maxAssertionLifetimeSeconds)
    throw invalidClient(`client assertion lives too long (exp must be within ${DEFAULTS.maxAssertionLifetimeSeconds} s)`, false);
  // RFC 7523 §3 item 7: the server may refuse a replayed jti. Remember it until exp (+ skew).
  const key = `waymark:jti:${createHash('sha256').update(`${client.clientId}\0${jti}`).digest('base64url')}`;
  const uses = await ctx.stores.counters.increment(key, Math.ceil(lifetime) + DEFAULTS.clockToleranceSeconds);
  if (uses > 1) throw invalidClient('client assertion was already used (jti replay)', false);
}
