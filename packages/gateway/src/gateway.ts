import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Auditor } from '@waymark/core';
import {
  compileTrustedProxies,
  createMemoryRateLimiters,
  PROMETHEUS_CONTENT_TYPE,
  requestIdOf,
  type MetricsRegistry,
  type TrustedProxies,
} from '@waymark/http';
import type { Clock, Logger, RateLimiterFactory, Stores } from '@waymark/sdk';
import type { FetchLike } from '@waymark/access-token';
import { apiRoute } from './api/route.js';
import { checkGatewayConfig } from './config/compile.js';
import type { GatewayConfig, WebRouteConfig } from './config/types.js';
import { sendJson } from './lib/challenge.js';
import type { GatewayRoute, GatewaySettings, RouteDeps } from './lib/route.js';
import { mcpRoute } from './mcp/route.js';
import { webGatewayRoute } from './web/gateway-route.js';
import { gatewayMetrics, type GatewayMetrics } from './observe.js';

/** Builds a `web` route (the web routes' factory, packages/gateway/src/web); its options are checked there. */
export type WebRouteFactory = (config: WebRouteConfig, settings: GatewaySettings, deps: RouteDeps) => GatewayRoute;

export interface GatewayOptions {
  clock?: Clock;
  /** Where secrets named by `…Env` options are read. Default `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
  /** The auditor (`gateway.call` per call); the serve command passes the router's. */
  audit?: Auditor;
  logger?: Logger;
  /** Default: memory limiters (one process). `createRedisRateLimiters` of @waymark/redis shares the budgets across processes. */
  rateLimiters?: RateLimiterFactory;
  /** Stores for step-up transactions (the Waymark server's, so its step-up pages complete them). */
  stores?: Pick<Stores, 'sessions' | 'transactions' | 'counters'>;
  /** The fetch for JWKS and the token exchange (e.g. in-process keys). */
  fetch?: FetchLike;
  /** A registry to add the gateway's metrics to (e.g. the adapter's). Default its own. */
  metrics?: MetricsRegistry;
  /** Builds `web` routes. Default: the web routes of this package (src/web, OpenID Connect login in front of a web app). */
  webRoutes?: WebRouteFactory;
}

/** A running gateway: a request handler and its routes, which `reload` swaps at once. */
export interface Gateway {
  /** Node/express handler: answers the metadata and every route's requests; others go to `next` (or 404). */
  handle(req: IncomingMessage, res: ServerResponse, next?: (error?: unknown) => void): void;
  /** The routes now in force. */
  routes(): readonly GatewayRoute[];
  /** Checks a new configuration and, when it is good, swaps every route at once; a bad one throws and changes nothing. */
  reload(config: unknown): Promise<void>;
  readonly metrics: GatewayMetrics;
  /** `GET /metrics` in the Prometheus text format. */
  metricsHandler(req: IncomingMessage, res: ServerResponse): void;
  close(): Promise<void>;
}

const WELL_KNOWN = '/.well-known/oauth-protected-resource';

interface Table {
  settings: GatewaySettings;
  /** Longest path first, so /mcp/bank/admin wins over /mcp/bank. */
  routes: GatewayRoute[];
}

function build(config: GatewayConfig, deps: RouteDeps, web: WebRouteFactory): Table {
  const settings: GatewaySettings = {
    publicUrl: config.publicUrl,
    bodyLimit: config.bodyLimit ?? 1024 * 1024,
    policies: config.policies,
    stepUpUrl: config.stepUpUrl,
    stepUpCiba: config.stepUpCiba,
  };
  const routes = config.routes.map((route): GatewayRoute => {
    if (route.kind === 'mcp') return mcpRoute(route, settings, deps);
    if (route.kind === 'api') return apiRoute(route, settings, deps);
    return web(route, settings, deps);
  });
  routes.sort((a, b) => b.path.length - a.path.length);
  return { settings, routes };
}

function under(pathname: string, path: string): boolean {
  return pathname === path || (pathname.startsWith(path) && pathname.charCodeAt(path.length) === 47);
}

/**
 * Creates the gateway from its configuration (checked here: a bad one throws
 * `ERR_CONFIG_INVALID` naming every problem).
 *
 * @example
 * const gateway = createGateway(JSON.parse(readFileSync('gateway.json', 'utf8')), { rateLimiters: createRedisRateLimiters({ redis }) });
 * http.createServer((req, res) => gateway.handle(req, res)).listen(8080);
 */
export function createGateway(config: unknown, options: GatewayOptions = {}): Gateway {
  const metrics = gatewayMetrics(options.metrics);
  const deps: RouteDeps = {
    clock: options.clock ?? { now: () => Date.now() },
    env: options.env ?? process.env,
    metrics,
    rateLimiters: options.rateLimiters ?? createMemoryRateLimiters(),
    audit: options.audit,
    logger: options.logger,
    stores: options.stores,
    fetch: options.fetch,
  };
  const noProxies: TrustedProxies = compileTrustedProxies([]);
  let table = build(checkGatewayConfig(config), deps, options.webRoutes ?? webGatewayRoute);

  function metadata(res: ServerResponse, pathname: string): boolean {
    const path = pathname.slice(WELL_KNOWN.length);
    const route = table.routes.find((r) => r.kind === 'mcp' && r.path === path);
    if (!route?.metadata) return false;
    // RFC 9728 §3.2: a JSON document; public, so any origin may read it.
    sendJson(res, 200, route.metadata, { 'Access-Control-Allow-Origin': '*' });
    return true;
  }

  return {
    metrics,
    handle(req, res, next) {
      const url = req.url ?? '/';
      const q = url.indexOf('?');
      const pathname = q === -1 ? url : url.slice(0, q);
      if (pathname.startsWith(WELL_KNOWN) && (req.method === 'GET' || req.method === 'HEAD') && metadata(res, pathname)) return;
      const route = table.routes.find((r) => under(pathname, r.path));
      if (!route) {
        if (next) next();
        else sendJson(res, 404, { error: 'not_found', error_description: 'no gateway route here' });
        return;
      }
      const suffix = (pathname.slice(route.path.length) || '') + (q === -1 ? '' : url.slice(q));
      route.handle(req, res, { suffix, requestId: requestIdOf(req, noProxies) }).catch((error: unknown) => {
        options.logger?.error('gateway: route failed', {
          route: route.name,
          error: error instanceof Error ? error.message : String(error),
        });
        if (!res.headersSent) sendJson(res, 500, { error: 'server_error' });
      });
    },
    routes: () => table.routes,
    async reload(next) {
      const fresh = build(checkGatewayConfig(next), deps, options.webRoutes ?? webGatewayRoute);
      const old = table;
      table = fresh;
      // Pools finish their requests in flight before they close.
      await Promise.all(old.routes.map((r) => r.close()));
    },
    metricsHandler(_req, res) {
      const text = metrics.registry.render();
      res.setHeader('Content-Type', PROMETHEUS_CONTENT_TYPE);
      res.end(text);
    },
    async close() {
      await Promise.all(table.routes.map((r) => r.close()));
    },
  };
}
