import { Router } from 'express';
import { buildMetadata, metadataEndpoint } from './endpoints/metadata/index.js';
import { healthzEndpoint } from './endpoints/healthz/index.js';
import { metricsEndpoint } from './endpoints/metrics/index.js';
import { parMethodNotAllowed, parSteps } from './endpoints/par/index.js';
import { stylesheetEndpoint } from './endpoints/assets/index.js';
import { authorizeSteps, continueSteps } from './endpoints/authorize/index.js';
import { authorizeErrorPage } from './endpoints/authorize/error-page.js';
import { journeyRoutes } from './endpoints/journeys/index.js';
import { journeyMetricsListener } from './metrics/journey-metrics.js';
import { policyRoutes } from './endpoints/policies/index.js';
import type { ClientRegistry } from './clients/client-registry.js';
import type { MetricsRegistry } from './metrics/registry.js';
import { sequence } from './lib/sequence.js';
import { oauthErrorHandler } from './middleware/error-handler.js';
import { securityHeaders } from './middleware/security-headers.js';
import { resolveOptions, type RouterContext, type WaymarkRouterOptions } from './options.js';

/** The express Router with the adapter's shared parts attached. */
export interface WaymarkRouter extends Router {
  /** The metrics registry behind `/metrics`: add journeys-by-flow-and-outcome, node durations… */
  readonly metrics: MetricsRegistry;
  /** The validated clients. */
  readonly clients: ClientRegistry;
  /** The resolved options every endpoint shares; the authorize and journey endpoints plug in with it. */
  readonly context: RouterContext;
}

/**
 * Builds the Waymark HTTP adapter as an express 5 Router for an existing app to mount. Options
 * and clients are validated here: bad configuration throws `ERR_ROUTER_OPTIONS` or
 * `ERR_CLIENT_CONFIG` at start-up, never at the first request.
 *
 * Mount it at the issuer's path: the endpoint URLs in the metadata are derived from `issuer`.
 *
 * @example
 * import express from 'express';
 * import { createMemoryStores } from '@waymark/core';
 * import { createWaymarkRouter } from '@waymark/express';
 *
 * const app = express();
 * app.use('/', createWaymarkRouter({
 *   issuer: 'https://login.example.com',
 *   clients: JSON.parse(readFileSync('clients.json', 'utf8')),
 *   stores: createMemoryStores(),
 * }));
 */
export function createWaymarkRouter(options: WaymarkRouterOptions): WaymarkRouter {
  const ctx = resolveOptions(options);
  buildMetadata(ctx); // fail at start-up, not at the first GET, if anything is off
  const router = Router();

  // Headers go on the router's own routes only, never on host routes the request falls through to.
  const headers = securityHeaders();
  // The hot endpoints come first (express tries routes in order) and run their named steps as
  // one express layer (see sequence.ts). The browser endpoints answer errors with pages (or the
  // OAuth error redirect), not JSON.
  const pageErrors = authorizeErrorPage(ctx);
  router.post('/par', sequence([headers, ...parSteps(ctx)]));
  router.get('/authorize', sequence([headers, ...authorizeSteps(ctx)]), pageErrors);
  router.post('/authorize/continue', sequence([headers, ...continueSteps(ctx)]), pageErrors);
  router.all('/par', headers, parMethodNotAllowed());
  router.get('/.well-known/oauth-authorization-server', headers, metadataEndpoint(ctx));
  router.get('/healthz', headers, healthzEndpoint(ctx));
  router.get('/metrics', headers, metricsEndpoint(ctx));
  router.get('/assets/waymark.css', headers, stylesheetEndpoint());
  router.use(journeyRoutes(ctx)); // POST /journeys/:flow, POST /journeys/:id/continue (+ CORS preflight)
  ctx.engine?.on?.(journeyMetricsListener(ctx.metrics));
  router.use(policyRoutes(ctx, options.policies)); // transactional authorization (off unless `policies` is given)
  router.use(oauthErrorHandler(ctx));

  return Object.assign(router, { metrics: ctx.metrics.registry, clients: ctx.clients, context: ctx });
}
