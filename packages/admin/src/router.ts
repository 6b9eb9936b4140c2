import { Router } from 'express';
import { bearerStep } from './auth/bearer.js';
import { adminErrorHandler, unknownRoute } from './lib/error-handler.js';
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
  router.use(flowRoutes(ctx), nodeTypeRoutes(ctx), clientRoutes(ctx), journeyRoutes(ctx), auditRoutes(ctx));
  router.use(unknownRoute());
  router.use(adminErrorHandler(ctx.logger));
  return Object.assign(router, { context: ctx });
}
