import { Router } from 'express';
import { bearerStep } from './auth/bearer.js';
import { adminAccessEvent } from './lib/audit.js';
import { adminErrorHandler, unknownRoute } from './lib/error-handler.js';
import { callerOf } from './lib/locals.js';
import { sendJson } from './lib/respond.js';
import { permit } from './auth/permit.js';
import { resolveAdminOptions, type AdminContext, type AdminRouterOptions } from './options.js';
import { auditRoutes } from './routes/audit-events.js';
import { clientRoutes } from './routes/clients.js';
import { flowRoutes } from './routes/flows.js';
import { journeyRoutes } from './routes/journeys.js';
import { nodeTypeRoutes } from './routes/node-types.js';

/** The admin API's express Router, with its resolved options. */
export interface AdminRouter extends Router {
  readonly context: AdminContext;
}

/**
 * Builds the admin API (`/admin/v1`, JSON) as an express 5 Router: flows (versions, validation,
 * activation, roll-back), the node type catalog, clients, the journey log and audit events, over
 * the control-plane stores. An OAuth protected resource (RFC 6750): every request carries a
 * bearer token of a trusted issuer for the admin audience, with `waymark:admin:read` (reads) or
 * `waymark:admin:write` (changes, which also need `writes: true`). Bad options throw
 * `ERR_ADMIN_OPTIONS` here, never at the first request.
 *
 * @example
 * app.use('/admin/v1', createAdminRouter({
 *   issuer: 'https://login.example.com',
 *   trustedIssuers: [{ issuer: 'https://login.example.com', jwksUri: 'https://login.example.com/jwks' }],
 *   stores: createMemoryControlStores(),
 *   registry: engine.registry,
 *   validateClient: clientConfigProblems, // from @waymark/express
 *   writes: true, mode: 'development',
 * }));
 */
export function createAdminRouter(options: AdminRouterOptions): AdminRouter {
  const ctx = resolveAdminOptions(options);
  const router = Router();
  // Every request: the bearer token first (401 before anything else is said), then the routes.
  router.use(bearerStep(ctx));
  // A read in an agent session lands in the audit trail too (changes write their own admin.change).
  router.use((req, res, next) => {
    const caller = callerOf(res);
    const change = req.method !== 'GET' && !(req.method === 'POST' && req.path === '/flows/validate');
    if (caller.sessionId !== undefined && !change)
      res.once('finish', () => ctx.audit.write(adminAccessEvent(caller, `${req.method} ${req.path}`, res.statusCode, ctx.clock.now())));
    next();
  });
  // What a client must know before it changes anything: the mode, and whether changes are allowed.
  router.get('/server', permit(ctx, 'read'), (_req, res) => {
    sendJson(res, 200, { mode: ctx.mode, writes: ctx.writes, allowWritesInProduction: ctx.allowWritesInProduction });
  });
  router.use(flowRoutes(ctx), nodeTypeRoutes(ctx), clientRoutes(ctx), journeyRoutes(ctx), auditRoutes(ctx));
  router.use(unknownRoute());
  router.use(adminErrorHandler(ctx.logger));
  return Object.assign(router, { context: ctx });
}
