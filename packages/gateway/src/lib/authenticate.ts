import type { IncomingMessage } from 'node:http';
import { createAccessTokenValidator, type AccessTokenValidator, type FetchLike } from '@waymark/access-token';
import type { Clock, JsonObject } from '@waymark/sdk';
import type { TokenSettings } from '../config/types.js';
import { bearerToken } from './challenge.js';

/** Who is calling, from a valid access token. */
export interface Caller {
  token: string;
  sub: string;
  /** RFC 8693 §4.1: the actor (`act.sub`) when an agent acts for the subject. */
  act: string | undefined;
  clientId: string | undefined;
  scopes: ReadonlySet<string>;
  claims: JsonObject;
}

export type Authentication = { ok: true; caller: Caller } | { ok: false; status: 401 | 503; error?: 'invalid_token'; description: string };

/** A route's token check: @waymark/access-token with the audience bound to the route's resource (RFC 8707). */
export interface RouteAuthenticator {
  authenticate(req: IncomingMessage): Promise<Authentication>;
  /** The subject of a token, checked again (the policy decision point's `resolveJwt`). */
  subject(jwt: string): Promise<{ sub: string; claims: JsonObject } | undefined>;
}

export function routeAuthenticator(
  token: TokenSettings,
  resource: string,
  options: { clock: Clock; fetch?: FetchLike | undefined },
): RouteAuthenticator {
  const validator: AccessTokenValidator = createAccessTokenValidator({
    issuer: token.issuer,
    jwksUri: token.jwksUri,
    audience: token.audience ?? resource,
    clock: options.clock,
    ...(token.algorithms ? { algorithms: token.algorithms } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const authenticate = async (req: IncomingMessage): Promise<Authentication> => {
    const token = bearerToken(req.headers.authorization);
    // RFC 6750 §3.1: no credentials at all get a challenge without an error code.
    if (token === undefined) return { ok: false, status: 401, description: 'a bearer access token is required' };
    const result = await validator.validate(token);
    if (!result.ok)
      return result.error.kind === 'unavailable'
        ? { ok: false, status: 503, description: 'the token issuer cannot be reached; retry later' }
        : { ok: false, status: 401, error: 'invalid_token', description: `the access token is not accepted (${result.error.reason})` };
    const act = result.claims.act;
    const actSub = act !== null && typeof act === 'object' && !Array.isArray(act) && typeof act.sub === 'string' ? act.sub : undefined;
    return {
      ok: true,
      caller: {
        token,
        sub: result.claims.sub,
        act: actSub,
        clientId: result.clientId,
        scopes: new Set(result.scopes),
        claims: result.claims as JsonObject,
      },
    };
  };
  return {
    authenticate,
    async subject(jwt) {
      const result = await validator.validate(jwt);
      return result.ok ? { sub: result.claims.sub, claims: result.claims as JsonObject } : undefined;
    },
  };
}

/** The scopes of `required` the caller lacks. */
export function missingScopes(caller: Caller, required: readonly string[]): string[] {
  return required.filter((scope) => !caller.scopes.has(scope));
}
