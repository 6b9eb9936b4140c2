import { randomUUID } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import { clientIpOf, rateLimitSource } from '@waymark/http';
import { ADMIN_DEFAULTS } from '../defaults.js';
import { AdminError } from '../errors.js';
import { setCaller } from '../lib/locals.js';
import type { AdminContext } from '../options.js';

// RFC 6750 §2.1: `Authorization: Bearer <b64token>`; the scheme is case-insensitive (RFC 9110 §11.1).
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** `WWW-Authenticate: Bearer …` (RFC 6750 §3): the realm, then the error attributes, if any. */
export function bearerChallenge(attributes: Record<string, string> = {}): string {
  // RFC 6750 §3: attribute values are quoted strings; ours never hold `"` or `\`.
  const parts = [`realm="${ADMIN_DEFAULTS.realm}"`, ...Object.entries(attributes).map(([k, v]) => `${k}="${v.replace(/["\\]/g, '')}"`)];
  return `Bearer ${parts.join(', ')}`;
}

/**
 * The token's `iss`, read without verifying anything: it only picks which trusted issuer's
 * validator judges the token (which then checks `iss` again, with the signature).
 */
function unverifiedIssuer(token: string): string | undefined {
  const payload = token.split('.')[1];
  if (payload === undefined) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { iss?: unknown };
    return typeof claims.iss === 'string' ? claims.iss : undefined;
  } catch {
    return undefined;
  }
}

function requestIdOf(req: Request): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}

/** `X-Waymark-Session-Id`, when well-formed: the agent session (an MCP server's) the request is part of. */
function sessionIdOf(req: Request): string | undefined {
  const given = req.headers['x-waymark-session-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : undefined;
}

/**
 * The bearer step (RFC 6750): takes the token from the `Authorization` header only (§2.1; never
 * from a query, §2.3, which would put it in logs), validates it with `@waymark/access-token`
 * against the issuer it names (which must be trusted), and spends one unit of the rate limit
 * per token subject and source IP (failed attempts count per source IP). 401 with
 * `WWW-Authenticate: Bearer` for a missing or refused token (§3, §3.1).
 */
export function bearerStep(ctx: AdminContext): RequestHandler {
  const spend = async (key: string): Promise<void> => {
    if (!ctx.limiter) return;
    const decision = await ctx.limiter.consume(key);
    if (!decision.allowed)
      throw new AdminError(
        'ERR_ADMIN_RATE_LIMITED',
        `too many admin requests; wait ${decision.retryAfterSeconds} s (the budget is ${ctx.limiter.spec.max} per ${ctx.limiter.spec.windowSeconds} s per token subject and source IP)`,
        { retryAfterSeconds: decision.retryAfterSeconds },
        // RFC 6585 §4: when to come back.
        { 'Retry-After': String(decision.retryAfterSeconds) },
      );
  };
  return async function bearer(req, res, next) {
    const requestId = requestIdOf(req);
    if (!res.getHeader('X-Request-Id')) res.setHeader('X-Request-Id', requestId);
    const ip = clientIpOf(req, ctx.trustedProxies);
    const source = rateLimitSource(ip);
    const header = req.headers.authorization;
    if (header === undefined || header === '') {
      await spend(`anonymous|${source}`);
      // RFC 6750 §3.1: no authentication information → no error code in the challenge.
      throw new AdminError(
        'ERR_ADMIN_TOKEN_MISSING',
        'send the access token as "Authorization: Bearer <token>" (RFC 6750 §2.1)',
        {},
        { 'WWW-Authenticate': bearerChallenge() },
      );
    }
    const match = BEARER.exec(header);
    const token = match?.[1];
    const issuer = token !== undefined ? unverifiedIssuer(token) : undefined;
    const validator = issuer !== undefined ? ctx.validators.get(issuer) : undefined;
    if (token === undefined || validator === undefined) {
      await spend(`anonymous|${source}`);
      const why = token === undefined ? 'the Authorization header is not "Bearer <token>"' : 'the token was not issued by a trusted issuer';
      throw new AdminError(
        'ERR_ADMIN_TOKEN_INVALID',
        `${why}: get an access token from a trusted issuer for the admin API's audience`,
        { reason: token === undefined ? 'malformed' : 'issuer' },
        {
          'WWW-Authenticate': bearerChallenge({ error: 'invalid_token', error_description: why }),
        },
      );
    }
    const result = await validator.validate(token);
    if (!result.ok) {
      if (result.error.kind === 'unavailable')
        throw new AdminError('ERR_ADMIN_ISSUER_UNAVAILABLE', result.error.message, { reason: result.error.reason });
      await spend(`anonymous|${source}`);
      // The reason names the check that failed (expired, audience…), never a claim's value.
      throw new AdminError(
        'ERR_ADMIN_TOKEN_INVALID',
        `${result.error.message}: get a new access token for the admin API`,
        { reason: result.error.reason },
        {
          'WWW-Authenticate': bearerChallenge({ error: 'invalid_token', error_description: result.error.message }),
        },
      );
    }
    await spend(`${result.claims.sub}|${source}`);
    const sessionId = sessionIdOf(req);
    setCaller(res, { sub: result.claims.sub, clientId: result.clientId, scopes: result.scopes, ip, requestId, sessionId });
    next();
  };
}
