import type { RequestHandler } from 'express';
import { ADMIN_DEFAULTS } from '../defaults.js';
import { AdminError } from '../errors.js';
import { callerOf } from '../lib/locals.js';
import type { AdminContext } from '../options.js';
import { bearerChallenge } from './bearer.js';

/** What a route does: reads (`waymark:admin:read`) or changes (`waymark:admin:write`). */
export type Access = 'read' | 'write';

/**
 * The authorization step of a route, after the bearer step: a change needs writes enabled
 * (and, in production mode, allowed there too), then the route's scope. A missing scope is 403
 * `insufficient_scope` with the scope named in `WWW-Authenticate` (RFC 6750 §3.1).
 */
export function permit(ctx: AdminContext, access: Access): RequestHandler {
  const scope = access === 'read' ? ADMIN_DEFAULTS.readScope : ADMIN_DEFAULTS.writeScope;
  return function permitted(_req, res, next) {
    if (access === 'write') {
      if (!ctx.writes)
        throw new AdminError(
          'ERR_ADMIN_READ_ONLY',
          'the admin API is read-only: set "admin": { "writes": true } in the serve config (the "writes" option of createAdminRouter) to allow changes',
        );
      if (ctx.mode === 'production' && !ctx.allowWritesInProduction)
        throw new AdminError(
          'ERR_ADMIN_WRITES_IN_PRODUCTION',
          'changes are refused in production mode: set "admin": { "allowWritesInProduction": true } as well (or run with "mode": "development")',
        );
    }
    if (!callerOf(res).scopes.includes(scope))
      throw new AdminError(
        'ERR_ADMIN_INSUFFICIENT_SCOPE',
        `the access token lacks the scope "${scope}": ask the issuer for a token with it`,
        { scope },
        {
          'WWW-Authenticate': bearerChallenge({
            error: 'insufficient_scope',
            scope,
            error_description: `the scope "${scope}" is required`,
          }),
        },
      );
    next();
  };
}
