import { createAccessTokenValidator, type AccessTokenValidatorOptions } from '@waymark/access-token';
import { PolicyError } from './errors.js';
import type { JwtSubjectResolver, PolicySubject } from './pdp.js';

/**
 * Where the access tokens an enforcement point sends as `subject.jwt` come from, and what they
 * must carry: the options of `@waymark/access-token`'s validator (`issuer`, `audience`, `jwksUri`
 * or `jwks`, `algorithms`, `types`, `clockToleranceSeconds`, …) with the clock required.
 */
export type JwtSubjectOptions = Omit<AccessTokenValidatorOptions, 'introspection' | 'clock'> & Required<Pick<AccessTokenValidatorOptions, 'clock'>>;

/**
 * Resolves the subject of a bearer JWT access token with the one access-token validator
 * (RFC 9068 / RFC 8725: algorithms pinned to asymmetric ones, never `none` or HMAC; issuer,
 * audience, `typ: at+jwt`, `exp` and `sub` required; `nbf`/`iat` with a small skew) and returns
 * its subject with its claims, or undefined when the token is not acceptable (the PDP then
 * answers with no actions). When the issuer's keys cannot be fetched it throws
 * `ERR_PDP_UNAVAILABLE`: the enforcement point fails closed. Bad options throw
 * `ERR_CONFIG_INVALID` here, at start-up. Plug it in as `resolveJwt` of
 * `createPolicyDecisionPoint` (or the router's `policies`).
 *
 * @example
 * const resolveJwt = jwtSubjectResolver({ issuer: 'https://as.example', audience: 'https://api.example', jwksUri: 'https://as.example/jwks', clock });
 * const subject = await resolveJwt(bearerToken); // { sub, claims } or undefined
 */
export function jwtSubjectResolver(options: JwtSubjectOptions): JwtSubjectResolver {
  const validator = createAccessTokenValidator(options);
  return async (jwt: string): Promise<PolicySubject | undefined> => {
    const result = await validator.validate(jwt);
    if (result.ok) return { sub: result.claims.sub, claims: result.claims };
    if (result.error.kind === 'unavailable')
      throw new PolicyError('ERR_PDP_UNAVAILABLE', "the subject's token could not be checked: its issuer's keys are unavailable; retry later", { reason: result.error.reason }, { cause: result.error });
    return undefined; // not an acceptable token: no subject
  };
}
