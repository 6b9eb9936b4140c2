import { Router } from 'express';
import { journeyAuditListener, journeyLogListener, type Auditor } from '@waymark/core';
import { buildMetadata, metadataEndpoint } from './endpoints/metadata/index.js';
import { healthzEndpoint } from './endpoints/healthz/index.js';
import { metricsEndpoint } from './endpoints/metrics/index.js';
import { parMethodNotAllowed, parSteps } from './endpoints/par/index.js';
import { stylesheetEndpoint } from './endpoints/assets/index.js';
import { authorizeMethodNotAllowed, authorizeSteps, continueSteps } from './endpoints/authorize/index.js';
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
  /** The resolved options every endpoint shares (an endpoint added to the router takes its steps from it). */
  readonly context: RouterContext;
  /**
   * The router's auditor (the `audit` option), or undefined: hand it to the OpenID Provider
   * (`createOidcProvider({ audit })`) or the admin API, so that every event goes to the same sinks.
   */
  readonly audit: Auditor | undefined;
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

  // Every handler is built once; `install` registers them, on this router or (createWaymarkApp)
  // directly on an app. Headers go on the router's own routes only, never on host routes the
  // request falls through to.
  const headers = securityHeaders(ctx.hsts, ctx.trustedProxies);
  const pageErrors = authorizeErrorPage(ctx);
  const par = sequence([headers, ...parSteps(ctx)]);
  const authorize = sequence([headers, ...authorizeSteps(ctx)]);
  const authorizeContinue = sequence([headers, ...continueSteps(ctx)]);
  const journeys = journeyRoutes(ctx); // POST /journeys/:flow, POST /journeys/:id/continue (+ CORS preflight)
  const policies = policyRoutes(ctx, options.policies); // transactional authorization (off unless `policies` is given)
  const errors = oauthErrorHandler(ctx);
  const install = (target: RouteTarget): void => {
    // The hot endpoints come first (express tries routes in order) and run their named steps as
    // one express layer (see sequence.ts). The browser endpoints answer errors with pages (or
    // the OAuth error redirect), not JSON.
    target.post('/par', par);
    target.get('/authorize', authorize, pageErrors);
    target.post('/authorize/continue', authorizeContinue, pageErrors);
    target.all('/par', headers, parMethodNotAllowed());
    target.all('/authorize', headers, authorizeMethodNotAllowed(), pageErrors);
    target.get('/.well-known/oauth-authorization-server', headers, metadataEndpoint(ctx));
    target.get('/healthz', headers, healthzEndpoint(ctx));
    target.get('/metrics', headers, metricsEndpoint(ctx));
    target.get('/assets/waymark.css', headers, stylesheetEndpoint());
    target.use(journeys);
    target.use(policies);
    target.use(errors);
  };
  ctx.engine?.on?.(journeyMetricsListener(ctx.metrics));
  // The audit trail's journey ends and sessions, and the journey log, come from the engine's events.
  if (ctx.audit) ctx.engine?.on?.(journeyAuditListener(ctx.audit));
  if (ctx.journeyLog) {
    const failed = ctx.metrics.auditFailures.bind({ sink: 'journey_log' });
    ctx.engine?.on?.(journeyLogListener(ctx.journeyLog, { logger: ctx.logger, onFailure: () => failed() }));
  }

  const router = Router();
  install(router);
  const waymark = Object.assign(router, { metrics: ctx.metrics.registry, clients: ctx.clients, context: ctx, audit: ctx.audit });
  installers.set(waymark, install);
  return waymark;
}

/** What routes can be registered on: a Router, or an express app. */
type RouteTarget = Pick<Router, 'get' | 'post' | 'all' | 'use'>;

const installers = new WeakMap<WaymarkRouter, (target: RouteTarget) => void>();

/**
 * Registers the router's routes (the very same handlers) directly on `target`, for an app that
 * serves Waymark at its root: one router level fewer for every request than mounting the
 * router. Returns false for a router not built by createWaymarkRouter.
 */
export function installRoutes(router: WaymarkRouter, target: RouteTarget): boolean {
  const install = installers.get(router);
  if (!install) return false;
  install(target);
  return true;
}
